"""What every summary page shows in some form: the header (name, our type, alignments,
identifiers), titles built from content, grant rows with their sources, totals by programme and
by year, incoming links grouped by property and paged, and the documents that mention the
resource.

Everything here is a bounded store look-up for one resource, or a look-up in the release's
`FundingIndex`; labels are fetched for what a page shows, never for everything it counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

import pyoxigraph as ox

from foerdergraph.core.namespaces import DCTERMS, FG, RDF, RDFS, SKOS
from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve.linked_data import Evidence, evidence, term_text
from foerdergraph.serve.results import PREFIXES
from foerdergraph.serve.summaries.funding import FundingIndex, Grant, package_query, records
from foerdergraph.serve.summaries.language import STRINGS, Labeller

RDF_TYPE = ox.NamedNode(RDF + "type")
SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
IDENTIFIERS = (ox.NamedNode(DCTERMS + "identifier"), ox.NamedNode(FG + "ags"))
FG_EVIDENCE = ox.NamedNode(FG + "evidence")
FG_MENTION = ox.NamedNode(FG + "mention")
FG_IN_DATASET = ox.NamedNode(FG + "inDataset")
FG_ROW = ox.NamedNode(FG + "row")
FG_QUOTE = ox.NamedNode(FG + "quote")
INCOMING_COUNTS = package_query("incoming-counts.rq")
INCOMING_LINKS = package_query("incoming-links.rq")

PREVIEW = 10
"""Incoming links shown per property before the reader asks for one property's pages."""
PAGE_SIZE = 50
"""Rows per page of a grants table or of one property's incoming links."""
QUOTE_CHARACTERS = 90
"""A quote used as a title is cut after this many characters."""


@dataclass(frozen=True)
class Link:
    """A resource as a page shows it: where it points and what it is called."""

    iri: str
    label: str


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a quote in a document or a row of an imported list."""

    iri: str
    quote: Evidence | None
    dataset: Link | None
    row: int | None


@dataclass
class Header:
    iri: str
    label: str
    type: Link | None
    alignments: list[Link]
    identifiers: list[str]
    alt_labels: list[str]
    parents: list[Link] = field(default_factory=list)
    children: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class GrantRow:
    """One grant in a table: titled from its content, with its sources and graphs."""

    iri: str
    title: str
    project: Link
    programme: Link | None
    recipients: list[Link]
    year: int | None
    amount: Decimal
    currency: str
    sources: list[Source]
    graphs: frozenset[str]


@dataclass(frozen=True)
class Total:
    """Grants counted once each and their sum, for one programme or one year."""

    key: str
    label: str
    grants: int
    amount: Decimal


@dataclass
class GrantTable:
    """One page of an entity's grants (largest first) with totals over all of them."""

    rows: list[GrantRow]
    count: int
    amount: Decimal
    by_programme: list[Total]
    by_year: list[Total]
    page: int
    pages: int


@dataclass
class IncomingGroup:
    """The resources that link here through one property: how many, and one page of them."""

    predicate: str
    label: str
    count: int
    links: list[Link]
    page: int
    pages: int
    graphs: dict[str, frozenset[str]]
    """Link IRI → the graphs stating the link."""


@dataclass
class Mention:
    """A document that names the resource, with the quotes that do."""

    document: Link
    quotes: list[Evidence]


class Titler:
    """Titles built from content: a grant is "Zuwendung an X für Y (2019)", a participation
    "Beteiligung: X als Partner in Y", a row of a list "Zeile 12 von …", a quote its text;
    anything else its label in the page's language."""

    def __init__(self, store: QuadSource, index: FundingIndex, labels: Labeller) -> None:
        self.store = store
        self.index = index
        self.labels = labels
        self.words = STRINGS[labels.lang]

    def __call__(self, iri: str) -> str:
        if (grant := self.index.grants.get(iri)) is not None:
            return self.grant(grant)
        if (item := self.index.participations.get(iri)) is not None:
            w = self.words
            return (
                f"{w['participation']}: {self.labels(item.actor)} {w['as']} "
                f"{self.labels(item.role)} {w['in']} {self.labels(item.undertaking)}"
            )
        node = ox.NamedNode(iri)
        if (row := self._one(node, FG_ROW)) is not None:
            dataset = self._one(node, FG_IN_DATASET)
            where = f" {self.words['of']} {self.labels(dataset)}" if dataset else ""
            return f"{self.words['row']} {row}{where}"
        if (quote := self._one(node, FG_QUOTE)) is not None:
            cut = quote if len(quote) <= QUOTE_CHARACTERS else quote[:QUOTE_CHARACTERS] + "…"
            return f"„{cut}“"
        return self.labels(iri)

    def grant(self, grant: Grant) -> str:
        w = self.words
        recipients = ", ".join(self.labels(r) for r in grant.recipients[:3])
        more = " …" if len(grant.recipients) > 3 else ""
        to = f" {w['to']} {recipients}{more}" if recipients else ""
        year = f" ({grant.year})" if grant.year else ""
        return f"{w['grant']}{to} {w['for']} {self.labels(grant.project)}{year}"

    def _one(self, node: ox.NamedNode, predicate: ox.NamedNode) -> str | None:
        quad = next(iter(self.store.quads_for_pattern(node, predicate, None, None)), None)
        return term_text(quad.object) if quad is not None else None


def objects(store: QuadSource, iri: str, predicate: str) -> list[str]:
    """The distinct IRIs `iri` points to through `predicate`, in store order."""
    found: dict[str, None] = {}
    for quad in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None, None):
        if isinstance(quad.object, ox.NamedNode):
            found[quad.object.value] = None
    return list(found)


def subjects(store: QuadSource, predicate: str, iri: str) -> list[str]:
    """The distinct IRIs that point to `iri` through `predicate`, in store order."""
    found: dict[str, None] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(iri), None):
        if isinstance(quad.subject, ox.NamedNode):
            found[quad.subject.value] = None
    return list(found)


def literals(store: QuadSource, iri: str, predicate: ox.NamedNode) -> list[str]:
    found = dict.fromkeys(
        q.object.value
        for q in store.quads_for_pattern(ox.NamedNode(iri), predicate, None, None)
        if isinstance(q.object, ox.Literal)
    )
    return list(found)


def types_of(store: QuadSource, iri: str) -> set[str]:
    return set(objects(store, iri, RDF_TYPE.value))


def has_type(store: QuadSource, iri: str, cls: str) -> bool:
    """Whether `iri` is a `cls` (one quad looked for, not all of its types)."""
    quads = store.quads_for_pattern(ox.NamedNode(iri), RDF_TYPE, ox.NamedNode(cls), None)
    return next(iter(quads), None) is not None


def _ancestors(store: QuadSource, cls: str) -> set[str]:
    """The superclasses of `cls`, at any depth (the ontology states the direct ones)."""
    seen: set[str] = set()
    pending = [cls]
    while pending:
        for parent in objects(store, pending.pop(), SUBCLASS.value):
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return seen


def our_type(store: QuadSource, types: Iterable[str]) -> str | None:
    """The most specific class of our ontology among `types` (alphabetically first of equals)."""
    ours = sorted(t for t in types if t.startswith(FG))
    broader = {a for t in ours for a in _ancestors(store, t)}
    specific = [t for t in ours if t not in broader]
    return specific[0] if specific else None


def prefixed(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def header(store: QuadSource, iri: str, labels: Labeller) -> Header:
    """Name, our type once, the other vocabularies' classes, identifiers and other names."""
    types = types_of(store, iri)
    ours = our_type(store, types)
    label = labels(iri)
    return Header(
        iri=iri,
        label=label,
        type=Link(ours, labels(ours)) if ours else None,
        alignments=[Link(t, prefixed(t)) for t in sorted(types) if not t.startswith(FG)],
        identifiers=[v for p in IDENTIFIERS for v in literals(store, iri, p)],
        alt_labels=[a for a in literals(store, iri, ALT_LABEL) if a != label],
    )


def links(iris: Iterable[str], labels: Labeller) -> list[Link]:
    """Links sorted by label."""
    return sorted((Link(i, labels(i)) for i in iris), key=lambda link: link.label.lower())


def sources(store: QuadSource, iri: str, labels: Labeller) -> list[Source]:
    """The evidence of a fact: quotes with their document, rows with their list."""
    found = []
    for node in objects(store, iri, FG_EVIDENCE.value):
        named = ox.NamedNode(node)
        row = next(iter(store.quads_for_pattern(named, FG_ROW, None, None)), None)
        if row is not None:
            dataset = objects(store, node, FG_IN_DATASET.value)
            found.append(
                Source(
                    node,
                    None,
                    Link(dataset[0], labels(dataset[0])) if dataset else None,
                    int(term_text(row.object)),
                )
            )
        else:
            found.append(Source(node, evidence(store, named), None, None))
    return found


def pages(count: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-count // size))


def grant_table(
    store: QuadSource,
    grants: Iterable[Grant],
    titles: Titler,
    page: int,
    no_programme: str,
) -> GrantTable:
    """The grants (each once, by IRI), page `page` of them largest first, and their totals by
    most specific programme and by year."""
    unique = sorted(
        {g.iri: g for g in grants}.values(), key=lambda g: (-g.amount, g.year or 0, g.iri)
    )
    labels = titles.labels
    by_programme = totals(unique, lambda g: g.programme, labels, no_programme)
    by_programme.sort(key=lambda t: (-t.amount, t.label))
    by_year = totals(unique, lambda g: str(g.year or ""), lambda y: y, titles.words["no_year"])
    by_year.sort(key=lambda t: t.key or "9999")
    last = pages(len(unique))
    page = min(max(page, 1), last)
    shown = unique[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return GrantTable(
        rows=[grant_row(store, g, titles) for g in shown],
        count=len(unique),
        amount=sum((g.amount for g in unique), Decimal(0)),
        by_programme=by_programme,
        by_year=by_year,
        page=page,
        pages=last,
    )


def totals(
    grants: Iterable[Grant],
    key: Callable[[Grant], str],
    name: Callable[[str], str],
    missing: str,
) -> list[Total]:
    """Grants and amounts per `key(grant)`, labelled by `name(key)` ("" keys: `missing`)."""
    count: dict[str, int] = defaultdict(int)
    amount: dict[str, Decimal] = defaultdict(Decimal)
    for grant in grants:
        k = key(grant)
        count[k] += 1
        amount[k] += grant.amount
    return [Total(k, name(k) if k else missing, count[k], amount[k]) for k in count]


def grant_row(store: QuadSource, grant: Grant, titles: Titler) -> GrantRow:
    labels = titles.labels
    return GrantRow(
        iri=grant.iri,
        title=titles.grant(grant),
        project=Link(grant.project, labels(grant.project)),
        programme=Link(grant.programme, labels(grant.programme)) if grant.programme else None,
        recipients=[Link(r, labels(r)) for r in grant.recipients],
        year=grant.year,
        amount=grant.amount,
        currency=grant.currency,
        sources=sources(store, grant.iri, labels),
        graphs=grant.graphs,
    )


def incoming(
    store: QuadSource, iri: str, titles: Titler, chosen: str | None, page: int
) -> list[IncomingGroup]:
    """Links to `iri` grouped by property (ours first, then by label), each with its count;
    `chosen` shows page `page` of that property's links, every other group its first few.
    Only the links shown are read (a hub has thousands)."""
    groups = []
    for row in records(store, INCOMING_COUNTS, {"target": iri}):
        predicate, count = row["property"], int(row["links"])
        size = PAGE_SIZE if predicate == chosen else PREVIEW
        last = pages(count, size)
        number = min(max(page, 1), last) if predicate == chosen else 1
        shown = [
            solution["subject"].value
            for solution in islice(
                store.query(
                    INCOMING_LINKS.text,
                    use_default_graph_as_union=True,
                    substitutions=dict(
                        INCOMING_LINKS.substitutions({"target": iri, "property": predicate})
                    ),
                ),
                (number - 1) * size,
                number * size,
            )
        ]
        groups.append(
            IncomingGroup(
                predicate=predicate,
                label=titles.labels(predicate),
                count=count,
                links=[Link(s, titles(s)) for s in shown],
                page=number,
                pages=last,
                graphs={s: _graphs(store, s, predicate, iri) for s in shown},
            )
        )
    groups.sort(key=lambda g: (not g.predicate.startswith(FG), g.label.lower()))
    return groups


def _graphs(store: QuadSource, subject: str, predicate: str, target: str) -> frozenset[str]:
    """The named graphs that state one link."""
    quads = store.quads_for_pattern(
        ox.NamedNode(subject), ox.NamedNode(predicate), ox.NamedNode(target), None
    )
    return frozenset(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))


def mentions(store: QuadSource, iri: str, labels: Labeller) -> list[Mention]:
    """The documents that name `iri`, each with its quotes in text order."""
    by_document: dict[str, list[Evidence]] = defaultdict(list)
    for node in objects(store, iri, FG_MENTION.value):
        found = evidence(store, ox.NamedNode(node))
        if found.document_iri:
            by_document[found.document_iri].append(found)
    return [
        Mention(Link(doc, labels(doc)), sorted(quotes, key=lambda e: e.start or 0))
        for doc, quotes in sorted(by_document.items(), key=lambda item: labels(item[0]))
    ]


def chart_points(rows: Iterable[Total]) -> list[list[object]]:
    """[label, amount] pairs for the page's charts (amounts as numbers JSON can carry)."""
    return [[t.label, float(t.amount)] for t in rows]


def first_page(params: Mapping[str, str], name: str) -> int:
    """A page number from the query string; 1 for anything that is not a positive integer."""
    raw = params.get(name, "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1

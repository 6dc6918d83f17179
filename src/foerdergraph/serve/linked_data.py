"""Linked data: which IRI a URL names, what the store says about it, and its evidence.

The configured base namespace (e.g. https://w3id.org/foerdergraph/) may differ from where the
server runs (http://127.0.0.1:8000/). `IriMap` translates both ways: a request path `/id/x/y` names
`{base}id/x/y`; in HTML every IRI under the base (and the fixed ontology and role namespaces) is
linked to its local URL, while RDF answers keep the canonical IRIs untouched.

The functions here read the store directly (pattern lookups, not SPARQL) because they are
bounded: one subject, its values, its evidence, and at most `INCOMING_LIMIT` incoming links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from foerdergraph.core.namespaces import DCTERMS, ONTOLOGY_IRI, RDF, RDFS, SKOS
from foerdergraph.core.namespaces import FG as ONTOLOGY_NS
from foerdergraph.core.namespaces import ROLE as ROLE_NS
from foerdergraph.remote.remote_store import QuadSource

RDF_TYPE = ox.NamedNode(RDF + "type")
LABEL_PREDICATES = (
    ox.NamedNode(SKOS + "prefLabel"),
    ox.NamedNode(RDFS + "label"),
    ox.NamedNode(DCTERMS + "title"),
)
FG_EVIDENCE = ox.NamedNode(ONTOLOGY_NS + "evidence")
FG_MENTION = ox.NamedNode(ONTOLOGY_NS + "mention")
FG_IN_DOCUMENT = ox.NamedNode(ONTOLOGY_NS + "inDocument")
FG_QUOTE = ox.NamedNode(ONTOLOGY_NS + "quote")
FG_START = ox.NamedNode(ONTOLOGY_NS + "start")
FG_END = ox.NamedNode(ONTOLOGY_NS + "end")
FG_TEXT = ox.NamedNode(ONTOLOGY_NS + "text")
FG_CONFIDENCE = ox.NamedNode(ONTOLOGY_NS + "confidence")
DC_IDENTIFIER = ox.NamedNode(DCTERMS + "identifier")
RDF_SUBJECT = ox.NamedNode(RDF + "subject")
RDF_PREDICATE = ox.NamedNode(RDF + "predicate")
RDF_OBJECT = ox.NamedNode(RDF + "object")

INCOMING_LIMIT = 500
LANGUAGE_PREFERENCE = ("de", "en", "")


class NotAnIri(ValueError):
    """A request path that names no IRI: it holds a character no IRI may contain (a space, `<`,
    `"`, `{`, a `%` that starts no escape …). The server answers 404."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} is not a valid IRI ({reason})")
        self.text = text


def checked_iri(text: str) -> str:
    """`text` when it is a valid IRI (RFC 3987, as Oxigraph checks it), else NotAnIri.

    Every IRI made from a request path passes through here before it reaches the store, which
    would refuse it with a ValueError deep inside a lookup."""
    try:
        ox.NamedNode(text)
    except ValueError as error:
        raise NotAnIri(text, str(error)) from None
    return text


@dataclass(frozen=True)
class IriMap:
    """Maps IRIs to local URLs and back. `root` is the served base URL, ending in '/'."""

    base_iri: str
    root: str

    def namespaces(self) -> list[tuple[str, str]]:
        """(IRI namespace, local path prefix) pairs, most specific first."""
        pairs = [(self.base_iri, ""), (ONTOLOGY_IRI, "ontology"), (ROLE_NS, "role/")]
        return sorted(pairs, key=lambda p: -len(p[0]))

    def to_local(self, iri: str) -> str | None:
        """The local URL that dereferences `iri`, or None if it is not ours."""
        for namespace, local in self.namespaces():
            if iri.startswith(namespace):
                return self.root + local + iri[len(namespace) :]
        return None

    def href(self, iri: str) -> str:
        """Where an HTML link to `iri` should point: local when ours, else the IRI itself."""
        return self.to_local(iri) or iri

    def candidates(self, path: str) -> list[str]:
        """IRIs a request path (without leading '/') may name, in order of preference;
        NotAnIri when the path cannot be part of an IRI."""
        found = [checked_iri(self.base_iri + path)]
        for namespace, local in self.namespaces():
            if local and path.startswith(local):
                iri = checked_iri(namespace + path[len(local) :])
                if iri not in found:
                    found.append(iri)
        return found


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term's value: the IRI, blank node id or lexical form. Our data has no RDF-star
    triples as terms; should one come from a SPARQL store, it reads as N-Triples."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def _sort_key(term: object) -> tuple[int, str]:
    return (0 if isinstance(term, ox.NamedNode) else 1, getattr(term, "value", str(term)))


def label_of(store: QuadSource, term: object) -> str:
    """A human label: skos:prefLabel, rdfs:label or dcterms:title (German first), else the
    local name of the IRI."""
    if not isinstance(term, ox.NamedNode | ox.BlankNode):
        return getattr(term, "value", str(term))
    for predicate in LABEL_PREDICATES:
        by_language: dict[str, str] = {}
        for quad in store.quads_for_pattern(term, predicate, None, None):
            if isinstance(quad.object, ox.Literal):
                by_language.setdefault(quad.object.language or "", quad.object.value)
        for language in LANGUAGE_PREFERENCE:
            if language in by_language:
                return by_language[language]
        if by_language:
            return next(iter(by_language.values()))
    value = term.value
    for separator in ("#", "/"):
        if separator in value.rstrip(separator):
            tail = value.rstrip(separator).rsplit(separator, 1)[1]
            if tail:
                return tail
    return value


def exists(store: QuadSource, iri: str) -> bool:
    """Whether the store says anything about `iri` (as subject, object or graph name)."""
    node = ox.NamedNode(iri)
    return (
        next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None
        or next(iter(store.quads_for_pattern(None, None, node, None)), None) is not None
        or store.contains_named_graph(node)
    )


def first_existing(store: QuadSource, candidates: list[str]) -> str | None:
    """The first of the candidate IRIs a request path may name that the store knows."""
    return next((iri for iri in candidates if exists(store, iri)), None)


class DescriptionTooLarge(Exception):
    """`describe` met more quads than its budget allowed (the caller retries off the loop)."""


def describe(store: QuadSource, iri: str, max_quads: int | None = None) -> list[ox.Triple]:
    """The RDF description of `iri`: its own statements across all graphs (deduplicated), the
    statements of blank nodes it points to, and the reified statements about it.

    With `max_quads`, reading more quads than that raises DescriptionTooLarge: a caller can
    then describe the common small resource on the spot and hand only the rare large one to a
    thread, knowing how much work the first attempt can cost at most."""
    return [triple for unit in description_units(store, iri, max_quads) for triple in unit]


def description_units(
    store: QuadSource, iri: str, max_quads: int | None = None
) -> Iterator[list[ox.Triple]]:
    """`describe`'s triples in units a page never splits: one statement of `iri` with the
    statements of the blank nodes below it, or one reified statement about it; each triple
    comes once. Read lazily, so the first page of a hub costs only what it shows."""
    left = max_quads

    def quads(*pattern: object) -> Iterator[ox.Quad]:
        nonlocal left
        for quad in store.quads_for_pattern(*pattern):
            if left is not None:
                left -= 1
                if left < 0:
                    raise DescriptionTooLarge(iri)
            yield quad

    seen: set[ox.Triple] = set()
    visited: set[object] = set()

    def closure(node: ox.NamedNode | ox.BlankNode) -> list[ox.Triple]:
        """The new statements of `node` and of the blank nodes below it."""
        out: list[ox.Triple] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if current in visited:
                continue
            visited.add(current)
            for quad in list(quads(current, None, None, None)):
                if quad.triple not in seen:
                    seen.add(quad.triple)
                    out.append(quad.triple)
                if isinstance(quad.object, ox.BlankNode):
                    pending.append(quad.object)
        return out

    subject = ox.NamedNode(iri)
    visited.add(subject)
    for quad in quads(subject, None, None, None):
        if quad.triple in seen:
            continue
        seen.add(quad.triple)
        below = closure(quad.object) if isinstance(quad.object, ox.BlankNode) else []
        yield [quad.triple, *below]
    for quad in quads(None, RDF_SUBJECT, subject, None):
        statement = quad.subject
        if isinstance(statement, ox.NamedNode | ox.BlankNode) and (unit := closure(statement)):
            yield unit


@dataclass(frozen=True)
class Evidence:
    """A quote in a source document that supports a statement."""

    iri: str
    quote: str
    document_iri: str | None
    document_id: str | None
    start: int | None
    end: int | None


def evidence(store: QuadSource, node: ox.NamedNode | ox.BlankNode) -> Evidence:
    def one(predicate: ox.NamedNode) -> object | None:
        quad = next(iter(store.quads_for_pattern(node, predicate, None, None)), None)
        return quad.object if quad else None

    document = one(FG_IN_DOCUMENT)
    document_id = None
    if isinstance(document, ox.NamedNode | ox.BlankNode):
        ident = next(iter(store.quads_for_pattern(document, DC_IDENTIFIER, None, None)), None)
        document_id = (
            term_text(ident.object) if ident else document.value.rstrip("/").rsplit("/", 1)[-1]
        )
    quote, start, end = one(FG_QUOTE), one(FG_START), one(FG_END)
    return Evidence(
        iri=node.value,
        quote=quote.value if isinstance(quote, ox.Literal) else "",
        document_iri=document.value if isinstance(document, ox.NamedNode) else None,
        document_id=document_id,
        start=int(start.value) if isinstance(start, ox.Literal) else None,
        end=int(end.value) if isinstance(end, ox.Literal) else None,
    )


@dataclass
class Value:
    """One object of a statement, with what the page needs to show it."""

    term: object
    label: str
    evidence: list[Evidence] = field(default_factory=list)
    draft: bool = False
    """Stated only in draft graphs: machine-extracted, not reviewed (core.iri.draft_graphs)."""
    confidence: str | None = None
    """The extractor's fg:confidence (0..1) of a draft statement, when it gave one."""


@dataclass
class PropertyValues:
    predicate: str
    label: str
    values: list[Value]


@dataclass
class Incoming:
    subject: object
    subject_label: str
    predicate: str
    predicate_label: str


@dataclass
class ResourceView:
    """Everything the HTML page of one resource shows."""

    iri: str
    label: str
    types: list[Value]
    properties: list[PropertyValues]
    incoming: list[Incoming]
    incoming_truncated: bool
    node_evidence: list[Evidence]
    mentions: list[Evidence]
    graphs: list[str]


def statements(
    store: QuadSource, subject: ox.NamedNode
) -> tuple[dict[tuple[str, object], list[Evidence]], dict[tuple[str, object], str]]:
    """Evidence and confidence (drafts) of reified statements `?st rdf:subject <s>;
    rdf:predicate ?p; rdf:object ?o`, by (?p, ?o)."""
    found: dict[tuple[str, object], list[Evidence]] = defaultdict(list)
    confidence: dict[tuple[str, object], str] = {}
    for quad in store.quads_for_pattern(None, RDF_SUBJECT, subject, None):
        statement = quad.subject
        predicate = next(iter(store.quads_for_pattern(statement, RDF_PREDICATE, None, None)), None)
        obj = next(iter(store.quads_for_pattern(statement, RDF_OBJECT, None, None)), None)
        if predicate is None or obj is None:
            continue
        key = (term_text(predicate.object), obj.object)
        if (stated := _confidence(store, statement)) is not None:
            confidence[key] = stated
        for ev in store.quads_for_pattern(statement, FG_EVIDENCE, None, None):
            if isinstance(ev.object, ox.NamedNode | ox.BlankNode):
                item = evidence(store, ev.object)
                if item not in found[key]:
                    found[key].append(item)
    return found, confidence


def _confidence(store: QuadSource, node: object) -> str | None:
    """The fg:confidence a draft fact (or reified statement) carries, if any."""
    if not isinstance(node, ox.NamedNode | ox.BlankNode):
        return None
    quad = next(iter(store.quads_for_pattern(node, FG_CONFIDENCE, None, None)), None)
    return term_text(quad.object) if quad else None


def _described(
    store: QuadSource, subject: ox.NamedNode, only: set[ox.Triple] | None
) -> Iterator[ox.Quad]:
    """The quads stating `subject`'s description, or only those stating the triples `only`
    (one page of a hub's): looked up one by one, not by reading thousands to keep a page."""
    if only is None:
        yield from store.quads_for_pattern(subject, None, None, None)
        return
    for triple in only:
        yield from store.quads_for_pattern(subject, triple.predicate, triple.object, None)


def view(
    store: QuadSource,
    iri: str,
    only: set[ox.Triple] | None = None,
    drafts: frozenset[str] = frozenset(),
) -> ResourceView:
    """Gather the page of `iri`: label, types, properties with evidence, incoming links;
    with `only` (one page of a hub's description), just the values stated in those triples.
    A value stated only in `drafts` (the release's draft graphs) is marked `draft`, with the
    confidence of its reified statement or else of the fact `iri` itself."""
    subject = ox.NamedNode(iri)
    by_predicate: dict[str, list[object]] = defaultdict(list)
    graphs: set[str] = set()
    stated_in: dict[tuple[str, object], set[str]] = defaultdict(set)
    for quad in _described(store, subject, only):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.add(quad.graph_name.value)
        stated = (quad.predicate.value, quad.object)
        if stated not in stated_in:  # a dict lookup: a hub has thousands of values of one property
            by_predicate[quad.predicate.value].append(quad.object)
        stated_in[stated].add(getattr(quad.graph_name, "value", ""))
    statement_evidence, confidence = statements(store, subject)
    drafted = {key for key, where in stated_in.items() if where <= drafts}
    known: dict[object, str] = {}

    def label(term: object) -> str:
        """`label_of`, once per term: a hub's page names the same few properties hundreds of
        times."""
        if term not in known:
            known[term] = label_of(store, term)
        return known[term]

    own_confidence = _confidence(store, subject) if drafted else None

    def values_of(predicate: str) -> list[Value]:
        return [
            Value(
                term,
                label(term),
                statement_evidence.get((predicate, term), []),
                draft=(predicate, term) in drafted,
                confidence=confidence.get((predicate, term), own_confidence)
                if (predicate, term) in drafted
                else None,
            )
            for term in sorted(by_predicate[predicate], key=_sort_key)
        ]

    types = values_of(RDF_TYPE.value)
    skip = {RDF_TYPE.value, FG_EVIDENCE.value, FG_MENTION.value}
    properties = [
        PropertyValues(p, label(ox.NamedNode(p)), values_of(p))
        for p in sorted(by_predicate, key=lambda p: label(ox.NamedNode(p)).lower())
        if p not in skip
    ]

    def evidence_list(predicate: ox.NamedNode) -> list[Evidence]:
        return [
            evidence(store, term)
            for term in sorted(by_predicate[predicate.value], key=_sort_key)
            if isinstance(term, ox.NamedNode | ox.BlankNode)
        ]

    incoming: list[Incoming] = []
    seen_incoming: set[tuple[object, str]] = set()
    truncated = False
    for quad in store.quads_for_pattern(None, None, subject, None):
        if quad.predicate == RDF_SUBJECT or quad.predicate == RDF_OBJECT:
            continue  # reification plumbing, shown as evidence instead
        key = (quad.subject, quad.predicate.value)
        if key in seen_incoming:
            continue
        if len(incoming) >= INCOMING_LIMIT:
            truncated = True
            break
        seen_incoming.add(key)
        incoming.append(
            Incoming(
                quad.subject,
                label(quad.subject),
                quad.predicate.value,
                label(quad.predicate),
            )
        )
    incoming.sort(key=lambda i: (i.predicate_label.lower(), i.subject_label.lower()))
    return ResourceView(
        iri=iri,
        label=label_of(store, subject),
        types=types,
        properties=properties,
        incoming=incoming,
        incoming_truncated=truncated,
        node_evidence=evidence_list(FG_EVIDENCE),
        mentions=evidence_list(FG_MENTION),
        graphs=sorted(graphs),
    )

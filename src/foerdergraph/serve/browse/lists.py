"""The browse lists (programmes, organisations, documents, regions): what each holds, read from
the header of its `.rq` file, and the rows of one build.

Each query answers in a long form, one row per item and value (`?item ?key ?value ?amount`):
the key `label` names the item; a key the header lists under `facets` is a facet; one under
`measures` is counted per item (distinct values; their `?amount`s summed when bound). Facet
counts, filters, sorting and paging work on these rows in Python (`table.py`), so one query per
list and build serves every page of it. The rows are read once per build, in a thread, and kept
(about 2 s and a few MB for the organisations of the real project).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from foerdergraph.core.namespaces import RDFS, SKOS
from foerdergraph.query.canned import parse_header
from foerdergraph.serve.results import PREFIXES
from foerdergraph.serve.search import fold

if TYPE_CHECKING:  # httpx stays out of a local server's start-up
    from foerdergraph.remote.remote_store import QuadSource

LISTS = ("programmes", "organisations", "documents", "regions")
LABEL_PROPERTIES = (ox.NamedNode(SKOS + "prefLabel"), ox.NamedNode(RDFS + "label"))


@dataclass(frozen=True)
class ListSpec:
    """One browse list: its title, description, facets and measures (key → German heading)."""

    name: str
    title: str
    description: str
    facets: dict[str, str]
    measures: dict[str, str]
    query: str

    @classmethod
    def load(cls, name: str) -> ListSpec:
        text = (files("foerdergraph.serve.browse") / f"{name}.rq").read_text(encoding="utf-8")
        header = parse_header(text)
        return cls(
            name=name,
            title=str(header["title"]),
            description=" ".join(str(header["description"]).split()),
            facets={str(k): str(v) for k, v in (header.get("facets") or {}).items()},
            measures={str(k): str(v) for k, v in (header.get("measures") or {}).items()},
            query=text,
        )


SPECS = {name: ListSpec.load(name) for name in LISTS}


@dataclass
class Item:
    """One row of a list: the entity, its name, its facet values and its measures."""

    iri: str
    label: str = ""
    folded: str = ""
    """The label as search and sorting compare it (`search.fold`), made once per build."""
    facets: dict[str, set[str]] = field(default_factory=dict)
    counted: dict[str, set[str]] = field(default_factory=dict)
    amounts: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def count(self, measure: str) -> int:
        return len(self.counted.get(measure, ()))

    def total(self, measure: str) -> Decimal | None:
        """The sum of the amounts of the measure's values; None when none has an amount."""
        amounts = self.amounts.get(measure)
        return sum(amounts.values(), Decimal(0)) if amounts else None


@dataclass
class Catalogue:
    """The items of one list in one build, and the labels of their facet values."""

    spec: ListSpec
    items: list[Item]
    value_labels: dict[str, str]
    summed: tuple[str, ...]
    """Measures with amounts: their totals are columns too."""


def read_catalogue(spec: ListSpec, store: QuadSource) -> Catalogue:
    """Run the list's query and fold its rows into items (a bounded store read: one query,
    then a label lookup per distinct facet value)."""
    rows = store.query(spec.query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)  # a SELECT
    items: dict[str, Item] = {}
    labels: dict[str, tuple[bool, str]] = {}
    for row in rows:
        subject, key, value, amount = row["item"], row["key"].value, row["value"], row["amount"]
        if not isinstance(subject, ox.NamedNode) or value is None:
            continue
        item = items.setdefault(subject.value, Item(subject.value))
        if key == "label":
            german = isinstance(value, ox.Literal) and value.language == "de"
            if subject.value not in labels or (german and not labels[subject.value][0]):
                labels[subject.value] = (german, value.value)
        elif key in spec.facets:
            item.facets.setdefault(key, set()).add(value.value)
        elif key in spec.measures:
            item.counted.setdefault(key, set()).add(value.value)
            if amount is not None and (number := _decimal(amount.value)) is not None:
                item.amounts.setdefault(key, {})[value.value] = number
    for item in items.values():
        item.label = labels.get(item.iri, (False, ""))[1] or item.iri
        item.folded = fold(item.label)
    values = {v for item in items.values() for vs in item.facets.values() for v in vs}
    summed = tuple(m for m in spec.measures if any(i.amounts.get(m) for i in items.values()))
    return Catalogue(spec, list(items.values()), names_of(store, values), summed)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def names_of(store: QuadSource, values: Iterable[str]) -> dict[str, str]:
    """A name for each IRI among `values`: its German skos:prefLabel or rdfs:label, else any,
    else its prefixed name."""
    names: dict[str, str] = {}
    for value in values:
        if ":" not in value or " " in value:
            continue  # a literal facet value (a year, a language code) names itself
        try:
            node = ox.NamedNode(value)
        except ValueError:
            continue
        found = [
            quad.object
            for prop in LABEL_PROPERTIES
            for quad in store.quads_for_pattern(node, prop, None)
            if isinstance(quad.object, ox.Literal)
        ]
        german = [lit.value for lit in found if lit.language == "de"]
        if german or found:
            names[value] = (german or [lit.value for lit in found])[0]
        else:
            names[value] = prefixed(value)
    return names


def prefixed(iri: str) -> str:
    """`fg:University` for an IRI in one of the service's namespaces, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


class CatalogueCache:
    """The catalogues of the release last asked for, made on first use of each list and drafts
    variant (`variant`: "" for the whole store, else the view of `store` without the drafts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Path, str] | None = None
        self._made: dict[tuple[str, str], Catalogue] = {}

    def get(
        self, key: tuple[Path, str], spec: ListSpec, store: QuadSource, variant: str = ""
    ) -> Catalogue:
        with self._lock:
            if self._key != key:
                self._key, self._made = key, {}
            if (spec.name, variant) not in self._made:
                self._made[(spec.name, variant)] = read_catalogue(spec, store)
            return self._made[(spec.name, variant)]

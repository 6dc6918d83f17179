"""The reconciliation index of one release: every agent with its names, types and the facts a
client may constrain on or pull back (seat, Regierungsbezirk, AGS, parent, programmes, funds,
grants).

Read with the SELECTs of `index.rq` (a few seconds on the real project's ~177 k quads) and kept
in memory; the server builds it once per build id, so matching never touches the store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from typing import Any, Protocol

import pyoxigraph as ox

from foerdergraph.core.namespaces import FG, data_prefix
from foerdergraph.reconcile.names import Name, normalise


class Queryable(Protocol):
    """What the index needs of a store: SPARQL SELECT over the union of the graphs (the local
    pyoxigraph store and the remote store both offer it)."""

    def query(self, query: str, *, use_default_graph_as_union: bool = ...) -> Any: ...


@dataclass(frozen=True)
class Ref:
    """A value that is another resource: its id (as the service names it) and its label."""

    id: str
    name: str


@dataclass
class IndexedActor:
    """One agent, as the service answers about it."""

    id: str
    iri: str
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    types: list[Ref] = field(default_factory=list)
    facets: dict[str, list[Ref]] = field(default_factory=lambda: defaultdict(list))
    grant_amounts: list[Decimal] = field(default_factory=list)

    def labels(self) -> list[tuple[str, bool]]:
        """Every name with whether it is the preferred one."""
        return [(self.name, True)] + [(alias, False) for alias in self.aliases]


@dataclass(frozen=True)
class Label:
    """One name of one entity, normalised once for all queries."""

    entity: IndexedActor
    text: str
    preferred: bool
    normal: Name


@dataclass
class Index:
    """All agents of one build, by id, and all their names in one list for fuzzy search."""

    build_id: str
    identifier_space: str
    entities: dict[str, IndexedActor]
    labels: list[Label]
    type_names: dict[str, str]

    def entity(self, id_or_iri: str) -> IndexedActor | None:
        """An entity by the service's id or by its full IRI."""
        if id_or_iri.startswith(self.identifier_space):
            id_or_iri = id_or_iri[len(self.identifier_space) :]
        return self.entities.get(id_or_iri)


@cache
def _facet_queries() -> dict[str, str]:
    """The SELECT of each facet of index.rq, with the file's prefixes."""
    text = files("foerdergraph.reconcile").joinpath("index.rq").read_text(encoding="utf-8")
    prologue, *sections = text.split("#@ facet ")
    prefixes = "\n".join(line for line in prologue.splitlines() if line.startswith("PREFIX"))
    queries = {}
    for section in sections:
        name, body = section.split("\n", 1)
        queries[name.strip()] = prefixes + "\n" + body
    return queries


def local_name(iri: str) -> str:
    """The class or property name after the ontology namespace ("University")."""
    return iri[len(FG) :] if iri.startswith(FG) else iri


def build_index(store: Queryable, base_iri: str, build_id: str) -> Index:
    """Read every facet of every agent from `store` into an `Index`."""
    space = data_prefix(base_iri)
    entities: dict[str, IndexedActor] = {}
    type_names: dict[str, str] = {}
    for facet, query in _facet_queries().items():
        for row in store.query(query, use_default_graph_as_union=True):
            iri = row["entity"].value
            if not iri.startswith(space):
                continue
            entity = entities.setdefault(iri[len(space) :], IndexedActor(iri[len(space) :], iri))
            _add(entity, facet, row["value"], row["label"], space, type_names)
    named = {key: entity for key, entity in entities.items() if entity.name}
    _most_specific_first(named.values())
    labels = [
        Label(entity, text, preferred, normalise(text))
        for entity in named.values()
        for text, preferred in entity.labels()
    ]
    return Index(build_id, space, named, labels, type_names)


def _most_specific_first(entities: Iterable[IndexedActor]) -> None:
    """Order each entity's types from the rarest (University) to the most common (Agent)."""
    listed = list(entities)
    shared = Counter(ref.id for entity in listed for ref in entity.types)
    for entity in listed:
        entity.types.sort(key=lambda ref: (shared[ref.id], ref.id))


def _add(
    entity: IndexedActor,
    facet: str,
    value: ox.NamedNode | ox.Literal,
    label: ox.Literal | None,
    space: str,
    type_names: dict[str, str],
) -> None:
    """File one row of a facet under its entity."""
    text = label.value if label is not None else ""
    if facet == "name":
        entity.name = entity.name or text
    elif facet == "alias":
        entity.aliases.append(text)
    elif facet == "type":
        name = type_names.setdefault(local_name(value.value), text or local_name(value.value))
        if all(known.id != local_name(value.value) for known in entity.types):
            entity.types.append(Ref(local_name(value.value), name))
    elif facet == "grant":
        entity.facets["grant"].append(Ref(value.value, text))
        with suppress(InvalidOperation):  # a grant the list gives no amount for still counts
            entity.grant_amounts.append(Decimal(text))
    else:
        ident = value.value[len(space) :] if value.value.startswith(space) else value.value
        entity.facets[facet].append(Ref(ident, text))

"""The entity registry: one key per real actor or undertaking, across all documents.

Entity resolution is curated here: every surface form a document uses is an alternative label of
one entry, so a query for the NRW economics ministry finds it whatever the text called it.
The same loader reads data/entities.yaml, data/reference/*.yaml (the reference gazetteer: the
territorial structure of NRW, its public actors, federal and EU bodies, funds) and the `entities:`
block of a facts file; each becomes its own named graph. It is the one reader of these files: the
build, the extractor's gazetteer and the EU list import all call `read_registry` (or
`registry_paths`), and a YAML or entry problem is an InputError naming the file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from foerdergraph.errors import InputError, InputProblem
from foerdergraph.ingest.yamlfile import read_mapping
from foerdergraph.iri import mint, slugify
from foerdergraph.ontology import OntologyIndex
from foerdergraph.vocab import FG

Triple = tuple[URIRef, URIRef, URIRef | Literal]

REGISTRY_KINDS = (
    "organisation",
    "person",
    "place",
    "fund",
    "programme",
    "call",
    "initiative",
    "project",
)
"""Top-level keys of a registry file; each is also the IRI kind of its entries."""

_ENTRY_FIELDS = frozenset(
    {
        "class",
        "label",
        "label_en",
        "alt",
        "part_of",
        "located_in",
        "responsible_for",
        "ags",
        "same_as",
        "fund",
        "note",
    }
)

_REFERENCES = ("part_of", "located_in", "responsible_for", "fund")
"""Fields whose values are keys of other registry entries."""


@dataclass(frozen=True)
class Entity:
    """One registry entry."""

    key: str
    kind: str
    cls: URIRef
    label: str
    origin: Path
    label_en: str | None = None
    alt: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()
    located_in: tuple[str, ...] = ()
    responsible_for: tuple[str, ...] = ()
    ags: str | None = None
    same_as: tuple[str, ...] = ()
    fund: tuple[str, ...] = ()
    note: str | None = None

    def iri(self, base: str) -> URIRef:
        return mint(self.kind, self.key, base=base)

    @property
    def surface_forms(self) -> tuple[str, ...]:
        return (self.label, *self.alt)


def _nfc(text: object) -> str:
    return unicodedata.normalize("NFC", str(text)).strip()


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(_nfc(v) for v in value)
    return (_nfc(value),)


def parse_entities(
    content: Mapping[str, Any], path: Path, ontology: OntologyIndex
) -> tuple[list[Entity], list[InputProblem]]:
    """Entries of a registry mapping (kind → key → entry); problems are collected, not raised."""
    entities: list[Entity] = []
    problems: list[InputProblem] = []
    for kind, entries in content.items():
        if kind == "provenance":
            continue
        if kind not in REGISTRY_KINDS:
            problems.append(InputProblem(path, kind, f"unknown kind; expected {REGISTRY_KINDS}"))
            continue
        for key, entry in (entries or {}).items():
            entity = _parse_entry(str(key), kind, entry, path, ontology, problems)
            if entity:
                entities.append(entity)
    return entities, problems


def _parse_entry(
    key: str,
    kind: str,
    entry: object,
    path: Path,
    ontology: OntologyIndex,
    problems: list[InputProblem],
) -> Entity | None:
    where = f"{kind}.{key}"
    if not isinstance(entry, dict):
        problems.append(InputProblem(path, where, "an entry must be a mapping"))
        return None
    if slugify(key) != key:
        problems.append(InputProblem(path, where, f"keys are slugs; write {slugify(key)!r}"))
    if unknown := set(entry) - _ENTRY_FIELDS:
        problems.append(InputProblem(path, where, f"unknown fields {sorted(unknown)}"))
    cls = ontology.fg_class(str(entry.get("class", "")))
    if cls is None:
        problems.append(
            InputProblem(path, where, f"class {entry.get('class')!r} is not an fg: class")
        )
    if not entry.get("label"):
        problems.append(InputProblem(path, where, "label missing"))
    if cls is None or not entry.get("label"):
        return None
    return Entity(
        key=key,
        kind=kind,
        cls=cls,
        label=_nfc(entry["label"]),
        origin=path,
        label_en=_nfc(entry["label_en"]) if entry.get("label_en") else None,
        alt=_as_tuple(entry.get("alt")),
        part_of=_as_tuple(entry.get("part_of")),
        located_in=_as_tuple(entry.get("located_in")),
        responsible_for=_as_tuple(entry.get("responsible_for")),
        ags=str(entry["ags"]) if entry.get("ags") else None,
        same_as=_as_tuple(entry.get("same_as")),
        fund=_as_tuple(entry.get("fund")),
        note=_nfc(entry["note"]) if entry.get("note") else None,
    )


class Registry:
    """Entities by key, across every registry file; keys are unique across kinds."""

    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}

    def add(self, entities: list[Entity]) -> list[InputProblem]:
        problems = []
        for entity in entities:
            if (other := self._entities.get(entity.key)) is not None:
                problems.append(
                    InputProblem(
                        entity.origin,
                        f"{entity.kind}.{entity.key}",
                        f"key already defined in {other.origin}",
                    )
                )
                continue
            self._entities[entity.key] = entity
        return problems

    def get(self, key: str) -> Entity | None:
        return self._entities.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entities

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities.values())

    def copy(self) -> Registry:
        clone = Registry()
        clone._entities = dict(self._entities)
        return clone


def load_registry_file(path: Path, ontology: OntologyIndex, registry: Registry) -> list[Entity]:
    """Parse one registry file into `registry`; raises InputError with every problem found."""
    entities, problems = parse_entities(read_mapping(path), path, ontology)
    problems += registry.add(entities)
    if problems:
        raise InputError(problems)
    return entities


def registry_paths(data_dir: Path) -> list[tuple[str, Path]]:
    """(graph kind, path) of every registry file of a data/ folder that exists: the reference
    files (data/reference/*.yaml, sorted) first, then data/entities.yaml."""
    paths = [("reference", p) for p in sorted((data_dir / "reference").glob("*.yaml"))]
    paths.append(("entities", data_dir / "entities.yaml"))
    return [(kind, path) for kind, path in paths if path.is_file()]


def read_registry(data_dir: Path, ontology: OntologyIndex) -> Registry:
    """Every entity of the registry files of `data_dir`, checked as the build checks them (YAML,
    fields, classes, unique keys, references); raises InputError naming each bad file."""
    registry = Registry()
    problems: list[InputProblem] = []
    loaded: list[Entity] = []
    for _kind, path in registry_paths(data_dir):
        try:
            loaded += load_registry_file(path, ontology, registry)
        except InputError as exc:
            problems += exc.problems
    problems += check_references(loaded, registry)
    if problems:
        raise InputError(problems)
    return registry


def read_block_entities(
    path: Path, ontology: OntologyIndex, block: str = "entities"
) -> list[Entity]:
    """The entities of the `block` mapping of a YAML file (a facts file's `entities:`); raises
    InputError naming the file on a YAML error or a bad entry."""
    content = read_mapping(path).get(block) or {}
    if not isinstance(content, Mapping):
        raise InputError([InputProblem(path, block, "must be a mapping of kinds")])
    entities, problems = parse_entities(content, path, ontology)
    if problems:
        raise InputError(problems)
    return entities


def check_references(entities: list[Entity], registry: Registry) -> list[InputProblem]:
    """Every part_of / located_in / responsible_for / fund key must name a known entity, and a
    `fund` key an entry of kind `fund` (it becomes fg:fundingSource, whose range is fg:Fund)."""
    problems = []
    for entity in entities:
        for field_name in _REFERENCES:
            for ref in getattr(entity, field_name):
                target = registry.get(ref)
                if target is None:
                    message = f"{field_name}: unknown key {ref!r}"
                elif field_name == "fund" and target.kind != "fund":
                    message = f"fund: {ref!r} is a {target.kind}, not a fund"
                else:
                    continue
                problems.append(InputProblem(entity.origin, f"{entity.kind}.{entity.key}", message))
    return problems


def entity_triples(
    entity: Entity, registry: Registry, ontology: OntologyIndex, base: str
) -> Iterator[Triple]:
    """The entity's description: class, labels, and its place in the hierarchy of bodies,
    undertakings or places (part_of means subOrganisationOf, partOf or withinArea by class)."""
    s = entity.iri(base)
    yield s, RDF.type, entity.cls
    yield s, SKOS.prefLabel, Literal(entity.label, lang="de")
    yield s, RDFS.label, Literal(entity.label, lang="de")
    if entity.label_en:
        yield s, SKOS.prefLabel, Literal(entity.label_en, lang="en")
        yield s, RDFS.label, Literal(entity.label_en, lang="en")
    for alt in entity.alt:
        if alt != entity.label:
            yield s, SKOS.altLabel, Literal(alt, lang="de")
    for ref in entity.part_of:
        yield s, _part_of_property(entity, ontology), registry_iri(ref, registry, base)
    for ref in entity.located_in:
        yield s, FG.locatedIn, registry_iri(ref, registry, base)
    for ref in entity.responsible_for:
        yield s, FG.responsibleFor, registry_iri(ref, registry, base)
    for ref in entity.fund:
        yield s, FG.fundingSource, registry_iri(ref, registry, base)
    if entity.ags:
        yield s, FG.ags, Literal(entity.ags)
    for same in entity.same_as:
        yield s, OWL.sameAs, URIRef(same)
    if entity.note:
        yield s, RDFS.comment, Literal(entity.note, lang="en")


def _part_of_property(entity: Entity, ontology: OntologyIndex) -> URIRef:
    if ontology.is_a(entity.cls, FG.Place):
        return FG.withinArea
    if entity.kind in ("organisation", "person"):
        return FG.subOrganisationOf
    return FG.partOf


def registry_iri(key: str, registry: Registry, base: str) -> URIRef:
    entity = registry.get(key)
    if entity is None:
        raise KeyError(key)
    return entity.iri(base)

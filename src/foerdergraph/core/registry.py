"""The one reader of the entity registry files (data/entities.yaml, data/reference/*.yaml and the
`entities:` block of a facts file): kind → key → entry, read with the safe YAML reader and checked
as the build checks it (fields, fg: classes, unique keys, references), so a YAML or entry problem
is an InputError naming the file wherever the registry is read.

The build turns the entities into triples (foerdergraph.ingest.registry); the extractor's
gazetteer (foerdergraph.extract.gazetteer) and the EU import (foerdergraph.workflows.eu_import)
read their names from the same entities.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import URIRef

from foerdergraph.core.errors import InputError, InputProblem
from foerdergraph.core.iri import mint, slugify
from foerdergraph.core.ontology import OntologyIndex
from foerdergraph.core.yamlfile import read_mapping

ENTITIES_FILE = "entities.yaml"
"""The curated registry inside data/."""
REFERENCE_DIR = "reference"
"""Reference data (regions, ministries) inside data/, one YAML file per source."""


def registry_files(data_dir: Path) -> list[tuple[str, Path]]:
    """The existing registry files of a data folder as (graph kind, path), in the build's order:
    the reference files (sorted), then entities.yaml."""
    files = [("reference", p) for p in sorted((data_dir / REFERENCE_DIR).glob("*.yaml"))]
    files.append(("entities", data_dir / ENTITIES_FILE))
    return [(kind, path) for kind, path in files if path.is_file()]


def read_registry_file(path: Path, block: str | None = None) -> dict[str, Any]:
    """The registry mapping of one file (kind → key → entry), optionally the one under a
    top-level `block`; raises InputError on invalid YAML."""
    content = read_mapping(path)
    if block is not None:
        inner = content.get(block) or {}
        return inner if isinstance(inner, dict) else {}
    return content


def registry_items(content: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, key, entry) for every entry given as a mapping; `provenance` and entries of
    another shape are left to the build's checks."""
    for kind, items in content.items():
        if kind == "provenance" or not isinstance(items, dict):
            continue
        for key, entry in items.items():
            if isinstance(entry, dict):
                yield str(kind), str(key), entry


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
    entities, problems = parse_entities(read_registry_file(path), path, ontology)
    problems += registry.add(entities)
    if problems:
        raise InputError(problems)
    return entities


def read_registry(data_dir: Path, ontology: OntologyIndex) -> Registry:
    """Every entity of the registry files of `data_dir`, checked as the build checks them (YAML,
    fields, classes, unique keys, references); raises InputError naming each bad file."""
    registry = Registry()
    problems: list[InputProblem] = []
    loaded: list[Entity] = []
    for _kind, path in registry_files(data_dir):
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

"""Organisations over time: data/history/organisations.yaml → the named graph `{base}graph/history`.

Ministries are renamed and re-cut with each government, chambers and Bezirksregierungen change
their names; an actor keeps one IRI across them (docs/model.md). This module reads the curated,
cited events of that file — each an org:ChangeEvent with its organisations before and after, its
PROV time and its sources — and derives each organisation's dated names (fg:OrganisationName,
a SKOS-XL label valid from the event that gave it until the event that ended it), so queries can
show an actor under the name it had on a document's date.

Every problem is reported with the file and the line of the entry, so a reviewer finds it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, XSD

from foerdergraph.core.errors import InputError, InputProblem
from foerdergraph.core.iri import mint
from foerdergraph.core.ontology import OntologyIndex
from foerdergraph.core.rdf import Triple
from foerdergraph.core.registry import Entity, Registry, check_references, parse_entities
from foerdergraph.core.vocab import FG, SKOSXL
from foerdergraph.core.yamlfile import BoundedLoader, read_mapping
from foerdergraph.ingest.registry import entity_triples

HISTORY_FILE = Path("history") / "organisations.yaml"
"""The curated history inside data/."""

EVENT_TYPES = {
    "renaming": FG.Renaming,
    "merger": FG.Merger,
    "split": FG.Split,
    "restructuring": FG.Restructuring,
}
_EVENT_FIELDS = frozenset(
    {"type", "label", "date", "start", "end", "original", "resulting", "names", "former_names"}
    | {"sources", "note"}
)
_SOURCE_FIELDS = frozenset({"citation", "date", "url", "kind"})


@dataclass(frozen=True)
class Source:
    key: str
    citation: str
    date: Literal | None
    url: str | None
    kind: str | None


@dataclass(frozen=True)
class Event:
    """One change, its time as [start, end) in whole days (a one-day event starts and ends at
    the beginning of its day: the new name holds from that day on)."""

    key: str
    cls: URIRef
    label: str
    start: dt.date
    end: dt.date
    original: tuple[str, ...]
    resulting: tuple[str, ...]
    names: dict[str, str]
    former_names: dict[str, str]
    sources: tuple[str, ...]
    note: str | None = None


@dataclass
class History:
    """The file as read: the bodies only it knows, its sources and events."""

    path: Path
    organisations: list[Entity] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class DatedName:
    """A name with the events that began and ended it (None: before or after our record)."""

    organisation: str
    name: str
    generated_by: Event | None
    invalidated_by: Event | None


def _nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def entry_lines(path: Path, section: str) -> dict[str, int]:
    """The 1-based line of each key of a top-level mapping `section`, for error messages."""
    loader = BoundedLoader(path.read_text(encoding="utf-8"))
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key_node, value in root.value:
        if key_node.value == section and isinstance(value, yaml.MappingNode):
            for inner_key, _ in value.value:
                lines[str(inner_key.value)] = inner_key.start_mark.line + 1
    return lines


class _Reader:
    """Collects the problems of one history file, each with its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[InputProblem] = []
        self.lines = {s: entry_lines(path, s) for s in ("sources", "events")}

    def problem(self, section: str, key: str, message: str) -> None:
        line = self.lines.get(section, {}).get(key)
        where = f"line {line}, {section}.{key}" if line else f"{section}.{key}"
        self.problems.append(InputProblem(self.path, where, message))


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _source_date(value: object) -> Literal | None:
    """A source's date as precise as it is known: YYYY, YYYY-MM or YYYY-MM-DD."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if _day(text) is not None:
        return Literal(text, datatype=XSD.date)
    parts = text.split("-")
    if len(parts) == 1 and len(text) == 4 and text.isdigit():
        return Literal(text, datatype=XSD.gYear)
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return Literal(text, datatype=XSD.gYearMonth)
    return None


def _keys(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(_nfc(v) for v in (value if isinstance(value, list) else [value]))


def _read_source(reader: _Reader, key: str, entry: object) -> Source | None:
    if not isinstance(entry, Mapping):
        reader.problem("sources", key, "a source must be a mapping (citation, date, url, kind)")
        return None
    if unknown := set(entry) - _SOURCE_FIELDS:
        reader.problem("sources", key, f"unknown fields {sorted(unknown)}")
    if not entry.get("citation"):
        reader.problem("sources", key, "citation missing: say what the source is")
        return None
    date = None
    if entry.get("date") is not None:
        date = _source_date(entry["date"])
        if date is None:
            reader.problem("sources", key, f"date {entry['date']!r} is not YYYY, YYYY-MM or a date")
    url = _nfc(entry["url"]) if entry.get("url") else None
    if url is not None and not url.startswith(("http://", "https://")):
        reader.problem("sources", key, f"url {url!r} must start with http:// or https://")
    kind = _nfc(entry["kind"]) if entry.get("kind") else None
    return Source(key, _nfc(entry["citation"]), date, url, kind)


def _event_time(reader: _Reader, key: str, entry: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    """[start, end): `date` is one day (start = end); `start`/`end` are inclusive days."""
    if entry.get("date") is not None:
        day = _day(entry["date"])
        if day is None or "start" in entry or "end" in entry:
            reader.problem("events", key, "give either date (one day) or start and end")
        return (day, day) if day else (dt.date.min, dt.date.min)
    start, end = _day(entry.get("start")), _day(entry.get("end"))
    if start is None or end is None:
        reader.problem("events", key, "date missing: give date, or start and end (YYYY-MM-DD)")
        return dt.date.min, dt.date.min
    if end < start:
        reader.problem("events", key, f"end {end} is before start {start}")
    return start, end + dt.timedelta(days=1)


def _named(
    reader: _Reader, key: str, entry: Mapping[str, Any], name_field: str, allowed: tuple[str, ...]
) -> dict[str, str]:
    value = entry.get(name_field) or {}
    if not isinstance(value, Mapping):
        reader.problem("events", key, f"{name_field} must map organisation keys to names")
        return {}
    side = "resulting" if name_field == "names" else "original"
    for org in value:
        if org not in allowed:
            reader.problem("events", key, f"{name_field}: {org!r} is not among the {side} bodies")
    return {_nfc(k): _nfc(v) for k, v in value.items()}


def _read_event(reader: _Reader, key: str, entry: object) -> Event | None:
    if not isinstance(entry, Mapping):
        reader.problem("events", key, "an event must be a mapping")
        return None
    if unknown := set(entry) - _EVENT_FIELDS:
        reader.problem("events", key, f"unknown fields {sorted(unknown)}")
    cls = EVENT_TYPES.get(str(entry.get("type")))
    if cls is None:
        reader.problem("events", key, f"type {entry.get('type')!r}; expected {sorted(EVENT_TYPES)}")
    if not entry.get("label"):
        reader.problem("events", key, "label missing")
    sources = _keys(entry.get("sources"))
    if not sources:
        reader.problem("events", key, "no source: every event cites at least one (sources: [key])")
    original, resulting = _keys(entry.get("original")), _keys(entry.get("resulting"))
    if not original or not resulting:
        reader.problem("events", key, "original and resulting organisations are both required")
    start, end = _event_time(reader, key, entry)
    names = _named(reader, key, entry, "names", resulting)
    former = _named(reader, key, entry, "former_names", original)
    if cls is None or not entry.get("label"):
        return None
    note = _nfc(entry["note"]) if entry.get("note") else None
    label = _nfc(entry["label"])
    return Event(key, cls, label, start, end, original, resulting, names, former, sources, note)


def read_history(path: Path, ontology: OntologyIndex, registry: Registry) -> History:
    """Parse and check the file against the registry (which gains its own bodies); raises
    InputError with every problem, each naming the file and the entry's line."""
    content = read_mapping(path)
    reader = _Reader(path)
    history = History(path)
    orgs, problems = parse_entities(
        {"organisation": content.get("organisation") or {}}, path, ontology
    )
    reader.problems += problems + registry.add(orgs) + check_references(orgs, registry)
    history.organisations = orgs
    for key, entry in (content.get("sources") or {}).items():
        if (source := _read_source(reader, str(key), entry)) is not None:
            history.sources[str(key)] = source
    for key, entry in (content.get("events") or {}).items():
        if (event := _read_event(reader, str(key), entry)) is None:
            continue
        for ref in (*event.original, *event.resulting):
            if ref not in registry:
                reader.problem("events", event.key, f"unknown organisation key {ref!r}")
        for ref in event.sources:
            if ref not in history.sources:
                reader.problem("events", event.key, f"unknown source key {ref!r}")
        history.events.append(event)
    reader.problems += [
        InputProblem(path, f"events.{n.organisation}", message)
        for n, message in _name_conflicts(dated_names(history.events))
    ]
    if reader.problems:
        raise InputError(reader.problems)
    return history


def dated_names(events: list[Event]) -> list[DatedName]:
    """Each (organisation, name) with the event that gave it and the one that ended it."""
    given: dict[tuple[str, str], Event] = {}
    ended: dict[tuple[str, str], Event] = {}
    for event in events:
        given.update({(org, name): event for org, name in event.names.items()})
        ended.update({(org, name): event for org, name in event.former_names.items()})
    return [
        DatedName(org, name, given.get((org, name)), ended.get((org, name)))
        for org, name in sorted(set(given) | set(ended))
    ]


def _name_conflicts(names: list[DatedName]) -> Iterator[tuple[DatedName, str]]:
    for n in names:
        if n.generated_by and n.invalidated_by and n.invalidated_by.end < n.generated_by.start:
            yield (
                n,
                f"the name {n.name!r} ends ({n.invalidated_by.key}) before it is given "
                f"({n.generated_by.key})",
            )


def _instant(day: dt.date) -> Literal:
    return Literal(dt.datetime.combine(day, dt.time()).isoformat(), datatype=XSD.dateTime)


def history_triples(
    history: History, registry: Registry, ontology: OntologyIndex, base: str
) -> Iterator[Triple]:
    """The events, their sources, the history's own bodies and every dated name as RDF."""
    for entity in history.organisations:
        yield from entity_triples(entity, registry, ontology, base)
    for source in history.sources.values():
        yield from _source_triples(source, base)
    for event in history.events:
        yield from _event_triples(event, registry, base)
    for name in dated_names(history.events):
        yield from _name_triples(name, registry, base)


def _source_triples(source: Source, base: str) -> Iterator[Triple]:
    s = mint("citation", source.key, base=base)
    yield s, RDF.type, FG.Citation
    yield s, RDFS.label, Literal(source.citation, lang="de")
    yield s, DCTERMS.bibliographicCitation, Literal(source.citation, lang="de")
    if source.date is not None:
        yield s, DCTERMS.date, source.date
    if source.url:
        yield s, DCTERMS.source, URIRef(source.url)
    if source.kind:
        yield s, DCTERMS.type, Literal(source.kind)


def _event_triples(event: Event, registry: Registry, base: str) -> Iterator[Triple]:
    s = mint("event", event.key, base=base)
    yield s, RDF.type, event.cls
    yield s, RDF.type, ORG.ChangeEvent
    yield s, RDFS.label, Literal(event.label, lang="de")
    yield s, PROV.startedAtTime, _instant(event.start)
    yield s, PROV.endedAtTime, _instant(event.end)
    for key in event.original:
        yield s, ORG.originalOrganization, _iri(key, registry, base)
    for key in event.resulting:
        yield s, ORG.resultingOrganization, _iri(key, registry, base)
    for key in event.sources:
        yield s, FG.evidence, mint("citation", key, base=base)
    if event.note:
        yield s, RDFS.comment, Literal(event.note, lang="en")


def _name_triples(name: DatedName, registry: Registry, base: str) -> Iterator[Triple]:
    org = _iri(name.organisation, registry, base)
    s = mint("name", name.organisation, name.name, base=base)
    yield org, FG.hasName, s
    yield s, RDF.type, FG.OrganisationName
    yield s, SKOSXL.literalForm, Literal(name.name, lang="de")
    yield s, RDFS.label, Literal(name.name, lang="de")
    if name.generated_by is not None:
        yield s, PROV.generatedAtTime, _instant(name.generated_by.start)
        yield s, PROV.wasGeneratedBy, mint("event", name.generated_by.key, base=base)
    if name.invalidated_by is not None:
        yield s, PROV.invalidatedAtTime, _instant(name.invalidated_by.end)
        yield s, PROV.wasInvalidatedBy, mint("event", name.invalidated_by.key, base=base)


def _iri(key: str, registry: Registry, base: str) -> URIRef:
    entity = registry.get(key)
    if entity is None:  # read_history has reported it
        raise KeyError(key)
    return entity.iri(base)

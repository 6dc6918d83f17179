"""The organisations' history (data/history/organisations.yaml): the curated file loads into
cited change events and dated names, and a bad entry is reported with its file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, XSD

from foerdergraph.core.errors import InputError
from foerdergraph.core.ontology import OntologyIndex, load_ontology
from foerdergraph.core.registry import Registry, read_registry
from foerdergraph.core.vocab import FG
from foerdergraph.ingest.history import (
    HISTORY_FILE,
    dated_names,
    history_triples,
    read_history,
)

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/foerdergraph/"
MINISTRY = URIRef(BASE + "id/organisation/wirtschaftsministerium-nrw")

GOOD_SOURCE = """sources:
  chronik:
    citation: Chronik der Kammer
    date: 2025
    url: https://example.org/chronik
"""


@pytest.fixture(scope="module")
def index() -> OntologyIndex:
    return OntologyIndex(load_ontology(ROOT / "ontology"))


@pytest.fixture
def registry(index: OntologyIndex) -> Registry:
    return read_registry(ROOT / "data", index)


def write(tmp_path: Path, events: str, sources: str = GOOD_SOURCE) -> Path:
    path = tmp_path / "organisations.yaml"
    path.write_text(sources + "events:\n" + events, encoding="utf-8")
    return path


def problems(path: Path, index: OntologyIndex, registry: Registry) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_history(path, index, registry)
    return [str(p) for p in caught.value.problems]


RENAMING = """  hwk-2007:
    type: renaming
    label: Umbenennung
    {time}
    original: [handwerkskammer-suedwestfalen]
    resulting: [handwerkskammer-suedwestfalen]
    former_names: {{handwerkskammer-suedwestfalen: Handwerkskammer Arnsberg}}
    names: {{handwerkskammer-suedwestfalen: Handwerkskammer Südwestfalen}}
    {sources}
"""


def test_the_curated_file_loads_with_the_economics_ministrys_three_names(
    index: OntologyIndex, registry: Registry
) -> None:
    history = read_history(ROOT / "data" / HISTORY_FILE, index, registry)
    names = [
        (n.name, n.generated_by and n.generated_by.start, n.invalidated_by and n.invalidated_by.end)
        for n in dated_names(history.events)
        if n.organisation == "wirtschaftsministerium-nrw"
    ]
    assert sorted(names, key=lambda n: n[1] or dt.date.min) == [
        (
            "Ministerium für Wirtschaft, Energie, Industrie, Mittelstand und Handwerk des Landes "
            "Nordrhein-Westfalen",
            dt.date(2012, 6, 21),
            dt.date(2017, 7, 14),  # the 2017 re-cut ran to the Organisationserlass of 13 July
        ),
        (
            "Ministerium für Wirtschaft, Innovation, Digitalisierung und Energie des Landes "
            "Nordrhein-Westfalen",
            dt.date(2017, 6, 30),
            dt.date(2022, 6, 29),
        ),
        (
            "Ministerium für Wirtschaft, Industrie, Klimaschutz und Energie des Landes "
            "Nordrhein-Westfalen",
            dt.date(2022, 6, 29),
            None,
        ),
    ]
    assert all(event.sources for event in history.events)
    assert "wirtschaftsministerium-nrw-2010" in registry, (
        "the dissolved ministry joins the registry"
    )


def test_the_triples_state_events_with_prov_time_and_sources(
    index: OntologyIndex, registry: Registry
) -> None:
    history = read_history(ROOT / "data" / HISTORY_FILE, index, registry)
    graph = Graph()
    for triple in history_triples(history, registry, index, BASE):
        graph.add(triple)
    event = URIRef(BASE + "id/event/wirtschaftsministerium-2022")
    assert (event, ORG.originalOrganization, MINISTRY) in graph
    assert (event, ORG.resultingOrganization, MINISTRY) in graph
    assert (event, PROV.startedAtTime, Literal("2022-06-29T00:00:00", datatype=XSD.dateTime)) in (
        graph
    )
    cited = set(graph.objects(event, FG.evidence))
    assert cited == {
        URIRef(BASE + "id/citation/domradio-2022-06-29"),
        URIRef(BASE + "id/citation/welt-2022-07-neue-schilder"),
    }
    year_month = Literal("2022-07", datatype=XSD.gYearMonth)
    assert (URIRef(BASE + "id/citation/welt-2022-07-neue-schilder"), None, year_month) in graph


def test_an_event_without_a_source_is_named_with_file_and_line(
    tmp_path: Path, index: OntologyIndex, registry: Registry
) -> None:
    path = write(tmp_path, RENAMING.format(time="date: 2007-05-01", sources=""))
    found = problems(path, index, registry)
    assert found == [
        f"{path}: line 7, events.hwk-2007: no source: every event cites at least one"
        " (sources: [key])"
    ]


def test_an_end_before_the_start_is_named_with_file_and_line(
    tmp_path: Path, index: OntologyIndex, registry: Registry
) -> None:
    time = "start: 2007-12-31\n    end: 2007-01-01"
    path = write(tmp_path, RENAMING.format(time=time, sources="sources: [chronik]"))
    assert problems(path, index, registry) == [
        f"{path}: line 7, events.hwk-2007: end 2007-01-01 is before start 2007-12-31"
    ]


def test_unknown_keys_types_and_sides_are_each_reported(
    tmp_path: Path, index: OntologyIndex, registry: Registry
) -> None:
    events = """  broken:
    type: merger-ish
    label: Kaputt
    date: 2020-01-01
    original: [keine-solche-kammer]
    resulting: [handwerkskammer-suedwestfalen]
    names: {bezirksregierung-muenster: Irgendwas}
    sources: [gibt-es-nicht]
"""
    found = problems(write(tmp_path, events), index, registry)
    assert len(found) == 2
    assert "line 7, events.broken: type 'merger-ish'" in found[0]
    assert "names: 'bezirksregierung-muenster' is not among the resulting bodies" in found[1]
    events = events.replace("merger-ish", "merger").replace("bezirksregierung-muenster", "x")
    events = events.replace("names: {x: Irgendwas}", "names: {}")
    found = problems(write(tmp_path, events), index, registry)
    assert [f.split(": ", 1)[1] for f in found] == [
        "line 7, events.broken: unknown organisation key 'keine-solche-kammer'",
        "line 7, events.broken: unknown source key 'gibt-es-nicht'",
    ]


def test_a_name_ended_before_it_was_given_is_refused(
    tmp_path: Path, index: OntologyIndex, registry: Registry
) -> None:
    events = """  gives:
    type: renaming
    label: Neuer Name
    date: 2010-01-01
    original: [handwerkskammer-suedwestfalen]
    resulting: [handwerkskammer-suedwestfalen]
    names: {handwerkskammer-suedwestfalen: Kammer B}
    sources: [chronik]
  ends:
    type: renaming
    label: Alter Name endet
    date: 2000-01-01
    original: [handwerkskammer-suedwestfalen]
    resulting: [handwerkskammer-suedwestfalen]
    former_names: {handwerkskammer-suedwestfalen: Kammer B}
    sources: [chronik]
"""
    (found,) = problems(write(tmp_path, events), index, registry)
    assert "'Kammer B' ends (ends) before it is given (gives)" in found


def test_a_source_without_citation_or_with_a_bad_date_is_named(
    tmp_path: Path, index: OntologyIndex, registry: Registry
) -> None:
    sources = """sources:
  leer:
    url: https://example.org
  chronik:
    citation: Chronik
    date: Juli 2017
"""
    path = write(tmp_path, "", sources)
    assert problems(path, index, registry) == [
        f"{path}: line 2, sources.leer: citation missing: say what the source is",
        f"{path}: line 4, sources.chronik: date 'Juli 2017' is not YYYY, YYYY-MM or a date",
    ]

"""End to end: `ingest` a new document into a copy of the project, `build`, and check the RDF.

The draft must load in the real build, land in the flagged graph {base}graph/extracted/<doc>
with a confidence on every fact, pass SHACL, and every evidence quote must be the document text
at its offsets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foerdergraph.cli import main
from foerdergraph.core.config import Settings
from foerdergraph.core.iri import graph_iri
from foerdergraph.extract import draft as draft_module
from foerdergraph.publish.store import open_store
from foerdergraph.workflows.build import build
from foerdergraph.workflows.draft import IngestError, ingest

FG = "https://w3id.org/foerdergraph/ontology#"
NEW_DOC = """Meldung vom 14.03.2019
Zwei Millionen Euro für digitale Projekte im Münsterland

Regierungspräsidentin Dorothee Feller von der Bezirksregierung Münster hat am Freitag zwei
Förderbescheide für Projekte aus dem Programm „Umbau 21 – Smart Region“ übergeben.

Für das Kooperationsprojekt „Datenhafen Münsterland“ erhalten die Beispiel Logistik GmbH
812.400,50 Euro und die Fachhochschule Münster 1,2 Mio. Euro. 80 Prozent werden vom Land
Nordrhein-Westfalen übernommen. Das Projekt liegt federführend bei der Beispiel Logistik GmbH.
Unterstützt wird das Projekt von der IHK Nord Westfalen.

Weitere Ideen können zum Projektaufruf „Datenräume Münsterland“ bis zum 30. Juni 2019
eingereicht werden.

„Wir freuen uns sehr“, sagte Geschäftsführer Karl Beispiel.

Kontakt:
Pressestelle
Telefon: 0251 123 456
"""


@pytest.fixture
def new_doc(tmp_path: Path) -> Path:
    path = tmp_path / "incoming" / "datenhafen.txt"
    path.parent.mkdir()
    path.write_bytes(NEW_DOC.encode("cp1252"))  # arrives as Windows-1252
    return path


def test_ingest_then_build_gives_validated_rdf_with_verbatim_evidence(
    project_copy: Settings, new_doc: Path
) -> None:
    written = ingest(new_doc, project_copy, doc_id="2019-datenhafen")
    data = project_copy.data_dir
    assert written == [
        data / "sources" / "2019-datenhafen.txt",
        data / "sources" / "2019-datenhafen.yaml",
        data / "facts" / "2019-datenhafen.yaml",
    ]
    text = written[0].read_text(encoding="utf-8")
    assert text == NEW_DOC  # decoded from cp1252, stored as UTF-8
    facts = written[2].read_text(encoding="utf-8")
    assert "status: draft" in facts and "confidence:" in facts

    result = build(project_copy)  # raises BuildError when loading or SHACL fails
    assert result.path.is_dir()

    store = open_store(project_copy)
    graph = graph_iri("extracted", "2019-datenhafen", base=project_copy.base_iri)
    rows = list(
        store.query(
            f"""SELECT ?quote ?start ?end WHERE {{ GRAPH <{graph}> {{
                ?ev a <{FG}Evidence> ; <{FG}quote> ?quote ; <{FG}start> ?start ; <{FG}end> ?end
            }} }}"""
        )
    )
    assert len(rows) > 10
    for quote, start, end in rows:
        assert text[int(start.value) : int(end.value)] == quote.value
    confident = list(
        store.query(
            f"""SELECT ?fact ?c WHERE {{ GRAPH <{graph}> {{
                ?fact <{FG}confidence> ?c ; <{FG}evidence> ?ev }} }}"""
        )
    )
    assert confident and all(0 <= float(c.value) <= 1 for _, c in confident)
    roles = {
        row[0].value.rsplit("/", 1)[-1]
        for row in store.query(
            f"""SELECT ?role WHERE {{ GRAPH <{graph}> {{ ?p a <{FG}Participation> ;
                <{FG}role> ?role }} }}"""
        )
    }
    assert {"lead", "funded-partner", "approving-authority", "funder"} <= roles
    # the registry's Bezirksregierung Münster was resolved, not minted anew
    resolved = store.query(
        f"""ASK {{ GRAPH <{graph}> {{ ?p <{FG}participant>
            <{project_copy.base_iri}id/organisation/bezirksregierung-muenster> }} }}"""
    )
    assert bool(resolved)
    deadline = list(
        store.query(f"""SELECT ?d WHERE {{ GRAPH <{graph}> {{ ?call <{FG}deadline> ?d }} }}""")
    )
    assert [row[0].value for row in deadline] == ["2019-06-30"]
    # the contact block yielded nothing
    assert "Pressestelle" not in facts.split("facts:")[1]


def test_ingest_refuses_to_overwrite(project_copy: Settings, new_doc: Path) -> None:
    ingest(new_doc, project_copy, doc_id="dup")
    with pytest.raises(IngestError, match="refusing to overwrite"):
        ingest(new_doc, project_copy, doc_id="dup")


def test_an_invalid_draft_is_not_written(
    project_copy: Settings, new_doc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = draft_module.DraftBuilder.relation

    def broken(self: draft_module.DraftBuilder, rel: object) -> None:
        original(self, rel)
        if self.facts:
            self.facts[-1]["quote"] = "a quote that is not in the text"

    monkeypatch.setattr(draft_module.DraftBuilder, "relation", broken)
    with pytest.raises(IngestError, match="would not load"):
        ingest(new_doc, project_copy, doc_id="broken")
    assert not (project_copy.data_dir / "sources" / "broken.txt").exists()
    assert not (project_copy.data_dir / "facts" / "broken.yaml").exists()


def test_ingest_cli_reports_bad_input(
    project_copy: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(project_copy.home))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["ingest", str(empty)]) == 1
    assert "empty" in capsys.readouterr().err
    assert main(["ingest", str(tmp_path / "missing.txt")]) == 3


def test_two_drafts_naming_the_same_new_entity_build_together(
    project_copy: Settings, tmp_path: Path
) -> None:
    """The second draft resolves to the entity the first one introduced and repeats its class
    and label exactly (one IRI, one prefLabel), whatever inflection it uses itself."""
    first = tmp_path / "eins.txt"
    first.write_text(
        "Die Bezirksregierung Köln hat der Zukunftsagentur Niederrhein (ZAN) einen "
        "Zuwendungsbescheid über 1,2 Mio. Euro überreicht. Für das Niederrheinische Revier "
        "wurden hiermit Mittel bereitgestellt.\n",
        encoding="utf-8",
    )
    second = tmp_path / "zwei.txt"
    second.write_text(
        "Das Förderprogramm „Zukunft Niederrhein“ startet im Niederrheinischen Revier. "
        "Die ZAN berät Antragsteller.\n",
        encoding="utf-8",
    )
    ingest(first, project_copy)
    ingest(second, project_copy)
    draft = (project_copy.data_dir / "facts" / "zwei.yaml").read_text(encoding="utf-8")
    assert "also introduced by eins" in draft
    assert "label: Zukunftsagentur Niederrhein" in draft  # not "ZAN", the form this text uses
    build(project_copy)  # raises BuildError on two prefLabels for one IRI

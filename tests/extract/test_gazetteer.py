"""The project's registry as gazetteer: reference actors are found in texts nobody curated, with
the interchange type and IRI of their reference entry; broken registry files are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from foerdergraph.core.errors import InputError
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.model import Extraction

from .helpers import run

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/foerdergraph/"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_data_dir(ROOT / "data")


def organisations(result: Extraction) -> dict[str, tuple[str | None, str | None]]:
    return {e.name: (e.type, e.iri) for e in result.of_kind("organisation")}


def test_the_gazetteer_holds_the_reference_actors(gazetteer: Gazetteer) -> None:
    keys = {e.key for e in gazetteer.entries}
    assert {"kreis-soest", "rwth-aachen", "ihk-koeln", "bundeswirtschaftsministerium"} <= keys
    assert {"wirtschaftsministerium-nrw", "nrw-bank"} <= keys  # entities.yaml too
    assert gazetteer.by_key["kreis-soest"].kind == "organisation"
    assert gazetteer.by_key["koeln"].kind == "region"
    assert gazetteer.by_key["jtf"].kind == "fund"


def test_reference_actors_in_an_invented_text_get_type_and_iri(gazetteer: Gazetteer) -> None:
    text = (
        "Die Handwerkskammer Dortmund und die Hochschule Hamm-Lippstadt starten ein "
        "gemeinsames Vorhaben. Der Landschaftsverband Westfalen-Lippe und der Märkische Kreis "
        "beteiligen sich, die IHK Siegen berät. Das Ministerium für Kultur und Wissenschaft "
        "des Landes Nordrhein-Westfalen stellt dafür Mittel bereit."
    )
    found = organisations(run(text, gazetteer))
    assert found["Handwerkskammer Dortmund"] == (
        "chamber_of_crafts",
        BASE + "id/organisation/handwerkskammer-dortmund",
    )
    assert found["Hochschule Hamm-Lippstadt"] == (
        "university",
        BASE + "id/organisation/hochschule-hamm-lippstadt",
    )
    assert found["Landschaftsverband Westfalen-Lippe"][0] == "other"
    assert found["IHK Siegen"][0] == "chamber_of_commerce"
    kreis = next(v for k, v in found.items() if k.startswith("Märkische"))
    assert kreis == ("district", BASE + "id/place/maerkischer-kreis")
    ministry = next(v for k, v in found.items() if k.startswith("Ministerium für Kultur"))
    assert ministry == ("ministry", BASE + "id/organisation/wissenschaftsministerium-nrw")


def test_short_forms_and_earlier_names_resolve_to_one_actor(gazetteer: Gazetteer) -> None:
    text = (
        "Das BMBF fördert die RWTH Aachen. Später zahlte das Bundesministerium für Forschung, "
        "Technologie und Raumfahrt an die Rheinisch-Westfälische Technische Hochschule Aachen. "
        "Die Westfälische Wilhelms-Universität Münster ging leer aus."
    )
    result = run(text, gazetteer)
    found = organisations(result)
    iris = {iri for _, iri in found.values()}
    assert BASE + "id/organisation/bundesforschungsministerium" in iris
    assert BASE + "id/organisation/rwth-aachen" in iris
    assert BASE + "id/organisation/universitaet-muenster" in iris
    ministries = [e for e in result.of_kind("organisation") if e.type == "ministry"]
    assert len(ministries) == 1  # "BMBF" and its successor's full name are one entity
    assert all(t == "university" for t, iri in found.values() if "rwth" in (iri or ""))


def test_funds_and_programmes_of_the_reference_data_are_found(gazetteer: Gazetteer) -> None:
    text = (
        "Mittel aus dem Fonds für einen gerechten Übergang und dem Europäischen Sozialfonds "
        "fließen über das EFRE/JTF-Programm NRW 2021-2027 in das Rheinische Revier."
    )
    result = run(text, gazetteer)
    assert {e.iri for e in result.of_kind("fund")} >= {
        BASE + "id/fund/jtf",
        BASE + "id/fund/esf",
    }
    assert [e.iri for e in result.of_kind("programme")] == [
        BASE + "id/programme/efre-jtf-programm-nrw-2021-2027"
    ]


def test_a_yaml_error_in_a_reference_file_is_named_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "actors.yaml").write_text(
        "organisation:\n  amt:\n    class: PublicBody\n    label: Amt\n   alt: [A]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        Gazetteer.from_data_dir(tmp_path, ROOT / "ontology")
    assert "actors.yaml" in str(caught.value) and "line 5" in str(caught.value)


def test_a_yaml_error_in_a_facts_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "doc1.yaml").write_text("document: doc1\nentities: {\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"doc1\.yaml"):
        Gazetteer.from_data_dir(tmp_path, ROOT / "ontology")


def test_extract_names_a_broken_registry_file_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from foerdergraph.cli import main

    (tmp_path / "data" / "reference").mkdir(parents=True)
    (tmp_path / "ontology").symlink_to(ROOT / "ontology")
    (tmp_path / "data" / "reference" / "nrw.yaml").write_text("place: [\n", encoding="utf-8")
    text = tmp_path / "text.txt"
    text.write_text("Die IHK Siegen berät.", encoding="utf-8")
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        main(["extract", str(text)])
    assert stopped.value.code == 1
    assert "nrw.yaml" in capsys.readouterr().err


def test_chunk_boundaries_neither_lose_nor_invent_matches(
    gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long texts are matched in overlapping chunks: a name across a boundary is found once,
    and the tail of a word the boundary cut ("B|RWTH") is no name."""
    import foerdergraph.extract.gazetteer as module

    monkeypatch.setattr(module, "_CHUNK", 40)
    across = "x " * 17 + "Die Handwerkskammer Dortmund berät."  # the boundary cuts the name
    found = gazetteer.find(across, 48)
    starts = [c.span.start for c in found if c.registry_key == "handwerkskammer-dortmund"]
    assert starts == [across.index("Handwerkskammer")]
    cut = "y" * 39 + "BRWTH und mehr Text danach, der die Grenze überschreitet."
    assert not [c for c in gazetteer.find(cut, 48) if c.span.text == "RWTH"]
    assert "RWTH" in {c.span.text for c in gazetteer.find("Die RWTH forscht.", 48)}

"""Imports never lose data silently: another file's import is only replaced on request, rows a
broken quote would swallow are rejected by number, wrong shapes of file fail with the expected
columns, and duplicate rows are reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from foerdergraph.cli import main
from foerdergraph.core.config import Settings
from foerdergraph.core.errors import EXIT_OK, EXIT_USAGE
from foerdergraph.ingest.eu.lists import FormatError, parse_list
from foerdergraph.workflows.eu_import import run_import

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "eu_lists"
ESF_HEADER = (
    "Jahr der Bewilligung,Name des Begünstigten,Sitz des Begünstigten,"
    "Bezeichnung des Vorhabens,Zuwendungen des Landes NRW"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A project with the real ontology and shapes, an empty registry and no imports; the
    command line works on it."""
    home = tmp_path / "project"
    (home / "data" / "curation").mkdir(parents=True)
    (home / "data" / "entities.yaml").write_text("{}\n", encoding="utf-8")
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, home / folder)
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(home))
    return Settings(home=home)


def one_row_erdf07(folder: Path) -> Path:
    """A one-row list in the ERDF 2007–2013 format, with no description beside it: its import's
    name is the format's name, the same as the fixture list's."""
    folder.mkdir(parents=True)
    path = folder / "one-row.json"
    row = {
        "allocated_public_funding": "1.000",
        "beneficiary": "Einzelne GmbH",
        "name_of_operation": "Ein Vorhaben",
        "on_finish_total_value": "",
        "years": "2010",
    }
    path.write_text(json.dumps([row]), encoding="utf-8")
    return path


def imports_of(settings: Settings) -> dict[str, bytes]:
    """Every file in data/imports (temporary files included) with its bytes."""
    return {p.name: p.read_bytes() for p in sorted((settings.data_dir / "imports").iterdir())}


# -- import identity -------------------------------------------------------------------------


def test_another_file_does_not_replace_an_import(
    project: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(FIXTURES / "erdf07" / "list.json")]) == EXIT_OK
    before = imports_of(project)
    assert set(before) == {"erdf-2007-2013.trig.gz", "erdf-2007-2013.report.json"}
    capsys.readouterr()

    other = one_row_erdf07(tmp_path / "elsewhere")
    assert main(["import", str(other)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "erdf-2007-2013" in err
    assert "list.json" in err and "one-row.json" in err  # both files
    assert "--replace" in err
    assert imports_of(project) == before  # nothing written, no temporary file left


def test_replace_says_how_many_rows_the_import_loses(
    project: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(FIXTURES / "erdf07" / "list.json")]) == EXIT_OK
    capsys.readouterr()
    other = one_row_erdf07(tmp_path / "elsewhere")
    assert main(["import", "--replace", str(other)]) == EXIT_OK
    err = capsys.readouterr().err
    assert "replacing erdf-2007-2013: 7 rows → 1 row" in err
    report = json.loads((project.data_dir / "imports" / "erdf-2007-2013.report.json").read_text())
    assert report["source"]["file"] == "one-row.json"
    assert report["replaced"]["file"] == "list.json" and report["replaced"]["rows"] == 7
    assert report["imported"] == 1


def test_reimporting_the_same_file_needs_no_flag(
    project: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / "erdf07" / "list.json"
    assert main(["import", str(path)]) == EXIT_OK
    first = imports_of(project)
    capsys.readouterr()
    assert main(["import", str(path)]) == EXIT_OK
    assert "replacing" not in capsys.readouterr().err
    assert imports_of(project) == first


def test_an_import_from_before_the_source_was_recorded_is_known_by_its_graph(
    project: Settings, tmp_path: Path
) -> None:
    """Reports written before this check have no `source`: the dataset's fg:sha256 in the
    import graph identifies the file."""
    path = FIXTURES / "erdf07" / "list.json"
    run_import(path, project)
    report_path = project.data_dir / "imports" / "erdf-2007-2013.report.json"
    report = json.loads(report_path.read_text())
    del report["source"]
    report_path.write_text(json.dumps(report), encoding="utf-8")
    assert main(["import", str(path)]) == EXIT_OK
    assert main(["import", str(one_row_erdf07(tmp_path / "elsewhere"))]) == EXIT_USAGE


# -- strict reading ---------------------------------------------------------------------------


def esf_list(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([ESF_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def esf_rows(count: int) -> list[str]:
    return [f"2008,Träger {i},Köln,Potentialberatung,{i}.000 €" for i in range(1, count + 1)]


@pytest.mark.parametrize("bad", [11, 24])
def test_an_unclosed_quote_rejects_its_row_and_swallows_none(tmp_path: Path, bad: int) -> None:
    rows = esf_rows(24)
    rows[bad - 1] = rows[bad - 1].replace("Träger", '"Träger')
    parsed = parse_list(esf_list(tmp_path / "list.csv", rows))
    assert parsed.rows_read == 24
    [rejection] = parsed.rejections
    assert rejection.row == bad
    assert "unclosed quote" in rejection.reason and f"line {bad + 1}" in rejection.reason
    assert [op.row for op in parsed.operations] == [r for r in range(1, 25) if r != bad]


def test_quoted_line_breaks_stay_one_row() -> None:
    parsed = parse_list(FIXTURES / "esf07" / "list.csv")
    assert (parsed.rows_read, parsed.rejections) == (3, [])
    assert parsed.operations[1].beneficiary.startswith("Westfälische Hochschule\nGelsenkirchen")


def test_a_row_with_more_fields_than_the_header_is_rejected(tmp_path: Path) -> None:
    rows = esf_rows(5)
    rows[2] += ",überzählig,noch eins"
    parsed = parse_list(esf_list(tmp_path / "list.csv", rows))
    [rejection] = parsed.rejections
    assert rejection.row == 3 and "7 fields" in rejection.reason and "5" in rejection.reason
    assert [op.row for op in parsed.operations] == [1, 2, 4, 5]


def test_unknown_columns_and_a_long_row_name_the_expected_columns(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Betrag\nA,1\nB,2,3\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        parse_list(path)
    message = str(err.value)
    assert str(path) in message and "Found: Betrag, Name" in message
    assert "allocated_public_funding" in message and "Sitz des Begünstigten" in message


@pytest.mark.parametrize("text", ['{"beneficiary": "x"}', '"a string"', "42", "null"])
def test_json_that_is_not_a_list_names_the_expected_columns(tmp_path: Path, text: str) -> None:
    path = tmp_path / "list.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as err:
        parse_list(path)
    message = str(err.value)
    assert str(path) in message and "array of objects" in message
    assert "allocated_public_funding" in message and "Gebietskennziffer" in message


def test_json_rows_that_are_not_objects_are_rejected_by_number(tmp_path: Path) -> None:
    rows = json.loads((FIXTURES / "erdf07" / "list.json").read_text(encoding="utf-8"))[:3]
    nested = {**rows[0], "beneficiary": ["RWTH Aachen"]}
    path = tmp_path / "list.json"
    path.write_text(json.dumps([rows[0], "junk", rows[1], nested, rows[2]]), encoding="utf-8")
    parsed = parse_list(path)
    assert parsed.rows_read == 5
    [string, array] = parsed.rejections
    assert string.row == 2 and "a string, not an object" in string.reason
    assert array.row == 4 and "'beneficiary' holds an array" in array.reason
    assert [op.row for op in parsed.operations] == [1, 3, 5]


def test_duplicate_rows_are_reported_and_kept(
    project: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = esf_rows(4)
    rows.insert(3, rows[1])  # row 4 repeats row 2
    path = esf_list(tmp_path / "list.csv", rows)
    parsed = parse_list(path)
    assert parsed.duplicates == [(4, 2)]
    assert len(parsed.operations) == 5  # the list may grant twice the same: both stay
    assert main(["import", str(path)]) == EXIT_OK
    captured = capsys.readouterr()
    assert "row 4: duplicate of row 2" in captured.err
    assert "1 duplicate" in captured.out
    report = json.loads((project.data_dir / "imports" / "esf-2007-2013.report.json").read_text())
    assert report["duplicates"] == [{"row": 4, "same_as": 2}]

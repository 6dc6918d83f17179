"""The command line as scripts use it: output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from foerdergraph.cli import EXIT_INVALID, EXIT_MISSING, EXIT_OK, EXIT_USAGE, main
from foerdergraph.core.config import Settings
from foerdergraph.workflows.build import BuildResult

RECURRING = "recurring-partners"


@pytest.fixture
def cli_env(settings: Settings, built: BuildResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(settings.home))
    monkeypatch.setenv("FOERDERGRAPH_BUILD_DIR", str(settings.build_dir))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_query_file_as_csv_has_the_stable_columns(
    cli_env: None, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "query", str(settings.queries_dir / f"{RECURRING}.rq"), "--format", "csv"
    )
    assert code == EXIT_OK
    table = list(csv.DictReader(io.StringIO(out)))
    assert list(table[0])[:3] == ["partner", "label", "programmes"]


def test_query_text_as_json(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "query",
        "--query",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a "
        "<https://w3id.org/foerdergraph/ontology#SourceDocument> }",
        "--format",
        "json",
    )
    assert code == EXIT_OK
    assert int(json.loads(out)["results"]["bindings"][0]["n"]["value"]) >= 5


def test_canned_query_with_param_as_table(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "query",
        "fact-sources",
        "--param",
        "resource=https://w3id.org/foerdergraph/id/project/procheck",
    )
    assert code == EXIT_OK
    assert "769.560,68 Euro" in out
    assert out.rstrip().endswith("rows)")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["query", "--query", "SELECT WHERE {"], EXIT_INVALID, "syntax error"),
        (["query", "fact-sources", "--param", "resource=not an iri"], EXIT_USAGE, "valid iri"),
        (["query", "fact-sources", "--param", "resource"], EXIT_USAGE, "name=value"),
        (["query", "no-such-query"], EXIT_MISSING, "no such file or canned query"),
        (["query"], EXIT_USAGE, "either"),
    ],
)
def test_errors_have_distinct_exit_codes(
    cli_env: None, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    actual, _, err = run(capsys, *args)
    assert actual == code
    assert message in err


def test_missing_build_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOERDERGRAPH_BUILD_DIR", str(tmp_path / "nothing"))
    code, _, err = run(capsys, "query", "--query", "ASK {}")
    assert code == EXIT_MISSING
    assert "foerdergraph build" in err


@pytest.mark.parametrize("fmt", ["turtle", "nt", "trig", "nquads", "jsonld", "rdfxml"])
def test_export_writes_each_format(
    cli_env: None, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / f"out.{fmt}"
    code, _, _ = run(capsys, "export", "--format", fmt, "--output", str(target))
    assert code == EXIT_OK
    assert target.stat().st_size > 1000


def test_stats_as_json(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "--format", "json")
    assert code == EXIT_OK
    stats = json.loads(out)
    assert stats["classes"]["https://w3id.org/foerdergraph/ontology#SourceDocument"] >= 5


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ([], ["build"], ["query"], ["export"], ["stats"], ["validate"]):
        with pytest.raises(SystemExit) as done:
            main([*command, "--help"])
        assert done.value.code == 0
        assert "usage: foerdergraph" in capsys.readouterr().out


def test_reconcile_matches_names_as_people_write_them(
    cli_env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Names from the command line and from a file, with a type: the official name's actor is
    first and a certain match; a name nobody bears is never one."""
    names = tmp_path / "names.txt"
    names.write_text("rwth aachen\n\nGibt es nicht GmbH\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "reconcile", "RWTH Aachen", "--file", str(names), "--type", "Organisation"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    first = {r["query"]: r for r in rows if r["rank"] == "1"}
    assert first["RWTH Aachen"]["id"].endswith("/id/organisation/rwth-aachen")
    assert first["RWTH Aachen"]["match"] == "True"
    assert first["rwth aachen"]["id"] == first["RWTH Aachen"]["id"]
    assert all(r["match"] == "False" for r in rows if r["query"] == "Gibt es nicht GmbH")
    code, out, _ = run(capsys, "reconcile", "RWTH Aachen", "--format", "json", "--limit", "1")
    assert code == 0 and len(json.loads(out)) == 1
    assert run(capsys, "reconcile")[0] == EXIT_USAGE

"""The build: graphs, dumps that parse and round-trip, reproducibility, and failing safely."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from foerdergraph.core.config import Settings
from foerdergraph.core.errors import BuildError
from foerdergraph.publish.dumps import FORMATS
from foerdergraph.workflows.build import BuildResult, build

SOURCES = sorted(p.stem for p in (Path(__file__).parents[2] / "data" / "sources").glob("*.txt"))


def manifest_of(result: BuildResult) -> dict:
    return json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))


def test_one_named_graph_per_document_plus_ontology_reference_entities_inferred(
    built: BuildResult,
) -> None:
    graphs = manifest_of(built)["graphs"]
    kinds = {g["kind"] for g in graphs}
    assert {"ontology", "reference", "entities", "document", "inferred"} <= kinds
    assert sorted(g["document"] for g in graphs if g["kind"] == "document") == SOURCES
    assert all(g["triples"] > 0 for g in graphs)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_dump_parses_in_rdflib_and_pyoxigraph_with_the_stated_size(
    built: BuildResult, name: str
) -> None:
    fmt = FORMATS[name]
    dumps = {d["file"]: d for d in manifest_of(built)["dumps"]}
    path = built.path / "dumps" / f"foerdergraph.{fmt.extension}"
    data = path.read_bytes()
    assert gzip.decompress((path.parent / (path.name + ".gz")).read_bytes()) == data
    info = dumps[path.name]
    assert info["bytes"] == len(data)
    assert info["sha256"] == hashlib.sha256(data).hexdigest()
    oxi = ox.Store()
    oxi.load(data, format=fmt.rdf_format)
    assert len(oxi) == info["triples"]
    if fmt.named_graphs:
        rdflib_ds = Dataset()
        rdflib_ds.parse(
            data=data, format={"trig": "trig", "nquads": "nquads", "jsonld": "json-ld"}[name]
        )
        assert sum(len(g) for g in rdflib_ds.graphs() if len(g)) == info["triples"]
    else:
        graph = Graph().parse(
            data=data, format={"turtle": "turtle", "nt": "nt", "rdfxml": "xml"}[name]
        )
        assert len(graph) == info["triples"]


def test_dumps_round_trip_between_formats(built: BuildResult) -> None:
    turtle = Graph().parse(built.path / "dumps" / "foerdergraph.ttl", format="turtle")
    again = Graph().parse(data=turtle.serialize(format="nt"), format="nt")
    from_nt = Graph().parse(built.path / "dumps" / "foerdergraph.nt", format="nt")
    assert len(again) == len(turtle) == len(from_nt)
    literals = {o for o in turtle.objects() if o.__class__.__name__ == "Literal"}
    assert literals == {o for o in from_nt.objects() if o.__class__.__name__ == "Literal"}


def test_every_evidence_quote_sits_at_its_offsets(built: BuildResult) -> None:
    store = ox.Store.read_only(str(built.path / "store"))
    rows = list(
        store.query(
            """
        PREFIX fg: <https://w3id.org/foerdergraph/ontology#>
        SELECT ?ev ?quote ?start ?end ?text WHERE {
          ?ev a fg:Evidence ; fg:quote ?quote ; fg:start ?start ; fg:end ?end ;
              fg:inDocument/fg:text ?text }""",
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) > 100
    for row in rows:
        start, end = int(row["start"].value), int(row["end"].value)
        assert row["text"].value[start:end] == row["quote"].value, row["ev"]


def test_reasoning_lets_researchers_use_standard_vocabularies(built: BuildResult) -> None:
    store = ox.Store.read_only(str(built.path / "store"))

    def ask(pattern: str) -> bool:
        return bool(
            store.query(
                "PREFIX fg: <https://w3id.org/foerdergraph/ontology#> "
                "PREFIX org: <http://www.w3.org/ns/org#> PREFIX prov: <http://www.w3.org/ns/prov#> "
                "PREFIX schema: <http://schema.org/> "
                f"ASK {{ {pattern} }}",
                use_default_graph_as_union=True,
            )
        )

    assert ask(
        "<https://w3id.org/foerdergraph/id/organisation/wirtschaftsministerium-nrw> "
        "a org:Organization, prov:Agent"
    )
    assert ask(
        "?participation a fg:Participation ; prov:wasDerivedFrom ?doc . ?doc a fg:SourceDocument"
    )
    assert ask("<https://w3id.org/foerdergraph/id/project/procheck> schema:funder ?funder")
    assert ask(
        "<https://w3id.org/foerdergraph/id/organisation/wirtschaftsfoerderung-dortmund> "
        "fg:participatesIn ?u"
    )
    assert not ask("?x a <http://www.w3.org/2002/07/owl#Nothing>")


def test_two_builds_of_the_same_input_are_byte_identical(
    project_copy: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second build runs in another process with another string-hash seed, so nothing may
    depend on Python's set or dict iteration order."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = build(project_copy)
    env = {
        **os.environ,
        "PYTHONHASHSEED": "4242",
        "FOERDERGRAPH_HOME": str(project_copy.home),
        "FOERDERGRAPH_BUILD_DIR": str(tmp_path / "second"),
    }
    subprocess.run(
        [sys.executable, "-m", "foerdergraph.cli", "build", "--quiet"],
        env=env,
        check=True,
        capture_output=True,
    )
    second = (tmp_path / "second" / "current").resolve()
    files = sorted(p.relative_to(first.path) for p in (first.path / "dumps").iterdir())
    assert len(files) == 13
    for name in [*files, Path("manifest.json"), Path("void.ttl")]:
        assert (first.path / name).read_bytes() == (second / name).read_bytes(), name


def _break_and_build(settings: Settings, relative: str, old: str, new: str) -> str:
    path = settings.home / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        build(settings)
    return str(failure.value)


def test_a_failed_build_leaves_the_last_good_build_untouched(project_copy: Settings) -> None:
    good = build(project_copy)
    before = {p: p.read_bytes() for p in (good.path / "dumps").iterdir()}
    target = project_copy.current_build.resolve()
    message = _break_and_build(
        project_copy,
        "data/facts/001_514295b5d009b54a.yaml",
        "wird mit 769.560,68 Euro gefördert",
        "wird mit 999 Euro gefördert",
    )
    assert "001_514295b5d009b54a.yaml" in message
    assert "wird mit 999 Euro gefördert" in message
    assert "does not occur verbatim" in message
    assert project_copy.current_build.resolve() == target
    assert {p: p.read_bytes() for p in (good.path / "dumps").iterdir()} == before
    assert not [
        p for p in (project_copy.build_dir / "releases").iterdir() if p.name.startswith(".")
    ]


def test_unknown_keys_and_roles_are_named(project_copy: Settings) -> None:
    message = _break_and_build(
        project_copy,
        "data/facts/004_9de6f322ba1d0f1f.yaml",
        "role: subcontractor",
        "role: overlord",
    )
    assert "004_9de6f322ba1d0f1f.yaml" in message
    assert "role 'overlord' is not a concept of role:scheme" in message


def test_yaml_syntax_errors_name_the_line(project_copy: Settings) -> None:
    path = project_copy.data_dir / "entities.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  broken: [unclosed\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"entities\.yaml: line \d+, column \d+: invalid YAML"):
        build(project_copy)


def test_a_date_that_does_not_exist_names_its_line(project_copy: Settings) -> None:
    """PyYAML parses 2016-02-30 as a date and then fails to construct it: still name the line."""
    path = project_copy.data_dir / "sources" / "004_9de6f322ba1d0f1f.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("date:"))
    lines[index] = "date: 2016-02-30"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        BuildError,
        match=rf"004_9de6f322ba1d0f1f\.yaml: line {index + 1}, column 7: invalid YAML value",
    ):
        build(project_copy)


def test_a_source_that_is_not_utf8_is_named(project_copy: Settings) -> None:
    (project_copy.data_dir / "sources" / "004_9de6f322ba1d0f1f.txt").write_bytes(
        "Förderung".encode("latin-1")
    )
    with pytest.raises(BuildError, match=r"004_9de6f322ba1d0f1f\.txt: byte 1: not UTF-8"):
        build(project_copy)


def test_shacl_violations_stop_the_build_with_the_resource_and_document(
    project_copy: Settings,
) -> None:
    message = _break_and_build(
        project_copy, "data/facts/001_514295b5d009b54a.yaml", "currency: EUR", "currency: euro"
    )
    assert "SHACL validation failed" in message
    assert "001_514295b5d009b54a" in message
    assert "/id/grant/" in message


def test_a_grant_whose_amount_disagrees_with_its_quote_stops_the_build(
    project_copy: Settings,
) -> None:
    message = _break_and_build(
        project_copy,
        "data/facts/001_514295b5d009b54a.yaml",
        'amount: "769560.68"',
        'amount: "969560.68"',
    )
    assert "001_514295b5d009b54a.yaml" in message
    assert "(grant, quote " in message
    assert (
        "amount 969560.68 disagrees with the quote 'wird mit 769.560,68 Euro gefördert'" in message
    )

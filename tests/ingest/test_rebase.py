"""Imports are written in the canonical namespace and loaded under the configured base: the IRIs
under `{canonical}id/` and `{canonical}graph/` move, nothing else does."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from foerdergraph.core.config import DEFAULT_BASE_IRI, Settings
from foerdergraph.ingest import rebase
from foerdergraph.ingest.dataset import Inputs, load_inputs
from foerdergraph.validate.engine import load_shapes, validate_store
from foerdergraph.workflows.eu_import import run_import

from .samples import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
CANON = DEFAULT_BASE_IRI
OTHER = "http://127.0.0.1:8000/fg/"
FG = "https://w3id.org/foerdergraph/ontology#"
ROLE = "https://w3id.org/foerdergraph/role/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

IMPORT = f"""<{CANON}graph/import/demo> {{
<{CANON}graph/import/demo> <http://www.w3.org/ns/prov#wasDerivedFrom> <{CANON}id/dataset/demo> .
<{CANON}id/grant/import/demo/row/1> <{FG}grantRecipient> <{CANON}id/organisation/import/acme> .
<{CANON}id/organisation/import/acme> <{RDF}type> <{FG}Organisation> .
<{CANON}id/organisation/import/acme> <{SKOS}prefLabel> "ACME, see {CANON}id/x"@de .
<{CANON}id/participation/import/demo/1> <{FG}role> <{ROLE}beneficiary> .
<{CANON}id/dataset/demo> <http://purl.org/dc/terms/source> <https://example.org/{CANON}id/y> .
<{CANON}id/dataset/demo> <{FG}sha256> "abc" .
}}
"""


def _write(path: Path, text: str) -> Path:
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


def _quads(text: str, base: str) -> set[ox.Quad]:
    """What loading `text` under `base` must give: every canonical id/ and graph/ IRI moved."""

    def moved(term: object) -> object:
        if isinstance(term, ox.NamedNode) and term.value.startswith(
            (CANON + "id/", CANON + "graph/")
        ):
            return ox.NamedNode(base + term.value[len(CANON) :])
        return term

    return {
        ox.Quad(moved(q.subject), q.predicate, moved(q.object), moved(q.graph_name))  # type: ignore[arg-type]
        for q in ox.parse(text.encode(), format=ox.RdfFormat.TRIG)
    }


def _load(paths: list[Path], base: str) -> ox.Store:
    store, _ = Inputs(Graph(), [], paths, base).store()
    return store


@pytest.mark.parametrize("base", [CANON, OTHER, "http://127.0.0.1:8000/"])
def test_only_minted_iris_move(tmp_path: Path, base: str) -> None:
    store = _load([_write(tmp_path / "demo.trig.gz", IMPORT)], base)
    assert set(store) == _quads(IMPORT, base)
    values = {t.value for q in store for t in (q.subject, q.predicate, q.object, q.graph_name)}
    assert f"{base}id/organisation/import/acme" in values
    assert f"{base}graph/import/demo" in values
    assert f"{ROLE}beneficiary" in values and f"{FG}Organisation" in values  # the vocabulary
    assert f"https://example.org/{CANON}id/y" in values  # someone else's IRI
    assert f"ACME, see {CANON}id/x" in values  # a literal


def test_a_literal_quoting_an_iri_in_brackets_is_left_alone(tmp_path: Path) -> None:
    quoting = IMPORT.replace('"abc"', f'"<{CANON}id/organisation/import/acme>"')
    second = IMPORT.replace("demo", "second")
    paths = [_write(tmp_path / "a.trig.gz", quoting), _write(tmp_path / "b.trig.gz", second)]
    store = _load(paths, OTHER)
    assert set(store) == _quads(quoting, OTHER) | _quads(second, OTHER)  # both, once
    assert ox.Literal(f"<{CANON}id/organisation/import/acme>") in {q.object for q in store}


def test_lines_are_not_cut_between_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rebase, "CHUNK", 7)  # every read ends inside an IRI
    store = _load([_write(tmp_path / "demo.trig.gz", IMPORT)], OTHER)
    assert set(store) == _quads(IMPORT, OTHER)


def test_import_writes_the_canonical_namespace_and_loads_under_any_base(tmp_path: Path) -> None:
    """An import run with another base writes the same canonical file; the inputs loaded with
    that base hold the list under it and conform to the shapes."""
    (tmp_path / "data" / "curation").mkdir(parents=True)
    (tmp_path / "data" / "entities.yaml").write_text(REGISTRY, encoding="utf-8")
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    lists = ROOT / "tests" / "fixtures" / "eu_lists"
    other = Settings(home=tmp_path, base_iri=OTHER)
    written = run_import(lists / "erdf14" / "list.json", other, name="fixture-erdf14").trig_path
    assert written is not None
    text = gzip.decompress(written.read_bytes()).decode("utf-8")
    assert text.startswith(f"<{CANON}graph/import/fixture-erdf14> {{")
    assert OTHER not in text
    canonical = Settings(home=tmp_path, base_iri=CANON)
    again = run_import(lists / "erdf14" / "list.json", canonical, name="fixture-erdf14").trig_path
    assert again is not None and gzip.decompress(again.read_bytes()).decode("utf-8") == text

    store, imported = load_inputs(other).store()
    assert set(imported) == {f"{OTHER}graph/import/fixture-erdf14"}
    iris = {t.value for q in store for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    assert not {i for i in iris if i.startswith((CANON + "id/", CANON + "graph/"))}
    assert f"{OTHER}id/organisation/projekttraeger-etn-juelich" in iris  # registry and list meet
    report = validate_store(
        store, shapes=load_shapes(tmp_path / "shapes" / "foerdergraph.shacl.ttl")
    )
    assert report.conforms, report.text()

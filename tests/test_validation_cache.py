"""Incremental validation: unchanged slices come from the cache, changed ones are validated
again, and the incremental report equals a full validation of the union."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from foerdergraph.validate import load_shapes, validate
from foerdergraph.validation_cache import validate_graphs
from test_shapes import BASE, CASES, DOC0, FIXTURES, SHAPES_FILE, load_dataset


def parts(*changes: Path) -> list[tuple[URIRef, Graph]]:
    data = load_dataset(*changes)
    return [(URIRef(str(g.identifier)), g) for g in data.graphs() if len(g)]


def test_second_run_skips_unchanged_graphs(tmp_path: Path) -> None:
    shapes, ontology = load_shapes(SHAPES_FILE), Graph().parse(FIXTURES / "ontology.ttl")
    cache = tmp_path / "cache"
    report, first = validate_graphs(parts(), ontology, shapes=shapes, cache_dir=cache)
    assert report.conforms and len(first) == len(parts())
    report, second = validate_graphs(parts(), ontology, shapes=shapes, cache_dir=cache)
    assert report.conforms and second == []

    case = FIXTURES / "cases" / "grant-amount-negative.trig"
    report, third = validate_graphs(parts(case), ontology, shapes=shapes, cache_dir=cache)
    assert f"{BASE}graph/document/{DOC0}" in third
    assert [v.shape for v in report.violations] == ["fgsh:Grant-amountNonNegative"]


def test_incremental_report_equals_full_validation(tmp_path: Path) -> None:
    shapes, ontology = load_shapes(SHAPES_FILE), Graph().parse(FIXTURES / "ontology.ttl")
    for case in CASES[::7]:
        full = validate(load_dataset(case), shapes=shapes, ontology=ontology)
        incremental, _ = validate_graphs(
            parts(case), ontology, shapes=shapes, cache_dir=tmp_path / case.stem
        )
        assert incremental.violations == full.violations, case.name

"""Validating one document against the last build equals validating the whole graph.

On the shapes fixtures: every failing case, each document graph validated alone against a store
holding every other graph ("the last build") gives exactly the full validation's results whose
focus node is a subject of that document's graph, resolved to the same labels, documents and
graphs. The real project's version (data/ files, the build's store, the CLI) is tested in
tests/test_validate_document.py.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from foerdergraph import scoped_validation
from foerdergraph.scoped_validation import context_plan, validate_in_context
from foerdergraph.shacl_sparql import UnsupportedShapes
from foerdergraph.store import quads_of
from foerdergraph.validate import ONTOLOGY_GRAPH, ValidationReport, Violation, validate
from test_shapes import BASE, CASES, DOC0, DOC1, load_dataset

SH_NS = "http://www.w3.org/ns/shacl#"
DOCUMENTS = [URIRef(f"{BASE}graph/document/{doc}") for doc in (DOC0, DOC1)]


def built_without(data: Dataset, own: URIRef) -> tuple[ox.Store, list[str]]:
    """An Oxigraph store of every graph but `own`, as the last build would hold them."""
    store = ox.Store()
    names = []
    for graph in data.graphs():
        if graph.identifier != own and len(graph):
            store.bulk_extend(quads_of(graph, URIRef(str(graph.identifier))))
            names.append(str(graph.identifier))
    return store, names


def alone(data: Dataset, own: URIRef, shapes: Graph, ontology: Graph) -> ValidationReport:
    store, names = built_without(data, own)
    parts = [(own, data.graph(own)), (ONTOLOGY_GRAPH, ontology)]
    report, _fetched = validate_in_context(own, parts, store, names, shapes=shapes)
    return report


def owned(report: ValidationReport, data: Dataset, own: URIRef) -> list[Violation]:
    subjects = {str(s) for s in data.graph(own).subjects()}
    return [v for v in report.violations if v.focus in subjects]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_document_alone_equals_full_validation(
    path: Path, shapes: Graph, ontology: Graph
) -> None:
    data = load_dataset(path)
    full = validate(data, shapes=shapes, ontology=ontology)
    found = []
    for own in DOCUMENTS:
        report = alone(data, own, shapes, ontology)
        assert report.violations == owned(full, data, own), (path.name, own)
        found += report.violations
    if any(v.document_id for v in full.violations):
        assert found, "a case failing in a document must fail that document alone"


@pytest.mark.parametrize("path", CASES[::5], ids=[p.stem for p in CASES[::5]])
def test_hubs_read_one_predicate_at_a_time_with_the_same_results(
    path: Path, shapes: Graph, ontology: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nodes with many triples are looked up per predicate instead of scanned: same results."""
    monkeypatch.setattr(scoped_validation, "DESCRIBE_SCAN", 1)
    data = load_dataset(path)
    full = validate(data, shapes=shapes, ontology=ontology)
    for own in DOCUMENTS:
        assert alone(data, own, shapes, ontology).violations == owned(full, data, own)


def test_valid_documents_conform_alone(shapes: Graph, ontology: Graph) -> None:
    data = load_dataset()
    for own in DOCUMENTS:
        assert alone(data, own, shapes, ontology).violations == []


def test_the_context_is_what_makes_cross_graph_checks_fail(shapes: Graph, ontology: Graph) -> None:
    """The class of a resource the document names lives in the entities graph: without that
    context the document fails, with it the result is the full one."""
    data = load_dataset()
    own = DOCUMENTS[0]
    report, _ = validate_in_context(
        own, [(own, data.graph(own)), (ONTOLOGY_GRAPH, ontology)], ox.Store(), [], shapes=shapes
    )
    assert any(v.component == "ClassConstraintComponent" for v in report.violations)


def test_plan_names_what_the_shapes_read(shapes: Graph) -> None:
    plan = context_plan(shapes)
    fg = "https://w3id.org/foerdergraph/ontology#"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    assert ox.NamedNode(fg + "sha256") in plan.focus  # only named inside a SPARQL constraint
    assert ox.NamedNode(fg + "text") in plan.values  # the quote check reads the document's text
    assert (ox.NamedNode(rdf + "subject"), ox.NamedNode(rdf + "object")) in plan.links
    assert (ox.NamedNode(fg + "participant"), ox.NamedNode(fg + "participationIn")) in plan.links


def test_plan_refuses_checks_it_cannot_bound(shapes: Graph) -> None:
    changed = Graph()
    for triple in shapes:
        changed.add(triple)
    select = next(s for s in changed.objects(None, URIRef(f"{SH_NS}select")) if "rdf:subject" in s)
    for s, p, _o in list(changed.triples((None, URIRef(f"{SH_NS}select"), select))):
        changed.set((s, p, type(select)(str(select).replace("?s ?p ?o", "?x ?p ?o"))))
    with pytest.raises(UnsupportedShapes, match="cannot bound"):
        context_plan(changed)

"""Validating one document against the last build equals validating the whole graph.

On the shapes fixtures: every failing case, each document graph validated alone against a store
holding every other graph ("the last build") gives exactly the full validation's results whose
focus node is a subject of that document's graph, resolved to the same labels, documents and
graphs. The real project's version (data/ files, the build's store, the CLI) is tested in
tests/workflows/test_document.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from foerdergraph.core.rdf import quads_of
from foerdergraph.validate import scoped as scoped_validation
from foerdergraph.validate.engine import (
    ONTOLOGY_GRAPH,
    ValidationReport,
    Violation,
    validate,
)
from foerdergraph.validate.scoped import (
    ContextPlan,
    ScopedReport,
    context_plan,
    validate_in_context,
)
from foerdergraph.validate.sparql import UnsupportedShapes

from .test_shapes import BASE, CASES, DOC0, DOC1, FG, load_dataset

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
    return validate_in_context(own, parts, store, names, shapes=shapes).report


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
    report = validate_in_context(
        own, [(own, data.graph(own)), (ONTOLOGY_GRAPH, ontology)], ox.Store(), [], shapes=shapes
    ).report
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


def test_plan_names_what_is_read_hop_after_hop(shapes: Graph) -> None:
    """sh:class reads the class hierarchy, the direct-triple check a property path."""
    assert context_plan(shapes).schema == {
        ox.NamedNode(str(RDFS.subClassOf)),
        ox.NamedNode(str(RDFS.subPropertyOf)),
    }


# -- edits: what changing one document does to the nodes of other graphs ----------------------

ENTITIES = URIRef(f"{BASE}graph/entities")
PROCHECK = URIRef(f"{BASE}id/project/procheck")
CALL = URIRef(f"{BASE}id/call/umbau-21-call")
HWK = URIRef(f"{BASE}id/organisation/handwerkskammer-muenster")
GRANT_EVIDENCE = URIRef(f"{BASE}id/evidence/{DOC0}/0-77")
FACT_CLASSES = (FG.Participation, FG.Grant, FG.Post, FG.Membership, RDF.Statement)
FOR_UNDERTAKING = "fgsh:Participation-participationIn"
Triple = tuple[URIRef, URIRef, URIRef]


@pytest.fixture(scope="module")
def plan(shapes: Graph) -> ContextPlan:
    return context_plan(shapes)


def resting_on_doc0() -> Dataset:
    """The valid fixture with DOC0's facts stated by DOC1 and the project described by DOC0
    instead of the registry: DOC1's facts rest on DOC0's evidence, direct triples and project."""
    data = load_dataset()
    doc0, doc1, entities = (data.graph(g) for g in (*DOCUMENTS, ENTITIES))
    facts = {s for cls in FACT_CLASSES for s in doc0.subjects(RDF.type, cls)}
    for source, target, subject in [*((doc0, doc1, f) for f in facts), (entities, doc0, PROCHECK)]:
        for triple in list(source.triples((subject, None, None))):
            source.remove(triple)
            target.add(triple)
    return data


def without(data: Dataset, own: URIRef, triples: list[Triple]) -> Dataset:
    """A copy of `data` whose graph `own` lacks `triples`."""
    copy = Dataset()
    for quad in data.quads():
        copy.add(quad)
    for triple in triples:
        copy.graph(own).remove(triple)
    return copy


@dataclass(frozen=True)
class Version:
    """The data in one state, and what full validation says about it."""

    data: Dataset
    full: list[Violation]


def version(data: Dataset, shapes: Graph, ontology: Graph) -> Version:
    return Version(data, validate(data, shapes=shapes, ontology=ontology).violations)


def edit(
    before: Version, after: Version, own: URIRef, shapes: Graph, ontology: Graph, plan: ContextPlan
) -> ScopedReport:
    """Validate `after`'s graph `own` against a store holding `before` as the last build; the
    scoped results must equal the full validation's on the document's nodes and on the nodes of
    other graphs it re-checked, and every other node's results must be the last build's."""
    store, names = built_without(before.data, own)
    store.bulk_extend(quads_of(before.data.graph(own), own))
    parts = [(own, after.data.graph(own)), (ONTOLOGY_GRAPH, ontology)]
    scoped = validate_in_context(
        own, parts, store, names, shapes=shapes, plan=plan, previous=[str(own)]
    )
    mine = {str(s) for s in after.data.graph(own).subjects()}
    assert scoped.report.violations == [v for v in after.full if v.focus in mine]
    assert scoped.affected.violations == [v for v in after.full if v.focus in scoped.rechecked]
    checked = mine | scoped.rechecked
    assert [v for v in after.full if v.focus not in checked] == [
        v for v in before.full if v.focus not in checked
    ]
    return scoped


def test_the_documents_resting_on_each_other_are_valid(shapes: Graph, ontology: Graph) -> None:
    assert validate(resting_on_doc0(), shapes=shapes, ontology=ontology).violations == []


@pytest.mark.parametrize(
    "removed, fired",
    [
        ([(PROCHECK, RDF.type, FG.Project)], {"fgsh:Grant-grantFor", FOR_UNDERTAKING}),
        ("procheck", {"fgsh:Grant-grantFor", FOR_UNDERTAKING, "fgsh:StatementAssertedShape"}),
        ([(GRANT_EVIDENCE, RDF.type, FG.Evidence)], {"fgsh:Grant-evidence"}),
        ([(PROCHECK, FG.partOf, CALL)], {"fgsh:StatementAssertedShape"}),
        ([(HWK, FG.leads, PROCHECK)], {"fgsh:ParticipationDirectTripleShape"}),
    ],
    ids=["project-type", "project", "evidence-type", "statement-triple", "participation-triple"],
)  # fmt: skip
def test_removing_what_another_document_relies_on(
    removed: list[Triple] | str,
    fired: set[str],
    shapes: Graph,
    ontology: Graph,
    plan: ContextPlan,
) -> None:
    """DOC0 loses the project's class, the project itself, the grant's evidence's class or the
    direct triple of a statement or a participation that DOC1 states: the scoped validation of
    DOC0 reports DOC1's results as full validation does."""
    before = version(resting_on_doc0(), shapes, ontology)
    own = DOCUMENTS[0]
    if removed == "procheck":
        removed = list(before.data.graph(own).triples((PROCHECK, None, None)))
    after = version(without(before.data, own, list(removed)), shapes, ontology)
    scoped = edit(before, after, own, shapes, ontology, plan)
    assert {v.shape for v in scoped.affected.violations} == fired
    assert {v.graph for v in scoped.affected.violations} == {str(DOCUMENTS[1])}
    assert scoped.report.violations == []


@pytest.mark.parametrize("resources", [False, True], ids=["each-triple", "each-resource"])
def test_every_removal_and_addition_equals_full_validation(
    resources: bool, shapes: Graph, ontology: Graph, plan: ContextPlan
) -> None:
    """Each triple (or each resource, with all its triples) of both documents removed, and
    added back to the graph without it: always the full validation's results."""
    before = version(resting_on_doc0(), shapes, ontology)
    for own in DOCUMENTS:
        graph = before.data.graph(own)
        edits = (
            [list(graph.triples((s, None, None))) for s in set(graph.subjects())]
            if resources
            else [[t] for t in graph]
        )
        for removed in edits:
            after = version(without(before.data, own, removed), shapes, ontology)
            edit(before, after, own, shapes, ontology, plan)
            edit(after, before, own, shapes, ontology, plan)


def test_an_edit_of_the_class_hierarchy_is_refused(shapes: Graph, ontology: Graph) -> None:
    """Every instance reads rdfs:subClassOf: the nodes an edit of it concerns are unbounded."""
    data = load_dataset()
    own = DOCUMENTS[0]
    after = Graph()
    for triple in data.graph(own):
        after.add(triple)
    after.add((FG.Project, RDFS.subClassOf, FG.Agent))
    store, names = built_without(data, own)
    store.bulk_extend(quads_of(data.graph(own), own))
    parts = [(own, after), (ONTOLOGY_GRAPH, ontology)]
    with pytest.raises(UnsupportedShapes, match="subClassOf"):
        validate_in_context(own, parts, store, names, shapes=shapes, previous=[str(own)])

"""The SHACL shapes and the validation step.

`tests/fixtures/shapes/valid.trig` must conform; each file in `cases/` changes it in one place
(triples in the graph `<urn:x-test:delete>` are removed, everything else is added to the named
graph it is written in) and states in its header which shape must fire, on which resource, with
which message and for which document. The test checks that exactly those results appear, so a
fixture proves its constraint fires and that nothing else misfires, and a shape that rejects
everything fails the valid fixture. A last test checks every constraint of the shapes file has a
fixture. See tests/fixtures/shapes/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import SH

from foerdergraph.validate.engine import (
    ValidationReport,
    Violation,
    validate,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shapes"
CASES = sorted((FIXTURES / "cases").glob("*.trig"))
SHAPES_FILE = ROOT / "shapes" / "foerdergraph.shacl.ttl"
BASE = "https://w3id.org/foerdergraph/"
FG = Namespace("https://w3id.org/foerdergraph/ontology#")
FGSH = Namespace("https://w3id.org/foerdergraph/shapes#")
DELETE = URIRef("urn:x-test:delete")
DOC0 = "000_2f9c4f1f6fc4135f"
DOC1 = "001_5b0e0c33a1d2e4f6"

# Which constraint component each SHACL parameter brings (for the coverage test).
COMPONENTS: dict[URIRef, tuple[str, ...]] = {
    SH.minCount: ("MinCountConstraintComponent",),
    SH.maxCount: ("MaxCountConstraintComponent",),
    SH.datatype: ("DatatypeConstraintComponent",),
    SH["class"]: ("ClassConstraintComponent",),
    SH.node: ("NodeConstraintComponent",),
    SH.nodeKind: ("NodeKindConstraintComponent",),
    SH.pattern: ("PatternConstraintComponent",),
    SH.minInclusive: ("MinInclusiveConstraintComponent",),
    SH.maxInclusive: ("MaxInclusiveConstraintComponent",),
    SH.lessThan: ("LessThanConstraintComponent",),
    SH.uniqueLang: ("UniqueLangConstraintComponent",),
    SH.disjoint: ("DisjointConstraintComponent",),
    SH["or"]: ("OrConstraintComponent",),
    SH.sparql: ("SPARQLConstraintComponent",),
    SH.qualifiedValueShape: (
        "QualifiedMinCountConstraintComponent",
        "QualifiedMaxCountConstraintComponent",
    ),
}


@dataclass(frozen=True)
class Case:
    """A failing fixture and what its header says must happen."""

    path: Path
    shape: str
    component: str
    severity: str
    focus: str
    document: str
    message: str
    also: frozenset[tuple[str, str]]

    @property
    def expected(self) -> set[tuple[str, str]]:
        return {(self.shape, self.component), *self.also}


def read_case(path: Path) -> Case:
    header: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"#\s*(\w+):\s*(.+?)\s*$", line):
            header.setdefault(match[1], []).append(match[2])
    also = frozenset(
        (shape, component) for shape, component in map(str.split, header.get("also", []))
    )
    return Case(
        path=path,
        shape=header["shape"][0],
        component=header["component"][0],
        severity=header["severity"][0],
        focus=BASE + "id/" + header["focus"][0],
        document=header["document"][0],
        message=header["message"][0],
        also=also,
    )


def load_dataset(*changes: Path) -> Dataset:
    """The valid fixture with the changes of the given case files applied."""
    data = Dataset()
    data.parse(FIXTURES / "valid.trig", format="trig")
    for path in changes:
        change = Dataset()
        change.parse(path, format="trig")
        for graph in change.graphs():
            if graph.identifier == DELETE:
                for triple in graph:
                    assert any(data.quads((*triple, None))), f"{path.name}: not in valid: {triple}"
                    data.remove((*triple, None))
            elif len(graph):
                target = data.graph(graph.identifier)
                for triple in graph:
                    target.add(triple)
    return data


def run(shapes: Graph, ontology: Graph, *changes: Path) -> ValidationReport:
    return validate(load_dataset(*changes), shapes=shapes, ontology=ontology)


# -- the valid fixture -------------------------------------------------------------------------


def test_valid_fixture_conforms(shapes: Graph, ontology: Graph) -> None:
    report = run(shapes, ontology)
    assert report.violations == [], report.text()
    assert report.conforms
    assert "passed" in report.text()


def test_valid_fixture_needs_the_ontology_for_subclasses(shapes: Graph) -> None:
    """Without the ontology's subclass tree a Ministry is no fg:Agent: the class checks fail.
    This is why validate() mixes the ontology in."""
    report = validate(load_dataset(), shapes=shapes)
    assert not report.conforms
    assert any(v.component == "ClassConstraintComponent" for v in report.violations)


# -- one failing fixture per constraint --------------------------------------------------------


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_failing_fixture(path: Path, shapes: Graph, ontology: Graph) -> None:
    case = read_case(path)
    report = run(shapes, ontology, path)

    fired = {(v.shape, v.component) for v in report.violations}
    assert fired == case.expected, report.text()

    [violation] = [
        v for v in report.violations if (v.shape, v.component) == (case.shape, case.component)
    ]
    assert violation.severity == case.severity
    assert violation.focus == case.focus
    assert case.message in violation.message
    line = violation.line()
    if case.document.startswith("graph/"):
        # imported data belongs to no document: the report names the import's graph instead
        assert violation.document_id is None
        assert violation.graph == BASE + case.document
        assert line.startswith(f"{case.severity} <{case.focus}>")
        assert f"== graph <{BASE}{case.document}>" in report.text()
    else:
        assert violation.document_id == case.document
        assert line.startswith(f"{case.severity} [{case.document}] <{case.focus}>")
        assert f"== document {case.document}" in report.text()
    assert case.message in line
    assert report.conforms is not any(v.is_error for v in report.violations)
    assert report.conforms is (case.severity != "ERROR" and not report.errors)


def test_every_constraint_has_a_failing_fixture(shapes: Graph) -> None:
    """Each (shape, constraint component) of the shapes file is proven to fire by some fixture."""
    declared: set[tuple[str, str]] = set()
    for shape in set(shapes.subjects(SH.severity, None)):
        for parameter, components in COMPONENTS.items():
            if (shape, parameter, None) in shapes:
                declared.update((shapes.qname(shape), c) for c in components)
    covered = set().union(*(read_case(p).expected for p in CASES))
    assert declared, "no shapes found"
    assert declared - covered == set(), "constraints without a failing fixture"
    assert covered - declared == set(), "fixtures expecting constraints the shapes do not have"


# -- the shapes file itself --------------------------------------------------------------------


def test_shapes_are_well_formed_shacl(shapes: Graph) -> None:
    """pyshacl's meta-validation checks the shapes graph against SHACL's own shapes."""
    conforms, _results, text = pyshacl.validate(
        Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True
    )
    assert conforms, text


def test_every_shape_has_a_readable_message_and_severity(shapes: Graph) -> None:
    for shape in set(shapes.subjects(SH.path, None)) | set(shapes.subjects(SH.sparql, None)):
        if shape == FGSH.RoleConceptShape or not isinstance(shape, URIRef):
            continue
        assert (shape, SH.severity, None) in shapes, f"{shape} has no sh:severity"
        carriers = [shape, *shapes.objects(shape, SH.sparql)]
        messages = [m for c in carriers for m in shapes.objects(c, SH.message)]
        assert any(getattr(m, "language", None) == "en" for m in messages), f"{shape}: no message"


# -- the report --------------------------------------------------------------------------------


def test_report_text_groups_by_document(shapes: Graph, ontology: Graph) -> None:
    report = run(
        shapes,
        ontology,
        FIXTURES / "cases" / "grant-amount-negative.trig",
        FIXTURES / "cases" / "entity-preflabel-missing-mentioned-elsewhere.trig",
    )
    text = report.text()
    assert text.startswith("Validation FAILED: 2 error(s), 0 warning(s).")
    first, second = text.index(f"== document {DOC0}"), text.index(f"== document {DOC1}")
    grant_line = (
        f"ERROR [{DOC0}] <{BASE}id/grant/procheck> (Grant for ProCheck): "
        "fg:amount must be ≥ 0, got -5"
    )
    assert first < text.index(grant_line) < second
    assert text.index(f"ERROR [{DOC1}] <{BASE}id/organisation/land-nrw>") > second
    assert len(report.for_document(DOC0)) == 1


def test_violation_details(shapes: Graph, ontology: Graph) -> None:
    report = run(shapes, ontology, FIXTURES / "cases" / "grant-currency-not-iso.trig")
    [violation] = report.violations
    assert isinstance(violation, Violation)
    assert violation.path == "fg:currency"
    assert violation.value == '"Euro"'
    assert violation.label == "Grant for ProCheck"
    assert violation.document == f"{BASE}id/document/{DOC0}"
    assert violation.graph == f"{BASE}graph/document/{DOC0}"
    assert violation.shape == "fgsh:Grant-currency"


def test_count_violations_say_what_is_missing(shapes: Graph, ontology: Graph) -> None:
    report = run(shapes, ontology, FIXTURES / "cases" / "grant-amount-missing.trig")
    [violation] = report.violations
    assert violation.value is None
    assert violation.line().endswith("in the currency's unit (missing)")


def test_results_outside_documents_are_grouped_by_graph(shapes: Graph, ontology: Graph) -> None:
    """An entity no document mentions is reported under its own graph."""
    data = load_dataset(FIXTURES / "cases" / "ags-seven-digits.trig")
    data.remove((None, None, None, data.graph(URIRef(f"{BASE}graph/document/{DOC0}")).identifier))
    data.remove((None, None, None, data.graph(URIRef(f"{BASE}graph/document/{DOC1}")).identifier))
    report = validate(data, shapes=shapes, ontology=ontology)
    [violation] = report.violations
    assert violation.document_id is None
    assert violation.graph == f"{BASE}graph/reference"
    assert f"== graph <{BASE}graph/reference>" in report.text()
    assert violation.line().startswith(f"ERROR <{BASE}id/organisation/kreis-mettmann> (Kreis")


def test_plain_graph_is_attributed_through_evidence_and_mentions(
    shapes: Graph, ontology: Graph
) -> None:
    """Without named graphs the document comes from fg:evidence and fg:mention."""
    dataset = load_dataset(
        FIXTURES / "cases" / "grant-amount-negative.trig",
        FIXTURES / "cases" / "entity-preflabel-missing-mentioned-elsewhere.trig",
    )
    graph = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    report = validate(graph, shapes=shapes, ontology=ontology)
    assert sorted(v.document_id for v in report.violations) == [DOC0, DOC1]
    assert all(v.graph is None for v in report.violations)


# Validating one document against the last build: tests/validate/test_scoped.py


# -- the real ontology, when it is there -------------------------------------------------------


def test_valid_fixture_conforms_with_the_project_ontology(shapes: Graph) -> None:
    """The shapes rely on the ontology's subclass tree and role scheme: check they agree."""
    path = ROOT / "ontology" / "foerdergraph.ttl"
    if not path.is_file():
        pytest.skip("ontology/foerdergraph.ttl is not written yet")
    report = validate(load_dataset(), shapes=shapes, ontology=Graph().parse(path))
    assert report.conforms, report.text()

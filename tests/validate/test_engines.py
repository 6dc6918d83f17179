"""The SPARQL validator (validate/sparql.py on Oxigraph) gives the same results as pyshacl.

Both engines validate the valid fixture and every failing fixture of tests/fixtures/shapes/cases
(see tests/validate/test_shapes.py for how a case is applied) with the project's shapes; the
reports must list the same (focus node, shape, constraint component, value, severity), and in
fact the same resolved Violations (path, message, label, document, graph). A shape using a
SHACL feature the compiler does not implement must fail loudly instead of being skipped.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from foerdergraph.validate.engine import (
    ValidationReport,
    Violation,
    validate,
    validation_store,
)
from foerdergraph.validate.sparql import SUPPORTED, UnsupportedShapes, compile_shapes

from .test_shapes import CASES, load_dataset

_NUMBER = re.compile(r'"(.*)"\^\^xsd:(decimal|integer)')


def canonical(violation: Violation) -> Violation:
    """Oxigraph stores numbers in canonical form ("3.0"^^xsd:decimal as "3"): compare values."""
    value = violation.value
    if value is not None and (match := _NUMBER.fullmatch(value)):
        value = f'"{Decimal(match[1]).normalize()}"^^xsd:{match[2]}'
    return replace(violation, value=value)


def violations(report: ValidationReport) -> list[Violation]:
    return [canonical(v) for v in report.violations]


def key(report: ValidationReport) -> set[tuple[str, str | None, str | None, str | None, str]]:
    return {(v.focus, v.shape, v.component, v.value, v.severity) for v in violations(report)}


def both(shapes: Graph, ontology: Graph, *changes: Path) -> tuple[ValidationReport, ...]:
    data = load_dataset(*changes)
    return tuple(
        validate(data, shapes=shapes, ontology=ontology, engine=engine)
        for engine in ("pyshacl", "sparql")
    )


def test_valid_fixture_same_on_both_engines(shapes: Graph, ontology: Graph) -> None:
    reference, fast = both(shapes, ontology)
    assert reference.violations == fast.violations == []


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_failing_fixture_same_on_both_engines(path: Path, shapes: Graph, ontology: Graph) -> None:
    reference, fast = both(shapes, ontology, path)
    assert reference.violations, "the case must fail"
    assert key(fast) == key(reference)
    assert violations(fast) == violations(reference)
    assert fast.conforms == reference.conforms


def test_many_cases_at_once_same_on_both_engines(shapes: Graph, ontology: Graph) -> None:
    """Many changes together (results interact: shared focus nodes, several per check); a case
    is left out when an earlier one already removed what it deletes."""
    chosen: list[Path] = []
    for path in CASES:
        try:
            load_dataset(*chosen, path)
        except AssertionError:
            continue
        chosen.append(path)
    assert len(chosen) > len(CASES) / 2
    reference, fast = both(shapes, ontology, *chosen)
    assert len(reference.violations) > len(chosen) / 2
    assert violations(fast) == violations(reference)


def test_plain_graph_without_ontology_same_on_both_engines(shapes: Graph) -> None:
    graph = Graph()
    for s, p, o, _g in load_dataset(CASES[0]).quads((None, None, None, None)):
        graph.add((s, p, o))
    reference, fast = (validate(graph, shapes=shapes, engine=e) for e in ("pyshacl", "sparql"))
    assert reference.violations
    assert violations(fast) == violations(reference)


def test_every_parameter_of_the_shapes_is_compiled(shapes: Graph) -> None:
    """The project's shapes compile; each sh: constraint parameter they use is one we support."""
    compile_shapes(shapes, ox.Store())
    used = {p for p in shapes.predicates() if str(p) in {str(s) for s in SUPPORTED}}
    assert SH.minCount in used and SH.sparql in used


@pytest.mark.parametrize(
    "parameter, value",
    [(SH.equals, URIRef("urn:x:p")), (SH.maxLength, Literal(3)), (SH.closed, Literal(True))],
)
def test_unsupported_component_fails_loudly(
    shapes: Graph, parameter: URIRef, value: Literal | URIRef
) -> None:
    changed = Graph()
    for triple in shapes:
        changed.add(triple)
    changed.add((URIRef("https://w3id.org/foerdergraph/shapes#Grant-amount"), parameter, value))
    with pytest.raises(UnsupportedShapes, match=parameter.split("#")[-1]):
        compile_shapes(changed, ox.Store())


def _screens_and_findings(
    shapes: Graph, ontology: Graph, *changes: Path
) -> list[tuple[bool, bool]]:
    """(screen says "may find something", query found candidate rows) per screened check."""
    store = validation_store(load_dataset(*changes), ontology)
    found = []
    for check in compile_shapes(shapes, store):
        if check.screen is not None:
            screen = bool(store.query(check.screen, use_default_graph_as_union=True))
            rows = list(store.query(check.query, use_default_graph_as_union=True))  # type: ignore[arg-type]
            found.append((screen, bool(rows)))
    return found


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_a_screen_never_hides_a_finding(path: Path, shapes: Graph, ontology: Graph) -> None:
    """A check is skipped when its screen is false: on every failing case, each check that finds
    something has a true screen (the engines' equality above proves the same end to end)."""
    found = _screens_and_findings(shapes, ontology, path)
    assert all(screen for screen, rows in found if rows)


def test_screens_skip_the_checks_on_valid_data(shapes: Graph, ontology: Graph) -> None:
    """On the valid fixture most screens are false, so the targeted queries are not run."""
    found = _screens_and_findings(shapes, ontology)
    assert sum(not screen for screen, _rows in found) > len(found) / 2

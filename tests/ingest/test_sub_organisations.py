"""The sub-organisation rules: what they link, what a veto stops, errors naming file and rule."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from foerdergraph.core.errors import InputError
from foerdergraph.core.ontology import OntologyIndex, load_ontology
from foerdergraph.core.registry import Registry, load_registry_file
from foerdergraph.core.vocab import FG
from foerdergraph.ingest.sub_organisations import read_rules, sub_organisation_graph

BASE = "https://example.org/"
ORG = BASE + "id/organisation/"
LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
RULES = """
rules:
  - id: uni-unit
    match: '^Uni X - '
    parent: uni-x
    explanation: Units of Uni X.
  - id: dezernat
    match: '^Bezirksregierung (?P<city>Köln|Münster)\\b.*Dezernat'
    parent: bezirksregierung-{city}
    explanation: Dezernate belong to their district government.
vetoes:
  - label: Uni X - Klinikum
    reason: a legal person of its own
"""


def _registry(tmp_path: Path) -> Registry:
    root = Path(__file__).resolve().parents[2]
    path = tmp_path / "entities.yaml"
    path.write_text(
        "organisation:\n"
        "  uni-x: {class: University, label: Uni X}\n"
        "  bezirksregierung-muenster:\n"
        "    {class: DistrictGovernment, label: Bezirksregierung Münster}\n",
        encoding="utf-8",
    )
    registry = Registry()
    load_registry_file(path, OntologyIndex(load_ontology(root / "ontology")), registry)
    return registry


def _store(*labels: str) -> ox.Store:
    store = ox.Store()
    for n, label in enumerate(labels):
        store.add(
            ox.Quad(
                ox.NamedNode(f"{ORG}o{n}"),
                LABEL,
                ox.Literal(label, language="de"),
                ox.NamedNode(BASE + "g"),
            )
        )
    return store


def test_rules_link_units_record_the_rule_and_respect_vetoes(tmp_path: Path) -> None:
    (tmp_path / "curation").mkdir()
    (tmp_path / "curation" / "sub-organisations.yaml").write_text(RULES, encoding="utf-8")
    rules = read_rules(tmp_path, _registry(tmp_path), BASE)
    assert rules is not None
    store = _store(
        "Uni X - Institut für Dinge",  # o0: a unit
        "Uni X - Klinikum",  # o1: vetoed
        "Bezirksregierung Münster, Dezernat 34",  # o2: the parent named by the match
        "Bezirksregierung Köln, Dezernat 1",  # o3: no such parent in the registry
        "Institut an der Uni X",  # o4: no rule
    )
    graph = sub_organisation_graph(store, rules, BASE)
    links = {
        (str(s).removeprefix(ORG), str(o).removeprefix(ORG))
        for s, o in graph.subject_objects(FG.subOrganisationOf)
    }
    assert links == {("o0", "uni-x"), ("o2", "bezirksregierung-muenster")}
    why = {
        str(s).removeprefix(ORG): str(graph.value(e, FG.linkRule))
        for s, e in graph.subject_objects(FG.linkExplanation)
    }
    assert why == {"o0": "uni-unit", "o2": "dezernat"}


def test_a_bad_rule_is_refused_naming_file_and_rule(tmp_path: Path) -> None:
    (tmp_path / "curation").mkdir()
    path = tmp_path / "curation" / "sub-organisations.yaml"
    path.write_text(
        "rules:\n"
        "  - {id: a, match: '^(RWTH', parent: uni-x}\n"
        "  - {id: b, match: 'x', parent: nobody}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as failure:
        read_rules(tmp_path, _registry(tmp_path), BASE)
    message = str(failure.value)
    assert "sub-organisations.yaml: rule 1: match '^(RWTH'" in message
    assert "rule b: parent 'nobody' is no registry organisation" in message

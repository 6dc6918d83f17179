"""The SPARQL rule reasoner gives owlrl's entailments, in a fraction of the time."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import PROV

from foerdergraph.config import ONTOLOGY_NS, ROLE_NS, Settings
from foerdergraph.errors import BuildError
from foerdergraph.ingest.dataset import load_inputs
from foerdergraph.ontology import load_ontology
from foerdergraph.reason import keep, load_rules, materialise
from foerdergraph.vocab import FG, SCHEMA

Triple = tuple[object, object, object]


def owlrl_entailments(ontology: Graph, data: list[Graph], base: str) -> set[Triple]:
    """The reference: owlrl's full OWL 2 RL closure, filtered by the same `keep` rule."""
    merged = Graph()
    for graph in (ontology, *data):
        for triple in graph:
            merged.add(triple)
    asserted = set(merged)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(merged)
    namespaces = (base, ONTOLOGY_NS, ROLE_NS)
    return {t for t in set(merged) - asserted if keep(t, namespaces)}


@pytest.fixture(scope="module")
def seed_entailments() -> tuple[set[Triple], set[Triple], set[URIRef]]:
    settings = Settings(home=Path(__file__).resolve().parents[1])  # seeds; imports left out
    inputs = load_inputs(settings)
    data = [p.graph for p in inputs.parts if p.kind not in ("ontology", "import")]
    ours = set(materialise(inputs.ontology, data, settings.base_iri))
    reference = owlrl_entailments(inputs.ontology, data, settings.base_iri)
    external_same = {o for g in data for o in g.objects(None, OWL.sameAs)}
    return ours, reference, external_same


def test_rules_give_owlrls_entailments_on_the_seed_graph(
    seed_entailments: tuple[set[Triple], set[Triple], set[URIRef]],
) -> None:
    """Equal up to owl:sameAs: owlrl copies facts onto the external (Wikidata) IRIs our places
    are the same as; we run no equality rules, so those copies are the only difference."""
    ours, reference, external_same = seed_entailments
    comparable = {t for t in reference if not external_same & set(t)}
    assert ours == comparable
    assert len(reference - comparable) < 0.1 * len(reference)


@pytest.mark.parametrize(
    ("predicate", "what"),
    [
        (RDF.type, "class hierarchy"),
        (FG.hasParticipation, "inverse"),
        (FG.statedIn, "property chain"),
        (PROV.wasDerivedFrom, "property hierarchy over a chain"),
        (SCHEMA.funder, "chain over grants, then alignment"),
        (FG.withinArea, "transitive property"),
        (FG.participatesIn, "chain over participations"),
    ],
)
def test_each_rule_family_contributes(
    seed_entailments: tuple[set[Triple], set[Triple], set[URIRef]], predicate: URIRef, what: str
) -> None:
    ours, _, _ = seed_entailments
    assert any(p == predicate for _, p, _ in ours), what


def test_every_rule_parses_and_has_an_owl2rl_name() -> None:
    names = {rule.name for rule in load_rules()}
    assert {"cax-sco", "prp-spo1", "prp-inv", "prp-trp", "prp-dom", "prp-rng", "prp-spo2",
            "scm-sco", "inconsistent-cax-dw", "inconsistent-cax-adc"} <= names


def test_a_contradiction_with_the_ontology_stops_the_build(settings: Settings) -> None:
    """Person and Organisation are disjoint: the build must stop, naming the resource."""
    data = Graph()
    someone = URIRef(settings.base_iri + "id/person/x")
    data.add((someone, RDF.type, FG.Person))
    data.add((someone, RDF.type, FG.Company))
    with pytest.raises(BuildError, match=r"(?s)contradicts the ontology.*id/person/x is both"):
        materialise(load_ontology(settings.ontology_dir), [data], settings.base_iri)

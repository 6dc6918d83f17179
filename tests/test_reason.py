"""The SPARQL rule reasoner gives owlrl's entailments, in a fraction of the time."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV

from foerdergraph.config import ONTOLOGY_NS, ROLE_NS, Settings
from foerdergraph.errors import BuildError
from foerdergraph.ingest.dataset import load_inputs
from foerdergraph.ontology import load_ontology
from foerdergraph.reason import infer, keep, load_rules
from foerdergraph.store import fill_store, to_oxigraph
from foerdergraph.vocab import FG, SCHEMA

Entailments = tuple[set[ox.Triple], set[ox.Triple], set[ox.NamedNode]]


def owlrl_entailments(ontology: Graph, data: list[Graph], base: str) -> set[ox.Triple]:
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
    new = (  # owlrl also derives triples about literals, which RDF cannot state
        ox.Triple(*map(to_oxigraph, t))  # type: ignore[arg-type]
        for t in set(merged) - asserted
        if not isinstance(t[0], Literal)
    )
    return {t for t in new if keep(t, namespaces)}


def our_entailments(ontology: Graph, data: list[Graph], base: str) -> set[ox.Triple]:
    store = ox.Store()
    fill_store(store, [(URIRef(base + f"graph/{i}"), g) for i, g in enumerate([ontology, *data])])
    return set(infer(store, base))


@pytest.fixture(scope="module")
def seed_entailments() -> Entailments:
    settings = Settings(home=Path(__file__).resolve().parents[1])  # seeds; imports left out
    inputs = load_inputs(settings)
    data = [p.graph for p in inputs.parts if p.kind not in ("ontology", "import")]
    ours = our_entailments(inputs.ontology, data, settings.base_iri)
    reference = owlrl_entailments(inputs.ontology, data, settings.base_iri)
    external_same = {to_oxigraph(o) for g in data for o in g.objects(None, OWL.sameAs)}
    return ours, reference, external_same


def test_rules_give_owlrls_entailments_on_the_seed_graph(
    seed_entailments: Entailments,
) -> None:
    """Equal up to owl:sameAs: owlrl copies facts onto the external (Wikidata) IRIs our places
    are the same as; we run no equality rules, so those copies are the only difference."""
    ours, reference, external_same = seed_entailments
    comparable = {t for t in reference if not external_same & {t.subject, t.object}}
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
    seed_entailments: Entailments,
    predicate: URIRef,
    what: str,
) -> None:
    ours, _, _ = seed_entailments
    assert any(t.predicate.value == str(predicate) for t in ours), what


def test_every_rule_parses_and_has_an_owl2rl_name() -> None:
    names = {rule.name for rule in load_rules()}
    assert {
        "cax-sco",
        "prp-spo1",
        "prp-inv",
        "prp-trp",
        "prp-dom",
        "prp-rng",
        "prp-spo2",
        "scm-sco",
        "inconsistent-cax-dw",
        "inconsistent-cax-adc",
    } <= names


def test_a_contradiction_with_the_ontology_stops_the_build(settings: Settings) -> None:
    """Person and Organisation are disjoint: the build must stop, naming the resource."""
    data = Graph()
    someone = URIRef(settings.base_iri + "id/person/x")
    data.add((someone, RDF.type, FG.Person))
    data.add((someone, RDF.type, FG.Company))
    with pytest.raises(BuildError, match=r"(?s)contradicts the ontology.*id/person/x is both"):
        our_entailments(load_ontology(settings.ontology_dir), [data], settings.base_iri)

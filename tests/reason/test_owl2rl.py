"""The SPARQL rule reasoner gives owlrl's entailments, in a fraction of the time."""

from __future__ import annotations

import gzip
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV

from foerdergraph.core.config import Settings
from foerdergraph.core.errors import BuildError
from foerdergraph.core.namespaces import FG as ONTOLOGY_NS
from foerdergraph.core.namespaces import ROLE as ROLE_NS
from foerdergraph.core.ontology import load_ontology
from foerdergraph.core.rdf import fill_store, to_oxigraph
from foerdergraph.core.vocab import FG, SCHEMA
from foerdergraph.ingest.dataset import load_inputs
from foerdergraph.ingest.synth import write_synthetic
from foerdergraph.reason.owl2rl import keep, load_rules, materialise

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
    canonical = ox.Store()  # Oxigraph stores numbers in canonical form ("1.50" as "1.5")
    canonical.extend(ox.Quad(t.subject, t.predicate, t.object) for t in new if keep(t, namespaces))
    return {ox.Triple(q.subject, q.predicate, q.object) for q in canonical}


def our_entailments(ontology: Graph, data: list[Graph], base: str) -> set[ox.Triple]:
    store = ox.Store()
    fill_store(store, [(URIRef(base + f"graph/{i}"), g) for i, g in enumerate([ontology, *data])])
    derived = materialise(store, ox.NamedNode(base + "graph/inferred"), base)
    return {ox.Triple(q.subject, q.predicate, q.object) for q in derived}


@pytest.fixture(scope="module")
def seed_entailments() -> Entailments:
    settings = Settings(home=Path(__file__).resolve().parents[2])  # seeds; imports left out
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


def test_the_schema_rules_parse_and_have_owl2rl_names() -> None:
    names = {rule.name for rule in load_rules()}
    assert {"scm-sco", "scm-spo", "scm-dom", "scm-rng", "scm-eqc", "scm-eqp"} <= names


def test_owlrl_agrees_on_a_synthetic_graph(tmp_path: Path, settings: Settings) -> None:
    """The synthetic graph exercises every rule family at volume (thousands of participations,
    grants, evidence chains); the compiled rules must still give exactly owlrl's closure."""
    path = tmp_path / "synth.trig.gz"
    write_synthetic(path, triples=4000, seed=3, base=settings.base_iri)
    dataset = Dataset()
    with gzip.open(path) as trig:
        dataset.parse(trig, format="trig")
    data = [Graph(store=dataset.store, identifier=c.identifier) for c in dataset.graphs()]
    ontology = load_ontology(settings.ontology_dir)
    ours = our_entailments(ontology, data, settings.base_iri)
    assert ours == owlrl_entailments(ontology, data, settings.base_iri)
    assert len(ours) > 4000


EX = "https://example.org/"


def _closure_of(turtle: str, settings: Settings) -> set[tuple[str, str, str]]:
    """Our entailments of a small ontology and data given as Turtle (values only)."""
    prologue = f"""@prefix : <{EX}> . @prefix owl: <{OWL}> . @prefix rdfs: <{RDFS}> . """
    graph = Graph().parse(data=prologue + turtle, format="turtle")
    found = our_entailments(Graph(), [graph], EX)
    return {(t.subject.value, t.predicate.value, t.object.value) for t in found}


def test_a_chain_whose_premise_is_itself_derived_is_joined(settings: Settings) -> None:
    """:hasMember is only known through the inverse of :memberOf, and :leads only through the
    chain; the transitive :within then needs the derived triple in a later round."""
    found = _closure_of(
        """
        :hasMember owl:inverseOf :memberOf .
        :leads owl:propertyChainAxiom ( :hasMember :chairs ) .
        :within a owl:TransitiveProperty . :leads rdfs:subPropertyOf :within .
        :ann :memberOf :club . :ann :chairs :board . :board :within :city . :city :within :land .
        """,
        settings,
    )
    assert (EX + "club", EX + "hasMember", EX + "ann") in found
    assert (EX + "club", EX + "leads", EX + "board") in found
    assert (EX + "club", EX + "within", EX + "land") in found
    assert (EX + "board", EX + "within", EX + "land") in found


def test_literals_are_never_inverted_and_self_inverse_means_symmetric(settings: Settings) -> None:
    found = _closure_of(
        """
        :name owl:inverseOf :nameOf .
        :knows owl:inverseOf :knows .
        :ann :name "Ann" ; :knows :bob .
        """,
        settings,
    )
    assert (EX + "bob", EX + "knows", EX + "ann") in found
    assert not any(t[1] == EX + "nameOf" for t in found)


def test_schema_stated_in_data_and_derived_schema_are_used(settings: Settings) -> None:
    """Equivalent classes make mutual subclasses; a domain on a superproperty types the
    subject of a subproperty triple, with all superclasses."""
    found = _closure_of(
        """
        :Firm owl:equivalentClass :Company .
        :Company rdfs:subClassOf :Org .
        :employs rdfs:subPropertyOf :relates .
        :relates rdfs:domain :Firm .
        :acme :employs :ann .
        """,
        settings,
    )
    rdf_type = str(RDF.type)
    assert {(EX + "acme", rdf_type, EX + c) for c in ("Firm", "Company", "Org")} <= found
    assert (EX + "acme", EX + "relates", EX + "ann") in found
    assert (EX + "Firm", str(RDFS.subClassOf), EX + "Org") in found


def test_a_contradiction_with_the_ontology_stops_the_build(settings: Settings) -> None:
    """Person and Organisation are disjoint: the build must stop, naming the resource."""
    data = Graph()
    someone = URIRef(settings.base_iri + "id/person/x")
    data.add((someone, RDF.type, FG.Person))
    data.add((someone, RDF.type, FG.Company))
    with pytest.raises(BuildError, match=r"(?s)contradicts the ontology.*id/person/x is both"):
        our_entailments(load_ontology(settings.ontology_dir), [data], settings.base_iri)


@pytest.mark.parametrize(
    ("types", "rule"),
    [
        ((FG.Grant, FG.Post), "cax-adc"),  # two members of one owl:AllDisjointClasses
        ((FG.Ministry, FG.Person), "cax-dw"),  # Organisation, derived from Ministry, vs Person
    ],
)
def test_contradictions_count_derived_types(
    settings: Settings, types: tuple[URIRef, URIRef], rule: str
) -> None:
    data = Graph()
    thing = URIRef(settings.base_iri + "id/organisation/y")
    for cls in types:
        data.add((thing, RDF.type, cls))
    with pytest.raises(BuildError, match=rf"id/organisation/y is both .*\({rule}\)"):
        our_entailments(load_ontology(settings.ontology_dir), [data], settings.base_iri)

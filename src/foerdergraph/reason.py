"""OWL-RL materialisation: what the ontology's axioms imply, kept in its own named graph.

Researchers query with org:Organization, prov:wasDerivedFrom or schema:funder without learning our
terms because the closure is stored. Only entailments about our own resources (minted data IRIs,
ontology terms, roles) are kept; owlrl's trivial ones (reflexive owl:sameAs, facts about literals
and about the W3C vocabularies themselves) would triple the graph and tell nobody anything.
"""

from __future__ import annotations

from collections.abc import Iterable

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from foerdergraph.config import ONTOLOGY_NS, ROLE_NS
from foerdergraph.errors import BuildError

_TRIVIAL_OBJECTS = {
    (RDF.type, OWL.Thing),
    (RDF.type, RDFS.Resource),
    (RDF.type, OWL.NamedIndividual),
    (RDFS.subClassOf, OWL.Thing),
    (RDFS.subClassOf, RDFS.Resource),
}
_REFLEXIVE = {
    OWL.sameAs,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
}


def _is_ours(term: object, namespaces: tuple[str, ...]) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(namespaces)


def keep(triple: tuple[object, object, object], namespaces: tuple[str, ...]) -> bool:
    """Whether an entailment is worth storing (see the module docstring)."""
    s, p, o = triple
    if isinstance(s, Literal) or not _is_ours(s, namespaces):
        return False
    if p in _REFLEXIVE and s == o:
        return False
    if (p, o) in _TRIVIAL_OBJECTS:
        return False
    return not (p == RDF.type and isinstance(o, Literal))


def materialise(ontology: Graph, data: Iterable[Graph], base_iri: str) -> Graph:
    """The OWL 2 RL closure of ontology + data, minus what was asserted and what is trivial.

    A contradiction (e.g. something typed both Person and Organisation, which the ontology
    declares disjoint) stops the build: owlrl only records it as a message in the graph."""
    merged = Graph()
    for triple in ontology:
        merged.add(triple)
    for graph in data:
        for triple in graph:
            merged.add(triple)
    asserted = set(merged)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(merged)
    if contradictions := sorted(str(m) for m in merged.objects(None, ERRNS.error)):
        raise BuildError(
            "the data contradicts the ontology (OWL 2 RL):\n" + "\n".join(contradictions)
        )
    namespaces = (base_iri, ONTOLOGY_NS, ROLE_NS)
    inferred = Graph()
    for triple in sorted(set(merged) - asserted):
        if keep(triple, namespaces):
            inferred.add(triple)
    return inferred

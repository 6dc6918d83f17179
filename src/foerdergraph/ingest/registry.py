"""The entity registry: one key per real actor or undertaking, across all documents, as RDF.

Entity resolution is curated here: every surface form a document uses is an alternative label of
one entry, so a query for the NRW economics ministry finds it whatever the text called it.
data/entities.yaml, data/reference/*.yaml (the reference gazetteer: the territorial structure of
NRW, its public actors, federal and EU bodies, funds) and the `entities:` block of a facts file
are read and checked by the one registry reader, foerdergraph.core.registry; this module turns
its entities into triples, each file its own named graph.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from foerdergraph.core.ontology import OntologyIndex
from foerdergraph.core.rdf import Triple
from foerdergraph.core.registry import Entity, Registry
from foerdergraph.core.vocab import FG


def entity_triples(
    entity: Entity, registry: Registry, ontology: OntologyIndex, base: str
) -> Iterator[Triple]:
    """The entity's description: class, labels, and its place in the hierarchy of bodies,
    undertakings or places (part_of means subOrganisationOf, partOf or withinArea by class)."""
    s = entity.iri(base)
    yield s, RDF.type, entity.cls
    yield s, SKOS.prefLabel, Literal(entity.label, lang="de")
    yield s, RDFS.label, Literal(entity.label, lang="de")
    if entity.label_en:
        yield s, SKOS.prefLabel, Literal(entity.label_en, lang="en")
        yield s, RDFS.label, Literal(entity.label_en, lang="en")
    for alt in entity.alt:
        if alt != entity.label:
            yield s, SKOS.altLabel, Literal(alt, lang="de")
    for ref in entity.part_of:
        yield s, _part_of_property(entity, ontology), registry_iri(ref, registry, base)
    for ref in entity.located_in:
        yield s, FG.locatedIn, registry_iri(ref, registry, base)
    for ref in entity.responsible_for:
        yield s, FG.responsibleFor, registry_iri(ref, registry, base)
    for ref in entity.fund:
        yield s, FG.fundingSource, registry_iri(ref, registry, base)
    if entity.ags:
        yield s, FG.ags, Literal(entity.ags)
    for same in entity.same_as:
        yield s, OWL.sameAs, URIRef(same)
    if entity.note:
        yield s, RDFS.comment, Literal(entity.note, lang="en")


def _part_of_property(entity: Entity, ontology: OntologyIndex) -> URIRef:
    if ontology.is_a(entity.cls, FG.Place):
        return FG.withinArea
    if entity.kind in ("organisation", "person"):
        return FG.subOrganisationOf
    return FG.partOf


def registry_iri(key: str, registry: Registry, base: str) -> URIRef:
    entity = registry.get(key)
    if entity is None:
        raise KeyError(key)
    return entity.iri(base)

"""The ontology as the build reads it: the graph itself, and an index of what the data may use.

Curated files name classes, properties and roles by local name; the index answers whether a name
exists and what it implies (a class's superclasses, a role's direct property), so those answers
come from `ontology/*.ttl` and never from lists in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from foerdergraph.core.vocab import FG, ROLE


def load_ontology(ontology_dir: Path) -> Graph:
    """All Turtle files of the ontology folder in one graph (sorted, so parsing is reproducible)."""
    graph = Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@dataclass(frozen=True)
class OntologyIndex:
    """Look-ups over the ontology graph used while turning curated files into RDF."""

    graph: Graph

    @cached_property
    def classes(self) -> frozenset[URIRef]:
        return frozenset(
            c for c in self.graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)
        )

    @cached_property
    def properties(self) -> frozenset[URIRef]:
        kinds = (OWL.ObjectProperty, OWL.DatatypeProperty)
        return frozenset(
            p for k in kinds for p in self.graph.subjects(RDF.type, k) if isinstance(p, URIRef)
        )

    @cached_property
    def object_properties(self) -> frozenset[URIRef]:
        return frozenset(
            p for p in self.graph.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)
        )

    @cached_property
    def roles(self) -> frozenset[URIRef]:
        return frozenset(
            r for r in self.graph.subjects(SKOS.inScheme, ROLE.scheme) if isinstance(r, URIRef)
        )

    def fg_class(self, local_name: str) -> URIRef | None:
        term = FG[local_name]
        return term if term in self.classes else None

    def fg_property(self, local_name: str) -> URIRef | None:
        term = FG[local_name]
        return term if term in self.properties else None

    def role(self, local_name: str) -> URIRef | None:
        term = ROLE[local_name]
        return term if term in self.roles else None

    def binary_property(self, role: URIRef) -> URIRef | None:
        """The direct agent→undertaking property a participation in this role implies."""
        value = self.graph.value(role, FG.binaryProperty)
        return value if isinstance(value, URIRef) else None

    def superclasses(self, cls: URIRef) -> frozenset[URIRef]:
        """The class and every class above it (rdfs:subClassOf*)."""
        return frozenset(
            c for c in self.graph.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)
        )

    def is_a(self, cls: URIRef, ancestor: URIRef) -> bool:
        return ancestor in self.superclasses(cls)

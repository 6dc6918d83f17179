"""RDF namespaces used across foerdergraph, so no module spells an IRI by hand."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from foerdergraph.core.config import ONTOLOGY_NS, ROLE_NS

FG = Namespace(ONTOLOGY_NS)
ROLE = Namespace(ROLE_NS)
SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY_IRI = "https://w3id.org/foerdergraph/ontology"

PREFIXES: dict[str, Namespace] = {
    "fg": FG,
    "role": ROLE,
    "org": ORG,
    "prov": PROV,
    "skos": SKOS,
    "foaf": FOAF,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "void": VOID,
    "oa": OA,
    "sd": SD,
    "spdx": SPDX,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}
"""Prefixes bound in every serialisation and offered to SPARQL users."""


def bind_prefixes(graph: object, base_iri: str) -> None:
    """Bind the project prefixes (plus `fgd:` for minted data) on an rdflib graph or dataset."""
    ns_manager = graph.namespace_manager  # type: ignore[attr-defined]
    for prefix, namespace in PREFIXES.items():
        ns_manager.bind(prefix, namespace, override=True, replace=True)
    ns_manager.bind("fgd", Namespace(base_iri + "id/"), override=True, replace=True)

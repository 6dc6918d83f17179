"""The vocabulary as plain IRI strings: every namespace the project uses, spelled once.

No imports, so every layer can use it (the server without rdflib, the reasoner and the SPARQL
engine with pyoxigraph). rdflib `Namespace`s are derived from these in foerdergraph.core.vocab;
pyoxigraph terms are made where they are used, as `ox.NamedNode(RDF + "type")`.
"""

from __future__ import annotations

FG = "https://w3id.org/foerdergraph/ontology#"
"""The ontology's term namespace; fixed, independent of the data base IRI."""
ROLE = "https://w3id.org/foerdergraph/role/"
"""Namespace of the SKOS role concepts; fixed like the ontology."""
FGSH = "https://w3id.org/foerdergraph/shapes#"
"""Namespace of the SHACL shapes."""
ONTOLOGY_IRI = "https://w3id.org/foerdergraph/ontology"
"""The ontology itself (FG without its `#`)."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
SH = "http://www.w3.org/ns/shacl#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "http://schema.org/"
OA = "http://www.w3.org/ns/oa#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SPDX = "http://spdx.org/rdf/terms#"
VANN = "http://purl.org/vocab/vann/"
FORMATS = "http://www.w3.org/ns/formats/"
"""The W3C's names of RDF and result formats (SPARQL service descriptions)."""

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"

PREFIXES: dict[str, str] = {
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


def data_prefix(base_iri: str) -> str:
    """The namespace of the minted data IRIs (`fgd:`) under a base IRI."""
    return base_iri + "id/"

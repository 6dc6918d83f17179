"""The vocabulary as rdflib namespaces, derived from the plain IRIs of
foerdergraph.core.namespaces, so no module spells an IRI by hand."""

from __future__ import annotations

from rdflib import Dataset, Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from foerdergraph.core import namespaces as ns
from foerdergraph.core.namespaces import ONTOLOGY_IRI

__all__ = [
    "DCAT",
    "DCTERMS",
    "FG",
    "FOAF",
    "OA",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "ROLE",
    "SCHEMA",
    "SD",
    "SKOS",
    "SKOSXL",
    "SPDX",
    "VANN",
    "VOID",
    "XSD",
    "bind_prefixes",
]

FG = Namespace(ns.FG)
ROLE = Namespace(ns.ROLE)
SCHEMA = Namespace(ns.SCHEMA)
SKOSXL = Namespace(ns.SKOSXL)
OA = Namespace(ns.OA)
SD = Namespace(ns.SD)
SPDX = Namespace(ns.SPDX)
VANN = Namespace(ns.VANN)

PREFIXES: dict[str, Namespace] = {prefix: Namespace(iri) for prefix, iri in ns.PREFIXES.items()}
"""Prefixes bound in every serialisation and offered to SPARQL users (rdflib namespaces)."""


def bind_prefixes(graph: Graph | Dataset, base_iri: str) -> None:
    """Bind the project prefixes (plus `fgd:` for minted data) on an rdflib graph or dataset."""
    ns_manager = graph.namespace_manager
    for prefix, namespace in PREFIXES.items():
        ns_manager.bind(prefix, namespace, override=True, replace=True)
    ns_manager.bind("fgd", Namespace(ns.data_prefix(base_iri)), override=True, replace=True)

"""HTML documentation of the ontology, generated from the ontology graph of the build."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from foerdergraph.core import namespaces as ns
from foerdergraph.core.namespaces import OWL, RDFS, SKOS
from foerdergraph.serve.linked_data import Value, label_of, term_text

RDF_TYPE = ox.NamedNode(ns.RDF_TYPE)

SECTIONS = (
    ("Classes", (OWL + "Class", RDFS + "Class")),
    ("Object properties", (OWL + "ObjectProperty",)),
    ("Datatype properties", (OWL + "DatatypeProperty",)),
    ("Annotation properties", (OWL + "AnnotationProperty",)),
    ("Concepts (roles)", (SKOS + "Concept",)),
)
FACTS = (
    ("subclass of", RDFS + "subClassOf"),
    ("subproperty of", RDFS + "subPropertyOf"),
    ("domain", RDFS + "domain"),
    ("range", RDFS + "range"),
    ("inverse of", OWL + "inverseOf"),
    ("equivalent to", OWL + "equivalentClass"),
    ("broader", SKOS + "broader"),
)


@dataclass
class TermDoc:
    iri: str
    local: str
    label: str
    comment: str
    facts: list[tuple[str, list[Value]]] = field(default_factory=list)


@dataclass
class Section:
    title: str
    terms: list[TermDoc]


@dataclass
class OntologyDoc:
    iri: str
    title: str
    version: str | None
    comment: str
    sections: list[Section]


def _english_first(store: ox.Store, node: ox.NamedNode, predicate: str, graph: ox.NamedNode) -> str:
    found: dict[str, str] = {}
    for quad in store.quads_for_pattern(node, ox.NamedNode(predicate), None, graph):
        if isinstance(quad.object, ox.Literal):
            found.setdefault(quad.object.language or "", quad.object.value)
    for language in ("en", "", "de"):
        if language in found:
            return found[language]
    return next(iter(found.values()), "")


def ontology_view(store: ox.Store, graph: ox.NamedNode) -> OntologyDoc:
    """Classes, properties and role concepts of the ontology graph, with their axioms."""
    ontology = next(
        iter(store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(OWL + "Ontology"), graph)), None
    )
    onto_node = (
        ontology.subject if ontology and isinstance(ontology.subject, ox.NamedNode) else None
    )
    sections: list[Section] = []
    listed: set[str] = set()
    for title, classes in SECTIONS:
        terms: list[TermDoc] = []
        for cls in classes:
            for quad in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(cls), graph):
                node = quad.subject
                if not isinstance(node, ox.NamedNode) or node.value in listed:
                    continue
                listed.add(node.value)
                facts = []
                for name, predicate in FACTS:
                    values = [
                        Value(q.object, label_of(store, q.object))
                        for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None, graph)
                    ]
                    if values:
                        facts.append((name, values))
                local = node.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                terms.append(
                    TermDoc(
                        iri=node.value,
                        local=local,
                        label=_english_first(store, node, RDFS + "label", graph)
                        or _english_first(store, node, SKOS + "prefLabel", graph),
                        comment=_english_first(store, node, RDFS + "comment", graph),
                        facts=facts,
                    )
                )
        if terms:
            sections.append(Section(title, sorted(terms, key=lambda t: t.local.lower())))
    version = None
    if onto_node is not None:
        version_quad = next(
            iter(store.quads_for_pattern(onto_node, ox.NamedNode(OWL + "versionIRI"), None, graph)),
            None,
        )
        version = term_text(version_quad.object) if version_quad else None
    return OntologyDoc(
        iri=onto_node.value if onto_node else graph.value,
        title=(_english_first(store, onto_node, RDFS + "label", graph) if onto_node else "")
        or "foerdergraph ontology",
        version=version,
        comment=_english_first(store, onto_node, RDFS + "comment", graph) if onto_node else "",
        sections=sections,
    )

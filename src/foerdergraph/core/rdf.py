"""rdflib and pyoxigraph side by side: the one place where terms cross between the two.

rdflib reads the curated files and stays the reference (pyshacl, owlrl in the tests); loading,
validation, reasoning, queries and dumps run on Oxigraph. Every stage converts here, and the
`Triple` the loaders produce is defined here once.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from foerdergraph.core.namespaces import XSD_STRING

Triple = tuple[URIRef, URIRef, URIRef | Literal]
"""One statement as the loaders make it: an IRI subject and predicate, an IRI or literal object."""

RdfTerm = URIRef | BNode | Literal


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as a pyoxigraph term. Takes any rdflib `Node`, as rdflib's graphs
    type their terms, and refuses what RDF 1.1 has not (variables, quoted graphs)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if not isinstance(term, Literal):
        raise TypeError(f"not an RDF 1.1 term: {term!r}")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def from_oxigraph(term: object) -> RdfTerm:
    """One pyoxigraph term as an rdflib term (xsd:string literals become plain literals, as
    rdflib parses them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if not isinstance(term, ox.Literal):
        raise TypeError(f"not an RDF 1.1 term: {term!r}")
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def statement_quad(s: object, p: object, o: object, graph: ox.NamedNode) -> ox.Quad:
    """One statement as an Oxigraph quad in `graph`; anything but an IRI or blank subject, an
    IRI predicate and an RDF term object is an error here, not a quad Oxigraph would refuse
    later with less context."""
    if (
        not isinstance(s, URIRef | BNode)
        or not isinstance(p, URIRef)
        or not isinstance(o, URIRef | BNode | Literal)
    ):
        raise TypeError(f"not an RDF statement: {s!r} {p!r} {o!r}")
    subject = ox.NamedNode(str(s)) if isinstance(s, URIRef) else ox.BlankNode(str(s))
    return ox.Quad(subject, ox.NamedNode(str(p)), to_oxigraph(o), graph)


def canonical(graph: Graph) -> Graph:
    """The graph with deterministic blank-node labels (only graphs that have blank nodes pay)."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    return to_canonical_graph(graph)


def quads_of(graph: Graph, name: URIRef) -> Iterable[ox.Quad]:
    """The graph's triples as quads in the named graph `name`, in a fixed order: rdflib's
    iteration order depends on string hashing, which differs from run to run, and Oxigraph's
    in-memory store writes dumps in insertion order."""
    graph_name = ox.NamedNode(str(name))
    for s, p, o in sorted(canonical(graph), key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3())):
        yield statement_quad(s, p, o, graph_name)


def fill_store(store: ox.Store, graphs: Iterable[tuple[URIRef, Graph]]) -> None:
    """Bulk-load named graphs into a store."""
    for name, graph in graphs:
        store.bulk_extend(quads_of(graph, name))

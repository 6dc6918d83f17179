"""The store: the built graph in pyoxigraph, the engine every query runs on.

rdflib reads the curated files and stays the reference (pyshacl, owlrl in the tests); loading,
validation, reasoning, queries and dumps run on Oxigraph, which loads and answers an order of
magnitude faster (see ../shared/NOTES.md). Terms cross between the two here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from foerdergraph.core.config import Settings

RdfTerm = URIRef | BNode | Literal


def to_oxigraph(term: RdfTerm) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


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
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_name)  # type: ignore[arg-type]


def fill_store(store: ox.Store, graphs: Iterable[tuple[URIRef, Graph]]) -> None:
    """Bulk-load named graphs into a store."""
    for name, graph in graphs:
        store.bulk_extend(quads_of(graph, name))


def store_path(build_dir: Path) -> Path:
    return build_dir / "store"


LOAD_SLICE = 16 << 20
"""Bytes of N-Quads per bulk load: Oxigraph's bulk loader sorts its whole input in memory (a
million quads at once take 1.5 GB), so slices bound the build's peak memory. Measured on 2.6 M
quads: 16 MB slices load as fast as 256 MB ones, in an eighth of the memory (230 MB)."""


def load_slices(path: Path, nquads: Path, start: int = 0, stop: int | None = None) -> None:
    """Add the statements of bytes [start, stop) of an N-Quads file (both at line ends) to the
    on-disk store at `path`, a slice at a time, leaving out those with a blank node: each bulk
    load renames blank nodes apart, so `load_blank_nodes` loads them all together at the end.
    The build loads the data's part while the reasoner runs, and the rest after."""
    store = ox.Store(str(path))
    with nquads.open("rb") as handle:
        handle.seek(start)
        while chunk := handle.read(
            LOAD_SLICE if stop is None else min(LOAD_SLICE, stop - handle.tell())
        ):
            if not chunk.endswith(b"\n"):
                chunk += handle.readline()  # whole lines only
            if b"_:" in chunk:
                chunk = b"\n".join(line for line in chunk.split(b"\n") if b"_:" not in line)
            store.bulk_load(chunk, format=_NQ)
    store.flush()


def load_blank_nodes(path: Path, nquads: Path) -> None:
    """Add every statement of the file that has a blank node, in one bulk load."""
    store = ox.Store(str(path))
    with nquads.open("rb") as handle:
        store.bulk_load(b"".join(li for li in handle if b"_:" in li), format=_NQ)
    store.flush()


def write_store(path: Path, nquads: Path, start: int = 0) -> None:
    """Write the on-disk store that `serve` opens from the build's N-Quads dump, from byte
    `start` on (what comes before is loaded already), then all statements with blank nodes."""
    load_slices(path, nquads, start)
    load_blank_nodes(path, nquads)


_NQ = ox.RdfFormat.N_QUADS


def open_store(settings: Settings) -> ox.Store:
    """The last good build's store, read-only (several processes may open it at once)."""
    path = store_path(settings.current_build)
    if not path.is_dir():
        raise FileNotFoundError(f"no build at {settings.current_build}; run `foerdergraph build`")
    return ox.Store.read_only(str(path))

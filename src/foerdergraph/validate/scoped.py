"""Validate one document against the last build instead of the whole graph.

`foerdergraph validate` loads every input and checks the union: at 10^6 triples loading alone takes
many seconds. A new or edited document only changes its own named graph, and the shapes only
read a bounded neighbourhood of each node, so this module checks

    the document's graph (read from its current files, through the build's own loader)
  + the ontology and the registry graphs (also from the current files; small, and the loader
    needs them anyway to resolve keys)
  + the *context*: what the shapes can read about the document's nodes in the other graphs of
    the last build (other documents, drafts, imports), fetched by index look-ups from the build's
    on-disk store, opened read-only,

and reports the results whose focus node is a subject of the document's graph ("owned" by it),
plus the results on the nodes of other graphs that the edit concerns (below).

Why that equals the full validation for those nodes: every check of our shapes reads, from its
focus node F, (1) F's own triples for the predicates the shapes name (paths, sh:targetSubjectsOf,
sh:lessThan/sh:disjoint, the patterns on `$this` of SPARQL constraints and targets), (2) for
each node F points to, the predicates read one hop further (rdf:type for sh:class, the paths of
value shapes, the patterns on other variables of SPARQL constraints), (3) whether some triple
links two of F's values (`FILTER NOT EXISTS { ?s ?p ?o }` with ?s, ?o values of F), and (4) the
ontology, held whole. `context_plan` derives those predicate sets from the shapes themselves
(SPARQL via rdflib's parser) and refuses shapes it cannot bound; the context holds, for each
such (node, predicate), the triples of *every* graph, so each owned result sees exactly what it
sees in the union. Tests (tests/validate/test_scoped.py) compare with full validation on every
failing fixture and on the real project.

An edit also changes what nodes of *other* graphs read: a project's class another document's
grant needs, the direct triple another document's statement asserts. So the document's graph as
last built is compared with its new version; for each triple removed or added (and held by no
other graph), the same plan read backwards names the nodes that read it: (1) its subject, (2) the
nodes pointing to its subject, when its predicate is read one hop away, (3) the nodes having its
subject and object as the two linked values. Those nodes are validated in the same piece with
their own context and reported apart. Predicates read hop after hop (rdfs:subClassOf behind
sh:class, SPARQL property paths) have no such bound: an edit changing one is refused.

What it cannot see: changes to other documents or imports since the last build (reported as
stale inputs), and what an edit of the registry or the ontology files changes for the nodes of
other graphs. Run `foerdergraph validate` or `build` on the whole graph before a release; the
build always does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import triples as flatten_triples
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from foerdergraph.core.rdf import fill_store, to_oxigraph
from foerdergraph.validate.engine import (
    LayeredView,
    StoreView,
    ValidationReport,
    make_report,
)
from foerdergraph.validate.sparql import UnsupportedShapes, compile_shapes, run_checks

CONTEXT_KINDS = frozenset({"document", "extracted", "import"})
"""Graph kinds (manifest.json) whose built version is the context: everything not re-read from
the current files (ontology and registry are, and the inferred and VoID graphs are not input)."""

DESCRIBE_SCAN = 64
"""Triples of one node scanned in one pass before switching to one look-up per predicate: one
scan is cheapest for ordinary nodes, per-predicate look-ups for hubs with thousands of triples."""

_RDF_TYPE = ox.NamedNode(str(RDF.type))


# -- what the shapes read ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContextPlan:
    """Which triples of the other graphs the shapes can read about one document's nodes."""

    focus: frozenset[ox.NamedNode]
    """Predicates read on a focus node."""
    values: frozenset[ox.NamedNode]
    """Predicates read on the nodes a focus node points to."""
    links: frozenset[tuple[ox.NamedNode, ox.NamedNode]]
    """(p, q): a check asks whether any triple links a focus node's p-value to its q-value."""
    schema: frozenset[ox.NamedNode]
    """Predicates read hop after hop (rdfs:subClassOf behind sh:class and sh:targetClass, the
    IRIs of SPARQL property paths): they come from the ontology, held whole, and which nodes read
    one of their triples cannot be bounded, so an edit that changes one is refused."""


def context_plan(shapes: Graph) -> ContextPlan:
    """Derive the plan from the shapes; UnsupportedShapes when a check reads further than the
    plan can fetch (then per-document validation would silently differ from the full one)."""
    focus: set[Node] = {RDF.type}
    for parameter in (SH.path, SH.targetSubjectsOf, SH.lessThan, SH.disjoint):
        focus.update(shapes.objects(None, parameter))
    values: set[Node] = {RDF.type, *_value_shape_paths(shapes)}
    if paths := sorted(p.n3() for p in focus | values if not isinstance(p, URIRef)):
        raise UnsupportedShapes(
            f"sh:path {', '.join(paths)} is not a predicate: per-document validation cannot "
            "bound what it reads"
        )
    schema: set[Node] = set()
    if (None, SH["class"], None) in shapes or (None, SH.targetClass, None) in shapes:
        schema.add(RDFS.subClassOf)  # a SHACL instance is rdf:type/rdfs:subClassOf*
    links: set[tuple[Node, Node]] = set()
    prefixes = {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
        for d in shapes.objects(None, SH.declare)
    }
    for select in shapes.objects(None, SH.select):
        patterns = _patterns(str(select), prefixes)
        bound = {o: p for s, p, o in patterns if s == Variable("this") and isinstance(p, URIRef)}
        for s, p, o in patterns:
            if isinstance(p, Variable):
                if s not in bound or (isinstance(o, Variable) and o not in bound):
                    raise UnsupportedShapes(
                        f"a SPARQL check links ?{s} and ?{o} by any predicate, but they are not "
                        "both values of $this: per-document validation cannot bound its context"
                    )
                links.add((bound[s], bound.get(o, p)))
                continue
            predicates = [URIRef(i) for i in re.findall(r"<([^>]+)>", p.n3())]
            if not isinstance(p, URIRef):  # a property path
                schema.update(predicates)
            (focus if s == Variable("this") else values).update(predicates)
    return ContextPlan(
        focus=_named(focus),
        values=_named(values),
        links=frozenset((ox.NamedNode(str(p)), ox.NamedNode(str(q))) for p, q in links),
        schema=_named(schema),
    )


def _named(nodes: Iterable[Node]) -> frozenset[ox.NamedNode]:
    return frozenset(ox.NamedNode(str(n)) for n in nodes if isinstance(n, URIRef))


def _value_shape_paths(shapes: Graph) -> Iterator[Node]:
    """Paths of the property shapes of shapes applied to values (sh:node, qualified shapes)."""
    for parameter in (SH.node, SH.qualifiedValueShape):
        for shape in shapes.objects(None, parameter):
            for prop in shapes.objects(shape, SH.property):
                yield from shapes.objects(prop, SH.path)
    for alternatives in shapes.objects(None, SH["or"]):
        for shape in Collection(shapes, alternatives):
            yield from shapes.objects(shape, SH.path)


def _patterns(select: str, prefixes: dict[str, str]) -> list[tuple[Node, Node, Node]]:
    """Every triple pattern of a SPARQL SELECT, including those inside FILTER (NOT) EXISTS."""
    query = prepareQuery(re.sub(r"\$this\b", "?this", select), initNs=prefixes)
    found: list[tuple[Node, Node, Node]] = []

    def walk(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "BGP":
                found.extend(node.triples)
            elif node.name == "TriplesBlock":
                found.extend(flatten_triples(node.triples))
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(query.algebra)
    return found


# -- the context -------------------------------------------------------------------------------


def _describe(
    store: ox.Store, node: Any, predicates: frozenset[ox.NamedNode], graphs: frozenset[Any]
) -> list[ox.Quad]:
    """`node`'s triples with one of `predicates`, in `graphs` only."""
    found: list[ox.Quad] = []
    for seen, quad in enumerate(store.quads_for_pattern(node, None, None, None)):
        if seen == DESCRIBE_SCAN:  # a hub: look up only the predicates asked for
            return [
                q
                for p in predicates
                for q in store.quads_for_pattern(node, p, None, None)
                if q.graph_name in graphs
            ]
        if quad.predicate in predicates and quad.graph_name in graphs:
            found.append(quad)
    return found


def _objects(store: ox.Store, node: Any, predicate: ox.NamedNode) -> set[Any]:
    return {q.object for q in store.quads_for_pattern(node, predicate, None, None)}


def fetch_context(
    store: ox.Store,
    graphs: frozenset[Any],
    piece: ox.Store,
    focus: set[Any],
    plan: ContextPlan,
) -> int:
    """Copy into `piece` what the shapes read about `focus` from `store`'s `graphs`; returns the
    number of quads looked up. `piece` must already hold the graphs read from files, so the
    values found there are followed too."""
    fetched = [q for f in focus for q in _describe(store, f, plan.focus, graphs)]
    piece.bulk_extend(fetched)
    values = {
        o
        for f in focus
        for p in plan.focus
        for o in _objects(piece, f, p)
        if not isinstance(o, ox.Literal)
    }
    hop = [q for v in values - focus for q in _describe(store, v, plan.values, graphs)]
    piece.bulk_extend(hop)
    links = [
        q
        for f in focus
        for p, r in plan.links
        for a in _objects(piece, f, p)
        if not isinstance(a, ox.Literal)
        for b in _objects(piece, f, r)
        for q in store.quads_for_pattern(a, None, b, None)
        if q.graph_name in graphs
    ]
    piece.bulk_extend(links)
    return len(fetched) + len(hop) + len(links)


# -- the nodes of other graphs an edit concerns ------------------------------------------------


@dataclass(frozen=True)
class OtherGraphs:
    """The graph after the edit without the edited document's graph: the other parts read from
    files (held in the piece) and the context graphs of the build's store."""

    piece: ox.Store
    parts: frozenset[Any]
    store: ox.Store
    graphs: frozenset[Any]

    def quads(self, s: Any, p: Any, o: Any) -> Iterator[ox.Quad]:
        for source, names in ((self.piece, self.parts), (self.store, self.graphs)):
            yield from (q for q in source.quads_for_pattern(s, p, o, None) if q.graph_name in names)

    def has(self, s: Any, p: Any, o: Any) -> bool:
        return next(self.quads(s, p, o), None) is not None


def changed_triples(
    before: Iterable[ox.Quad], after: Iterable[ox.Quad], rest: OtherGraphs
) -> set[ox.Triple]:
    """The triples an edit removes from or adds to the whole graph: in one version of the
    document's graph only, and in no other graph (there they keep the union as it was)."""
    changed = {q.triple for q in before} ^ {q.triple for q in after}
    return {t for t in changed if not rest.has(t.subject, t.predicate, t.object)}


def dependants(changed: Iterable[ox.Triple], plan: ContextPlan, rest: OtherGraphs) -> set[Any]:
    """The nodes whose checks read a changed triple: the plan read backwards. Its subject, when
    the shapes read its predicate on a focus node; the nodes pointing to its subject by such a
    predicate, when the shapes read its predicate one hop away; the nodes with its subject and
    object as values, when a check asks whether any triple links those two values.

    Removals matter (a type, a label, a direct triple another fact relies on), and so do
    additions: a positive pattern of a SPARQL constraint or target can start to match (a second
    fg:text of a document, a node becoming an fg:Evidence of another graph's grant)."""
    found: set[Any] = set()
    for triple in changed:
        s, p, o = triple.subject, triple.predicate, triple.object
        if p in plan.schema:
            raise UnsupportedShapes(
                f"the edit changes {triple}: the shapes read {p} across the whole graph (class "
                "and property hierarchies), so the nodes it concerns cannot be bounded; run "
                "`foerdergraph validate` on everything"
            )
        if p in plan.focus:
            found.add(s)
        if p in plan.values:
            found.update(q.subject for q in rest.quads(None, None, s) if q.predicate in plan.focus)
        for first, second in plan.links:
            found.update(_linked(rest, (first, s), (second, o)))
    return found


def _linked(rest: OtherGraphs, first: tuple[Any, Any], second: tuple[Any, Any]) -> set[Any]:
    """The subjects having both (predicate, object) pairs. The two lists are read in turns to
    the end of the shorter, whose subjects are then checked against the other pair: a hub on one
    side (a partner in thousands of projects) costs no more than the other side."""
    pairs = (first, second)
    lists = (rest.quads(None, *first), rest.quads(None, *second))
    subjects: tuple[set[Any], set[Any]] = (set(), set())
    while True:
        for side in (0, 1):
            quad = next(lists[side], None)
            if quad is None:
                return {n for n in subjects[side] if rest.has(n, *pairs[1 - side])}
            subjects[side].add(quad.subject)


# -- validating in context ---------------------------------------------------------------------


@dataclass
class ScopedReport:
    """What validating one document in the context of the last build found."""

    report: ValidationReport
    """Results on the document's own nodes (the subjects of its graph)."""
    affected: ValidationReport
    """Results on nodes of other graphs whose checks read a triple the edit removed or added,
    validated with their own context: what the edit changes for other documents."""
    rechecked: frozenset[str]
    """Those other nodes."""
    context_quads: int
    """Quads looked up in the build's store for the context."""


def validate_in_context(
    own: URIRef,
    parts: Sequence[tuple[URIRef, Graph]],
    store: ox.Store,
    graphs: Iterable[str],
    *,
    shapes: Graph,
    plan: ContextPlan | None = None,
    previous: Iterable[str] = (),
) -> ScopedReport:
    """Validate graph `own` (one of `parts`, the graphs read from files) in the context of
    `store`'s `graphs`. `previous`: the graphs of `store` holding the document as last built;
    the nodes of other graphs that read a triple the edit changed are validated too."""
    plan = plan or context_plan(shapes)
    names = {ox.NamedNode(str(name)) for name, _graph in parts}
    allowed = frozenset(ox.NamedNode(g) for g in graphs) - names
    piece = ox.Store()
    fill_store(piece, parts)
    own_node = ox.NamedNode(str(own))
    mine = list(piece.quads_for_pattern(None, None, None, own_node))
    focus = {q.subject for q in mine}
    if not focus:
        raise KeyError(f"graph <{own}> is empty")
    rest = OtherGraphs(piece, frozenset(names - {own_node}), store, allowed)
    built = (
        q for g in previous for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
    )
    others = dependants(changed_triples(built, mine, rest), plan, rest) - focus
    fetched = fetch_context(store, allowed, piece, focus | others, plan)
    results = run_checks(piece, compile_shapes(shapes, piece))
    # labels, documents and graphs of the results come from the real graphs, not the piece
    view = LayeredView([StoreView(piece, True, only=frozenset(names)),
                        StoreView(store, True, only=allowed)])  # fmt: skip

    def on(nodes: set[Any]) -> ValidationReport:
        return make_report((r for r in results if to_oxigraph(r.focus) in nodes), view)

    return ScopedReport(on(focus), on(others), frozenset(n.value for n in others), fetched)

"""The validation step: check the built graph against the SHACL shapes and explain what is wrong.

pyshacl's own report names shapes and blank nodes; a curator needs to know *which document* to
open and *which fact* to fix. So every result is turned into a `Violation` that carries the focus
node's label and the source document it came from (found through the node's evidence, its
mentions, or the named graph that holds it), and `ValidationReport.text()` groups them by document.

The ontology is mixed into the data before validating (it is not inferred over: the OWL-RL closure
is a separate build step). The shapes need it: `sh:targetClass fg:Agent` reaches an `fg:Ministry`
and `sh:class fg:Agent` accepts one only through the ontology's `rdfs:subClassOf` triples, and the
role checks look up the role concepts of `role:scheme`, which live in the ontology file.

Why one module of more than 500 lines: both engines must produce the same `Violation`s, so the
report, its resolution of labels, documents and graphs, and the two engines stay side by side
(tests/validate/test_engines.py compares them case by case).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, XSD, NamespaceManager
from rdflib.term import Identifier, Node

from foerdergraph.core import namespaces as ns
from foerdergraph.core.config import load_settings
from foerdergraph.core.rdf import from_oxigraph, quads_of, to_oxigraph
from foerdergraph.core.vocab import FG
from foerdergraph.validate.sparql import RawResult, compile_shapes, run_checks

SEVERITY_NAMES: dict[Node, str] = {SH.Violation: "ERROR", SH.Warning: "WARNING", SH.Info: "INFO"}
"""How a report spells each SHACL severity."""

_PREFIXES: dict[str, str] = {
    "fg": ns.FG,
    "role": ns.ROLE,
    "fgsh": ns.FGSH,
    "org": ns.ORG,
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "sh": str(SH),
    "xsd": str(XSD),
}

_COUNT_HINTS: dict[str, str] = {
    "MinCountConstraintComponent": "missing",
    "MaxCountConstraintComponent": "more than one value",
    "QualifiedMinCountConstraintComponent": "none found",
    "QualifiedMaxCountConstraintComponent": "more than one found",
}
"""What to say instead of "got <value>" when a cardinality check fails (SHACL gives no value)."""

_DATATYPE_COMPONENTS = frozenset({SH.DatatypeConstraintComponent, SH.OrConstraintComponent})
"""Results where the value's datatype is what is wrong, so the report shows it."""


@dataclass(frozen=True)
class Violation:
    """One validation result, resolved to things a curator can act on."""

    severity: str
    """ERROR (sh:Violation), WARNING (sh:Warning) or INFO (sh:Info)."""
    focus: str
    """The IRI (or blank node id) of the resource that fails."""
    label: str | None
    """Its skos:prefLabel (German first), or a short description for facts without labels."""
    path: str | None
    """The property path, as a prefixed name where possible (`fg:amount`)."""
    value: str | None
    """The offending value, as a reader would write it (`-5`, `<https://…>`)."""
    message: str
    document: str | None
    """The IRI of the source document the focus node belongs to, if any."""
    document_id: str | None
    """That document's dcterms:identifier (e.g. `000_2f9c4f1f6fc4135f`)."""
    graph: str | None = None
    """The named graph that holds the focus node, when a Dataset was validated."""
    shape: str | None = None
    """The shape that produced the result (`fgsh:Grant-amount`)."""
    component: str | None = None
    """The SHACL constraint component's local name (`MinInclusiveConstraintComponent`)."""

    @property
    def is_error(self) -> bool:
        return self.severity == "ERROR"

    def line(self) -> str:
        """One readable line: severity, document, resource, label, message and the value."""
        where = f"[{self.document_id}] " if self.document_id else ""
        label = f" ({self.label})" if self.label else ""
        message = self.message.rstrip(". ")
        if self.value is not None:
            message += f", got {self.value}"
        elif hint := _COUNT_HINTS.get(self.component or ""):
            message += f" ({hint})"
        return f"{self.severity} {where}<{self.focus}>{label}: {message}"


@dataclass
class ValidationReport:
    """The outcome of validating a graph: conforms unless some result is an ERROR."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.is_error]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "WARNING"]

    def for_document(self, document_id: str) -> list[Violation]:
        return [v for v in self.violations if v.document_id == document_id]

    def text(self) -> str:
        """A readable report grouped by document (then by graph for results outside documents),
        so a curator can fix one source file at a time."""
        if not self.violations:
            return "Validation passed: the data conforms to the shapes."
        groups: dict[str, list[Violation]] = defaultdict(list)
        for violation in self.violations:
            if violation.document_id:
                key = f"document {violation.document_id}"
            elif violation.graph:
                key = f"graph <{violation.graph}>"
            else:
                key = "not attributable to a document"
            groups[key].append(violation)
        lines = [
            f"Validation {'passed with warnings' if self.conforms else 'FAILED'}: "
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)."
        ]
        for key in sorted(groups):
            lines.append("")
            lines.append(f"== {key}")
            lines.extend(v.line() for v in groups[key])
        return "\n".join(lines)


def load_shapes(path: Path | str | None = None) -> Graph:
    """Parse the shapes file (Turtle); by default `shapes/foerdergraph.shacl.ttl` of the project."""
    shapes_path = Path(path) if path is not None else load_settings().shapes_file
    return Graph().parse(shapes_path, format="turtle")


ENGINES = ("sparql", "pyshacl")
"""Validation engines: our shapes compiled to SPARQL on Oxigraph (the default, fast), or pyshacl
(the reference the SPARQL engine is tested against)."""

ONTOLOGY_GRAPH = URIRef("urn:x-foerdergraph:validation:ontology")
"""Where `validate` puts the ontology it mixes in, beside the data's own graphs."""
DATA_GRAPH = URIRef("urn:x-foerdergraph:validation:data")
"""Where a plain (unnamed) data graph goes in the validation store."""


def validate(
    data: Dataset | Graph,
    *,
    shapes: Graph,
    ontology: Graph | None = None,
    engine: str = "sparql",
) -> ValidationReport:
    """Validate `data` against `shapes` with `ontology` mixed in (no inference).

    Without `ontology` the class and role checks only see what `data` itself holds (the build's
    Dataset carries the ontology graph, so that is enough there); a bare data graph then fails
    them for every instance of a subclass.

    A Dataset is validated as the union of its graphs, because facts in a document graph point to
    entities described in the entities and reference graphs, and the class checks need both; the
    named graphs are kept only to say where each result comes from.
    """
    if engine == "pyshacl":
        return _validate_pyshacl(data, shapes=shapes, ontology=ontology)
    if engine != "sparql":
        raise ValueError(f"unknown validation engine {engine!r}; expected one of {ENGINES}")
    store = validation_store(data, ontology)
    return validate_store(store, shapes=shapes, named=isinstance(data, Dataset))


def validation_store(data: Dataset | Graph, ontology: Graph | None = None) -> ox.Store:
    """An in-memory Oxigraph store holding `data` (its named graphs kept) and `ontology`."""
    store = ox.Store()
    if isinstance(data, Dataset):
        store.bulk_extend(
            # rdflib types every position as any term; a parsed quad's subject is never a
            # literal and its predicate always an IRI, which only the types cannot tell
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(str(c)))  # type: ignore[arg-type]
            for s, p, o, c in data.quads((None, None, None, None))
            if isinstance(c, URIRef)
        )
    else:
        store.bulk_extend(quads_of(data, DATA_GRAPH))
    if ontology is not None:
        store.bulk_extend(quads_of(ontology, ONTOLOGY_GRAPH))
    return store


def validate_store(
    store: ox.Store,
    *,
    shapes: Graph,
    named: bool = True,
) -> ValidationReport:
    """Validate the union of the graphs in `store` with the SPARQL engine.

    `named`: the store's graphs are the data's named graphs (reports name them).
    """
    results = run_checks(store, compile_shapes(shapes, store))
    return make_report(results, StoreView(store, named))


def make_report(results: Iterable[RawResult], view: DataView) -> ValidationReport:
    """Resolve raw SHACL results to Violations (labels, documents, graphs), sorted for reading."""
    resolver = _Resolver(view)
    violations = sorted(
        set(resolver.violation(result) for result in results),
        key=lambda v: (
            v.document_id or "~",
            v.focus,
            v.severity,
            v.path or "",
            v.message,
            v.value or "",
        ),
    )
    return ValidationReport(
        conforms=not any(v.is_error for v in violations),
        violations=violations,
    )


def _validate_pyshacl(
    data: Dataset | Graph, *, shapes: Graph, ontology: Graph | None
) -> ValidationReport:
    merged = Graph()
    for triple in _triples(data):
        merged.add(triple)
    if ontology is not None:
        for triple in ontology:
            merged.add(triple)
    _conforms, results, _text = pyshacl.validate(
        merged,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        abort_on_first=False,
        inplace=True,
    )
    view = _GraphView(merged, data if isinstance(data, Dataset) else None)
    return make_report((_raw(result, results) for result in _results(results)), view)


def _raw(result: Node, results: Graph) -> RawResult:
    """A pyshacl result node as a RawResult."""
    focus = results.value(result, SH.focusNode)
    assert focus is not None
    severity = results.value(result, SH.resultSeverity)
    component = results.value(result, SH.sourceConstraintComponent)
    shape = results.value(result, SH.sourceShape)
    assert shape is not None  # pyshacl names the shape of every result
    return RawResult(
        focus=focus,
        shape=shape,
        component=URIRef(str(component)),
        severity=URIRef(str(severity)) if severity is not None else SH.Violation,
        path=results.value(result, SH.resultPath),
        value=results.value(result, SH.value),
        messages=tuple(
            m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)
        ),
    )


def _triples(data: Dataset | Graph) -> Iterator[tuple[Node, Node, Node]]:
    if isinstance(data, Dataset):
        for s, p, o, _graph in data.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from data


def _results(results: Graph) -> Iterable[Node]:
    """The report's top-level results (not the nested sh:detail ones of sh:node checks)."""
    for report in results.subjects(RDF.type, SH.ValidationReport):
        yield from results.objects(report, SH.result)


class DataView(Protocol):
    """What the resolver needs to know about the validated data, whichever engine held it."""

    def objects(self, subject: Node, predicate: Node) -> list[Node]: ...

    def has(self, subject: Node, predicate: Node, obj: Node) -> bool: ...

    def graphs(self, subject: Node, predicate: Node | None, obj: Node | None) -> list[Node]:
        """Named graphs holding matching triples ([] when the data had no named graphs)."""
        ...

    def typed(self, cls: Node) -> list[tuple[Node, Node]]:
        """(instance, named graph) for every rdf:type `cls` triple in a named graph."""
        ...


class _GraphView:
    """An rdflib graph (the union) and, if given, the Dataset it came from."""

    def __init__(self, merged: Graph, dataset: Dataset | None) -> None:
        self.g = merged
        self.dataset = dataset

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return list(self.g.objects(subject, predicate))

    def has(self, subject: Node, predicate: Node, obj: Node) -> bool:
        return (subject, predicate, obj) in self.g

    def graphs(self, subject: Node, predicate: Node | None, obj: Node | None) -> list[Node]:
        if self.dataset is None:
            return []
        # rdflib types quads() as triples or quads; a Dataset's are always quads
        return [c for _s, _p, _o, c in self.dataset.quads((subject, predicate, obj, None))]  # type: ignore[misc]

    def typed(self, cls: Node) -> list[tuple[Node, Node]]:
        if self.dataset is None:
            return []
        # rdflib types quads() as triples or quads; a Dataset's are always quads
        return [(s, c) for s, _p, _o, c in self.dataset.quads((None, RDF.type, cls, None))]  # type: ignore[misc]


class StoreView:
    """An Oxigraph store whose named graphs are the data's (plus the mixed-in ontology);
    `only`: just these named graphs of it."""

    def __init__(self, store: ox.Store, named: bool, only: frozenset[Any] | None = None) -> None:
        self.store = store
        self.named = named
        self.only = only

    def _quads(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[ox.Quad]:
        def ox_term(t: Node | None) -> object:
            return None if t is None else to_oxigraph(t)

        if isinstance(s, Literal):
            return iter(())  # a literal is never a subject
        # a literal subject was answered above; the checks ask with IRI predicates only
        quads = self.store.quads_for_pattern(ox_term(s), ox_term(p), ox_term(o), None)  # type: ignore[arg-type]
        if self.only is None:
            return quads
        return (q for q in quads if q.graph_name in self.only)

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        found = (from_oxigraph(q.object) for q in self._quads(subject, predicate, None))
        return list(dict.fromkeys(found))

    def has(self, subject: Node, predicate: Node, obj: Node) -> bool:
        return next(self._quads(subject, predicate, obj), None) is not None

    def _graph_names(self, quads: Iterable[ox.Quad]) -> list[Node]:
        if not self.named:
            return []
        names = (from_oxigraph(q.graph_name) for q in quads)
        return [n for n in names if n != ONTOLOGY_GRAPH]

    def graphs(self, subject: Node, predicate: Node | None, obj: Node | None) -> list[Node]:
        return self._graph_names(self._quads(subject, predicate, obj))

    def typed(self, cls: Node) -> list[tuple[Node, Node]]:
        if not self.named:
            return []
        return [
            (from_oxigraph(q.subject), from_oxigraph(q.graph_name))
            for q in self._quads(None, RDF.type, cls)
            if from_oxigraph(q.graph_name) != ONTOLOGY_GRAPH
        ]


class LayeredView:
    """Several views as one: the data split over stores with disjoint named graphs (one
    document's graphs in memory, the rest in the last build's store), so a report on a part of
    the data names the same labels, documents and graphs as a report on the whole."""

    def __init__(self, views: Sequence[DataView]) -> None:
        self.views = views

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        found = (o for view in self.views for o in view.objects(subject, predicate))
        return list(dict.fromkeys(found))

    def has(self, subject: Node, predicate: Node, obj: Node) -> bool:
        return any(view.has(subject, predicate, obj) for view in self.views)

    def graphs(self, subject: Node, predicate: Node | None, obj: Node | None) -> list[Node]:
        return [g for view in self.views for g in view.graphs(subject, predicate, obj)]

    def typed(self, cls: Node) -> list[tuple[Node, Node]]:
        return [pair for view in self.views for pair in view.typed(cls)]


class _Resolver:
    """Turns raw SHACL results into Violations: labels, documents and readable terms."""

    def __init__(self, view: DataView) -> None:
        self.view = view
        self._doc_graphs: dict[Node, Node] | None = None
        self.namespaces = NamespaceManager(Graph(), bind_namespaces="none")
        for prefix, namespace in _PREFIXES.items():
            self.namespaces.bind(prefix, namespace, override=True, replace=True)

    def value(self, subject: Node | None, predicate: Node) -> Node | None:
        if subject is None:
            return None
        # the smallest value, so a node with two (the very error reported) reads the same on
        # every engine and every run
        found = sorted(self.view.objects(subject, predicate), key=lambda n: (type(n).__name__, n))
        return found[0] if found else None

    def violation(self, result: RawResult) -> Violation:
        focus, path, value, component = result.focus, result.path, result.value, result.component
        english = [m for m in result.messages if m.language in (None, "en")]
        message = str((english or list(result.messages) or [Literal("(no message)")])[0])
        if value == focus and component == SH.SPARQLConstraintComponent:
            value = None  # pyshacl reports $this as the value when a query binds no ?value
        document, graph = self.document_of(focus, path, value)
        return Violation(
            severity=SEVERITY_NAMES.get(result.severity, str(result.severity)),
            focus=str(focus),
            label=self.label(focus),
            path=self.term(path) if path is not None else None,
            value=self.value_text(value, component) if value is not None else None,
            message=message,
            document=str(document) if document is not None else None,
            document_id=self.document_id(document) if document is not None else None,
            graph=str(graph) if graph is not None else None,
            shape=self.term(result.shape) if isinstance(result.shape, URIRef) else None,
            component=_local_name(component),
        )

    # -- where a result belongs ----------------------------------------------------------------

    def document_of(
        self, focus: Node, path: Node | None, value: Node | None
    ) -> tuple[Node | None, Node | None]:
        """The source document (and named graph) a focus node belongs to.

        In order: the document itself; evidence's own document; the documents of the node's
        evidence; the document graph holding the offending triple (or the node); the documents
        that mention the node.
        """
        v = self.view
        graphs = self.graphs_of(focus, path, value)
        graph = next(iter(graphs), None)
        if v.has(focus, RDF.type, FG.SourceDocument):
            return focus, graph
        candidates: list[Iterable[Node]] = [
            v.objects(focus, FG.inDocument),
            (d for ev in v.objects(focus, FG.evidence) for d in v.objects(ev, FG.inDocument)),
            (self.doc_graphs[gr] for gr in graphs if gr in self.doc_graphs),
            (d for ev in v.objects(focus, FG.mention) for d in v.objects(ev, FG.inDocument)),
        ]
        fallback: Node | None = None
        for found in candidates:
            docs = sorted(set(found), key=str)
            known = [d for d in docs if v.has(d, RDF.type, FG.SourceDocument)]
            if known:
                return known[0], graph
            # A dangling document IRI (the result may be about exactly that) is the last resort.
            fallback = fallback or next(iter(docs), None)
        return fallback, graph

    def graphs_of(self, focus: Node, path: Node | None, value: Node | None) -> list[Node]:
        """Named graphs holding the offending triple, else the focus node; document graphs first."""
        found: list[Node] = []
        if isinstance(path, URIRef) and value is not None:
            found = self.view.graphs(focus, path, value)
        if not found:
            found = self.view.graphs(focus, None, None)
        return sorted(set(found), key=lambda c: (c not in self.doc_graphs, str(c)))

    @property
    def doc_graphs(self) -> dict[Node, Node]:
        """Named graph -> the source document it describes (graphs holding a fg:SourceDocument)."""
        if self._doc_graphs is None:
            self._doc_graphs = {}
            for doc, graph in self.view.typed(FG.SourceDocument):
                self._doc_graphs.setdefault(graph, doc)
        return self._doc_graphs

    def document_id(self, document: Node) -> str:
        identifiers = sorted(str(i) for i in self.view.objects(document, DCTERMS.identifier))
        if identifiers:
            return identifiers[0]
        return str(document).rstrip("/").rsplit("/", 1)[-1]

    # -- how things read -----------------------------------------------------------------------

    def label(self, node: Node) -> str | None:
        """The node's German prefLabel, any prefLabel or rdfs:label, else a short description of
        the fact it is (grants, participations, ... have no labels of their own)."""
        v = self.view
        labels = list(v.objects(node, SKOS.prefLabel)) or list(v.objects(node, RDFS.label))
        if labels:
            return _first_label(labels)
        if v.has(node, RDF.type, FG.Grant):
            project = self.value(node, FG.grantFor)
            return f"Grant for {self.name(project)}" if project is not None else "Grant"
        if v.has(node, RDF.type, FG.Participation):
            agent, role = self.value(node, FG.participant), self.value(node, FG.role)
            undertaking = self.value(node, FG.participationIn)
            return (
                f"{self.name(agent)} as {self.term(role)} in {self.name(undertaking)}"
                if agent is not None and undertaking is not None
                else "Participation"
            )
        if v.has(node, RDF.type, FG.Post):
            title = self.value(node, FG.postTitle)
            holder = self.value(node, URIRef(_PREFIXES["org"] + "heldBy"))
            parts = [str(title) if title else None, self.name(holder) if holder else None]
            return ", ".join(p for p in parts if p) or "Post"
        if v.has(node, RDF.type, FG.Membership):
            member = self.value(node, URIRef(_PREFIXES["org"] + "member"))
            organisation = self.value(node, URIRef(_PREFIXES["org"] + "organization"))
            return f"{self.name(member)} member of {self.name(organisation)}"
        if v.has(node, RDF.type, FG.Evidence):
            quote = self.value(node, FG.quote)
            if quote is not None:
                text = str(quote)
                return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"
        if v.has(node, RDF.type, RDF.Statement):
            s, p, o = (self.value(node, x) for x in (RDF.subject, RDF.predicate, RDF.object))
            return " ".join(self.name(t) for t in (s, p, o))
        return None

    def name(self, node: Node | None) -> str:
        """A short name for a node inside a description: its label, else a prefixed name."""
        if node is None:
            return "?"
        if isinstance(node, Literal):
            return str(node)
        labels = self.view.objects(node, SKOS.prefLabel)
        return _first_label(labels) if labels else self.term(node)

    def term(self, node: Node | None) -> str:
        """A node as a prefixed name where possible (anything else, None included, as str())."""
        if isinstance(node, URIRef):
            try:
                return self.namespaces.normalizeUri(node)
            except (ValueError, KeyError):
                return f"<{node}>"
        if isinstance(node, BNode):
            return f"_:{node}"
        return str(node)

    def value_text(self, value: Node, component: Node | None = None) -> str:
        """The value as a reader would write it; with its datatype when that is the problem."""
        if isinstance(value, Literal):
            text = str(value)
            if value.language:
                return f'"{text}"@{value.language}'
            if value.datatype is not None and component in _DATATYPE_COMPONENTS:
                return f'"{text}"^^{self.term(value.datatype)}'
            if value.datatype is None and component in _DATATYPE_COMPONENTS:
                return f'"{text}" (no datatype, no language)'
            if value.datatype in (None, XSD.string):
                return f'"{text}"'
            return text
        if isinstance(value, URIRef):
            return f"<{value}>"
        return f"_:{value}"


def _first_label(labels: list[Node]) -> str:
    """The smallest German label, else the smallest label (rdflib's term order, so every
    engine and run picks the same); `labels` must not be empty."""
    german = [lb for lb in labels if isinstance(lb, Literal) and lb.language == "de"]
    terms = [lb for lb in labels if isinstance(lb, Identifier)]  # a view holds RDF terms only
    return str(sorted(german or terms)[0])


def _local_name(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

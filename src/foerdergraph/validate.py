"""The validation step: check the built graph against the SHACL shapes and explain what is wrong.

pyshacl's own report names shapes and blank nodes; a curator needs to know *which document* to
open and *which fact* to fix. So every result is turned into a `Violation` that carries the focus
node's label and the source document it came from (found through the node's evidence, its
mentions, or the named graph that holds it), and `ValidationReport.text()` groups them by document.

The ontology is mixed into the data before validating (it is not inferred over: the OWL-RL closure
is a separate build step). The shapes need it: `sh:targetClass fg:Agent` reaches an `fg:Ministry`
and `sh:class fg:Agent` accepts one only through the ontology's `rdfs:subClassOf` triples, and the
role checks look up the role concepts of `role:scheme`, which live in the ontology file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from foerdergraph.config import ONTOLOGY_NS, ROLE_NS, load_settings

FG = Namespace(ONTOLOGY_NS)
SHAPES_FILE = "foerdergraph.shacl.ttl"
"""The shapes file's name inside the shapes folder (`Settings.shapes_dir`)."""

SEVERITY_NAMES: dict[Node, str] = {SH.Violation: "ERROR", SH.Warning: "WARNING", SH.Info: "INFO"}
"""How a report spells each SHACL severity."""

_PREFIXES: dict[str, str] = {
    "fg": ONTOLOGY_NS,
    "role": ROLE_NS,
    "fgsh": "https://w3id.org/foerdergraph/shapes#",
    "org": "http://www.w3.org/ns/org#",
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
    shapes_path = Path(path) if path is not None else load_settings().shapes_dir / SHAPES_FILE
    return Graph().parse(shapes_path, format="turtle")


def validate(
    data: Dataset | Graph,
    *,
    shapes: Graph,
    ontology: Graph | None = None,
) -> ValidationReport:
    """Validate `data` against `shapes` with `ontology` mixed in (no inference).

    Without `ontology` the class and role checks only see what `data` itself holds (the build's
    Dataset carries the ontology graph, so that is enough there); a bare data graph then fails
    them for every instance of a subclass.

    A Dataset is validated as the union of its graphs, because facts in a document graph point to
    entities described in the entities and reference graphs, and the class checks need both; the
    named graphs are kept only to say where each result comes from.
    """
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
    resolver = _Resolver(merged, data if isinstance(data, Dataset) else None, shapes)
    violations = sorted(
        (resolver.violation(result, results) for result in _results(results)),
        key=lambda v: (v.document_id or "~", v.focus, v.severity, v.path or "", v.message),
    )
    return ValidationReport(
        conforms=not any(v.is_error for v in violations),
        violations=violations,
    )


def validate_document(
    data: Dataset,
    document_graph: URIRef | str,
    *,
    shapes: Graph,
    ontology: Graph | None = None,
) -> ValidationReport:
    """Validate one document graph plus the slice of the other graphs it depends on.

    Re-validating the whole union after every edit gets slow as documents accumulate; a document's
    facts only depend on the entities they name. The slice holds the document graph, every
    ontology graph in the dataset, the full description of each resource the document names, and
    the types and labels of the resources those point to (enough for the class checks).
    Cross-document checks are not made: run `validate` on the whole dataset before a release.
    """
    return validate(document_slice(data, document_graph), shapes=shapes, ontology=ontology)


def document_slice(data: Dataset, document_graph: URIRef | str) -> Dataset:
    """The part of `data` that `validate_document` checks, keeping the named graphs."""
    name = URIRef(str(document_graph))
    source = data.graph(name)
    if len(source) == 0:
        raise KeyError(f"the dataset has no graph <{name}>")
    out = Dataset()
    target = out.graph(name)
    for triple in source:
        target.add(triple)
    # Other documents' graphs stay out: their mentions of shared entities are not this one's.
    others = [
        g
        for g in data.graphs()
        if g.identifier != name and len(g) > 0 and (None, RDF.type, FG.SourceDocument) not in g
    ]
    for graph in others:
        if (None, RDF.type, OWL.Ontology) in graph:
            out.graph(graph.identifier).__iadd__(graph)
    named = {t for triple in source for t in triple if isinstance(t, URIRef)}
    second: set[URIRef] = set()
    for graph in others:
        copy = out.graph(graph.identifier)
        for node in named:
            for p, o in graph.predicate_objects(node):
                copy.add((node, p, o))
                if isinstance(o, URIRef) and o not in named:
                    second.add(o)
    for graph in others:
        copy = out.graph(graph.identifier)
        for node in second:
            for p in (RDF.type, SKOS.prefLabel, SKOS.altLabel):
                for o in graph.objects(node, p):
                    copy.add((node, p, o))
    return out


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


class _Resolver:
    """Turns pyshacl result nodes into Violations: labels, documents and readable terms."""

    def __init__(self, merged: Graph, dataset: Dataset | None, shapes: Graph) -> None:
        self.g = merged
        self.dataset = dataset
        self.shapes = shapes
        self._doc_graphs: dict[Node, Node] | None = None
        for prefix, namespace in _PREFIXES.items():
            self.g.namespace_manager.bind(prefix, namespace, override=True, replace=True)

    def violation(self, result: Node, results: Graph) -> Violation:
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        shape = results.value(result, SH.sourceShape)
        component = results.value(result, SH.sourceConstraintComponent)
        messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
        english = [m for m in messages if m.language in (None, "en")]
        message = str((english or messages or [Literal("(no message)")])[0])
        assert focus is not None
        if value == focus and component == SH.SPARQLConstraintComponent:
            value = None  # pyshacl reports $this as the value when a query binds no ?value
        document, graph = self.document_of(focus, path, value)
        return Violation(
            severity=SEVERITY_NAMES.get(severity, str(severity)) if severity else "ERROR",
            focus=str(focus),
            label=self.label(focus),
            path=self.term(path) if path is not None else None,
            value=self.value_text(value, component) if value is not None else None,
            message=message,
            document=str(document) if document is not None else None,
            document_id=self.document_id(document) if document is not None else None,
            graph=str(graph) if graph is not None else None,
            shape=self.term(shape) if isinstance(shape, URIRef) else None,
            component=_local_name(component) if component is not None else None,
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
        g = self.g
        graphs = self.graphs_of(focus, path, value)
        graph = next(iter(graphs), None)
        if (focus, RDF.type, FG.SourceDocument) in g:
            return focus, graph
        candidates: list[Iterable[Node]] = [
            g.objects(focus, FG.inDocument),
            (d for ev in g.objects(focus, FG.evidence) for d in g.objects(ev, FG.inDocument)),
            (self.doc_graphs[gr] for gr in graphs if gr in self.doc_graphs),
            (d for ev in g.objects(focus, FG.mention) for d in g.objects(ev, FG.inDocument)),
        ]
        fallback: Node | None = None
        for found in candidates:
            docs = sorted(set(found), key=str)
            known = [d for d in docs if (d, RDF.type, FG.SourceDocument) in g]
            if known:
                return known[0], graph
            # A dangling document IRI (the result may be about exactly that) is the last resort.
            fallback = fallback or next(iter(docs), None)
        return fallback, graph

    def graphs_of(self, focus: Node, path: Node | None, value: Node | None) -> list[Node]:
        """Named graphs holding the offending triple, else the focus node; document graphs first."""
        if self.dataset is None:
            return []
        found: list[Node] = []
        if isinstance(path, URIRef) and value is not None:
            found = [c for _s, _p, _o, c in self.dataset.quads((focus, path, value, None))]
        if not found:
            found = [c for _s, _p, _o, c in self.dataset.quads((focus, None, None, None))]
        unique = sorted(set(found), key=lambda c: (c not in self.doc_graphs, str(c)))
        return unique

    @property
    def doc_graphs(self) -> dict[Node, Node]:
        """Named graph -> the source document it describes (graphs holding a fg:SourceDocument)."""
        if self._doc_graphs is None:
            self._doc_graphs = {}
            if self.dataset is not None:
                for doc, _p, _o, c in self.dataset.quads((None, RDF.type, FG.SourceDocument, None)):
                    self._doc_graphs.setdefault(c, doc)
        return self._doc_graphs

    def document_id(self, document: Node) -> str:
        identifiers = sorted(str(i) for i in self.g.objects(document, DCTERMS.identifier))
        if identifiers:
            return identifiers[0]
        return str(document).rstrip("/").rsplit("/", 1)[-1]

    # -- how things read -----------------------------------------------------------------------

    def label(self, node: Node) -> str | None:
        """The node's German prefLabel, any prefLabel or rdfs:label, else a short description of
        the fact it is (grants, participations, ... have no labels of their own)."""
        g = self.g
        labels = list(g.objects(node, SKOS.prefLabel)) or list(g.objects(node, RDFS.label))
        if labels:
            german = [lb for lb in labels if isinstance(lb, Literal) and lb.language == "de"]
            return str(sorted(german or labels)[0])
        if (node, RDF.type, FG.Grant) in g:
            project = g.value(node, FG.grantFor)
            return f"Grant for {self.name(project)}" if project is not None else "Grant"
        if (node, RDF.type, FG.Participation) in g:
            agent, role = g.value(node, FG.participant), g.value(node, FG.role)
            undertaking = g.value(node, FG.participationIn)
            return (
                f"{self.name(agent)} as {self.term(role)} in {self.name(undertaking)}"
                if agent is not None and undertaking is not None
                else "Participation"
            )
        if (node, RDF.type, FG.Post) in g:
            title = g.value(node, FG.postTitle)
            holder = g.value(node, URIRef(_PREFIXES["org"] + "heldBy"))
            parts = [str(title) if title else None, self.name(holder) if holder else None]
            return ", ".join(p for p in parts if p) or "Post"
        if (node, RDF.type, FG.Membership) in g:
            member = g.value(node, URIRef(_PREFIXES["org"] + "member"))
            organisation = g.value(node, URIRef(_PREFIXES["org"] + "organization"))
            return f"{self.name(member)} member of {self.name(organisation)}"
        if (node, RDF.type, FG.Evidence) in g:
            quote = g.value(node, FG.quote)
            if quote is not None:
                text = str(quote)
                return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"
        if (node, RDF.type, RDF.Statement) in g:
            s, p, o = (g.value(node, x) for x in (RDF.subject, RDF.predicate, RDF.object))
            return " ".join(self.name(t) for t in (s, p, o))
        return None

    def name(self, node: Node | None) -> str:
        """A short name for a node inside a description: its label, else a prefixed name."""
        if node is None:
            return "?"
        if isinstance(node, Literal):
            return str(node)
        labels = list(self.g.objects(node, SKOS.prefLabel))
        german = [lb for lb in labels if isinstance(lb, Literal) and lb.language == "de"]
        return str(sorted(german or labels)[0]) if labels else self.term(node)

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            try:
                return self.g.namespace_manager.normalizeUri(node)
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


def _local_name(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

"""Everything in data/ as named graphs: the input of validation, reasoning and the store.

Graph layout (see docs/model.md): ontology, reference, entities, one graph per source document
(curated facts) or per draft (machine-extracted facts, flagged), and one per imported list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from foerdergraph.core.config import DEFAULT_BASE_IRI, Settings
from foerdergraph.core.errors import InputError, InputProblem
from foerdergraph.core.iri import DRAFT_GRAPH_KIND, graph_iri
from foerdergraph.core.ontology import OntologyIndex, load_ontology
from foerdergraph.core.rdf import fill_store, from_oxigraph
from foerdergraph.core.registry import (
    Registry,
    check_references,
    load_registry_file,
    registry_files,
)
from foerdergraph.core.vocab import FG, SD, bind_prefixes
from foerdergraph.core.yamlfile import read_mapping
from foerdergraph.ingest.curated import facts_triples, read_facts_file
from foerdergraph.ingest.history import HISTORY_FILE, history_triples, read_history
from foerdergraph.ingest.place_keys import place_key_graph
from foerdergraph.ingest.rebase import load_import, load_import_exactly, quotes_rebased_iris
from foerdergraph.ingest.registry import entity_triples
from foerdergraph.ingest.sources import SourceDocument, document_triples, load_sources
from foerdergraph.ingest.sub_organisations import SubUnitRules, read_rules, sub_organisation_graph


@dataclass
class GraphPart:
    """One named graph of the build, with what it is and where it came from."""

    iri: URIRef
    # ontology | reference | entities | history | document | extracted | import | curation
    kind: str
    graph: Graph
    document: str | None = None


@dataclass
class Inputs:
    """The whole input of one build: curated graphs parsed with rdflib (small), imported lists
    as files that Oxigraph parses itself (large)."""

    ontology: Graph
    parts: list[GraphPart]
    imports: list[Path] = field(default_factory=list)
    base: str = DEFAULT_BASE_IRI
    """The configured base the imports' canonical IRIs move to (ingest/rebase.py)."""
    sub_units: SubUnitRules | None = None
    """The reviewed sub-organisation rules, applied to the loaded store (sub_organisations.py)."""
    derived: list[GraphPart] = field(default_factory=list)
    """Graphs made from the loaded store rather than read from a file, set by `store()`."""

    def store(self) -> tuple[ox.Store, dict[str, Path]]:
        """Every graph in one in-memory Oxigraph store, and the imported graphs' files.

        Validation, reasoning, the store and the dumps all work on this store, so an imported
        list of a million triples never becomes Python objects. The imports' IRIs, written in the
        canonical namespace, are moved under the configured base as they load."""
        store = ox.Store()
        fill_store(store, ((p.iri, p.graph) for p in sorted(self.parts, key=lambda p: str(p.iri))))
        imported: dict[str, Path] = {}
        problems = []
        for path in self.imports:
            before = {g.value for g in store.named_graphs()}
            try:
                load_import(store, path, self.base)
            except (SyntaxError, OSError, EOFError) as exc:
                problems.append(InputProblem(path, "", f"cannot read gzipped TriG: {exc}"))
                continue
            for name in {g.value for g in store.named_graphs()} - before:
                imported[name] = path
        if problems:
            raise InputError(problems)
        if quotes_rebased_iris(store, imported, self.base):  # a literal was rewritten: redo
            for name in imported:
                store.remove_graph(ox.NamedNode(name))
            for path in self.imports:
                load_import_exactly(store, path, self.base)
        self.derived = self._derive(store)
        fill_store(store, ((p.iri, p.graph) for p in self.derived))
        return store, imported

    def _derive(self, store: ox.Store) -> list[GraphPart]:
        """What the build states about everything loaded, imports included: the sub-organisation
        links the rules make, and where the places known only by their key lie."""
        derived = []
        places = place_key_graph(store, self.base)
        if len(places):  # none without an import that names a place by its key alone
            describe_graph(places, "foerdergraph curation: places nested by their official key")
            derived.append(GraphPart(URIRef(str(places.identifier)), "curation", places))
        if self.sub_units is not None:
            graph = sub_organisation_graph(store, self.sub_units, self.base)
            describe_graph(
                graph,
                f"foerdergraph curation: sub-organisation links made by {self.sub_units.path.name}",
            )
            derived.append(GraphPart(URIRef(str(graph.identifier)), "curation", graph))
        return derived

    def dataset(self, base: str) -> Dataset:
        """All graphs as one rdflib Dataset, for callers that want rdflib's API."""
        store, _ = self.store()
        dataset = Dataset()
        bind_prefixes(dataset, base)
        graphs: dict[str, Graph] = {}
        for quad in store:
            name = str(quad.graph_name.value)
            if name not in graphs:
                graphs[name] = dataset.graph(URIRef(name))
            graphs[name].add(
                (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                )
            )
        return dataset


def new_graph(iri: URIRef, base: str) -> Graph:
    graph = Graph(identifier=iri)
    bind_prefixes(graph, base)
    return graph


def describe_graph(graph: Graph, title: str, meta: dict[str, object] | None = None) -> None:
    """Describe the named graph inside itself: what it is and where it comes from."""
    name = URIRef(str(graph.identifier))
    graph.add((name, RDF.type, SD.Graph))
    graph.add((name, DCTERMS.title, Literal(title, lang="en")))
    for key, prop in (
        ("source", DCTERMS.source),
        ("publisher", DCTERMS.publisher),
        ("date", DCTERMS.date),
        ("note", RDFS.comment),
        ("title", RDFS.label),
        ("license", DCTERMS.license),
    ):
        if meta and meta.get(key):
            graph.add((name, prop, Literal(str(meta[key]))))


def load_inputs(settings: Settings) -> Inputs:
    """Read ontology and data/ into named graphs; InputError lists every problem found."""
    base = settings.base_iri
    ontology_graph = load_ontology(settings.ontology_dir)
    ontology = OntologyIndex(ontology_graph)
    data = settings.data_dir
    registry = Registry()
    problems: list[InputProblem] = []
    parts = [GraphPart(graph_iri("ontology", base=base), "ontology", ontology_graph)]
    loaded = []
    for kind, path in registry_files(data):
        try:
            entities = load_registry_file(path, ontology, registry)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append((kind, path, entities))
    for kind, path, entities in loaded:
        problems.extend(check_references(entities, registry))
        iri = graph_iri(*([kind] if kind == "entities" else [kind, path.stem]), base=base)
        graph = new_graph(iri, base)
        describe_graph(
            graph, f"foerdergraph {kind}: {path.name}", read_mapping(path).get("provenance")
        )
        if not problems:
            for entity in entities:
                for triple in entity_triples(entity, registry, ontology, base):
                    graph.add(triple)
        parts.append(GraphPart(iri, kind, graph))
    if (data / HISTORY_FILE).is_file() and not problems:
        try:
            parts.append(history_part(data / HISTORY_FILE, registry, ontology, base))
        except InputError as exc:
            problems.extend(exc.problems)
    try:
        documents = load_sources(data / "sources")
    except InputError as exc:
        raise InputError(problems + exc.problems) from exc
    for doc in documents:
        part, doc_problems = document_part(doc, data, registry, ontology, base)
        problems.extend(doc_problems)
        if part is not None:
            parts.append(part)
    try:
        sub_units = read_rules(data, registry, base)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    imports = sorted((data / "imports").glob("*.trig.gz"))
    return Inputs(ontology_graph, parts, imports, base, sub_units)


def history_part(path: Path, registry: Registry, ontology: OntologyIndex, base: str) -> GraphPart:
    """The organisations' history (renamings, mergers, splits with their sources) as its own
    graph; its dissolved bodies join the registry, so documents may name them."""
    history = read_history(path, ontology, registry)
    iri = graph_iri("history", base=base)
    graph = new_graph(iri, base)
    describe_graph(
        graph, f"foerdergraph history: {path.name}", read_mapping(path).get("provenance")
    )
    for triple in history_triples(history, registry, ontology, base):
        graph.add(triple)
    return GraphPart(iri, "history", graph)


def document_part(
    doc: SourceDocument, data: Path, registry: Registry, ontology: OntologyIndex, base: str
) -> tuple[GraphPart | None, list[InputProblem]]:
    facts_path = data / "facts" / f"{doc.id}.yaml"
    try:
        facts_file = read_facts_file(facts_path, ontology) if facts_path.is_file() else None
        kind = DRAFT_GRAPH_KIND if facts_file and facts_file.is_draft else "document"
        iri = graph_iri(kind, doc.id, base=base)
        graph = new_graph(iri, base)
        for triple in document_triples(doc, base):
            graph.add(triple)
        if facts_file is not None:
            for triple in facts_triples(facts_file, doc, registry, ontology, base):
                graph.add(triple)
    except InputError as exc:
        return None, exc.problems
    name = URIRef(str(iri))
    graph.add((name, RDF.type, SD.Graph))
    graph.add((name, PROV.wasDerivedFrom, doc.iri(base)))
    graph.add((name, FG.curationStatus, Literal(facts_file.status if facts_file else "none")))
    return GraphPart(iri, kind, graph, document=doc.id), []

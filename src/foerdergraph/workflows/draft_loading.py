"""Drafts through the build's own loader: one translation for `ingest` and `--format turtle`.

Translating a draft with `foerdergraph.ingest.curated` (the code the build runs) instead of a
second RDF writer guarantees that what `extract --format turtle` prints, what `ingest` validates
and what the build loads are the same triples.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef

from foerdergraph.core.config import Settings


@dataclass
class Translation:
    """The triples of one document's draft graph plus the registry it was checked against."""

    graph: URIRef
    triples: list[Any]
    ontology_graph: Graph
    registry_triples: list[Any] = field(default_factory=list)
    base: str = ""

    def dataset(self) -> Dataset:
        """Ontology, registry and the draft graph as named graphs (what SHACL needs)."""
        from foerdergraph.core.iri import graph_iri

        dataset = Dataset()
        for name, triples in (
            (self.graph, self.triples),
            (graph_iri("entities", base=self.base), self.registry_triples),
            (graph_iri("ontology", base=self.base), list(self.ontology_graph)),
        ):
            target = dataset.graph(name)
            for triple in triples:
                target.add(triple)
        return dataset

    def rdf(self) -> Graph:
        """The draft graph alone, with the project's prefixes."""
        from foerdergraph.core.vocab import bind_prefixes

        graph = Graph(identifier=self.graph)
        bind_prefixes(graph, self.base)
        for triple in self.triples:
            graph.add(triple)
        return graph


def translate(
    settings: Settings, doc_id: str, text: str, meta: dict[str, Any], facts_text: str
) -> Translation:
    """Load the registry of `settings` and translate the draft; raises InputError."""
    from foerdergraph.core.iri import graph_iri
    from foerdergraph.core.ontology import OntologyIndex, load_ontology
    from foerdergraph.core.registry import Registry, load_registry_file, registry_files
    from foerdergraph.ingest.curated import facts_triples, read_facts_file
    from foerdergraph.ingest.registry import entity_triples
    from foerdergraph.ingest.sources import SourceDocument, document_triples

    base = settings.base_iri
    ontology_graph = load_ontology(settings.ontology_dir)
    ontology = OntologyIndex(ontology_graph)
    registry = Registry()
    registry_entities = []
    for _kind, path in registry_files(settings.data_dir):
        registry_entities += load_registry_file(path, ontology, registry)
    with tempfile.TemporaryDirectory() as tmp:
        facts_path = Path(tmp) / f"{doc_id}.yaml"
        facts_path.write_text(facts_text, encoding="utf-8")
        doc = SourceDocument(doc_id, text, meta, Path(tmp) / f"{doc_id}.txt",
                             Path(tmp) / f"{doc_id}.meta.yaml")  # fmt: skip
        facts_file = read_facts_file(facts_path, ontology)
        triples = [*document_triples(doc, base)]
        triples += facts_triples(facts_file, doc, registry, ontology, base)
    registry_triples = [
        t for entity in registry_entities for t in entity_triples(entity, registry, ontology, base)
    ]
    kind = "extracted" if facts_file.is_draft else "document"
    return Translation(graph_iri(kind, doc_id, base=base), triples, ontology_graph,
                       registry_triples, base)  # fmt: skip

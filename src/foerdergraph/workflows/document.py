"""Validate one document against the last build (`foerdergraph validate --document ID`, and every
draft `foerdergraph ingest` writes).

The document is loaded through the build's own loader pieces (foerdergraph.ingest), so it reads
here as it does in the build, and checked by foerdergraph.validate.scoped against the context the
last build's on-disk store holds; see that module for why this equals the full validation for the
document's nodes.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from foerdergraph.core.config import Settings
from foerdergraph.core.errors import InputError
from foerdergraph.core.iri import graph_iri
from foerdergraph.core.ontology import OntologyIndex, load_ontology
from foerdergraph.core.registry import (
    Registry,
    check_references,
    load_registry_file,
    registry_files,
)
from foerdergraph.core.yamlfile import read_mapping
from foerdergraph.ingest.dataset import describe_graph, document_part, new_graph
from foerdergraph.ingest.registry import entity_triples
from foerdergraph.ingest.sources import SourceDocument, read_text
from foerdergraph.publish.store import open_store
from foerdergraph.validate.engine import load_shapes
from foerdergraph.validate.scoped import CONTEXT_KINDS, ScopedReport, validate_in_context


@dataclass
class DocumentCheck(ScopedReport):
    """The outcome of `check_document`: the reports and what they were checked against."""

    document: str
    graph: URIRef
    build: Path | None
    """The release the context came from; None when there is no build yet (then only the
    ontology and the registry are the context)."""
    stale: list[Path] = field(default_factory=list)
    """Input files of other documents or imports changed since the build (their context is the
    built version)."""


def check_document(
    settings: Settings,
    doc_id: str,
    *,
    text: str | None = None,
    meta: dict[str, Any] | None = None,
    facts_text: str | None = None,
    shapes: Graph | None = None,
) -> DocumentCheck:
    """Load document `doc_id` as the build does (from data/, or from `text`, `meta` and
    `facts_text` when given: a draft not yet written) and validate it against the last build.

    Raises InputError with the loader's problems (file, fact, quote), FileNotFoundError when
    the document's files are missing, and UnsupportedShapes when the edit changes a triple whose
    readers cannot be bounded (a class hierarchy stated in a document)."""
    parts, own = document_parts(settings, doc_id, text=text, meta=meta, facts_text=facts_text)
    if shapes is None:
        shapes = load_shapes(settings.shapes_file)
    try:
        store = open_store(settings)
    except FileNotFoundError:
        scoped = validate_in_context(own, parts, ox.Store(), [], shapes=shapes)
        return DocumentCheck(**vars(scoped), document=doc_id, graph=own, build=None)
    build = settings.current_build.resolve()
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    built = [g for g in manifest["graphs"] if g["kind"] in CONTEXT_KINDS]
    scoped = validate_in_context(
        own,
        parts,
        store,
        [g["iri"] for g in built if g.get("document") != doc_id],
        shapes=shapes,
        previous=[g["iri"] for g in built if g.get("document") == doc_id],
    )
    stale = stale_inputs(settings, doc_id, build)
    return DocumentCheck(**vars(scoped), document=doc_id, graph=own, build=build, stale=stale)


def document_parts(
    settings: Settings,
    doc_id: str,
    *,
    text: str | None = None,
    meta: dict[str, Any] | None = None,
    facts_text: str | None = None,
) -> tuple[list[tuple[URIRef, Graph]], URIRef]:
    """Ontology, registry graphs and the document's graph, exactly as `load_inputs` makes them;
    and the document graph's name."""
    base, data = settings.base_iri, settings.data_dir
    ontology_graph = load_ontology(settings.ontology_dir)
    ontology = OntologyIndex(ontology_graph)
    parts: list[tuple[URIRef, Graph]] = [(graph_iri("ontology", base=base), ontology_graph)]
    registry, problems, loaded = Registry(), [], []
    for kind, path in registry_files(data):
        try:
            loaded.append((kind, path, load_registry_file(path, ontology, registry)))
        except InputError as exc:
            problems.extend(exc.problems)
    for kind, path, entities in loaded:
        problems.extend(check_references(entities, registry))
        iri = graph_iri(*([kind] if kind == "entities" else [kind, path.stem]), base=base)
        graph = new_graph(iri, base)
        meta_of = read_mapping(path).get("provenance")
        describe_graph(graph, f"foerdergraph {kind}: {path.name}", meta_of)
        for entity in entities:
            graph += entity_triples(entity, registry, ontology, base)
        parts.append((iri, graph))
    if problems:
        raise InputError(problems)
    with tempfile.TemporaryDirectory() as tmp:
        text_path = data / "sources" / f"{doc_id}.txt"
        meta_path = text_path.with_suffix(".yaml")
        if text is None:
            for path in (text_path, meta_path):
                if not path.is_file():
                    raise FileNotFoundError(f"no document {doc_id!r}: {path} is missing")
            text, meta = read_text(text_path), read_mapping(meta_path)
        facts_dir = data
        if facts_text is not None:  # a draft not yet in data/: give the loader its own folder
            facts_dir = Path(tmp)
            (facts_dir / "facts").mkdir()
            (facts_dir / "facts" / f"{doc_id}.yaml").write_text(facts_text, encoding="utf-8")
        doc = SourceDocument(doc_id, text, meta or {}, text_path, meta_path)
        part, problems = document_part(doc, facts_dir, registry, ontology, base)
    if part is None:
        raise InputError(problems)
    parts.append((part.iri, part.graph))
    return parts, part.iri


def stale_inputs(settings: Settings, doc_id: str, build: Path) -> list[Path]:
    """Files of other documents and imports changed after the build was made."""
    made = (build / "manifest.json").stat().st_mtime
    data = settings.data_dir
    candidates = [
        *(data / "sources").glob("*.txt"),
        *(data / "sources").glob("*.yaml"),
        *(data / "facts").glob("*.yaml"),
        *(data / "imports").glob("*.trig.gz"),
    ]
    return sorted(p for p in candidates if p.stem != doc_id and p.stat().st_mtime > made)

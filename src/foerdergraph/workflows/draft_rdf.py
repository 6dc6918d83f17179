"""`extract --format turtle`: the extraction as the RDF the build would load for it.

The extraction is turned into its draft (draft.py) and the draft translated by the build's own
loader (loading.py), so the Turtle uses the project ontology exactly as a curated document does:
qualified fg:Participation nodes with roles, fg:Grant, org:Post, statements, and an fg:Evidence
(quote + offsets) for every fact, each with its fg:confidence, in the flagged graph
`{base}graph/extracted/<document>`.
"""

from __future__ import annotations

from rdflib import Graph

from foerdergraph.core.config import Settings
from foerdergraph.extract.draft import build_draft, dump_draft
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.model import Extraction
from foerdergraph.workflows.draft_loading import translate


def to_graph(result: Extraction, settings: Settings, gazetteer: Gazetteer) -> Graph:
    """RDF of `result`; raises foerdergraph.core.errors.InputError when the draft does not load."""
    draft, skipped = build_draft(result, gazetteer)
    first_line = next((line.strip() for line in result.text.splitlines() if line.strip()), "")
    meta = {"title": first_line[:200] or result.document, "language": "de"}
    return translate(settings, result.document, result.text, meta, dump_draft(draft, skipped)).rdf()

"""Small helpers for the extractor tests."""

from __future__ import annotations

from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.model import Extraction
from foerdergraph.extract.pipeline import extract_text


def run(text: str, gazetteer: Gazetteer | None = None) -> Extraction:
    """Extract with an empty registry unless one is given: the rules alone."""
    return extract_text(text, "test", gazetteer or Gazetteer([]))


def names(result: Extraction, kind: str) -> list[str]:
    return [e.name for e in result.of_kind(kind)]


def triples(result: Extraction) -> set[tuple[str, str, str]]:
    return {(r.subject.name, r.predicate, r.object.name) for r in result.relations}

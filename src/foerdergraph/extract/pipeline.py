"""One document in, one Extraction out: read, mask clutter, recognise, group, relate, resolve.

Each step is its own module; this one only orders them. Texts above LONG_TEXT characters are
processed paragraph block by block so memory and time stay linear in the input size.
"""

from __future__ import annotations

from pathlib import Path

from foerdergraph.extract.clutter import find_clutter, mask
from foerdergraph.extract.entities import build_entities, link_person_organisations
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.model import Extraction, Span
from foerdergraph.extract.reading import read_document
from foerdergraph.extract.recognise import recognise
from foerdergraph.extract.relations import find_relations
from foerdergraph.extract.resolve import Resolver
from foerdergraph.extract.sentences import split_sentences


def extract_text(
    text: str,
    document: str,
    gazetteer: Gazetteer | None = None,
    base_iri: str | None = None,
) -> Extraction:
    """Extract from an already decoded text; offsets refer to `text`."""
    gazetteer = gazetteer if gazetteer is not None else Gazetteer([])
    clutter = find_clutter(text)
    masked = mask(text, clutter)
    candidates = recognise(masked, gazetteer)
    entities = build_entities(masked, candidates)
    link_person_organisations(masked, candidates, entities)
    sentences = split_sentences(masked)
    relations = find_relations(masked, sentences, entities)
    result = Extraction(document, text, entities, relations)
    result.clutter = [Span(c.start, c.end, c.reason) for c in clutter]
    Resolver(gazetteer, base_iri).resolve(result)
    return result


def extract_file(
    path: Path, gazetteer: Gazetteer | None = None, base_iri: str | None = None
) -> Extraction:
    """Read `path` (any supported encoding, HTML or text) and extract from it."""
    decoded = read_document(path)
    result = extract_text(decoded.text, path.stem, gazetteer, base_iri)
    result.encoding = decoded.encoding
    result.warnings.extend(decoded.warnings)
    return result

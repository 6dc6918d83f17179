"""One document in, one Extraction out: read, mask clutter, recognise, group, relate, resolve.

Each step is its own module; this one only orders them.
"""

from __future__ import annotations

from pathlib import Path

from foerdergraph.extract.clutter import find_clutter, mask
from foerdergraph.extract.datefacts import find_date_facts
from foerdergraph.extract.entities import build_entities, group_key, link_person_organisations
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.learned import RelationModel, propose
from foerdergraph.extract.model import ExtractedEntity, Extraction, Relation, Span
from foerdergraph.extract.reading import read_document
from foerdergraph.extract.recognise import recognise
from foerdergraph.extract.relations import dedupe, find_relations
from foerdergraph.extract.resolve import RegistryLinker
from foerdergraph.extract.sentences import split_sentences

BLOCK = 40_000
"""Texts longer than this are read in blocks of whole paragraphs of about this size, so time and
memory grow linearly with the input (a 10 MB page stays within a minute); entities of the same
name are merged across blocks afterwards."""


def extract_text(
    text: str,
    document: str,
    gazetteer: Gazetteer | None = None,
    base_iri: str | None = None,
    relation_model: RelationModel | None = None,
) -> Extraction:
    """Extract from an already decoded text; offsets refer to `text`. A relation model
    (`learned.py`) adds the relations it proposes beside the rules' ones."""
    gazetteer = gazetteer if gazetteer is not None else Gazetteer([])
    clutter = find_clutter(text)
    masked = mask(text, clutter)
    entities: list[ExtractedEntity] = []
    relations: list[Relation] = []
    for start, end in blocks(masked, BLOCK):
        block_entities, block_relations = _extract_block(masked[start:end], gazetteer)
        _shift(block_entities, block_relations, start)
        entities, relations = _merge(entities, relations, block_entities, block_relations)
    dates = find_date_facts(masked, split_sentences(masked), entities)
    _unmask(text, entities, relations)
    for fact in dates:
        fact.evidence = Span(
            fact.evidence.start, fact.evidence.end, text[fact.evidence.start : fact.evidence.end]
        )
    if relation_model is not None:
        relations += propose(relation_model, text, entities, relations)
    result = Extraction(document, text, entities, relations, dates=dates)
    result.clutter = [Span(c.start, c.end, c.reason) for c in clutter]
    RegistryLinker(gazetteer, base_iri).resolve(result)
    return result


def _extract_block(
    masked: str, gazetteer: Gazetteer
) -> tuple[list[ExtractedEntity], list[Relation]]:
    candidates = recognise(masked, gazetteer)
    entities = build_entities(masked, candidates)
    link_person_organisations(masked, candidates, entities)
    relations = find_relations(masked, split_sentences(masked), entities)
    return entities, relations


def blocks(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of at most about `size` characters, cut at a blank
    line, else at a line end, else at a sentence end, else hard."""
    out = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = max(window.rfind("\n\n"), window.rfind("\n") if "\n\n" not in window else -1)
        if cut < size // 4:
            cut = window.rfind(". ") + 1
        if cut < size // 4:
            cut = size
        out.append((start, start + cut))
        start += cut
    out.append((start, len(text)))
    return out


def _shift(entities: list[ExtractedEntity], relations: list[Relation], offset: int) -> None:
    if not offset:
        return
    for entity in entities:
        entity.mentions = [Span(m.start + offset, m.end + offset, m.text) for m in entity.mentions]
    for relation in relations:
        ev = relation.evidence
        relation.evidence = Span(ev.start + offset, ev.end + offset, ev.text)


def _merge(
    entities: list[ExtractedEntity],
    relations: list[Relation],
    new_entities: list[ExtractedEntity],
    new_relations: list[Relation],
) -> tuple[list[ExtractedEntity], list[Relation]]:
    """Add one block's results: same kind and name key -> the same entity."""
    if not entities:
        return new_entities, new_relations
    known = {(e.kind, group_key(e.kind, e.name, e.subkind)): e for e in entities}
    replaced: dict[int, ExtractedEntity] = {}
    for entity in new_entities:
        key = (entity.kind, group_key(entity.kind, entity.name, entity.subkind))
        if key in known:
            known[key].mentions.extend(entity.mentions)
            replaced[id(entity)] = known[key]
        else:
            known[key] = entity
            entities.append(entity)
    for relation in new_relations:
        relation.subject = replaced.get(id(relation.subject), relation.subject)
        relation.object = replaced.get(id(relation.object), relation.object)
    return entities, dedupe(relations + new_relations)


def _unmask(text: str, entities: list[ExtractedEntity], relations: list[Relation]) -> None:
    """Quote the original text in every span: recognition ran on the masked copy, whose clutter
    is blanked out, but evidence must be verbatim at its offsets in the document itself."""
    for entity in entities:
        entity.mentions = [Span(m.start, m.end, text[m.start : m.end]) for m in entity.mentions]
    for relation in relations:
        ev = relation.evidence
        relation.evidence = Span(ev.start, ev.end, text[ev.start : ev.end])


def extract_file(
    path: Path,
    gazetteer: Gazetteer | None = None,
    base_iri: str | None = None,
    relation_model: RelationModel | None = None,
) -> Extraction:
    """Read `path` (any supported encoding, HTML or text) and extract from it."""
    decoded = read_document(path)
    result = extract_text(decoded.text, path.stem, gazetteer, base_iri, relation_model)
    result.encoding = decoded.encoding
    result.warnings.extend(decoded.warnings)
    return result

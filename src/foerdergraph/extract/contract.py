"""The extraction contract (../shared/README.md) as JSON.

Extra keys beyond the contract (`key`, `registry`, `confidence`, `cue`, `encoding`, `warnings`,
`clutter`) are allowed by it and help the reviewer; the scorer ignores them.
"""

from __future__ import annotations

from typing import Any

from foerdergraph.extract.model import ExtractedEntity, Extraction, Relation
from foerdergraph.extract.normalise import amount_json

SECTIONS = {
    "organisation": "organisations",
    "person": "persons",
    "programme": "programmes",
    "project": "projects",
    "fund": "funding_sources",
    "region": "regions",
}


def entity_json(entity: ExtractedEntity) -> dict[str, Any]:
    item: dict[str, Any] = {"name": entity.name}
    if entity.kind == "organisation":
        item["type"] = entity.type
    if entity.kind == "person":
        item["post"] = entity.post
        item["organisation"] = entity.organisation.name if entity.organisation else None
    if entity.kind == "programme" and entity.subkind:
        item["kind"] = entity.subkind
    if entity.aliases:
        item["aliases"] = entity.aliases
    item["iri"] = entity.iri
    item["key"] = entity.key
    item["registry"] = entity.registry_key is not None
    item["mentions"] = [m.as_dict() for m in entity.mentions]
    return item


def relation_json(relation: Relation) -> dict[str, Any]:
    item: dict[str, Any] = {
        "subject": relation.subject.name,
        "predicate": relation.predicate,
        "object": relation.object.name,
    }
    if relation.amount is not None:
        item["amount_eur"] = amount_json(relation.amount)
    item["evidence"] = relation.evidence.as_dict()
    item["confidence"] = relation.confidence
    item["cue"] = relation.cue
    if relation.role:
        item["role"] = relation.role
    item["subject_iri"] = relation.subject.iri
    item["object_iri"] = relation.object.iri
    return item


def to_json(result: Extraction) -> dict[str, Any]:
    """The contract object for one document."""
    out: dict[str, Any] = {"document": result.document}
    for kind, section in SECTIONS.items():
        out[section] = [entity_json(e) for e in result.entities if e.kind == kind]
    out["relations"] = [relation_json(r) for r in result.relations]
    out["dates"] = [
        {
            "subject": fact.subject.name,
            "property": fact.property,
            "value": fact.value.iso,
            "datatype": fact.value.datatype,
            "evidence": fact.evidence.as_dict(),
            "confidence": fact.confidence,
        }
        for fact in result.dates
        if fact.value.iso
    ]
    out["encoding"] = result.encoding
    out["warnings"] = result.warnings
    out["clutter"] = [{"start": c.start, "end": c.end, "reason": c.text} for c in result.clutter]
    return out

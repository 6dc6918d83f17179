"""The review loop's input: an extraction written as a curated-facts draft (docs/curation.md).

`ingest` writes `data/facts/<doc-id>.yaml` with `status: draft`; a person reviews it, fixes or
deletes facts and sets `status: curated`. Until then the build loads it into the flagged graph
`{base}graph/extracted/<doc-id>` with each fact's `confidence`. Entities the registry does not
know are described in the draft's own `entities:` block under the key the resolver minted.
Relations the fact format cannot express yet (an agent funding another agent without a named
undertaking, a fund financing an organisation) are listed in the file's header comment, so the
reviewer still sees them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import yaml

from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.model import ExtractedEntity, Extraction, Relation
from foerdergraph.extract.orgtypes import CLASS_OF_TYPE
from foerdergraph.extract.resolve import mint_kind

UNDERTAKINGS = frozenset({"programme", "project"})
AGENTS = frozenset({"organisation", "person"})

PARTICIPATION_ROLES = {
    "leads": "lead",
    "partners_in": "partner",
    "funds": "funder",
    "approves": "approving-authority",
    "sponsors_project_admin": "project-sponsor",
    "supports": "supporter",
    "issues_programme": "issuer",
    "hosts": "host",
}
"""Interchange predicate -> role of a qualified participation (agent -> undertaking)."""


def entity_class(entity: ExtractedEntity) -> str:
    """The fg: class (local name) of a new entity."""
    if entity.kind == "organisation":
        return CLASS_OF_TYPE.get(entity.type or "other", "Organisation")
    if entity.kind == "region":
        if entity.name.startswith("Regierungsbezirk"):
            return "GovernmentRegion"
        return "Municipality" if entity.type == "municipality" else "Region"
    if entity.kind == "programme":
        return {"call": "FundingCall", "initiative": "Initiative"}.get(
            entity.subkind or "", "FundingProgramme"
        )
    return {"project": "Project", "fund": "Fund", "person": "Person"}[entity.kind]


class DraftBuilder:
    """Collects facts, mentions and new entities for one extraction."""

    def __init__(self, result: Extraction, gazetteer: Gazetteer):
        self.result = result
        self.registry_keys = {e.key for e in gazetteer.entries if e.origin == "registry"}
        self.introduced = {e.key: e for e in gazetteer.entries if e.origin != "registry"}
        self.facts: list[dict[str, Any]] = []
        self.used: dict[int, ExtractedEntity] = {}
        self.skipped: list[str] = []

    def key(self, entity: ExtractedEntity) -> str:
        if entity.key is None:
            raise ValueError(f"{entity.name!r} has no key: resolve the extraction first")
        self.used[id(entity)] = entity
        return entity.key

    def quote(self, start: int, end: int) -> dict[str, Any]:
        text = self.result.text[start:end]
        out: dict[str, Any] = {"quote": text}
        if self.result.text.count(text) > 1:
            out["start"] = start
        return out

    def add(self, body: dict[str, Any], relation: Relation | None, start: int, end: int,
            confidence: float, note: str | None = None) -> None:  # fmt: skip
        fact = {**body, **self.quote(start, end), "confidence": round(confidence, 2)}
        notes = [n for n in (note, f"rule: {relation.cue}" if relation else None) if n]
        if notes:
            fact["note"] = "; ".join(notes)
        self.facts.append(fact)

    def relation(self, rel: Relation) -> None:
        s, o, p = rel.subject, rel.object, rel.predicate
        ev = rel.evidence
        amount = f"{rel.amount} EUR" if rel.amount is not None else None
        if p in PARTICIPATION_ROLES and s.kind in AGENTS and o.kind in UNDERTAKINGS:
            role = rel.role or PARTICIPATION_ROLES[p]
            body = {"participation": {"agent": self.key(s), "in": self.key(o), "role": role}}
            self.add(body, rel, ev.start, ev.end, rel.confidence, amount and f"amount {amount}")
            if rel.amount is not None and p in {"leads", "partners_in", "funds"}:
                self.grant(rel)
            return
        if p == "funds" and o.kind in UNDERTAKINGS and s.kind == "fund":
            body = {"statement": {"subject": self.key(o), "property": "fundingSource",
                                  "object": self.key(s)}}  # fmt: skip
        elif p == "funds" and s.kind == "programme" and o.kind == "region":
            body = {"statement": {"subject": self.key(s), "property": "targetRegion",
                                  "object": self.key(o)}}  # fmt: skip
        elif p == "subcontractor_of" and s.kind in AGENTS and o.kind in AGENTS:
            body = {"statement": {"subject": self.key(s), "property": "subcontractorOf",
                                  "object": self.key(o)}}  # fmt: skip
        elif p == "member_of" and s.kind in AGENTS and o.kind == "organisation":
            body = {"membership": {"member": self.key(s), "organisation": self.key(o),
                                   "role": "member"}}  # fmt: skip
        elif p == "located_in" and o.kind == "region" and s.kind in {"organisation", *UNDERTAKINGS}:
            body = {"statement": {"subject": self.key(s), "property": "locatedIn",
                                  "object": self.key(o)}}  # fmt: skip
        elif p == "part_of" and s.kind in UNDERTAKINGS and o.kind in UNDERTAKINGS:
            body = {"statement": {"subject": self.key(s), "property": "partOf",
                                  "object": self.key(o)}}  # fmt: skip
        elif p == "part_of" and s.kind == "organisation" and o.kind == "organisation":
            body = {"statement": {"subject": self.key(s), "property": "subOrganisationOf",
                                  "object": self.key(o)}}  # fmt: skip
        else:
            amount_text = f" ({amount})" if amount else ""
            self.skipped.append(
                f"{s.name} --{p}--> {o.name}{amount_text}: {ev.text[:160]!r} @ {ev.start}"
            )
            return
        self.add(body, rel, ev.start, ev.end, rel.confidence, amount and f"amount {amount}")

    def grant(self, rel: Relation) -> None:
        """A grant for the undertaking: the amount, with recipient (lead/partner) or funder."""
        project = rel.object
        funders = [
            r.subject for r in self.result.relations
            if r.predicate == "funds" and r.object is project and r.subject.kind in AGENTS
        ]  # fmt: skip
        body: dict[str, Any] = {"for": self.key(project), "amount": str(rel.amount),
                                "currency": "EUR"}  # fmt: skip
        if rel.predicate == "funds":
            body["funder"] = [self.key(rel.subject)]
        else:
            body["recipient"] = [self.key(rel.subject)]
            if funders:
                body["funder"] = [self.key(f) for f in funders]
        self.add({"grant": body}, rel, rel.evidence.start, rel.evidence.end, rel.confidence)

    def posts(self) -> None:
        for person in self.result.of_kind("person"):
            if not person.post or not person.mentions:
                continue
            first = person.mentions[0]
            sentence = _sentence_around(self.result.text, first.start, first.end)
            body: dict[str, Any] = {"person": self.key(person), "title": person.post}
            if person.organisation is not None:
                body["organisation"] = self.key(person.organisation)
            self.add({"post": body}, None, sentence[0], sentence[1], person.confidence,
                     "rule: post next to the name")  # fmt: skip

    def deadlines(self) -> None:
        """A deadline is a property of a call (fg:deadline on fg:FundingCall)."""
        for fact in self.result.dates:
            if mint_kind(fact.subject) != "call" and not self._registry_call(fact.subject):
                continue
            statement = {
                "subject": self.key(fact.subject),
                "property": fact.property,
                "value": fact.value.iso,
                "datatype": fact.value.datatype,
            }
            ev = fact.evidence
            self.add({"statement": statement}, None, ev.start, ev.end, fact.confidence,
                     "rule: Frist / bis zum <Datum>")  # fmt: skip

    def _registry_call(self, entity: ExtractedEntity) -> bool:
        return entity.iri is not None and "/id/call/" in entity.iri

    def mentions(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for entity in self.result.entities:
            if entity.kind == "fund" and entity.key is None:
                continue
            forms = [self.result.text[m.start : m.end] for m in entity.mentions]
            forms = list(dict.fromkeys(f for f in forms if f.strip()))
            if forms:
                out[self.key(entity)] = forms
        return out

    def new_entities(self) -> dict[str, dict[str, Any]]:
        blocks: dict[str, dict[str, Any]] = defaultdict(dict)
        for entity in self.used.values():
            key = entity.key
            assert key is not None  # only keyed entities enter `used` (see `key()`)
            if key in self.registry_keys:
                continue
            forms = [self.result.text[m.start : m.end] for m in entity.mentions]
            item: dict[str, Any] = {"class": entity_class(entity), "label": entity.name}
            earlier = self.introduced.get(key)
            if earlier is not None:
                # the same key in another draft: same class and label, or the graph would
                # get two prefLabels for one IRI
                item = {"class": earlier.cls or item["class"], "label": earlier.label}
                forms = [*earlier.alts, *forms]
                item["note"] = (
                    f"also introduced by {earlier.origin}; move it to entities.yaml when this "
                    "draft is reviewed"
                )
            alts = [f for f in dict.fromkeys([*forms, *entity.aliases]) if f != item["label"]]
            if alts:
                item = {
                    "class": item["class"],
                    "label": item["label"],
                    "alt": alts,
                    **({"note": item["note"]} if "note" in item else {}),
                }
            blocks[mint_kind(entity)][key] = item
        return dict(blocks)


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line-bounded stretch around a mention, for a post fact's quote."""
    left = max(text.rfind("\n", 0, start) + 1, text.rfind(". ", 0, start) + 2)
    right_candidates = [i for i in (text.find("\n", end), text.find(". ", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return left, right


def build_draft(result: Extraction, gazetteer: Gazetteer) -> tuple[dict[str, Any], list[str]]:
    """The draft mapping for `result` and the relations it could not express as facts."""
    builder = DraftBuilder(result, gazetteer)
    for relation in result.relations:
        builder.relation(relation)
    builder.posts()
    builder.deadlines()
    mentions = builder.mentions()
    draft: dict[str, Any] = {"document": result.document, "status": "draft"}
    entities = builder.new_entities()
    if entities:
        draft["entities"] = entities
    draft["mentions"] = mentions
    draft["facts"] = builder.facts
    return draft, builder.skipped


def dump_draft(draft: dict[str, Any], skipped: list[str], header: str = "") -> str:
    """YAML text of a draft with a header comment for the reviewer."""
    lines = [
        "# Machine-extracted draft (foerdergraph ingest). Review every fact: fix or delete it,",
        "# then set `status: curated`. Confidence is the extractor's, 0..1.",
    ]
    if header:
        lines.append(f"# {header}")
    if skipped:
        lines.append("# Relations found but not expressible as facts yet (add them by hand):")
        lines.extend(f"#   - {line}".replace("\n", " ") for line in skipped)
    body = yaml.safe_dump(draft, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + body

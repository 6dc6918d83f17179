"""Relations from cue words and sentence structure, each with its evidence sentence.

The rules live in one module per kind of relation: `funding` (funds, approves, grants
received), `roles` (leads, partners_in, supports), `programmes` (issues_programme,
sponsors_project_admin, part_of) and `organisations` (subcontractor_of, member_of, part_of of
bodies, located_in, hosts); `context` holds what they share. Each rule reads one sentence.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from foerdergraph.extract.model import ExtractedEntity, Relation, Span
from foerdergraph.extract.relations.context import Context, Rule, Sentence
from foerdergraph.extract.relations.funding import (
    approves,
    approves_programme,
    funds_active,
    funds_from_source,
    funds_passive,
    notice_in_hand,
    paid_to,
    provided_for,
    receives,
    recipient_named,
)
from foerdergraph.extract.relations.organisations import located, organisation_links
from foerdergraph.extract.relations.programmes import (
    administers,
    issues,
    part_of,
    programme_strands,
)
from foerdergraph.extract.relations.roles import leads, partners, supports


def find_relations(
    text: str, sentences: list[Span], entities: list[ExtractedEntity]
) -> list[Relation]:
    """All relations of a document, deduplicated (same subject, predicate and object)."""
    mentions = sorted(((m, e) for e in entities for m in e.mentions), key=lambda t: t[0].start)
    starts = [m.start for m, _ in mentions]
    sents = []
    for index, span in enumerate(sentences):
        first, last = bisect_left(starts, span.start), bisect_right(starts, span.end)
        items = [(m, e) for m, e in mentions[first:last] if m.end <= span.end]
        sents.append(Sentence(index, span, items))
    ctx = Context(text, sents, entities)
    for sent in sents:
        for rule in RULES:
            rule(ctx, sent)
    programme_strands(ctx)
    return dedupe(ctx.relations)


def dedupe(relations: list[Relation]) -> list[Relation]:
    best: dict[tuple[int, str, int], Relation] = {}
    for rel in relations:
        key = (id(rel.subject), rel.predicate, id(rel.object))
        old = best.get(key)
        if old is None or rel.confidence > old.confidence:
            if old is not None and rel.amount is None:
                rel.amount = old.amount
            best[key] = rel
        elif old.amount is None and rel.amount is not None:
            old.amount = rel.amount
    return list(best.values())


RULES: tuple[Rule, ...] = (
    recipient_named,
    receives,
    approves,
    approves_programme,
    paid_to,
    notice_in_hand,
    funds_passive,
    funds_active,
    funds_from_source,
    provided_for,
    leads,
    partners,
    administers,
    supports,
    issues,
    part_of,
    organisation_links,
    located,
)
"""Rules in the order they run; `receives` first because it sets the grant recipient."""

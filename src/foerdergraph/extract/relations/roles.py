"""Roles in a project: who leads it, who partners in it, who supports it."""

from __future__ import annotations

import re

from foerdergraph.extract.model import ExtractedEntity, Span
from foerdergraph.extract.relations.context import (
    CARRIED_OUT,
    CARRIES_OUT,
    GENITIVE_GAP,
    GOVERNMENT_TYPES,
    PROJECT_OF,
    SUPPORTS_ACTIVE,
    TOGETHER,
    Context,
    Sentence,
    enumeration,
    project_reference,
    single,
)

BY_AGENT = re.compile(r"(?:\bvom|\bvon\s+der|\bvon\s+dem|\bdurch\s+(?:das|den|die))\s+$")
"""The agent of a passive: "… wird von der Hochschule koordiniert"."""
COMMISSIONER = re.compile(r"\b[Ii]m\s+Auftrag\s+(?:der|des)\s+$")
"""Before the body on whose behalf a project is carried out, which is not the one doing it."""


def leads(ctx: Context, sent: Sentence) -> None:
    """ "federführend" (lead partner) and "das Projekt „P“ der Hochschule …" (a project followed
    by its holder in the genitive); a list "Gefördert werden die Vorhaben …" without a holder is
    led by the recipient of the grant the text reports."""
    amounts = ctx.amounts(sent)
    for index, (span, project) in enumerate(sent.items):
        if project.kind != "project" or index + 1 >= len(sent.items):
            continue
        nxt_span, holder = sent.items[index + 1]
        if holder.kind == "organisation" and GENITIVE_GAP.match(
            ctx.text[span.end : nxt_span.start]
        ):
            ctx.add(holder, "leads", project, sent, "Projekt … der", 0.8, single(amounts), "lead")
    if sent.has("lead"):
        lead_orgs = [
            o
            for o in sent.of("organisation")
            if o.type not in GOVERNMENT_TYPES and o.type != "project_sponsor"
        ]
        projects = sent.of("project")
        confidence = 0.8
        if not projects and (focus := ctx.focus("project", sent.span.end)):
            projects, confidence = [focus], 0.6
        for project in projects[:1]:
            for org in lead_orgs[:1]:
                ctx.add(org, "leads", project, sent, "federführend", confidence, None, "lead")
    for span, holder in sent.items:
        if holder.kind == "organisation" and ctx.before(span, PROJECT_OF, 30):
            named = [e for s, e in sent.items if e.kind == "project" and s.end <= span.start]
            owned = named[-1] if named else ctx.focus("project", span.start)
            if owned is not None:
                ctx.add(holder, "leads", owned, sent, "Projekt(vorhaben) der", 0.6, None, "lead")
    passive = CARRIED_OUT.search(sent.span.text) if sent.has("passive") else None
    carried = passive or CARRIES_OUT.search(sent.span.text)
    named_projects = sent.of("project")
    target = named_projects[0] if named_projects else project_reference(ctx, sent)
    if carried and target is not None:
        active = carried.re is CARRIES_OUT
        target_at = next((sp.start for sp, e in sent.items if e is target), sent.span.end)
        orgs = [
            (sp, e)
            for sp, e in sent.items
            if e.kind == "organisation" and not ctx.before(sp, COMMISSIONER, 40)
        ]  # "im Auftrag des Ministeriums": the commissioner does not carry the project out
        led = False
        for index, (span, org) in enumerate(orgs):
            if active and (span.start > target_at or ctx.before(span, TOGETHER, 40)):
                continue
            if not active and not ctx.before(span, BY_AGENT, 20):
                continue
            led = True
            ctx.add(org, "leads", target, sent, "von der … umgesetzt", 0.7, None, "lead")
            for partner in _together_with(ctx, orgs[index + 1 :]):
                ctx.add(partner, "partners_in", target, sent, "gemeinsam mit", 0.7, None, "partner")
            break
        for partner in [] if led else _together_with(ctx, orgs):
            ctx.add(
                partner, "partners_in", target, sent, "in Zusammenarbeit mit", 0.6, None, "partner"
            )
    if sent.has("funded_list") and ctx.recipient is not None and not sent.of("organisation"):
        for project in sent.of("project"):
            ctx.add(
                ctx.recipient,
                "leads",
                project,
                sent,
                "gefördert werden die Vorhaben",
                0.6,
                None,
                "lead",
            )


def _together_with(ctx: Context, orgs: list[tuple[Span, ExtractedEntity]]) -> list[ExtractedEntity]:
    """The organisations listed after "gemeinsam / in Zusammenarbeit mit" among `orgs`."""
    first = next((i for i, (sp, _) in enumerate(orgs) if ctx.before(sp, TOGETHER, 40)), None)
    return enumeration(ctx.text, orgs[first:]) if first is not None else []


def partners(ctx: Context, sent: Sentence) -> None:
    """ "… beteiligen sich … die WiN GmbH und die IHK … als strategische Partner": every
    organisation of the sentence partners in the project named (else the one in focus)."""
    if not sent.has("partner") or sent.has("receive"):
        return
    strategic = bool(sent.has("strategic"))
    members = [o for o in sent.of("organisation") if o.type not in GOVERNMENT_TYPES]
    projects = sent.of("project")
    confidence = 0.8
    if not projects and (focus := ctx.focus("project", sent.span.start)):
        projects, confidence = [focus], 0.6
    for project in projects[:1]:
        for org in members:
            ctx.add(
                org,
                "partners_in",
                project,
                sent,
                "Partner",
                confidence,
                None,
                "strategic-partner" if strategic else "partner",
            )


def supports(ctx: Context, sent: Sentence) -> None:
    """ "Unterstützt wird das Projekt … von A und B" (A and B support the project); an
    information event or advice on a programme ("Informationen zum Förderprojekt … bot die
    Bezirksregierung …", "… beraten die Bezirksregierung und die Zukunftsagentur")."""
    if cue := sent.has("support_passive"):
        cue_at = sent.span.start + cue.start()
        projects = sent.of("project") or [p for p in [ctx.focus("project", sent.span.start)] if p]
        helpers = [e for s, e in sent.items if e.kind == "organisation" and s.start > cue_at]
        for project in projects[:1]:
            for helper in helpers:
                ctx.add(
                    helper, "supports", project, sent, "unterstützt von", 0.7, None, "supporter"
                )
    if verb := SUPPORTS_ACTIVE.search(sent.span.text):
        verb_at = sent.span.start + verb.start()
        helpers = [e for s, e in sent.items if e.kind == "organisation" and s.start < verb_at]
        targets = [
            e for s, e in sent.items if e.kind in {"project", "programme"} and s.start > verb_at
        ]
        targets = targets or [p for p in [project_reference(ctx, sent)] if p]
        for target in targets[:1]:
            for helper in helpers[-1:]:
                ctx.add(
                    helper, "supports", target, sent, "unterstützt (aktiv)", 0.6, None, "supporter"
                )
    if sent.has("support_info"):
        programmes = sent.of("programme")
        confidence = 0.7
        if not programmes and (focus := ctx.focus("programme", sent.span.start)):
            programmes, confidence = [focus], 0.5
        for programme in programmes[:1]:
            for org in sent.of("organisation"):
                ctx.add(
                    org,
                    "supports",
                    programme,
                    sent,
                    "Information/Beratung",
                    confidence,
                    None,
                    "supporter",
                )

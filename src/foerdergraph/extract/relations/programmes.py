"""Programmes: who issues and administers them, which projects and strands belong to them."""

from __future__ import annotations

import re

from foerdergraph.extract.model import ExtractedEntity
from foerdergraph.extract.relations.context import (
    BEFORE_SOURCE,
    GENITIVE_GAP,
    Context,
    Sentence,
    project_reference,
    pronoun_antecedent,
)

ISSUER_TYPES = frozenset({"state_government", "ministry", "eu_body", "bank"})


def administers(ctx: Context, sent: Sentence) -> None:
    """A named Projektträger, or "Abwicklung" / "administrative Abwicklung" of a programme:
    the organisation administers (sponsors_project_admin) the programme or project."""
    sponsors = sent.of("organisation", types=frozenset({"project_sponsor"}))
    targets = sent.of("project", "programme")
    confidence = 0.8
    if sponsors:
        if not targets:
            focus = ctx.focus("project", sent.span.start) or ctx.focus("programme", sent.span.start)
            targets, confidence = ([focus] if focus else []), 0.6
        for sponsor in sponsors:
            for target in targets[:1]:
                ctx.add(
                    sponsor,
                    "sponsors_project_admin",
                    target,
                    sent,
                    "Projektträger",
                    confidence,
                    None,
                    "project-sponsor",
                )
    if sent.has("admin") and targets:
        orgs = sent.of("organisation") or (
            antecedent.of("organisation")[:1]
            if (antecedent := pronoun_antecedent(ctx, sent)) is not None
            else []
        )
        for org in orgs[:1]:
            ctx.add(
                org,
                "sponsors_project_admin",
                targets[0],
                sent,
                "Abwicklung",
                confidence,
                None,
                "project-sponsor",
            )


def issues(ctx: Context, sent: Sentence) -> None:
    """ "das Förderprogramm „P“ des Bundesministeriums …" (a programme followed by a government
    body in the genitive) and "hat die Bundesregierung … beschlossen / veröffentlicht /
    gestartet / ins Leben gerufen" (a minister speaks for the ministry)."""
    for index, (span, programme) in enumerate(sent.items):
        if programme.kind != "programme" or index + 1 >= len(sent.items):
            continue
        nxt_span, owner = sent.items[index + 1]
        if (
            owner.kind == "organisation"
            and owner.type in ISSUER_TYPES
            and GENITIVE_GAP.match(ctx.text[span.end : nxt_span.start])
        ):
            ctx.add(
                owner, "issues_programme", programme, sent, "Programm des …", 0.8, None, "issuer"
            )
    if not sent.has("issue"):
        return
    issuers = sent.of("organisation", types=ISSUER_TYPES)
    if not issuers:
        issuers = [
            p.organisation
            for p in sent.of("person")
            if p.organisation is not None and p.organisation.type in ISSUER_TYPES
        ]
    for programme in sent.of("programme")[:1]:
        for issuer in issuers[:1]:
            ctx.add(
                issuer,
                "issues_programme",
                programme,
                sent,
                "aufgelegt/gestartet",
                0.7,
                None,
                "issuer",
            )


def part_of(ctx: Context, sent: Sentence) -> None:
    """Projects in a programme: a project and a programme in one sentence ("Projektskizze „P“
    am Aufruf „A“"), or "die Projekte" of the document with a programme ("Förderbescheide für
    drei Projekte aus dem Programm …", "Im Rahmen des Projektaufrufs …")."""
    programmes = [p for p in sent.of("programme") if p.subkind != "strand"]
    if not programmes:
        return
    programme = programmes[0]
    projects = sent.of("project")
    confidence = 0.7
    if not projects and (referred := project_reference(ctx, sent)):
        projects, confidence = [referred], 0.6
    if not projects and sent.has("plural_projects"):
        projects, confidence = ctx.projects(), 0.5
    if not projects and _money_from(ctx, sent, programme):
        focus = ctx.focus("project", sent.span.start)  # "Aus Mitteln der P wurden … bewilligt"
        projects, confidence = ([focus] if focus else []), 0.5
    for project in projects:
        ctx.add(project, "part_of", programme, sent, "Projekt im Programm", confidence, None)


def _money_from(ctx: Context, sent: Sentence, programme: ExtractedEntity) -> bool:
    """The sentence grants money out of `programme` ("aus Mitteln des Programms …")."""
    granted = sent.has("approval") or sent.has("funded")
    return bool(granted) and any(
        e is programme and ctx.before(s, BEFORE_SOURCE, 60) for s, e in sent.items
    )


def programme_strands(ctx: Context) -> None:
    """A programme named "<programme> – <strand>" is part of that programme."""
    programmes = [e for e in ctx.entities if e.kind == "programme"]
    for strand in programmes:
        for parent in programmes:
            if parent is strand or not strand.name.startswith(parent.name):
                continue
            rest = strand.name[len(parent.name) :]
            if re.match(r"\s*[-–:]\s*\w", rest):
                first = min(strand.mentions, key=lambda m: m.start)
                sent = next(
                    (s for s in ctx.sentences if s.span.start <= first.start < s.span.end), None
                )
                if sent is not None:
                    ctx.add(strand, "part_of", parent, sent, "<Programm> – <Säule>", 0.7, None)

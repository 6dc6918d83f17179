"""Money: who funds whom, who approves, who receives (Bescheid, erhält, gefördert von, Mittel aus,
bereitgestellt für).
"""

from __future__ import annotations

import re

from foerdergraph.extract.model import ExtractedEntity
from foerdergraph.extract.normalise import Amount
from foerdergraph.extract.relations.context import (
    BEFORE_DATIVE,
    BEFORE_FUNDER,
    BEFORE_RECIPIENT,
    BEFORE_SOURCE,
    FUNDER_TYPES,
    GOVERNMENT_TYPES,
    PAYEE_GAP,
    RECIPIENT_CUE,
    Context,
    Sentence,
    enumeration,
    project_reference,
    pronoun_antecedent,
    single,
)


def recipient_named(ctx: Context, sent: Sentence) -> None:
    """ "Zuwendungsempfänger ist die Stadt …": later sentences about the money mean it."""
    if RECIPIENT_CUE.search(sent.span.text):
        named = [e for e in sent.of("organisation") if e.type not in GOVERNMENT_TYPES]
        ctx.recipient = named[0] if named else ctx.recipient


def receives(ctx: Context, sent: Sentence) -> None:
    """ "X hat vom Ministerium … Förderbescheide in Höhe von … erhalten" (the body funds X);
    "X erhält aus dem Förderprogramm P …" (P funds X); "Für das Projekt P erhalten A … Euro und
    B … Euro" (A and B are partners of P with their amounts; a single recipient leads P)."""
    verb = sent.has("receive")
    if not verb:
        return
    amounts = ctx.amounts(sent)
    verb_at = sent.span.start + verb.start()
    funders = [
        (s, e)
        for s, e in sent.items
        if e.kind == "organisation" and ctx.before(s, BEFORE_FUNDER, 20)
    ]
    sources = [
        (s, e)
        for s, e in sent.items
        if e.kind in {"programme", "fund"} and ctx.before(s, BEFORE_SOURCE, 60)
    ]
    others = [
        (s, e)
        for s, e in sent.items
        if e.kind in {"organisation", "region", "project"}
        and all(e is not f for _, f in funders + sources)
    ]
    if funders and others:
        recipient = others[0][1]
        for _, funder in funders[:1]:
            ctx.add(
                funder, "funds", recipient, sent, "erhalten von", 0.8, single(amounts), "funder"
            )
        ctx.recipient = recipient
        return
    if sources:
        before_verb = [e for s, e in others if s.start < verb_at] or [e for _, e in others]
        for _, source in sources[:1]:
            for recipient in before_verb[:1]:
                ctx.add(
                    source, "funds", recipient, sent, "erhält aus", 0.8, single(amounts), "funder"
                )
                ctx.recipient = recipient
        return
    named_projects = sent.of("project")
    project = named_projects[0] if named_projects else None
    confidence = 0.8
    if project is None:
        project, confidence = ctx.focus("project", sent.span.start), 0.6
    paid: list[tuple[ExtractedEntity, Amount]] = []
    for span, entity in sent.items:
        if entity.kind != "organisation":
            continue
        amount = next(
            (
                a
                for a in amounts
                if 0 <= a.start - span.end <= 40
                and PAYEE_GAP.fullmatch(ctx.text[span.end : a.start])
            ),
            None,
        )
        if amount is not None:
            paid.append((entity, amount))
    if project is not None and not paid and confidence == 0.8:
        paid = _holder_for(ctx, sent, verb_at, project, amounts)
    if project is None or not paid:
        return
    leaders = {
        id(r.subject) for r in ctx.relations if r.predicate == "leads" and r.object is project
    }
    if len(paid) == 1:
        ctx.add(paid[0][0], "leads", project, sent, "erhält … Euro", 0.6, paid[0][1], "lead")
        return
    for org, amount in paid:
        predicate, role = (
            ("leads", "lead") if id(org) in leaders else ("partners_in", "funded-partner")
        )
        ctx.add(org, predicate, project, sent, "erhalten … Euro", confidence, amount, role)


FOR_PROJECT = re.compile(r"\b[Ff]ür\s+(?:das|die|den)\s+(?:[\wäöüÄÖÜß-]+\s+)?[„\"“]?$")
"""Before the project a payment is for: "für das Projekt „…", "für den Radweg …"."""


def _holder_for(
    ctx: Context,
    sent: Sentence,
    verb_at: int,
    project: ExtractedEntity,
    amounts: list[Amount],
) -> list[tuple[ExtractedEntity, Amount]]:
    """ "Der Kreis X erhält für das Projekt „P“ 500.000 Euro": the one body before the verb,
    paid for the project named after "für", with the sentence's one amount."""
    amount = single(amounts)
    before = [
        e
        for s, e in sent.items
        if e.kind == "organisation" and s.start < verb_at and e.type not in GOVERNMENT_TYPES
    ]
    named_for = any(
        e is project and s.start > verb_at and ctx.before(s, FOR_PROJECT, 40) for s, e in sent.items
    )
    return [(before[0], amount)] if amount and named_for and len(before) == 1 else []


def approves(ctx: Context, sent: Sentence) -> None:
    """A (Förder-/Zuwendungs-)Bescheid or Bewilligung by a Bezirksregierung: it approves the
    projects named (or "die Projekte" of the document), else the recipient organisation, else
    the programme; a Regierungspräsidentin acts for her Bezirksregierung; "Sie …" for the actor
    of the previous sentence."""
    if not sent.has("approval"):
        return
    carry = pronoun_antecedent(ctx, sent)
    authorities = sent.of("organisation", types=frozenset({"district_government"}))
    confidence = 0.8
    if not authorities:
        authorities = [
            p.organisation
            for p in sent.of("person")
            if p.organisation is not None and p.organisation.type == "district_government"
        ]
    if not authorities and carry is not None:
        authorities = carry.of("organisation", types=frozenset({"district_government"}))[:1]
        confidence = 0.6
    if not authorities:
        _ministry_hands_over(ctx, sent)
        return
    authority = authorities[0]
    objects = sent.of("project")
    if not objects and sent.has("plural_projects"):
        objects, confidence = ctx.projects(), 0.6
    if not objects:
        objects = [
            o
            for o in sent.of("organisation")
            if o.type not in GOVERNMENT_TYPES and o is not authority
        ]
    if not objects:
        objects = sent.of("programme") or (carry.of("programme") if carry else [])
    if not objects and ctx.recipient is not None:
        objects, confidence = [ctx.recipient], 0.6  # "Den Förderbescheid überreichte …"
    if not objects and (focus := ctx.focus("project", sent.span.start)):
        objects, confidence = [focus], 0.5
    amount = single(ctx.amounts(sent)) if len(objects) == 1 else None
    for obj in objects:
        ctx.add(
            authority,
            "approves",
            obj,
            sent,
            "Bescheid/Bewilligung",
            confidence,
            amount,
            "approving-authority",
        )


def _ministry_hands_over(ctx: Context, sent: Sentence) -> None:
    """A ministry (or its minister) hands a Bescheid / Förderzusage to an organisation: the
    ministry funds it (approval proper is the Bezirksregierung's)."""
    ministries = sent.of("organisation", types=frozenset({"ministry", "state_government"}))
    ministries = ministries or [
        p.organisation
        for p in sent.of("person")
        if p.organisation is not None and p.organisation.type in {"ministry", "state_government"}
    ]
    recipients = [o for o in sent.of("organisation") if o.type not in GOVERNMENT_TYPES]
    for ministry in ministries[:1]:
        for recipient in recipients[:1]:
            ctx.add(
                ministry,
                "funds",
                recipient,
                sent,
                "Bescheid des Ministeriums",
                0.6,
                single(ctx.amounts(sent)),
                "funder",
            )
            ctx.recipient = recipient


def funds_passive(ctx: Context, sent: Sentence) -> None:
    """ "… wird vom Land NRW gefördert / werden vom Land … übernommen / wird mit Mitteln der EU
    und des Landes gefördert": the bodies after "vom", "von der", "durch", "mit Mitteln der"
    (and those listed with them) fund the other organisation or project of the sentence, else
    the one in focus."""
    if not (sent.has("passive") and (sent.has("funded") or sent.has("with_money"))):
        return
    funders: list[ExtractedEntity] = []
    for index, (span, funder) in enumerate(sent.items):
        if funder.kind not in {"organisation", "programme", "fund"}:
            continue
        if ctx.before(span, BEFORE_FUNDER, 30):
            funders.extend(enumeration(ctx.text, sent.items[index:]))
    unique = {id(f): f for f in funders if f.kind in {"organisation", "programme", "fund"}}
    funders = list(unique.values())
    if not funders:
        return
    targets = [e for e in sent.of("project", "organisation") if id(e) not in unique]
    confidence = 0.8
    if not targets:
        focus = project_reference(ctx, sent) or ctx.focus("project", sent.span.start)
        targets, confidence = ([focus] if focus else []), 0.6
    amount = single(ctx.amounts(sent)) if len(funders) == 1 else None
    for funder in funders:
        for target in targets[:1]:
            ctx.add(funder, "funds", target, sent, "gefördert vom", confidence, amount, "funder")


def funds_active(ctx: Context, sent: Sentence) -> None:
    """ "Das Land fördert …", "Dass wir als Bezirksregierung … das Programm … fördern": a funding
    body before the verb funds the other entity named, else the project in focus."""
    verb = sent.has("active_fund")
    if not verb or (sent.has("passive") and sent.has("funded")):
        return
    verb_at = sent.span.start + verb.start()
    subjects = [
        (span, e)
        for span, e in sent.items
        if span.start < verb_at and e.kind == "organisation" and e.type in FUNDER_TYPES
    ]
    if not subjects:
        return
    funder = subjects[0][1]
    targets = [
        e
        for e in sent.of("project", "programme", "organisation")
        if e is not funder and not (e.kind == "organisation" and e.type in GOVERNMENT_TYPES)
    ]
    confidence = 0.7
    if not targets:
        focus = ctx.focus("project", sent.span.start)
        targets, confidence = ([focus] if focus else []), 0.6
    amount = single(ctx.amounts(sent))
    for target in targets[:1]:
        ctx.add(funder, "funds", target, sent, "fördert", confidence, amount, "funder")


def funds_from_source(ctx: Context, sent: Sentence) -> None:
    """ "… 50 Mio. Euro Fördermittel aus dem Europäischen Fonds …", "Das Geld stammt aus dem
    EFRE": the fund finances the programme of the sentence, else the recipient of the grant the
    text talks about, else the project in focus."""
    if sent.has("receive"):
        return
    dative = [
        e
        for s, e in sent.items
        if e.kind in {"organisation", "region"} and ctx.before(s, BEFORE_DATIVE, 8)
    ]
    for span, source in sent.items:
        public_funder = source.kind == "organisation" and source.type in FUNDER_TYPES
        money = source.kind in {"fund", "programme"} or public_funder
        if not money or not ctx.before(span, BEFORE_SOURCE, 60):
            continue
        kinds = ("project",) if source.kind == "programme" else ("programme", "project")
        targets = [e for e in sent.of(*kinds) if e is not source]
        confidence = 0.8
        if (referred := project_reference(ctx, sent)) and sent.has("funded"):
            targets, confidence = [referred], 0.7  # "Es wird … gefördert, davon … aus dem EFRE"
        if sent.has("provided") and dative:
            targets, confidence = dative, 0.7  # "Aus dem EFRE stehen dem Land … zur Verfügung"
        if not targets and source.kind == "programme" and not sent.has("approval"):
            continue  # a programme is a source of money only where money is granted from it
        if not targets:
            fallback = ctx.recipient or ctx.focus("project", sent.span.start)
            targets, confidence = ([fallback] if fallback else []), 0.6
        amount = next(
            (
                a
                for a in ctx.amounts(sent)
                if 0 <= span.start - a.end <= 40 and "aus" in ctx.text[a.end : span.start]
            ),
            None,
        )
        for target in targets[:1]:
            ctx.add(source, "funds", target, sent, "Mittel aus", confidence, amount, "funder")


def provided_for(ctx: Context, sent: Sentence) -> None:
    """ "Für das Rheinische Revier wurden hiermit Strukturhilfen von … Euro bereitgestellt": the
    programme of the sentence (or of the previous one, "hiermit") funds the region/organisation."""
    if not sent.has("provided"):
        return
    recipients = [
        e
        for s, e in sent.items
        if e.kind in {"region", "organisation"} and ctx.before(s, BEFORE_RECIPIENT, 15)
    ]
    if not recipients:
        return
    programmes = sent.of("programme")
    confidence = 0.8
    if not programmes and (prev := ctx.previous(sent)):
        programmes, confidence = prev.of("programme"), 0.6
    for programme in programmes[:1]:
        ctx.add(
            programme,
            "funds",
            recipients[0],
            sent,
            "bereitgestellt für",
            confidence,
            single(ctx.amounts(sent)),
            "funder",
        )


PAID_TO = re.compile(r"\s*an\s+(?:den|die|das|dem)\s+")
"""Between an amount and its recipient: "114.800 Euro an den Kreis …"."""


def paid_to(ctx: Context, sent: Sentence) -> None:
    """ "… übergab Bescheide für „P“: 114.800 Euro an den Kreis A, 56.000 Euro an die Stadt B":
    each organisation an amount goes to takes part in the project the money is for (several
    recipients are partners, a single one leads it)."""
    if not (sent.has("approval") or sent.has("money_word")):
        return
    amounts = ctx.amounts(sent)
    paid: list[tuple[ExtractedEntity, Amount]] = []
    for span, org in sent.items:
        if org.kind != "organisation" or org.type in GOVERNMENT_TYPES:
            continue
        amount = next(
            (
                a
                for a in amounts
                if 0 <= span.start - a.end <= 20 and PAID_TO.fullmatch(ctx.text[a.end : span.start])
            ),
            None,
        )
        if amount is not None and all(org is not p for p, _ in paid):
            paid.append((org, amount))
    named_projects = sent.of("project")
    project = named_projects[0] if named_projects else project_reference(ctx, sent)
    if project is None or not paid:
        return
    predicate, role = ("leads", "lead") if len(paid) == 1 else ("partners_in", "funded-partner")
    for org, amount in paid:
        ctx.add(org, predicate, project, sent, "… Euro an <Empfänger>", 0.7, amount, role)


def notice_in_hand(ctx: Context, sent: Sentence) -> None:
    """ "Bürgermeisterin X hat den Förderbescheid für das Projekt „P“ erhalten / in der Hand": the
    body the person speaks for (a town, a district, a company) carries out the project."""
    if not sent.has("approval"):
        return
    projects = sent.of("project")
    holders = [
        p.organisation
        for p in sent.of("person")
        if p.organisation is not None and p.organisation.type not in GOVERNMENT_TYPES
    ]
    if len({id(h) for h in holders}) != 1:
        return  # several people with several bodies: who received what is not said here
    for project in projects[:1]:
        ctx.add(holders[0], "leads", project, sent, "Bescheid in der Hand", 0.6, None, "lead")


def approves_programme(ctx: Context, sent: Sentence) -> None:
    """ "Mit dem A und dem B hat die EU-Kommission zwei Programme genehmigt": an authority other
    than a Bezirksregierung (the Commission, a ministry) approves the programmes named."""
    if not sent.has("granted"):
        return
    authorities = sent.of(
        "organisation", types=frozenset({"eu_body", "ministry", "state_government"})
    )
    for authority in authorities[:1]:
        for programme in sent.of("programme"):
            ctx.add(authority, "approves", programme, sent, "genehmigt", 0.7, None, "approver")

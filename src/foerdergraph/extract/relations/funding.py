"""Money: who funds whom, who approves, who receives (Bescheid, erhält, gefördert von, Mittel aus,
bereitgestellt für).
"""

from __future__ import annotations

from foerdergraph.extract.relations.context import (
    BEFORE_FUNDER,
    BEFORE_RECIPIENT,
    BEFORE_SOURCE,
    FUNDER_TYPES,
    GOVERNMENT_TYPES,
    PAYEE_GAP,
    RECIPIENT_CUE,
    Context,
    Sentence,
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
    if not sent.has("receive"):
        return
    amounts = ctx.amounts(sent)
    verb_at = sent.span.start + sent.has("receive").start()
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
    project = (sent.of("project") or [None])[0]
    confidence = 0.8
    if project is None:
        project, confidence = ctx.focus("project", sent.span.start), 0.6
    paid = []
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
    """ "… wird vom Land NRW gefördert / werden vom Land … übernommen": the body after "vom" /
    "von der" funds the other organisation or project of the sentence (else the one in focus)."""
    if not (sent.has("passive") and sent.has("funded")):
        return
    for span, funder in sent.items:
        if funder.kind not in {"organisation", "programme", "fund"}:
            continue
        if not ctx.before(span, BEFORE_FUNDER, 20):
            continue
        targets = [e for e in sent.of("project", "organisation") if e is not funder]
        confidence = 0.8
        if not targets:
            focus = ctx.focus("project", sent.span.start)
            targets, confidence = ([focus] if focus else []), 0.6
        for target in targets[:1]:
            ctx.add(
                funder,
                "funds",
                target,
                sent,
                "gefördert vom",
                confidence,
                single(ctx.amounts(sent)),
                "funder",
            )


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
    for span, source in sent.items:
        public_funder = source.kind == "organisation" and source.type in FUNDER_TYPES
        if not (source.kind == "fund" or public_funder) or not ctx.before(span, BEFORE_SOURCE, 60):
            continue
        targets = [e for e in sent.of("programme", "project") if e is not source]
        confidence = 0.8
        if (referred := project_reference(ctx, sent)) and sent.has("funded"):
            targets, confidence = [referred], 0.7  # "Es wird … gefördert, davon … aus dem EFRE"
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

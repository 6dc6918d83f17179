"""Links between organisations and places: subcontracting, membership, subsidiaries, seat, host."""

from __future__ import annotations

from foerdergraph.extract import patterns as P
from foerdergraph.extract.model import Span
from foerdergraph.extract.recognise import LISTED_MEMBERS
from foerdergraph.extract.relations.context import (
    DAUGHTER,
    HOST_VERB,
    HOSTED,
    LOCATED,
    MEMBER_OF,
    MEMBERS,
    SUBCONTRACT,
    Context,
    Sentence,
    enumeration,
    pronoun_antecedent,
)


def organisation_links(ctx: Context, sent: Sentence) -> None:
    """Links between organisations: "Unterauftragnehmerin der NRW.BANK" / "im Auftrag des …"
    (subcontractor_of), "eine Kooperation zwischen A, B und C" (member_of), "Tochter des …" /
    "Teil des …" (part_of), "Mitglied im …" (member_of)."""
    orgs = [(s, e) for s, e in sent.items if e.kind == "organisation"]
    carry = pronoun_antecedent(ctx, sent)
    for span, org in orgs:
        first = next((e for _, e in orgs if e is not org), None)
        if first is None and carry is not None:
            first = next(iter(carry.of("organisation")), None)
        if ctx.before(span, SUBCONTRACT, 40):
            ctx.add(
                first,
                "subcontractor_of",
                org,
                sent,
                "Unterauftragnehmer",
                0.8,
                None,
                "subcontractor",
            )
        elif ctx.before(span, DAUGHTER, 60):
            ctx.add(first, "part_of", org, sent, "Tochter des", 0.8, None)
        elif ctx.before(span, MEMBER_OF, 30):
            ctx.add(first, "member_of", org, sent, "Mitglied", 0.7, None, "member")
    if cue := MEMBERS.search(sent.span.text):
        cue_at = sent.span.start + cue.start()
        groups = [e for s, e in orgs if s.start < cue_at]
        after = [(s, e) for s, e in orgs if s.start > cue_at]
        for group in groups[-1:]:
            for member in enumeration(ctx.text, after):
                if member is not group:
                    ctx.add(
                        member,
                        "member_of",
                        group,
                        sent,
                        "Kooperation zwischen",
                        0.8,
                        None,
                        "member",
                    )
    for listed in LISTED_MEMBERS.finditer(sent.span.text):
        start, bracket = sent.span.start + listed.start(), sent.span.start + listed.start(1)
        end = sent.span.start + listed.end(1)
        groups = [e for s, e in orgs if start <= s.start < bracket]
        for group in groups[-1:]:
            for member in [e for s, e in orgs if bracket <= s.start < end]:
                ctx.add(
                    member,
                    "member_of",
                    group,
                    sent,
                    "Partnerorganisationen (…)",
                    0.7,
                    None,
                    "member",
                )


def located(ctx: Context, sent: Sentence) -> None:
    """ "Die Ruhr Tourismus GmbH (RTG) in Oberhausen" (located_in), "Ausgehend von der Stadt …
    soll … aufgebaut werden" (the project in focus is located there), "das bei der … beheimatete
    …" (hosts)."""
    for span, org in list(sent.items):
        if org.kind != "organisation":
            continue
        match = LOCATED.match(ctx.text, span.end)
        if not match:
            continue
        word = match.group(1)
        if word in P.STOP_CAP or word in P.IN_PHRASE_NOUNS or P.COMMON_NOUN_SUFFIX.search(word):
            continue
        at = Span(match.start(1), match.end(1), word)
        existing = next(
            (e for s, e in sent.items if s.start == at.start and e.kind == "region"), None
        )
        if existing is None and any(s.start <= at.start < s.end for s, _ in sent.items):
            continue
        place = existing or ctx.new_region(word, at)
        ctx.add(org, "located_in", place, sent, "… in <Ort>", 0.7, None)
    places = [e for s, e in sent.items if e.kind == "region" and e.type == "municipality"]
    focus = ctx.focus("project", sent.span.start)
    if places and focus and sent.has("place_verb") and not sent.of("project", "organisation"):
        ctx.add(focus, "located_in", places[0], sent, "ausgehend von der Stadt", 0.5, None)
    for span, host in sent.items:
        if (
            host.kind == "organisation"
            and ctx.before(span, HOSTED, 12)
            and HOST_VERB.match(ctx.text, span.end)
        ):
            for target in sent.of("project", "programme")[:1]:
                ctx.add(host, "hosts", target, sent, "bei der … angesiedelt", 0.6, None, "host")

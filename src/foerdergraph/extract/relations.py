"""Relations from cue words and sentence structure, each with its evidence sentence.

Every rule reads one sentence (a pronoun subject — "Sie befasst sich …" — borrows the previous
sentence's actors) and names the German cue it relies on, so a reviewer can see why a fact was
proposed. Where a sentence refers to "the project" without naming it, the project in focus (the
last one named before) is the object; such facts get a lower confidence. Confidence levels:
0.8 both ends named in the sentence with an explicit cue; 0.6 one end from focus or a pronoun;
0.5 document-level inference (a list of projects "aus dem Programm …").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from foerdergraph.extract import patterns as P
from foerdergraph.extract.model import Entity, Relation, Span
from foerdergraph.extract.normalise import Amount, find_amounts
from foerdergraph.extract.recognise import LISTED_MEMBERS

FUNDER_TYPES = frozenset({"state_government", "ministry", "district_government", "bank", "eu_body"})
"""Organisation types that fund in their own name."""
GOVERNMENT_TYPES = frozenset({"state_government", "ministry", "district_government", "eu_body"})

CUES = {
    "approval": re.compile(r"[Bb]escheid|[Bb]ewillig|Förderzusage"),
    "passive": re.compile(r"\b(?:wird|werden|wurde|wurden)\b"),
    "funded": re.compile(r"\b(?:gefördert|finanziert|übernommen|bezuschusst|kofinanziert)\b"),
    "active_fund": re.compile(
        r"\b(?:fördert|fördern|förderte|finanziert|finanzieren|übernimmt"
        r"|bezuschusst|unterstützt\s+\S+\s+mit|tragen\b.{0,40}\bKosten|trägt\b.{0,40}\bKosten)\b"
    ),
    "receive": re.compile(r"\b(?:erhält|erhalten|erhielt|erhielten|bekommt|bekommen|bekam)\b"),
    "provided": re.compile(r"bereitgestellt|zur Verfügung gestellt|stehen\b.*\bzur Verfügung"),
    "lead": re.compile(
        r"federführend|Federführung|Konsortialführ|Lead-?[Pp]artner|"
        r"Projektleitung|leitet das (?:Projekt|Vorhaben)|Koordination\s+(?:liegt|hat|übernimmt)"
    ),
    "partner": re.compile(
        r"(?:strategische[rn]?\s+)?(?:Projekt|Kooperations|Verbund)?[Pp]artner"
        r"(?:n|in|innen)?\b"
    ),
    "strategic": re.compile(r"strategische[rn]?\s+Partner"),
    "admin": re.compile(
        r"Abwicklung|Abwicklungspartner|abgewickelt|administriert|"
        r"administrativ|verwaltungsmäßig|Projektträgerschaft"
    ),
    "support_passive": re.compile(
        r"[Uu]nterstützt\s+(?:wird|werden)|unterstützt\s+von|"
        r"Unterstützung\s+(?:von|durch)|begleitet\s+von|[Bb]egleitet\s+(?:wird|werden)"
    ),
    "support_info": re.compile(
        r"\bInformation(?:en|sveranstaltung)?\b|\bberät\b|\bberaten\b|"
        r"\bBeratung\b"
    ),
    "issue": re.compile(
        r"beschlossen|veröffentlicht|gestartet|aufgelegt|ins Leben gerufen|"
        r"ausgeschrieben|ausgelobt|initiiert|\bstartet\b|\bstartete\b|lanciert|"
        r"\blegt\b.*\bauf\b"
    ),
    "place_verb": re.compile(
        r"aufgebaut|umgesetzt|realisiert|errichtet|entsteh|angesiedelt|"
        r"durchgeführt"
    ),
    "plural_projects": re.compile(
        r"\b(?:Projekte|Projekten|Vorhaben|Projektideen|Projektskizzen)\b"
    ),
    "funded_list": re.compile(r"gefördert\s+werden|werden\s+gefördert|Förderung\s+erhalten"),
    "pronoun": re.compile(r"^(?:Sie|Er|Es|Diese[rs]?|Dieses)\b"),
}

_BEFORE_FUNDER = re.compile(r"(?:\bvom|\bvon\s+der|\bvon\s+dem|\bdurch\s+(?:das|den|die))\s+$")
_BEFORE_SOURCE = re.compile(
    r"\baus\s+(?:dem|der|den)\s+(?:[\wäöüÄÖÜß-]+\s+)?[„\"“]?$|\bMitteln\s+(?:des|der)\s+$"
)
_BEFORE_RECIPIENT = re.compile(r"\b[Ff]ür\s+(?:das|die|den)\s+$")
_GENITIVE_GAP = re.compile(r"^[“”\"‘’]?\s+(?:der|des)\s+$")
_SUBCONTRACT = re.compile(
    r"Unterauftragnehmer(?:in)?\s+(?:der|des)\s+$|im\s+Auftrag\s+(?:der|des)\s+$"
)
_MEMBERS = re.compile(r"Kooperation\s+(?:zwischen|von|aus)|Zusammenschlus+\s+(?:von|aus)")
_LIST_GAP = re.compile(r"\s*(?:,|\s+und|\s+sowie|,\s+und)\s+(?:(?:der|dem|den|die|des)\s+)?")
_PROJECT_OF = re.compile(
    r"\b(?:Projekt|Projektvorhaben|Vorhaben|Förderprojekt|Kooperationsprojekt)\s+(?:der|des)\s+$"
)
_MEMBER_OF = re.compile(r"Mitglied(?:er)?\s+(?:im|des|der)\s+$")
_DAUGHTER = re.compile(
    r"Tochter(?:gesellschaft|unternehmen)?\s+(?:des|der)\s+$|\bTeil\s+(?:des|der)\s+$"
)
_LOCATED = re.compile(
    rf"(?:\s*\([^)]{{1,15}}\))?\s+(?:in|aus|mit\s+Sitz\s+in)\s+([{P.UP}][\wäöüß-]+)(?=[\s,.;:])"
)
_HOSTED = re.compile(r"bei\s+(?:der|dem)\s+$")
_HOST_VERB = re.compile(r"\s*(?:angesiedelt|beheimatet|verortet)")


@dataclass
class Sentence:
    """A sentence with the entity mentions inside it, in order."""

    index: int
    span: Span
    items: list[tuple[Span, Entity]]

    def of(self, *kinds: str, types: frozenset[str] | None = None) -> list[Entity]:
        seen: list[Entity] = []
        for _, entity in self.items:
            if (
                entity.kind in kinds
                and entity not in seen
                and (types is None or entity.type in types)
            ):
                seen.append(entity)
        return seen

    def has(self, cue: str) -> re.Match[str] | None:
        return CUES[cue].search(self.span.text)


@dataclass
class Context:
    """The document while relations are read: sentences, focus, and what was found."""

    text: str
    sentences: list[Sentence]
    entities: list[Entity]
    relations: list[Relation] = field(default_factory=list)
    recipient: Entity | None = None

    def add(
        self,
        subject: Entity | None,
        predicate: str,
        obj: Entity | None,
        sent: Sentence,
        cue: str,
        confidence: float = 0.8,
        amount: Amount | None = None,
        role: str | None = None,
    ) -> None:
        if subject is None or obj is None or subject is obj:
            return
        self.relations.append(
            Relation(
                subject,
                predicate,
                obj,
                sent.span,
                cue,
                confidence,
                amount.value if amount else None,
                role,
            )
        )

    def focus(self, kind: str, before: int) -> Entity | None:
        """The entity of `kind` named last before offset `before`."""
        best: tuple[int, Entity] | None = None
        for entity in self.entities:
            if entity.kind != kind:
                continue
            starts = [m.start for m in entity.mentions if m.start < before]
            if starts and (best is None or max(starts) > best[0]):
                best = (max(starts), entity)
        return best[1] if best else None

    def previous(self, sent: Sentence) -> Sentence | None:
        return self.sentences[sent.index - 1] if sent.index > 0 else None

    def amounts(self, sent: Sentence) -> list[Amount]:
        return [
            Amount(a.start + sent.span.start, a.end + sent.span.start, a.text, a.value)
            for a in find_amounts(sent.span.text)
        ]

    def before(self, span: Span, regex: re.Pattern[str], reach: int = 60) -> bool:
        return bool(regex.search(self.text[max(0, span.start - reach) : span.start]))

    def projects(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "project"]

    def new_region(self, name: str, span: Span) -> Entity:
        for entity in self.entities:
            if entity.kind == "region" and entity.name == name:
                entity.mentions.append(span)
                return entity
        entity = Entity("region", name, [span], type="municipality", subkind="place")
        self.entities.append(entity)
        return entity


Rule = Callable[[Context, Sentence], None]


def find_relations(text: str, sentences: list[Span], entities: list[Entity]) -> list[Relation]:
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


CUES = {
    name: regex if name == "pronoun" else re.compile(regex.pattern, re.IGNORECASE)
    for name, regex in CUES.items()
}
"""Cue words match at the start of a sentence too ("Federführend ist …", "Gefördert werden …")."""


_SUPPORTS_ACTIVE = re.compile(
    r"\b(?:unterstützt|unterstützen|begleitet|begleiten|berät)\b(?!\s+von)"
)
_PAYEE_GAP = re.compile(r"\s*(?:\([^)]{1,15}\)\s*)?(?:erhält|erhalten|bekommt|bekommen)?\s*")
"""Between a recipient and its amount: "die Alpha GmbH 12.000 Euro", "die Uni erhält 2 Mio. €"."""
_PROJECT_REFERENCE = re.compile(
    r"\b(?:das|dieses|dem|des)\s+(?:Projekt|Vorhaben|Förderprojekt|Verbundprojekt|"
    r"Kooperationsprojekt|Projektes|Projekts|Vorhabens)\b|^Es\s+(?:wird|werden|soll|erhält)\b",
    re.IGNORECASE,
)
_CARRIED_OUT = re.compile(
    r"\b(?:umgesetzt|durchgeführt|realisiert|koordiniert|geleitet|getragen|verantwortet)\b"
)
_CARRIES_OUT = re.compile(
    r"\b(?:umsetzt|umsetzen|durchführt|durchführen|realisiert|realisieren|leitet)\b"
)
"""Active voice: "die Stadt X, die das Projekt „P“ gemeinsam mit Y umsetzt"."""
_RECIPIENT_CUE = re.compile(r"\b(?:Zuwendungsempfänger(?:in)?|Fördermittelempfänger(?:in)?)\b")
_TOGETHER = re.compile(
    r"\b(?:gemeinsam|zusammen|in\s+Kooperation|in\s+Zusammenarbeit)\s+mit\s+(?:der|dem|den)?\s*$"
)


def project_reference(ctx: Context, sent: Sentence) -> Entity | None:
    """The project in focus when the sentence says "das Projekt" / "Es wird …" without a name."""
    if sent.of("project") or not _PROJECT_REFERENCE.search(sent.span.text):
        return None
    return ctx.focus("project", sent.span.start)


def _carry(ctx: Context, sent: Sentence) -> Sentence | None:
    """The previous sentence when this one starts with a pronoun subject ("Sie …")."""
    return ctx.previous(sent) if sent.has("pronoun") else None


def _single(amounts: list[Amount]) -> Amount | None:
    return amounts[0] if len(amounts) == 1 else None


# --- rules -------------------------------------------------------------------------------


def approves(ctx: Context, sent: Sentence) -> None:
    """A (Förder-/Zuwendungs-)Bescheid or Bewilligung by a Bezirksregierung: it approves the
    projects named (or "die Projekte" of the document), else the recipient organisation, else
    the programme; a Regierungspräsidentin acts for her Bezirksregierung; "Sie …" for the actor
    of the previous sentence."""
    if not sent.has("approval"):
        return
    carry = _carry(ctx, sent)
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
    amount = _single(ctx.amounts(sent)) if len(objects) == 1 else None
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
                _single(ctx.amounts(sent)),
                "funder",
            )
            ctx.recipient = recipient


def recipient_named(ctx: Context, sent: Sentence) -> None:
    """ "Zuwendungsempfänger ist die Stadt …": later sentences about the money mean it."""
    if _RECIPIENT_CUE.search(sent.span.text):
        named = [e for e in sent.of("organisation") if e.type not in GOVERNMENT_TYPES]
        ctx.recipient = named[0] if named else ctx.recipient


def funds_passive(ctx: Context, sent: Sentence) -> None:
    """ "… wird vom Land NRW gefördert / werden vom Land … übernommen": the body after "vom" /
    "von der" funds the other organisation or project of the sentence (else the one in focus)."""
    if not (sent.has("passive") and sent.has("funded")):
        return
    for span, funder in sent.items:
        if funder.kind not in {"organisation", "programme", "fund"}:
            continue
        if not ctx.before(span, _BEFORE_FUNDER, 20):
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
                _single(ctx.amounts(sent)),
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
    amount = _single(ctx.amounts(sent))
    for target in targets[:1]:
        ctx.add(funder, "funds", target, sent, "fördert", confidence, amount, "funder")


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
        if e.kind == "organisation" and ctx.before(s, _BEFORE_FUNDER, 20)
    ]
    sources = [
        (s, e)
        for s, e in sent.items
        if e.kind in {"programme", "fund"} and ctx.before(s, _BEFORE_SOURCE, 60)
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
                funder, "funds", recipient, sent, "erhalten von", 0.8, _single(amounts), "funder"
            )
        ctx.recipient = recipient
        return
    if sources:
        before_verb = [e for s, e in others if s.start < verb_at] or [e for _, e in others]
        for _, source in sources[:1]:
            for recipient in before_verb[:1]:
                ctx.add(
                    source, "funds", recipient, sent, "erhält aus", 0.8, _single(amounts), "funder"
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
                and _PAYEE_GAP.fullmatch(ctx.text[span.end : a.start])
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


def funds_from_source(ctx: Context, sent: Sentence) -> None:
    """ "… 50 Mio. Euro Fördermittel aus dem Europäischen Fonds …", "Das Geld stammt aus dem
    EFRE": the fund finances the programme of the sentence, else the recipient of the grant the
    text talks about, else the project in focus."""
    if sent.has("receive"):
        return
    for span, source in sent.items:
        public_funder = source.kind == "organisation" and source.type in FUNDER_TYPES
        if not (source.kind == "fund" or public_funder) or not ctx.before(span, _BEFORE_SOURCE, 60):
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
        if e.kind in {"region", "organisation"} and ctx.before(s, _BEFORE_RECIPIENT, 15)
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
            _single(ctx.amounts(sent)),
            "funder",
        )


def leads(ctx: Context, sent: Sentence) -> None:
    """ "federführend" (lead partner) and "das Projekt „P“ der Hochschule …" (a project followed
    by its holder in the genitive); a list "Gefördert werden die Vorhaben …" without a holder is
    led by the recipient of the grant the text reports."""
    amounts = ctx.amounts(sent)
    for index, (span, project) in enumerate(sent.items):
        if project.kind != "project" or index + 1 >= len(sent.items):
            continue
        nxt_span, holder = sent.items[index + 1]
        if holder.kind == "organisation" and _GENITIVE_GAP.match(
            ctx.text[span.end : nxt_span.start]
        ):
            ctx.add(holder, "leads", project, sent, "Projekt … der", 0.8, _single(amounts), "lead")
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
        if holder.kind == "organisation" and ctx.before(span, _PROJECT_OF, 30):
            named = [e for s, e in sent.items if e.kind == "project" and s.end <= span.start]
            project = named[-1] if named else ctx.focus("project", span.start)
            if project is not None:
                ctx.add(holder, "leads", project, sent, "Projekt(vorhaben) der", 0.6, None, "lead")
    carried = _CARRIED_OUT.search(sent.span.text) or _CARRIES_OUT.search(sent.span.text)
    target = (sent.of("project") or [project_reference(ctx, sent)])[0]
    if carried and target is not None:
        active = carried.re is _CARRIES_OUT
        target_at = next((sp.start for sp, e in sent.items if e is target), sent.span.end)
        orgs = [(sp, e) for sp, e in sent.items if e.kind == "organisation"]
        for index, (span, org) in enumerate(orgs):
            if active and (span.start > target_at or ctx.before(span, _TOGETHER, 40)):
                continue
            if not active and not ctx.before(span, _BEFORE_FUNDER, 20):
                continue
            ctx.add(org, "leads", target, sent, "von der … umgesetzt", 0.7, None, "lead")
            rest = orgs[index + 1 :]
            first = next(
                (i for i, (sp, _) in enumerate(rest) if ctx.before(sp, _TOGETHER, 40)), None
            )
            for partner in enumeration(ctx.text, rest[first:]) if first is not None else []:
                ctx.add(partner, "partners_in", target, sent, "gemeinsam mit", 0.7, None, "partner")
            break
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
            _carry(ctx, sent).of("organisation")[:1] if _carry(ctx, sent) else []
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


def supports(ctx: Context, sent: Sentence) -> None:
    """ "Unterstützt wird das Projekt … von A und B" (A and B support the project); an
    information event or advice on a programme ("Informationen zum Förderprojekt … bot die
    Bezirksregierung …", "… beraten die Bezirksregierung und die Zukunftsagentur")."""
    if sent.has("support_passive"):
        cue_at = sent.span.start + sent.has("support_passive").start()
        projects = sent.of("project") or [p for p in [ctx.focus("project", sent.span.start)] if p]
        helpers = [e for s, e in sent.items if e.kind == "organisation" and s.start > cue_at]
        for project in projects[:1]:
            for helper in helpers:
                ctx.add(
                    helper, "supports", project, sent, "unterstützt von", 0.7, None, "supporter"
                )
    if verb := _SUPPORTS_ACTIVE.search(sent.span.text):
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


_ISSUER_TYPES = frozenset({"state_government", "ministry", "eu_body", "bank"})


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
            and owner.type in _ISSUER_TYPES
            and _GENITIVE_GAP.match(ctx.text[span.end : nxt_span.start])
        ):
            ctx.add(
                owner, "issues_programme", programme, sent, "Programm des …", 0.8, None, "issuer"
            )
    if not sent.has("issue"):
        return
    issuers = sent.of("organisation", types=_ISSUER_TYPES)
    if not issuers:
        issuers = [
            p.organisation
            for p in sent.of("person")
            if p.organisation is not None and p.organisation.type in _ISSUER_TYPES
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
    if not projects and sent.has("plural_projects"):
        projects, confidence = ctx.projects(), 0.5
    if not projects and (referred := project_reference(ctx, sent)):
        projects, confidence = [referred], 0.6
    for project in projects:
        ctx.add(project, "part_of", programme, sent, "Projekt im Programm", confidence, None)


def organisation_links(ctx: Context, sent: Sentence) -> None:
    """Links between organisations: "Unterauftragnehmerin der NRW.BANK" / "im Auftrag des …"
    (subcontractor_of), "eine Kooperation zwischen A, B und C" (member_of), "Tochter des …" /
    "Teil des …" (part_of), "Mitglied im …" (member_of)."""
    orgs = [(s, e) for s, e in sent.items if e.kind == "organisation"]
    carry = _carry(ctx, sent)
    for span, org in orgs:
        first = next((e for _, e in orgs if e is not org), None)
        if first is None and carry is not None:
            first = next(iter(carry.of("organisation")), None)
        if ctx.before(span, _SUBCONTRACT, 40):
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
        elif ctx.before(span, _DAUGHTER, 60):
            ctx.add(first, "part_of", org, sent, "Tochter des", 0.8, None)
        elif ctx.before(span, _MEMBER_OF, 30):
            ctx.add(first, "member_of", org, sent, "Mitglied", 0.7, None, "member")
    if cue := _MEMBERS.search(sent.span.text):
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
        match = _LOCATED.match(ctx.text, span.end)
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
            and ctx.before(span, _HOSTED, 12)
            and _HOST_VERB.match(ctx.text, span.end)
        ):
            for target in sent.of("project", "programme")[:1]:
                ctx.add(host, "hosts", target, sent, "bei der … angesiedelt", 0.6, None, "host")


def enumeration(text: str, items: list[tuple[Span, Entity]]) -> list[Entity]:
    """The first item and those following it as a list ("A, B und C"): stops at the first gap
    that is not a comma, "und" or "sowie" (with an optional article)."""
    out: list[Entity] = []
    previous: Span | None = None
    for span, entity in items:
        if previous is not None and not _LIST_GAP.fullmatch(text[previous.end : span.start]):
            break
        if entity not in out:
            out.append(entity)
        previous = span
    return out


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


RULES: tuple[Rule, ...] = (
    recipient_named,
    receives,
    approves,
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

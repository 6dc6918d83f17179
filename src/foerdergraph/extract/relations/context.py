"""What every relation rule reads: the sentence with its mentions, the document context
(focus, recipient of the grant talked about), and the cue words.

Every rule reads one sentence (a pronoun subject — "Sie befasst sich …" — borrows the previous
sentence's actors) and names the German cue it relies on, so a reviewer can see why a fact was
proposed. Where a sentence refers to "the project" without naming it, the project in focus (the
last one named before) is the object; such facts get a lower confidence. Confidence levels:
0.8 both ends named in the sentence with an explicit cue; 0.6 one end from focus or a pronoun;
0.5 document-level inference (a list of projects "aus dem Programm …").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from foerdergraph.extract import patterns as P
from foerdergraph.extract.model import ExtractedEntity, Relation, Span
from foerdergraph.extract.normalise import Amount, find_amounts

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
    "money_word": re.compile(r"Förder(?:geld|mittel|summe)|Zuschu(?:ss|ß|sse)\b|Zuwendung"),
    "with_money": re.compile(r"\bmit\s+(?:Förder)?[Mm]itteln\b"),
    "granted": re.compile(r"\bgenehmigt|\bGenehmigung\b|\bbewilligt"),
    "receive": re.compile(r"\b(?:erhält|erhalten|erhielt|erhielten|bekommt|bekommen|bekam)\b"),
    "provided": re.compile(r"bereitgestellt|zur Verfügung gestellt|stehen\b.*\bzur Verfügung"),
    "lead": re.compile(
        r"federführend|Federführung|Konsortialführ|Lead-?[Pp]artner|"
        r"Projektleitung|leitet das (?:Projekt|Vorhaben)|Koordination\s+(?:liegt|hat|übernimmt)|"
        r"unter\s+(?:der\s+)?(?:Leitung|Koordination)|\bTräger(?:in)?\s+(?:des|der|ist|sind)\b|"
        r"in\s+(?:der\s+)?Trägerschaft"
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

BEFORE_FUNDER = re.compile(
    r"(?:\bvom|\bvon\s+der|\bvon\s+dem|\bdurch\s+(?:das|den|die)|"
    r"\b(?:mit\s+)?(?:Förder)?[Mm]itteln\s+(?:des|der))\s+$"
)
"""Before the funder of a passive "… wird vom Land / mit Mitteln der EU gefördert"."""
BEFORE_SOURCE = re.compile(
    r"\b[Aa]us\s+(?:dem|der|den)\s+(?:[\wäöüÄÖÜß-]+\s+)?[„\"“]?$|\bMitteln\s+(?:des|der)\s+(?:[\wäöüÄÖÜß-]+\s+)?[„\"“]?$"
)
BEFORE_DATIVE = re.compile(r"(?<!\baus\s)(?<!\bvon\s)(?<!\bmit\s)\b(?:dem|der)\s+$")
"""A recipient in the dative: "stehen dem Land … zur Verfügung"."""
BEFORE_RECIPIENT = re.compile(r"\b[Ff]ür\s+(?:das|die|den)\s+$")
GENITIVE_GAP = re.compile(r"^[“”\"‘’]?\s+(?:der|des)\s+$")
SUBCONTRACT = re.compile(
    r"Unterauftragnehmer(?:in)?\s+(?:der|des)\s+$|im\s+Auftrag\s+(?:der|des)\s+$"
)
MEMBERS = re.compile(r"Kooperation\s+(?:zwischen|von|aus)|Zusammenschlus+\s+(?:von|aus)")
LIST_GAP = re.compile(r"\s*(?:,|\s+und|\s+sowie|,\s+und)\s+(?:(?:der|dem|den|die|des)\s+)?")
PROJECT_OF = re.compile(
    r"\b(?:Projekt|Projektvorhaben|Vorhaben|Förderprojekt|Kooperationsprojekt)\s+(?:der|des)\s+$"
)
MEMBER_OF = re.compile(r"Mitglied(?:er)?\s+(?:im|des|der)\s+$")
DAUGHTER = re.compile(
    r"Tochter(?:gesellschaft|unternehmen)?\s+(?:des|der)\s+$|\bTeil\s+(?:des|der)\s+$"
)
LOCATED = re.compile(
    rf"(?:\s*\([^)]{{1,15}}\))?\s+(?:in|aus|mit\s+Sitz\s+in)\s+([{P.UP}][\wäöüß-]+)(?=[\s,.;:])"
)
HOSTED = re.compile(r"bei\s+(?:der|dem)\s+$")
HOST_VERB = re.compile(r"\s*(?:angesiedelt|beheimatet|verortet)")

CUES = {
    name: regex if name == "pronoun" else re.compile(regex.pattern, re.IGNORECASE)
    for name, regex in CUES.items()
}
"""Cue words match at the start of a sentence too ("Federführend ist …", "Gefördert werden …")."""


SUPPORTS_ACTIVE = re.compile(
    r"\b(?:unterstützt|unterstützen|begleitet|begleiten|berät)\b(?!\s+von)"
)
PAYEE_GAP = re.compile(r"\s*(?:\([^)]{1,15}\)\s*)?(?:erhält|erhalten|bekommt|bekommen)?\s*")
"""Between a recipient and its amount: "die Alpha GmbH 12.000 Euro", "die Uni erhält 2 Mio. €"."""
PROJECT_REFERENCE = re.compile(
    r"\b(?:das|dieses|dem|des)\s+(?:Projekt|Vorhaben|Förderprojekt|Verbundprojekt|"
    r"Kooperationsprojekt|Projektes|Projekts|Vorhabens)\b|^Es\s+(?:wird|werden|soll|erhält)\b",
    re.IGNORECASE,
)
CARRIED_OUT = re.compile(
    r"\b(?:umgesetzt|durchgeführt|realisiert|koordiniert|geleitet|getragen|verantwortet)\b",
    re.IGNORECASE,
)
CARRIES_OUT = re.compile(
    r"\b(?:umsetzt|umsetzen|durchführt|durchführen|realisiert|realisieren|leitet|koordiniert|"
    r"(?:setzt|setzen|führt|führen)\b[^.;:]{0,80}\b(?:um|durch))\b"
)
"""Active voice: "die Stadt X, die das Projekt „P“ gemeinsam mit Y umsetzt"."""
RECIPIENT_CUE = re.compile(r"\b(?:Zuwendungsempfänger(?:in)?|Fördermittelempfänger(?:in)?)\b")
TOGETHER = re.compile(
    r"\b(?:gemeinsam|zusammen|in\s+Kooperation|in\s+Zusammenarbeit)\s+mit\s+(?:der|dem|den)?\s*$"
)


@dataclass
class Sentence:
    """A sentence with the entity mentions inside it, in order."""

    index: int
    span: Span
    items: list[tuple[Span, ExtractedEntity]]

    def of(self, *kinds: str, types: frozenset[str] | None = None) -> list[ExtractedEntity]:
        seen: list[ExtractedEntity] = []
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
    entities: list[ExtractedEntity]
    relations: list[Relation] = field(default_factory=list)
    recipient: ExtractedEntity | None = None

    def add(
        self,
        subject: ExtractedEntity | None,
        predicate: str,
        obj: ExtractedEntity | None,
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

    def focus(self, kind: str, before: int) -> ExtractedEntity | None:
        """The entity of `kind` named last before offset `before`."""
        best: tuple[int, ExtractedEntity] | None = None
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

    def projects(self) -> list[ExtractedEntity]:
        return [e for e in self.entities if e.kind == "project"]

    def new_region(self, name: str, span: Span) -> ExtractedEntity:
        for entity in self.entities:
            if entity.kind == "region" and entity.name == name:
                entity.mentions.append(span)
                return entity
        entity = ExtractedEntity("region", name, [span], type="municipality", subkind="place")
        self.entities.append(entity)
        return entity


Rule = Callable[[Context, Sentence], None]


def project_reference(ctx: Context, sent: Sentence) -> ExtractedEntity | None:
    """The project in focus when the sentence says "das Projekt" / "Es wird …" without a name."""
    if sent.of("project") or not PROJECT_REFERENCE.search(sent.span.text):
        return None
    return ctx.focus("project", sent.span.start)


def pronoun_antecedent(ctx: Context, sent: Sentence) -> Sentence | None:
    """The previous sentence when this one starts with a pronoun subject ("Sie …")."""
    return ctx.previous(sent) if sent.has("pronoun") else None


def single(amounts: list[Amount]) -> Amount | None:
    return amounts[0] if len(amounts) == 1 else None


def enumeration(text: str, items: list[tuple[Span, ExtractedEntity]]) -> list[ExtractedEntity]:
    """The first item and those following it as a list ("A, B und C"): stops at the first gap
    that is not a comma, "und" or "sowie" (with an optional article)."""
    out: list[ExtractedEntity] = []
    previous: Span | None = None
    for span, entity in items:
        if previous is not None and not LIST_GAP.fullmatch(text[previous.end : span.start]):
            break
        if entity not in out:
            out.append(entity)
        previous = span
    return out

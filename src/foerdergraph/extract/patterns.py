"""The word lists and regular expressions German funding press texts are recognised with.

Kept in one place so a reviewer can read every rule the extractor applies. All patterns work on
the clutter-masked text, so their offsets are document offsets. Nothing here names a particular
document's actors: the lists are German grammar (articles, prepositions), German official
vocabulary (posts, organisation heads, cue nouns) and EU fund names.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A word list written as one string (easier to read and extend than a list literal)."""
    return frozenset(text.split())


UP = "A-ZÄÖÜ"
LOW = "a-zäöüß"
WORD = r"[\wÄÖÜäöüß]"
CAP = rf"[{UP}][\wÄÖÜäöüß]*(?:[-|][\wÄÖÜäöüß]+)*"
"""A capitalised token, hyphenated compounds ("Emscher-Lippe") and "In|Die" style names included."""

MONTH_NAMES = words(
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember "
)
WEEKDAYS = words("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag ")

FUNCTION_WORDS = words(
    "der die das dem den des ein eine einer eines einem einen und oder sowie mit von "
    "vom für bei beim zur zum zu an am auf aus in im als auch durch über unter um "
    "nach vor seit bis ist sind hat haben wird werden wurde wurden soll sollen kann "
    "können sich sie er es wir ihr ihre ihren ihrem ihres sein seine seinen seinem "
    "seiner dass damit so wie gegen ohne ab noch nur rund insgesamt je pro laut "
    "gemeinsam sogenannte sogenannter sogenannten diese dieser dieses diesem diesen "
    "jetzt heute "
)
"""Lower-case words that end a name when walking back from a legal form ("die IST … GmbH")."""

STOP_CAP = (
    frozenset(w.capitalize() for w in FUNCTION_WORDS)
    | MONTH_NAMES
    | WEEKDAYS
    | words(
        "Euro Mio Mrd Millionen Milliarden Prozent Die Der Das Neben Hier Dort Dabei "
        "Damit Dazu Zudem Konkret Ziel Rahmen Hintergrund Foto Quelle Projekt Projekte "
        "Programm Förderung Zusammenarbeit Abstimmung Unterstützung Jahr Jahre Jahren "
        "Ende Anfang Mitte "
    )
)
"""Capitalised words that never continue an organisation or place name."""

IN_PHRASE_NOUNS = words(
    "Höhe Kürze Zukunft Form Folge Verbindung Betrieb Planung Kraft Summe Teilen Bezug "
    "Anspruch Frage Richtung Gang Zeiten Zusammenarbeit Kooperation Abstimmung Absprache "
    "Vertretung Person Anwesenheit Gegenwart Begleitung Partnerschaft Trägerschaft Federführung "
    "Zahlen Worten Summe Millionenhöhe Bau Arbeit Vorbereitung Umsetzung Sachen Eigenregie"
)
"""Capitalised nouns after "in" that are idioms, not places ("in Kürze", "in Höhe von")."""

COMMON_NOUN_SUFFIX = re.compile(
    r"(?:ung|ungen|heit|keit|schaft|tion|tionen|ität|arbeit|ismus|nis|tum|ment|ik|enz|anz|"
    r"ierung|Euro|prozent)$",
    re.I,
)
"""Endings of abstract nouns and adjectives; a place name never ends like this."""

POST_STEMS = (
    r"präsident|minister|ministerpräsident|landrat|landrätin|geschäftsführer|bürgermeister|"
    r"oberbürgermeister|leiter|direktor|vorsitzende|vorstand|vorstandsvorsitzende|sprecher|"
    r"beigeordnete|dezernent|staatssekretär|rektor|kanzler|koordinator|manager|referent|"
    r"projektleiter|abteilungsleiter|amtsleiter|regierungspräsident|gründer|inhaber|chef"
)
POST = re.compile(
    rf"(?<![\wÄÖÜäöüß])(?:(?:[{UP}][\wÄÖÜäöüß]*-)?(?:[{UP}][{LOW}]*)?(?i:{POST_STEMS})"
    r"(?:in|innen|en|er|r|n)?|OB)(?![\wÄÖÜäöüß])"
)
"""A post: "Regierungspräsidentin", "HWK-Präsident", "Landrat", "Beigeordneten"."""

TITLE = r"(?:(?:Prof\.|Dr\.|Dipl\.-\w+\.?|Dr\.-Ing\.)\s+){0,3}"
NAME_TOKEN = rf"[{UP}][{LOW}]+(?:-[{UP}][{LOW}]+)?"
PERSON_NAME = rf"{TITLE}{NAME_TOKEN}\s+(?:[{UP}]\.\s+)?(?:(?:von|van|de|zu)\s+)?{NAME_TOKEN}"
"""A person's name: optional academic titles, a first name, an optional initial ("Erik O.
Schulz") and a surname (maybe "von …")."""

PROGRAMME_CUES = re.compile(
    r"(?:Förder|Landes|Bundes|Sonder|Investitions|Struktur)?[Pp]rogramm(?:s|es|e)?|"
    r"(?:Projekt|Förder|Ideen)?[Aa]ufruf(?:s|es|e)?|(?:Förder|Ideen|Projekt)?[Ww]ettbewerb(?:s|es|e)?|"
    r"Förderlinie|Themensäulen?|Säulen?|Förderschwerpunkt(?:s|es|e)?|Förderrichtlinie|"
    r"(?:Förder)?[Ii]nitiative|Förderaufruf(?:s|es)?|Wettbewerbsaufruf(?:s|es)?|Programmlinie|"
    r"[Ff]onds"
)
"""Nouns that introduce the name of a funding programme, call or initiative."""

CALL_CUES = re.compile(r"[Aa]ufruf|[Ww]ettbewerb")
INITIATIVE_CUES = re.compile(r"[Ii]nitiative")

PROJECT_CUES = re.compile(
    r"(?:Kooperations|Verbund|Förder|Modell|Pilot|Leuchtturm|Teil|Forschungs|Innovations)?"
    r"[Pp]rojekt(?:s|es|e|en)?|[Vv]orhaben(?:s)?|Projektskizze|Projektidee|Netzwerkprojekt|"
    r"Maßnahme(?![\wäöüß])"
)
"""Nouns that introduce the name of a project."""

NAME_BRIDGE = re.compile(
    r"(?:unter\s+dem\s+(?:Namen|Titel)|namens|mit\s+dem\s+(?:Namen|Titel)|"
    r"(?:trägt|tragen|trug|trugen)\s+den\s+(?:Namen|Titel)|heißt|heißen|hieß|lautet|Titel)\s*$"
)
"""Words between a cue noun and a quoted name ("Projektskizze namens „…“")."""

DOTTED_NAME = re.compile(rf"(?<![\w.])[{UP}][\wÄÖÜäöüß-]*(?:\.[{UP}][\wÄÖÜäöüß-]*)+(?![\w])")
"""Dotted names: NRW.BANK, EFRE.NRW, Regio.NRW, Rad.Revier.Ruhr (one token in German texts)."""

FUND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("EFRE", re.compile(r"Europäische[nmrs]?\s+Fonds?\s+für\s+[Rr]egionale\s+Entwicklung")),
    (
        "ESF",
        re.compile(r"Europäische[nmrs]?\s+Sozialfonds?|Europäische[nmrs]?\s+Sozialfonds? Plus"),
    ),
    (
        "ELER",
        re.compile(
            r"Europäische[nmrs]?\s+Landwirtschaftsfonds?\s+für\s+die\s+Entwicklung"
            r"\s+des\s+ländlichen\s+Raums?"
        ),
    ),
    ("JTF", re.compile(r"(?:Just Transition Fund|Fonds?\s+für\s+einen\s+gerechten\s+Übergang)")),
    ("EFRE", re.compile(r"(?<![\w.-])EFRE(?![\w-]|\.\w)")),
    ("ESF", re.compile(r"(?<![\w.-])ESF\+?(?![\w-]|\.\w)")),
    ("ELER", re.compile(r"(?<![\w.-])ELER(?![\w-]|\.\w)")),
    ("JTF", re.compile(r"(?<![\w.-])JTF(?![\w-]|\.\w)")),
)
"""EU structural funds, long and short names; the short name is the grouping key."""

LAW = re.compile(rf"(?<![\w-])[{UP}][{LOW}]*gesetz(?:es)?\s+{CAP}(?:\s+\(([{UP}][\w]+)\))?")
"""A funding law such as an "Investitionsgesetz …" (a law that provides structural aid)."""

REGION_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?<![\w-]){CAP}-Region(?![\w-])"),
    re.compile(rf"(?<![\w-])Region\s+(?!NRW\b){CAP}(?:\s+[–-]\s+Kreis\s+{CAP})?"),
    re.compile(rf"(?<![\w-])[{UP}][{LOW}]+isch(?:es|en|e)\s+Reviers?(?![\w-])"),
    re.compile(
        r"(?<![\w-])(?:Ruhrgebiet(?:s|es)?|Metropole Ruhr|Metropolregion Ruhr|Münsterland|"
        r"Sauerland|Siegerland|Ostwestfalen-Lippe|Niederrhein|Rheinland|Bergisches Land|"
        r"Bergischen Land|Bergisches Städtedreieck|Emscher-Lippe|Südwestfalen|Eifel)"
        r"(?![\w-])"
    ),
    re.compile(rf"(?<![\w-])Regierungsbezirk(?:es|s)?\s+{CAP}"),
)
"""Regions named by their form: "…-Region", "Region …", "Rheinisches Revier", landscapes."""

ABBREVIATION = re.compile(rf"\s*\(([{UP}][\wÄÖÜäöüß.&-]{{1,11}})\)")
"""An abbreviation in brackets right after a name: "Hochschule Ruhr West (HRW)"."""

LOCATIVE = re.compile(r"(?:\b(?:in|im|aus|von|nach|bei|ausgehend von)\s+(?:der\s+|dem\s+)?)$")
"""A preposition that makes the next "Stadt …" / "Kreis …" a place rather than an actor."""

GENITIVE_HEADS: dict[str, str] = {
    "ministeriums": "ministerium",
    "verbandes": "verband",
    "verbands": "verband",
    "kreises": "kreis",
    "landes": "land",
    "vereins": "verein",
    "instituts": "institut",
    "institutes": "institut",
    "zentrums": "zentrum",
    "managements": "management",
    "programms": "programm",
    "programmes": "programm",
    "projekts": "projekt",
    "projektes": "projekt",
    "rates": "rat",
    "amtes": "amt",
    "bezirkes": "bezirk",
    "bezirks": "bezirk",
    "reviers": "revier",
    "ruhrgebiets": "ruhrgebiet",
}
"""Genitive endings of head nouns and their nominative ("des Regionalverbandes Ruhr")."""


def deinflect(name: str) -> str:
    """Nominative of a name whose head word is in the genitive: 'Bundesministeriums für …' ->
    'Bundesministerium für …', 'Regionalverbandes Ruhr' -> 'Regionalverband Ruhr'."""
    words = name.split(" ")
    index = 1 if len(words) > 1 and re.search(r"(?:isch|lich)(?:e|en|er|es)$", words[0]) else 0
    if index == 1:
        words[0] = _nominative_adjective(words[0], words[1])
    word = words[index]
    lower = word.lower()
    for ending, base in GENITIVE_HEADS.items():
        if lower.endswith(ending):
            cut = len(word) - len(ending)
            words[index] = word[:cut] + _same_case(word[cut:], base)
            break
    return " ".join(words)


_MASCULINE_HEADS = re.compile(r"(?:kreis|kreises|verband|verbandes|verein|vereins)$", re.I)
_FEMININE_HEADS = re.compile(
    r"(?:hochschule|universität|stiftung|agentur|akademie|kammer|union|kommission|gesellschaft)$",
    re.I,
)


def _nominative_adjective(adjective: str, head: str) -> str:
    """ "Technischen Hochschule" -> "Technische Hochschule", "Evangelischen Kirchenkreises" ->
    "Evangelischer Kirchenkreis" (the adjective of a name after an article or in the genitive)."""
    if not adjective.endswith("en"):
        return adjective
    if _FEMININE_HEADS.search(head):
        return adjective[:-1]
    if _MASCULINE_HEADS.search(head):
        return adjective[:-2] + "er"
    return adjective


def _same_case(original: str, replacement: str) -> str:
    return replacement.capitalize() if original[:1].isupper() else replacement


ORG_HEADS = (
    r"Bezirksregierung|Handwerkskammer|Industrie-\s*und\s+Handelskammer|IHK|HWK|"
    rf"Fachhochschule|Hochschule|(?:[{UP}][\wÄÖÜäöüß]*-)*Universität|Zukunftsagentur|"
    r"Landesamt(?:es|s)?|Bundesamt(?:es|s)?|Landesbetrieb(?:es|s)?|Landesanstalt|"
    r"Wirtschaftsförderung(?:sgesellschaft)?|Regionalverband(?:es|s)?|Landschaftsverband(?:es|s)?|"
    r"Kirchenkreis(?:es)?|Regionalmanagement(?:s)?|Landeshauptstadt|Stadt|Kreis(?:es)?|"
    r"Gemeinde|Projektträger(?:s)?|Sparkasse|Forschungszentrum(?:s)?|RWTH|TU|FH|"
    r"Zweckverband(?:es|s)?|Verkehrsverbund(?:es|s)?|Kommunalverband(?:es|s)?|"
    r"Landesverband(?:es|s)?|Kreishandwerkerschaft|[A-ZÄÖÜ][a-zäöüß]+verband(?:es|s)?|"
    rf"(?:[{UP}][\wÄÖÜäöüß]*-)+Institut(?:s|es)?|Institut(?:s|es)?|Agentur|Stiftung|Regionalagentur"
)
ORG_HEAD = re.compile(
    rf"(?<![\w-])(?:(?P<adj>[{UP}][{LOW}]+(?:isch|lich)(?:e|er|en|es)?)\s+)?"
    rf"(?P<head>{ORG_HEADS})(?![\w-])"
)
"""Head words of organisation names ("Bezirksregierung", "Hochschule", "Kreis", …) with an
optional adjective before them ("Evangelischer Kirchenkreis", "Märkischer Kreis")."""

"""Recognising mentions: organisations, persons, programmes, projects, funds and regions.

Each recogniser proposes `Candidate`s with a priority; `select` keeps the best non-overlapping
ones (registry names first, then quoted names, official organisation names, funds, laws, dotted
names, regions, persons). Recognisers are rules over the clutter-masked text (see
patterns.py), so every offset is a document offset; the registry gazetteer uses spaCy's
PhraseMatcher (gazetteer.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from foerdergraph.extract import patterns as P
from foerdergraph.extract.coordination import coordinated_organisations
from foerdergraph.extract.funds_regions import funds, laws, regions
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.model import PRIORITY, Candidate, Span
from foerdergraph.extract.model import trimmed_span as _span
from foerdergraph.extract.normalise import clean_name
from foerdergraph.extract.orgtypes import org_type
from foerdergraph.extract.persons import persons, towns_of_mayors
from foerdergraph.extract.quotes import find_quoted, looks_like_name
from foerdergraph.extract.undertakings import headed_undertakings


def recognise(text: str, gazetteer: Gazetteer | None = None) -> list[Candidate]:
    """All candidates of `text` (already clutter-masked), overlaps resolved."""
    found: list[Candidate] = []
    if gazetteer is not None:
        found.extend(gazetteer.find(text, PRIORITY["registry"]))
    found.extend(quoted_names(text))
    found.extend(ministries(text))
    found.extend(funds(text))
    found.extend(headed_organisations(text))
    found.extend(legal_form_organisations(text))
    found.extend(listed_members(text))
    found.extend(coordinated_organisations(text))
    found.extend(governments(text))
    found.extend(towns_of_mayors(text))
    found.extend(laws(text))
    found.extend(dotted_names(text))
    found.extend(headed_undertakings(text))
    found.extend(regions(text))
    found.extend(persons(text))
    return select(found)


def select(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Greedy: highest priority first, then longest; drop anything overlapping a kept one."""
    kept: list[Candidate] = []
    ordered = sorted(
        candidates, key=lambda c: (-c.priority, -(c.span.end - c.span.start), c.span.start)
    )
    size = max((c.span.end for c in ordered), default=0)
    taken = bytearray(size)  # one flag per character: linear, not quadratic, in the candidates
    for cand in ordered:
        if 1 in taken[cand.span.start : cand.span.end]:
            _lend_post(cand, kept)
            continue
        kept.append(cand)
        taken[cand.span.start : cand.span.end] = b"\x01" * (cand.span.end - cand.span.start)
    return sorted(kept, key=lambda c: c.span.start)


def _lend_post(dropped: Candidate, kept: list[Candidate]) -> None:
    """A person found both in the registry and next to a post keeps the post."""
    if dropped.kind != "person" or not dropped.post:
        return
    for other in kept:
        if other.kind == "person" and other.span == dropped.span and not other.post:
            other.post, other.post_org = dropped.post, dropped.post_org


# --- quoted programme and project names --------------------------------------------------

_LIST_JOIN = re.compile(r"^\s*(?:,|und|sowie|oder|,\s*und)\s*$")
_GAP_WORD = re.compile(rf"(?:[{P.LOW}][\w-]*|\d+[\w.,]*|[„\"])$")


def quoted_names(text: str) -> list[Candidate]:
    """Quoted names classified by the cue noun before them (Programm, Projektaufruf, Projekt,
    Vorhaben, …); names in a list after one cue ("die Vorhaben "A", "B" und "C"") share it.
    Unclassified quoted names are kept as kind "quoted" and decided later by the document
    (same name classified elsewhere, or a sub-programme "Regio.NRW – Wirtschaftsflächen")."""
    out: list[Candidate] = []
    previous: tuple[int, str] | None = None
    for quote in find_quoted(text):
        lower_start = quote.text[:1].islower() and looks_like_name(quote.text.capitalize())
        if not looks_like_name(quote.text) and not lower_start:
            continue
        kind, subkind = _cue_kind(text, quote.open_at)
        if kind is None and (suffix := _CUE_SUFFIX.match(text, quote.close_at + 1)):
            kind = "programme" if P.PROGRAMME_CUES.fullmatch(suffix.group(1)) else "project"
        if kind is None and _FUNDED_FOR.search(text[max(0, quote.open_at - 120) : quote.open_at]):
            kind = "project"  # "Förderbescheide für die „…“": what money is granted for
        if lower_start and kind != "project":
            continue
        if kind is None and previous and _LIST_JOIN.match(text[previous[0] : quote.open_at]):
            kind, subkind = previous[1], None
        name = clean_name(quote.text)
        if not name:
            continue
        span = Span(quote.start, quote.end, quote.text)
        out.append(Candidate(kind or "quoted", name, span, PRIORITY["quoted"], subkind=subkind))
        previous = (quote.close_at + 1, kind) if kind else None
    return out


_CUE_SUFFIX = re.compile(
    r"-((?:Verbund|Modell|Förder|Kooperations)?[Pp]rojekts?|Vorhabens?|Programms?|Projektaufrufs?)\b"
)
"""A cue glued to a quoted name: "das „Denkfabrik“-Vorhaben", "das „Alpha“-Programm"."""
_FUNDED_FOR = re.compile(
    r"(?:Förder\w*|Zuwendung\w*|Zuschu\w*|Bescheid\w*|Fördergeld\w*|Mittel\w*)"
    r"(?:\s+(?:in\s+Höhe\s+)?(?:über|von)\s+[\d.,]+\s*(?:Mio\.|Millionen|Euro)?\s*Euro)?"
    r"\s+für\s+(?:die|das|den)\s*$"
)
"""Money granted for something named in quotes: "Fördergelder für die „…“"."""
_GAP_VERB = re.compile(
    r"^(?:ist|sind|war|waren|sei|seien|wird|werden|wurde|wurden|hat|haben|gehört|gehören|"
    r"trägt|tragen|bleibt|bleiben|gilt|gelten|zählt|zählen|steht|stehen|soll|sollen|kann|"
    r"können|muss|müssen)$"
)


def _cue_kind(text: str, quote_at: int) -> tuple[str | None, str | None]:
    """('programme'|'project'|None, 'call'|'initiative'|None) from the words before a quote."""
    window_start = max(0, quote_at - 120)
    window = text[window_start:quote_at]
    cut = max(window.rfind(ch) for ch in '.!?:;\n“"')
    if cut >= 0:
        window = window[cut + 1 :]
    best: tuple[int, str, str | None] | None = None
    for regex, kind in ((P.PROGRAMME_CUES, "programme"), (P.PROJECT_CUES, "project")):
        for match in regex.finditer(window):
            if best is None or match.end() > best[0]:
                sub = None
                if kind == "programme":
                    sub = "call" if P.CALL_CUES.search(match.group(0)) else None
                    sub = "initiative" if P.INITIATIVE_CUES.search(match.group(0)) else sub
                best = (match.end(), kind, sub)
    if best is None:
        return None, None
    gap = window[best[0] :].strip()
    if P.NAME_BRIDGE.search(gap):
        return best[1], best[2]
    words = gap.split()
    if any(_GAP_VERB.match(w) for w in words):
        return None, None  # "das Vorhaben gehört zu den „…“": a statement, not a naming
    if len(words) <= 4 and all(_GAP_WORD.match(w) for w in words):
        return best[1], best[2]
    return None, None


# --- organisations -----------------------------------------------------------------------

_MINISTRY_ITEM = (
    rf"[{P.UP}][\wÄÖÜäöüß]*(?:-[\wÄÖÜäöüß]+)*(?:-\s+und\s+[{P.UP}][\wÄÖÜäöüß]*|-(?=,))?"
)
"""One subject of an official name, "Natur- und Verbraucherschutz" and "Umwelt-," included."""
_MINISTRY_LIST = rf"{_MINISTRY_ITEM}(?:,\s+{_MINISTRY_ITEM})*(?:\s+und\s+{_MINISTRY_ITEM})?"
_OF_LAND = r"(?:\s+(?:des\s+Landes|NRW)(?:\s+(?:Nordrhein-Westfalen|NRW))?)?"
_MINISTRY_LONG = re.compile(
    rf"(?<![\w-])(?:Bundes|Landes)?[Mm]inisteri(?:um|ums)\s+für\s+{_MINISTRY_LIST}"
    rf"(?:\s+des\s+Landes\s+(?:Nordrhein-Westfalen|NRW))?"
)
_MINISTRY_COMPOUND = re.compile(
    rf"(?<![\w-])(?:[{P.UP}]+-)?[{P.UP}][{P.LOW}]*ministeri(?:um|ums)(?![\w-]){_OF_LAND}"
)
_MINISTRY_OF = re.compile(
    rf"(?<![\w-])(?:Bundes|Landes)?[Mm]inisteri(?:um|ums)\s+(?:des|der)\s+"
    rf"(?:Innern|Finanzen|Justiz|Verteidigung)(?:,\s+für\s+{_MINISTRY_LIST})?"
)
"""Ministries named with a genitive: "Bundesministerium des Innern, für Bau und Heimat"."""
_MINISTRY_BARE = re.compile(r"(?<=\b(?:das|dem|des|Das|Dem|Des|vom|Vom)\s)Ministeri(?:um|ums)\b")


def ministries(text: str) -> list[Candidate]:
    """Ministries: "Ministerium für Wirtschaft, Innovation, Digitalisierung und Energie",
    "Bundesministeriums für …" (genitive), "NRW-Wirtschaftsministerium", "Wirtschaftsministerium
    des Landes Nordrhein-Westfalen"; a bare "das Ministerium" refers back to one of them."""
    out = []
    for regex in (_MINISTRY_LONG, _MINISTRY_OF, _MINISTRY_COMPOUND):
        for match in regex.finditer(text):
            span = _span(text, match.start(), match.end())
            name = P.deinflect(clean_name(span.text))
            out.append(Candidate("organisation", name, span, PRIORITY["ministry"], "ministry"))
    for match in _MINISTRY_BARE.finditer(text):
        span = _span(text, match.start(), match.end())
        out.append(
            Candidate(
                "organisation",
                "Ministerium",
                span,
                PRIORITY["coref"],
                "ministry",
                alias_of="ministerium",
            )
        )
    return out


_HEAD = P.ORG_HEAD
_LINKERS = {
    "für": re.compile(rf"\s+für\s+{_MINISTRY_LIST}"),
    "zu": re.compile(rf"\s+zu\s+{P.CAP}"),
    "of": re.compile(rf"\s+(?:der|des)\s+(?:Landeshauptstadt|Stadt|Kreises|Gemeinde)\s+{P.CAP}"),
}
_LINKERS_OF_HEAD = {
    "hochschule": ("für",),
    "fachhochschule": ("für",),
    "universität": ("zu",),
    "landesamt": ("für",),
    "bundesamt": ("für",),
    "landesbetrieb": ("für",),
    "landesanstalt": ("für",),
    "institut": ("für",),
    "agentur": ("für",),
    "stiftung": ("für",),
    "forschungszentrum": ("für",),
    "ihk": ("zu",),
    "industrie- und handelskammer": ("zu",),
    "handwerkskammer": ("zu",),
    "wirtschaftsförderung": ("of",),
    "wirtschaftsförderungsgesellschaft": ("of",),
}
_ACRONYM_TAIL = re.compile(rf"\s+[{P.UP}]{{3,}}(?![\w-])")
_TAIL_TOKEN = re.compile(rf"\s+({P.CAP})")
_DASH_KREIS = re.compile(rf"\s+[–-]\s+Kreis\s+{P.CAP}")
_COREF_HEADS = P.words(
    "bezirksregierung handwerkskammer zukunftsagentur wirtschaftsförderung "
    "regionalmanagement regionalverband hochschule ihk hwk kirchenkreis projektträger "
)
_PLACE_HEADS = frozenset({"stadt", "landeshauptstadt", "kreis", "gemeinde"})
_PLACE_PREFIXES = P.words("Bad Sankt St Hansestadt Rheda Porta Mülheim Neukirchen")
_ADJ_HEADS = ("kirchenkreis", "hochschule", "universität", "kreis", "kreises")
_DEFINITE = re.compile(
    r"\b(?:der|die|das|dem|den|des|Der|Die|Das|Dem|Den|Des|vom|zum|zur|beim)\s+$"
)
_KREIS_COMPOUND = re.compile(
    rf"(?<![\w-])(?:(?:[{P.UP}][{P.LOW}]+-)+Kreis|[{P.UP}][{P.LOW}]{{3,}}[^\Wse]kreis)(?:es)?(?![\w-])"
)
"""A district named as one compound: "Rhein-Sieg-Kreis", "Hochsauerlandkreis" (not
"Arbeitskreis", "Teilnehmerkreis": a linking -s or -er/-en before "kreis" marks a common noun)."""
_NOT_DISTRICTS = P.words(
    "Landkreis Kirchenkreis Wahlkreis Stadtkreis Förderkreis Lesekreis Arbeitskreis Freundeskreis"
)


def headed_organisations(text: str) -> list[Candidate]:
    """Organisations named by a head word plus a name: "Bezirksregierung Münster", "der
    Handwerkskammer Münster" (inflected, article outside the name), "IHK zu Düsseldorf",
    "Hochschule Ruhr West", "Evangelische Kirchenkreis Recklinghausen", "Kreis Mettmann",
    "Regionalmanagement Düsseldorf – Kreis Mettmann". "Stadt …"/"Kreis …" after a locative
    preposition ("in der Stadt Recklinghausen") is a place, not an actor. A bare head after a
    definite article ("die Zukunftsagentur") is a coreference to be resolved in the document."""
    out: list[Candidate] = []
    for match in _HEAD.finditer(text):
        head = match["head"]
        head_key = (
            re.sub(r"(?:es|s)$", "", head.lower())
            if head.lower() not in {"ihk", "hwk"}
            else head.lower()
        )
        head_key = head_key if head_key in _COREF_HEADS | _PLACE_HEADS else head.lower()
        start = (
            match.start()
            if match["adj"] and head.lower().endswith(_ADJ_HEADS)
            else match.start("head")
        )
        end = match.end("head")
        if text[end : end + 1] == "-":
            continue  # "HWK-Präsident": part of a post, handled by persons()
        end = _tail(text, end, head.lower())
        span = _span(text, start, end)
        adjective_kreis = bool(match["adj"]) and head_key == "kreis"
        if end == match.end("head") and not adjective_kreis:  # "Märkischer Kreis" is a name
            if (
                head_key in _COREF_HEADS
                and _DEFINITE.search(text[max(0, start - 6) : start])
                and not text[end:].startswith("n ")
            ):
                out.append(
                    Candidate("organisation", head, span, PRIORITY["coref"], alias_of=head_key)
                )
            continue
        name = P.deinflect(clean_name(span.text))
        if head_key in _PLACE_HEADS and P.LOCATIVE.search(text[max(0, start - 30) : start]):
            out.append(Candidate("region", name, span, PRIORITY["region"], "municipality"))
            continue
        out.append(Candidate("organisation", name, span, PRIORITY["org"], org_type(name)))
    for match in _KREIS_COMPOUND.finditer(text):
        if re.sub(r"es$", "", match.group(0)) in _NOT_DISTRICTS or match.group(0).endswith(
            ("erkreis", "enkreis")
        ):
            continue
        span = _span(text, match.start(), match.end())
        name = P.deinflect(span.text)
        kind = (
            "region"
            if P.LOCATIVE.search(text[max(0, span.start - 30) : span.start])
            else "organisation"
        )
        out.append(Candidate(kind, name, span, PRIORITY["org"], "district"))
    return out


def _linker_key(head: str) -> str:
    """ "Fraunhofer-Institut" and "Instituts" take the linkers of "institut"."""
    head = re.sub(r"\s+", " ", head)
    head = re.sub(r"(institut|zentrum|amt|betrieb)e?s$", r"\1", head)
    if head.endswith("institut"):
        return "institut"
    return "universität" if head.endswith("universität") else head


def _tail(text: str, end: int, head: str) -> int:
    """End of the name after a head word: a linker phrase for some heads ("für …", "zu …",
    "der Landeshauptstadt …") and then up to three capitalised tokens that are not function
    words, months or abstract nouns."""
    head = _linker_key(head)
    for linker in _LINKERS_OF_HEAD.get(head, ()):
        if match := _LINKERS[linker].match(text, end):
            end = match.end()
            if acronym := _ACRONYM_TAIL.match(text, end):  # "… Energietechnik UMSICHT"
                end = acronym.end()
            return end
    taken = 0
    # a town or district is one word ("Stadt Stolberg Robert Muster": the rest is a person),
    # unless the first word is a prefix of place names ("Stadt Bad Honnef")
    limit = 1 if re.sub(r"(?:es|s)$", "", head) in _PLACE_HEADS else 3
    while taken < limit and (match := _TAIL_TOKEN.match(text, end)):
        token = match.group(1)
        if token in P.STOP_CAP or P.COMMON_NOUN_SUFFIX.search(token) or token.endswith("."):
            break
        if token in _PLACE_PREFIXES:
            limit += 1
        end = match.end()
        taken += 1
    if head.startswith("regionalmanagement") and (match := _DASH_KREIS.match(text, end)):
        end = match.end()
    if "zu" in _LINKERS_OF_HEAD.get(head, ()) and (match := _LINKERS["zu"].match(text, end)):
        end = match.end()  # "Industrie- und Handelskammer Ostwestfalen zu Bielefeld"
    return end


_LEGAL_FORM = re.compile(
    r"(?<![\w-])(?:gGmbH|GmbH(?:\s*&\s*Co\.\s*KG)?|mbH|AG|KGaA|KG|SE|UG|eG|e\.\s?V\.)(?![\w-])"
)


def legal_form_organisations(text: str) -> list[Candidate]:
    """Companies and associations named with a legal form: walk back from "GmbH"/"AG"/"e. V."
    over up to five tokens, stopping at an article, preposition or punctuation ("die IST planbar
    GmbH" -> "IST planbar GmbH"); one lower-case word is allowed inside a brand name."""
    out = []
    for match in _LEGAL_FORM.finditer(text):
        start = match.start()
        tokens = 0
        lower = 0
        pos = start
        while tokens < 5:
            prev = re.search(r"(\S+)\s+$", text[max(0, pos - 60) : pos])
            if not prev:
                break
            token = prev.group(1)
            token_start = pos - len(prev.group(0))
            if (
                token[-1] in ',.:;)("“”„'
                or token.isdigit()
                or (token.lower() in P.FUNCTION_WORDS and not token.isupper())
            ):
                break
            if not token[0].isupper():
                lower += 1
                if lower > 1:
                    break
            pos = token_start
            tokens += 1
        if tokens == 0 or not text[pos].isupper():
            continue
        span = _span(text, pos, match.end())
        name = clean_name(span.text)
        out.append(Candidate("organisation", name, span, PRIORITY["org"], org_type(name)))
    return out


LISTED_MEMBERS = re.compile(
    r"(?:Partner(?:organisationen|kommunen|städte|n)?|Mitglieder|Mitgliedskommunen|"
    r"Gesellschafter|Kooperationspartner)\s+(?:der|des)\s+[^()\n.;]{1,60}?\s*\(([^()\n]{3,200})\)"
)
"""Members listed in brackets: "den Partnerorganisationen der RegionRuhr (Bochum, Dortmund, …)"."""
_LISTED_GROUP = re.compile(rf"\b(?:der|des)\s+({P.CAP}(?:\s+{P.CAP}){{0,2}})\s*\($")
"""The cooperation whose members are listed: "Partnerorganisationen der RegionRuhr (…"."""
_ITEM_SPLIT = re.compile(r",\s*|\s+und\s+|\s+sowie\s+")
_ITEM = re.compile(rf"[{P.UP}][\wÄÖÜäöüß.-]*(?:\s+[{P.UP}][\wÄÖÜäöüß.-]*){{0,3}}")


def listed_members(text: str) -> list[Candidate]:
    """Each name in a bracketed member list is an organisation; a bare place name there is the
    municipality acting as a member ("Partnerorganisationen … (Bochum, Hagen, …-Kreis)")."""
    out = []
    for match in LISTED_MEMBERS.finditer(text):
        group = _LISTED_GROUP.search(text, match.start(), match.start(1))
        if group and group.group(1) not in P.STOP_CAP:
            kind = org_type(group.group(1))
            span = Span(group.start(1), group.end(1), group.group(1))
            out.append(Candidate("organisation", span.text, span, PRIORITY["org"] - 1,
                                 "region" if kind == "other" else kind))  # fmt: skip
        position = match.start(1)
        for item in _ITEM_SPLIT.split(match.group(1)):
            at = text.find(item, position)
            position = at + len(item)
            if not item or not _ITEM.fullmatch(item) or item in P.STOP_CAP:
                continue
            kind = org_type(item)
            kind = "municipality" if kind == "other" and " " not in item else kind
            span = Span(at, at + len(item), item)
            out.append(Candidate("organisation", item, span, PRIORITY["org"], kind))
    return out


_GOVERNMENT = re.compile(
    r"(?<![\w-])(?:(?:NRW|Landes|Bundes)-)?(?:Landesregierung|Bundesregierung|Staatskanzlei|"
    r"Europäische Kommission|EU-Kommission|Europäischen? Union|EU)(?![\w-])"
)
_LAND = re.compile(r"(?<![\w-])Land(?:es)?\s+(?:Nordrhein-Westfalen|NRW)(?![\w-])")
_BARE_LAND = re.compile(
    rf"(?<=\b(?:das|dem|des|vom|Das|Dem|Des|Vom)\s)Land(?:es)?(?![\w-])(?!\s+[{P.UP}])"
)
_NOT_THE_LAND = re.compile(r"(?:\bauf\s+dem|\bdas\s+ganze)\s+$")
""""auf dem Land" is the countryside, "das ganze Land" the country, neither an actor."""


def governments(text: str) -> list[Candidate]:
    """Governments and the Land as an actor: "Landesregierung", "Bundesregierung", "Land
    Nordrhein-Westfalen", "vom Land NRW"; a bare "das Land" refers back to a named Land."""
    out = []
    for match in _GOVERNMENT.finditer(text):
        span = _span(text, match.start(), match.end())
        name = re.sub(r"^NRW-", "", span.text)
        out.append(Candidate("organisation", name, span, PRIORITY["org"], org_type(name)))
    for match in _LAND.finditer(text):
        span = _span(text, match.start(), match.end())
        name = P.deinflect(span.text)
        out.append(Candidate("organisation", name, span, PRIORITY["org"], "state_government"))
    for match in _BARE_LAND.finditer(text):
        if _NOT_THE_LAND.search(text[max(0, match.start() - 20) : match.start()]):
            continue
        span = _span(text, match.start(), match.end())
        out.append(
            Candidate(
                "organisation", "Land", span, PRIORITY["coref"], "state_government", alias_of="land"
            )
        )
    return out


# --- dotted names ---------------------------------------------------------------------

_BANK = re.compile(r"\bBANK\b|[Bb]ank$")


def dotted_names(text: str) -> list[Candidate]:
    """Dotted names: a "…BANK" is a bank; after a cue noun they are programmes or projects;
    otherwise a name ending in ".NRW" is a state programme (Regio.NRW, EFRE.NRW)."""
    out = []
    for match in P.DOTTED_NAME.finditer(text):
        span = _span(text, match.start(), match.end())
        name = span.text
        if _BANK.search(name):
            out.append(Candidate("organisation", name, span, PRIORITY["dotted"] + 15, "bank"))
            continue
        kind, sub = _cue_kind(text, match.start())
        if kind is None and name.endswith(".NRW"):
            kind = "programme"
        if kind:
            out.append(Candidate(kind, name, span, PRIORITY["dotted"], subkind=sub))
    return out

"""Persons: names next to a post, in an apposition, as the speaker of a quotation.

German press texts name people with their post before or after the name ("Regierungspräsidentin
Anna Beispiel", "Max Muster, Geschäftsführer der …"), in brackets after their organisation or
with their organisation in brackets ("Jana Muster (IHK Beispielstadt)"), or with "von der …"
("Klaus Muster von der Wirtschaftsförderung"). Names alone are never enough: there must be a post,
an organisation or a quotation beside them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from foerdergraph.extract import patterns as P
from foerdergraph.extract.model import PRIORITY, Candidate
from foerdergraph.extract.model import trimmed_span as _span
from foerdergraph.extract.normalise import clean_name

_HEAD = P.ORG_HEAD

# --- persons -------------------------------------------------------------------------------

_NAME = re.compile(P.PERSON_NAME)
_SPEAKER = re.compile(
    rf"[“\"]\s*,?\s*(?:sagte|sagt|betonte|betont|erklärte|erklärt|ergänzte|so|freute\s+sich)\s+"
    rf"({P.PERSON_NAME})(?=\s*[.,;]|\s*$)"
)
"""The speaker right after a quotation: „…“, sagte Anna Beispiel."""
_BAD_NAME_WORD = re.compile(
    r"(?:ung|heit|keit|schaft|tion|ität|isch|ische|ischen|region|revier|werke|betriebe|gruppe|"
    r"verband|kammer|agentur|ministerium|amt|rat|bank|kasse|stadt|kreis|zentrum|netzwerk)$",
    re.I,
)


_POST_OF_BODY = re.compile(
    rf"\s+(?:der|des)\s+(?:Stadt|Gemeinde|Kreis(?:es)?|Landeshauptstadt)\s+{P.CAP}\s+"
    rf"({P.PERSON_NAME})(?![\wÄÖÜäöüß-])"
)


def persons(text: str) -> list[Candidate]:
    """Persons next to a post: "Regierungspräsidentin Dorothee Feller", "HWK-Präsident Hans
    Hund", "Thomas Westphal, Geschäftsführer der …", "dem Geschäftsführer der … (ZRR), Bodo
    Middeldorf". A post with a surname only ("Minister Duin") refers to a full name elsewhere."""
    out: list[Candidate] = []
    for match in P.POST.finditer(text):
        post = match.group(0)
        after = text[match.end() : match.end() + 60]
        name = _NAME.match(after, 1) if after.startswith(" ") else None
        if name and _good_name(name.group(0)):
            start = match.end() + name.start()
            out.append(_person(text, start, match.end() + name.end(), post, match.start()))
            continue
        if surname := re.match(rf" ([{P.UP}][{P.LOW}]+)(?=[\s,.:;])", after):
            word = surname.group(1)
            if word not in P.STOP_CAP and not _BAD_NAME_WORD.search(word):
                start = match.end() + 1
                cand = _person(text, start, start + len(word), post, match.start())
                cand.alias_of = "surname"
                cand.priority = PRIORITY["coref"]
                out.append(cand)
        # "der Erste Beigeordnete der Stadt Musterberg Max Muster" (no comma before the name)
        of_body = _POST_OF_BODY.match(text, match.end())
        if of_body and _good_name(of_body.group(1)):
            out.append(_person(text, of_body.start(1), of_body.end(1), post, match.start()))
            continue
        # "…, POST …, Vorname Name" (name after an apposition)
        clause = re.match(
            r"[^.;:!?\n„“\"]{0,110}?,\s+("
            + P.PERSON_NAME
            + r")(?=\s*[,.;:]|\s+(?:hat|ist|sagte|betont|erklärt))",
            text[match.end() : match.end() + 160],
        )
        if clause and _good_name(clause.group(1)):
            start = match.end() + clause.start(1)
            out.append(_person(text, start, match.end() + clause.end(1), post, match.start()))
    # „…“, sagte Vorname Name. — a quoted statement's speaker, without a post
    for match in _SPEAKER.finditer(text):
        if _good_name(match.group(1)):
            out.append(_person(text, match.start(1), match.end(1), None, None))
    # "Vorname Name, [Nordrhein-Westfalens |der |die ]POST"
    apposition = re.compile(
        rf"(?<![\w-])({P.PERSON_NAME}),\s+(?:(?:der|die|des|[{P.UP}][\w-]+s)\s+)?(?={P.POST.pattern})"
    )
    for match in apposition.finditer(text):
        if not _good_name(match.group(1)):
            continue
        post_match = P.POST.match(text, match.end())
        out.append(
            _person(
                text,
                match.start(1),
                match.end(1),
                post_match.group(0) if post_match else None,
                post_match.start() if post_match else None,
            )
        )
    out.extend(appositions(text))
    return out


_ORGANISATION_WORD = re.compile(
    rf"{P.ORG_HEAD.pattern}|(?<![\w-])(?:GmbH|AG|e\.\s?V\.|[{P.UP}]{{2,}}(?:\.[{P.UP}]+)?)(?![\w-])"
)
"""Words that make a bracket or a "von der …" phrase an organisation: a head word, a legal form
or an acronym ("IHK", "NRW.BANK")."""
_NAME_THEN_ORG = re.compile(rf"({P.PERSON_NAME})\s*\(([^()\n]{{2,80}})\)")
_ORG_THEN_NAME = re.compile(
    rf"(?<=[\wÄÖÜäöüß.)])\s*\((?:({P.POST.pattern})\s*:?\s+)?({P.PERSON_NAME})\)"
)
_NAME_FROM_ORG = re.compile(
    rf"({P.PERSON_NAME})\s+(?:von\s+der|von\s+den|von\s+dem|vom|aus\s+dem|aus\s+der)\s+"
)


def appositions(text: str) -> list[Candidate]:
    """Persons in an apposition with their organisation: "Jana Muster (IHK Beispielstadt)",
    "den Kreis Olpe (Landrat: Max Muster)" / "den Kreis Olpe (Max Muster)", "Klaus Muster von
    der Wirtschaftsförderung Beispielstadt"; the organisation is recorded with the person."""
    out = []
    for match in _NAME_THEN_ORG.finditer(text):
        if _good_name(match.group(1)) and _ORGANISATION_WORD.search(match.group(2)):
            out.append(_person(text, match.start(1), match.end(1), None, match.start(2)))
    for match in _ORG_THEN_NAME.finditer(text):
        if not _good_name(match.group(2)):
            continue
        cand = _person(text, match.start(2), match.end(2), match.group(1), None)
        before = text[: match.start()].rstrip()
        cand.post_org = f"before:{len(before)}"
        out.append(cand)
    for match in _NAME_FROM_ORG.finditer(text):
        if _good_name(match.group(1)) and _ORGANISATION_WORD.match(text, match.end()):
            out.append(_person(text, match.start(1), match.end(1), None, match.end()))
    return out


def _good_name(name: str) -> bool:
    words = [w for w in name.split() if not w.endswith(".")]
    return all(
        w not in P.STOP_CAP and not _BAD_NAME_WORD.search(w) and not P.POST.fullmatch(w)
        for w in words
    ) and not _is_org_word(name)


@lru_cache(maxsize=4096)
def _is_org_word(name: str) -> bool:
    return bool(_HEAD.search(name) or re.search(r"ministeri|GmbH|regierung", name))


def _person(text: str, start: int, end: int, post: str | None, post_at: int | None) -> Candidate:
    title = re.match(P.TITLE, text[start:end])
    span = _span(text, start + (title.end() if title else 0), end)
    cand = Candidate("person", clean_name(span.text), span, PRIORITY["person"], post=post)
    cand.post_org = str(post_at) if post_at is not None else None
    return cand


_TOWN_OF_MAYOR = re.compile(
    rf"(?<![\w-])([{P.UP}][{P.LOW}]{{2,}}?)(s|er)\s+(?=(?:Ober)?[Bb]ürgermeister(?:in)?\b|OB\b)"
)
_NOT_TOWNS = P.words(
    "Unser Ihr Euer Jed Neu Alt Früh Ehemalig Erst Zweit Amtierend Stellvertretend Designiert "
    "Langjährig Damalig Dies Jen Welch Letzt Hauptamtlich Ehrenamtlich Kommissarisch Das Des Der"
)


def towns_of_mayors(text: str) -> list[Candidate]:
    """A town named by its mayor: "Lüdenscheids Bürgermeister …", "der Hagener OB" — the town
    acts as an organisation (municipality) named without "Stadt"."""
    out = []
    for match in _TOWN_OF_MAYOR.finditer(text):
        stem = match.group(1)
        if match.group(2) == "er" and not re.search(rf"(?<![\w-]){stem}(?![\w-])", text):
            stem += "er"  # "Eschweiler Bürgermeister": Eschweiler, unless "Eschweil" is named
            if not re.search(rf"(?<![\w-]){stem}(?=\s*(?:[,.;]|und\b|sowie\b))", text):
                stem = stem[:-2]  # "Hagener OB": Hagen
        if (
            match.group(1) + match.group(2) in _NOT_TOWNS
            or stem in _NOT_TOWNS
            or stem in P.STOP_CAP
            or P.COMMON_NOUN_SUFFIX.search(stem)
        ):
            continue
        span = _span(text, match.start(), match.end(2))
        out.append(Candidate("organisation", stem, span, PRIORITY["org"], "municipality"))
    return out

"""Programmes and projects named without quotation marks, by the noun that heads them.

German funding news names a programme after its kind ("das Förderprogramm Unternehmen Revier",
"die Offensive Digitales Musterland", "die Zukunftsinitiative Handwerk", "im Rahmen der
Regionale 2013", "die Bund-Länder-Gemeinschaftsaufgabe zur Verbesserung der regionalen
Wirtschaftsstruktur") and a project after its cue noun ("das Verbundprojekt Smart Region").
The name is what follows the head: capitalised words, numbers and dotted names, up to four,
ending before a function word, a verb or punctuation. Quoted names are read in recognise.py;
where both apply the quoted reading wins (it has the higher priority).
"""

from __future__ import annotations

import re

from foerdergraph.extract import patterns as P
from foerdergraph.extract.model import PRIORITY, Candidate
from foerdergraph.extract.model import trimmed_span as _span

_PROGRAMME_HEAD = (
    r"(?:Förder|Landes|Bundes|Sonder|Investitions|Struktur|Modell)?[Pp]rogramm(?:s|es)?|"
    r"(?:Projekt|Förder|Ideen)?[Aa]ufruf(?:s|es)?|(?:Förder|Ideen|Projekt|Landes)?"
    r"[Ww]ettbewerb(?:s|es)?|(?:Landes|Zukunfts|Förder|Qualifizierungs)?[Ii]nitiative|"
    r"(?:Landes|Bundes|Qualifizierungs|Digital)?[Oo]ffensive|[A-ZÄÖÜ][a-zäöüß]*fonds"
)
_PROJECT_HEAD = (
    r"(?:Verbund|Modell|Förder|Kooperations|Leuchtturm|Pilot|Forschungs)?[Pp]rojekt(?:s|es)?|"
    r"(?:Modell|Forschungs|Pilot|Verbund)?[Vv]orhaben(?:s)?"
)
_TOKEN = rf"(?:\d+(?:\.\d+)?|[{P.UP}][\wÄÖÜäöüß]*(?:[-.][\wÄÖÜäöüß]+)*)"
_HEADED = re.compile(
    rf"(?<![\w-])(?P<head>{_PROGRAMME_HEAD}|{_PROJECT_HEAD})\s+(?P<name>{_TOKEN}(?:\s+{_TOKEN}){{0,3}})"
)
_REGIONALE = re.compile(r"(?<![\w-])(?:REGIONALE|Regionale)\s+(?:19|20)\d\d(?![\w-])")
"""The REGIONALE, NRW's structural programme for one region at a time, named with its year."""
_JOINT_TASK = re.compile(
    rf"(?<![\w-])(?:[{P.UP}][\wÄÖÜäöüß]*-)*Gemeinschafts-?\s?aufgabe"
    rf"(?:\s+(?:zur|zum|für|der|des)\s+(?:[{P.LOW}]+\s+){{0,2}}[{P.UP}][\wÄÖÜäöüß-]+"
    rf"(?:\s+(?:der|des)\s+(?:[{P.LOW}]+\s+){{0,2}}[{P.UP}][\wÄÖÜäöüß-]+)?)?"
)
"""A joint federal-state task, the legal form of the GRW and GAK funding programmes."""
_NOT_NAME = P.STOP_CAP | P.words(
    "Euro Mio Millionen Land Landes Bund Bundes EU NRW Stadt Kreis Region Projekt Programm "
    "Jahr Jahre Jahres Rahmen Zeitraum Mittel Fördermittel Gelder Kosten Gesamtkosten"
)
_VERB_FORM = re.compile(r"(?:iert|iere|ieren|te|ten)$")


_NAMED_PROGRAMME = re.compile(
    rf"(?<![\w-])(?:(?P<adj>[{P.UP}][{P.LOW}]{{3,}}(?:es|en|e|er))\s+)?"
    rf"(?P<word>(?:[\wÄÖÜäöüß]+-)*[\wÄÖÜäöüß]*[Pp]rogramm)(?P<gen>s|es)?(?![\w-])"
    rf"(?:\s+(?P<years>(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?))?"
)
"""A programme named by a compound of its own ("Ziel-2-Programm 2007-2013", "Regionales
Wirtschaftsförderungsprogramm"); the generic ones ("Förderprogramm") are no names."""
_GENERIC_PROGRAMMES = P.words(
    "programm förderprogramm landesprogramm bundesprogramm sonderprogramm investitionsprogramm "
    "strukturprogramm arbeitsprogramm rahmenprogramm aktionsprogramm eu-programm "
    "eu-förderprogramm modellprogramm pilotprogramm zukunftsprogramm"
)


def compound_programmes(text: str) -> list[Candidate]:
    """Programmes whose name is a compound ending in "-programm", with an adjective before and
    the funding period after it."""
    out = []
    for match in _NAMED_PROGRAMME.finditer(text):
        word = match["word"]
        if word.lower() in _GENERIC_PROGRAMMES or not word[:1].isupper():
            continue
        adj = match["adj"]
        start = match.start("word")
        parts = [word]
        if adj and adj not in P.STOP_CAP and adj.lower() not in P.FUNCTION_WORDS:
            start = match.start("adj")
            parts.insert(0, adj[:-2] + "es" if adj.endswith("en") else adj)  # neuter nominative
        if match["years"]:
            parts.append(match["years"])
        end = match.end("years") if match["years"] else match.end("word")
        span = _span(text, start, end)
        out.append(Candidate("programme", " ".join(parts), span, PRIORITY["headed"] + 2))
    return out


def headed_undertakings(text: str) -> list[Candidate]:
    """Programmes and projects named by a head noun, the REGIONALE and joint tasks."""
    out = compound_programmes(text)
    for match in _HEADED.finditer(text):
        tokens = _name_tokens(match["name"])
        if not tokens:
            continue
        kind = "project" if re.fullmatch(_PROJECT_HEAD, match["head"]) else "programme"
        name = " ".join(tokens)
        start = match.start("name")
        if match["head"].endswith("fonds"):  # "Zukunftsfonds Musterland" is one name
            name, start = f"{match['head']} {name}", match.start("head")
        span = _span(text, start, start + len(name))
        if span.text != name:  # the tokens were separated by more than one space
            continue
        sub = None
        if kind == "programme":
            sub = "call" if P.CALL_CUES.search(match["head"]) else None
            sub = "initiative" if P.INITIATIVE_CUES.search(match["head"]) else sub
        out.append(Candidate(kind, name, span, PRIORITY["headed"], subkind=sub))
    for regex in (_REGIONALE, _JOINT_TASK):
        for match in regex.finditer(text):
            span = _span(text, match.start(), match.end())
            out.append(Candidate("programme", span.text, span, PRIORITY["headed"] + 1))
    return out


def _name_tokens(name: str) -> list[str]:
    """The tokens of a name after a head noun, up to the first that cannot be part of one."""
    out: list[str] = []
    for token in name.split():
        bare = token.rstrip(".")
        if bare in _NOT_NAME or P.POST.fullmatch(bare) or P.ORG_HEAD.fullmatch(bare):
            break
        if not out and (bare.isdigit() or _VERB_FORM.search(bare)):
            break
        if bare in P.MONTH_NAMES:
            break
        out.append(bare if token.endswith(".") and not re.search(r"\.\w", token) else token)
        if token.endswith(".") and not re.search(r"\.\w+\.?$", token[:-1]):
            break
    # a single common noun after the head is a description, not a name ("Programm Förderung")
    if len(out) == 1 and P.COMMON_NOUN_SUFFIX.search(out[0]):
        return []
    return out

"""Funds, funding laws and regions: names recognised by their form.

EU structural funds by long or short name ("Europäischer Fonds für regionale Entwicklung",
"EFRE"), laws that provide structural aid ("Investitionsgesetz Kohleregionen (InvKG)"), and
regions ("Emscher-Lippe-Region", "Rheinisches Revier", "Münsterland").
"""

from __future__ import annotations

import re

from foerdergraph.extract import patterns as P
from foerdergraph.extract.model import PRIORITY, Candidate
from foerdergraph.extract.model import trimmed_span as _span


def funds(text: str) -> list[Candidate]:
    """EU funds by long or short name; the short name groups them ("EFRE")."""
    out = []
    for short, regex in P.FUND_PATTERNS:
        for match in regex.finditer(text):
            span = _span(text, match.start(), match.end())
            out.append(Candidate("fund", span.text, span, PRIORITY["fund"], subkind=short))
    return out


def laws(text: str) -> list[Candidate]:
    """Funding laws as programmes ("Investitionsgesetz Kohleregionen (InvKG)")."""
    out = []
    for match in P.LAW.finditer(text):
        end = match.end(1) + 1 if match.group(1) else match.end()
        name_end = match.start(1) - 2 if match.group(1) else match.end()
        span = _span(text, match.start(), name_end)
        out.append(
            Candidate("programme", P.deinflect(span.text), span, PRIORITY["law"], subkind="law")
        )
        del end
    return out


def regions(text: str) -> list[Candidate]:
    """Regions by form ("Emscher-Lippe-Region", "Rheinisches Revier", "Ruhrgebiet")."""
    out = []
    for regex in P.REGION_PATTERNS:
        for match in regex.finditer(text):
            span = _span(text, match.start(), match.end())
            out.append(
                Candidate("region", region_name(span.text), span, PRIORITY["region"], "region")
            )
    return out


def region_name(surface: str) -> str:
    """Nominative of a region name: "im Rheinischen Revier" -> "Rheinisches Revier"."""
    name = re.sub(r"(\w+isch)(?:es|en|e)\s+Reviers?\b", r"\1es Revier", surface)
    return P.deinflect(name)

"""Organisations named by one plural head and a list of names.

German funding news names several bodies of one kind at once: "die Hochschulen Aachen und Bonn",
"den Städten Eschweiler und Stolberg", "die Kreise Olpe, Soest und Unna", "die Handwerkskammern
Münster und Dortmund". Each name becomes an organisation of its own under the singular head
("Hochschule Aachen"; a town keeps its own name, "Eschweiler"), mentioned where the text names
it (the bare "Aachen"), so the relation rules and the registry see it as if it were written in
full. A locative before the head ("in den
Städten …") makes the names of towns and Kreise places, as for a single "in der Stadt …".
"""

from __future__ import annotations

import re

from foerdergraph.extract import patterns as P
from foerdergraph.extract.model import PRIORITY, Candidate, Span
from foerdergraph.extract.orgtypes import org_type

SINGULAR = {
    "Hochschulen": "Hochschule",
    "Fachhochschulen": "Fachhochschule",
    "Universitäten": "Universität",
    "Städte": "Stadt",
    "Städten": "Stadt",
    "Kreise": "Kreis",
    "Kreisen": "Kreis",
    "Gemeinden": "Gemeinde",
    "Handwerkskammern": "Handwerkskammer",
    "Industrie- und Handelskammern": "Industrie- und Handelskammer",
    "IHKs": "IHK",
    "IHKn": "IHK",
    "Bezirksregierungen": "Bezirksregierung",
    "Landschaftsverbände": "Landschaftsverband",
    "Landschaftsverbänden": "Landschaftsverband",
}
"""Plural head -> the singular that heads each name."""
PLACES = frozenset({"Stadt", "Kreis", "Gemeinde"})
TOWNS = frozenset({"Stadt", "Gemeinde"})

_NAME = rf"{P.CAP}(?:\s+(?:an\s+der|am|im)\s+{P.CAP})?"
_HEADS = "|".join(sorted((re.escape(h) for h in SINGULAR), key=len, reverse=True))
COORDINATED = re.compile(
    rf"(?<![\w-])(?P<head>{_HEADS})\s+"
    rf"(?P<names>{_NAME}(?:\s*,\s*{_NAME})*\s+(?:und|sowie)\s+{_NAME})(?![\w-])"
)
_ONE_NAME = re.compile(_NAME)
_PLURAL_LOCATIVE = re.compile(r"\b(?:in|aus|nach|bei)\s+(?:den\s+)?$", re.IGNORECASE)


def coordinated_organisations(text: str) -> list[Candidate]:
    """One candidate per name of every plural head with a list of two or more names."""
    out: list[Candidate] = []
    for match in COORDINATED.finditer(text):
        singular = SINGULAR[match["head"]]
        names = list(_ONE_NAME.finditer(text, match.start("names"), match.end("names")))
        if any(n.group(0).split()[0] in P.STOP_CAP for n in names):
            continue  # "die Städte Mai und Juni", "die Kreise Die …": not a list of names
        before = text[max(0, match.start() - 12) : match.start()]
        place = singular in PLACES and bool(_PLURAL_LOCATIVE.search(before))
        for name in names:
            # a town goes by its own name ("Eschweiler", as its mayor's town is named); other
            # bodies by head and name ("Hochschule Aachen" is not the city of Aachen)
            full = name.group(0) if singular in TOWNS else f"{singular} {name.group(0)}"
            span = Span(name.start(), name.end(), name.group(0))
            if place:
                out.append(Candidate("region", full, span, PRIORITY["region"], "municipality"))
            else:
                kind = "municipality" if singular in TOWNS else org_type(full)
                out.append(Candidate("organisation", full, span, PRIORITY["org"], kind))
    return out

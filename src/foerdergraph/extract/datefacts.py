"""Dates the text ties to a call: submission deadlines ("Projektideen … können bis zum
28. September 2018 eingereicht werden", "Bis zum 17. Februar 2017 können sich … beteiligen").

A deadline needs a full date (day, month, year) after "bis (zum|spätestens)", "Frist",
"Einsendeschluss" or "Stichtag", and a programme or call named in the sentence or in focus.
Vague dates ("Ende März") are never turned into a deadline.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from foerdergraph.extract.model import ExtractedEntity, Span
from foerdergraph.extract.normalise import DateValue, find_dates

_DEADLINE_CUE = re.compile(
    r"\b(?:[Bb]is\s+(?:zum|spätestens|einschließlich)?|spätestens\s+(?:am|bis)|Frist|"
    r"Einsendeschluss|Bewerbungsschluss|Einreichungsfrist|Stichtag|Antragsfrist)\s*(?:ist\s+|:\s*)?$"
)
_SUBMIT = re.compile(
    r"eingereicht|einreichen|bewerben|beteiligen|Antr(?:ag|äge)|Bewerbung|Projektideen|Skizzen"
)


@dataclass
class DateFact:
    """`subject` has `property` (an fg: property: deadline) = `value`, stated by `evidence`."""

    subject: ExtractedEntity
    property: str
    value: DateValue
    evidence: Span
    confidence: float = 0.7


def find_date_facts(
    text: str, sentences: list[Span], entities: list[ExtractedEntity]
) -> list[DateFact]:
    """Deadlines of the programmes and calls of a document."""
    programmes = sorted(
        ((m.start, e) for e in entities if e.kind == "programme" for m in e.mentions),
        key=lambda t: t[0],
    )
    starts = [s for s, _ in programmes]
    out: list[DateFact] = []
    for sent in sentences:
        if not _SUBMIT.search(sent.text):
            continue
        for start, _end, value in find_dates(sent.text):
            if value.day is None or not _DEADLINE_CUE.search(sent.text[max(0, start - 30) : start]):
                continue
            inside: list[ExtractedEntity] = []
            for s, e in programmes:
                if sent.start <= s < sent.end and all(e is not x for x in inside):
                    inside.append(e)
            before = bisect_left(starts, sent.start)
            subjects = inside or ([programmes[before - 1][1]] if before else [])
            for subject in subjects:
                if not any(f.subject is subject for f in out):
                    out.append(DateFact(subject, "deadline", value, sent, 0.7 if inside else 0.6))
    return out

"""Sentence spans of a German press text.

Relations are read within a sentence (and its neighbour for pronouns), so the splitter must not
break at "Mio.", "Dr.", "u.a.", "10. April" or "NRW.BANK", and must break at headlines and
blank lines that carry no full stop. A line break inside a paragraph is a boundary only when the
next line starts with a capital and the previous one does not end in a function word, comma or
hyphen (hard-wrapped paragraphs keep their sentences whole).
"""

from __future__ import annotations

import re

from foerdergraph.extract.model import Span
from foerdergraph.extract.normalise import MONTHS
from foerdergraph.extract.patterns import FUNCTION_WORDS, words

ABBREVIATIONS = words(
    "mio mrd tsd dr prof dipl ing nr bzw ca etc usw vgl ggf inkl zzgl evtl u a z b d "
    "h s o i d r abs art st str tel gem jh jhd mind max min sog bspw "
)
_END = re.compile(r"[.!?]+[“”\"‘’»]?(?=\s+[„\"“‚A-ZÄÖÜ0-9])")
_MONTH_AFTER = re.compile(r"\s+(?:" + "|".join(m.capitalize() for m in MONTHS) + r")\b")


def _no_boundary(token: str, text: str, end: int) -> bool:
    """A full stop that does not end the sentence: after an abbreviation ("Mio.", "Dr.",
    "u.a."), a single letter, or an ordinal before a month ("am 10. April")."""
    if re.fullmatch(r"\d{1,2}", token):
        return bool(_MONTH_AFTER.match(text, end))
    return token.rstrip(".").split(".")[-1] in ABBREVIATIONS or (
        len(token) == 1 and token.isalpha()
    )


def is_hard_wrapped(lines: list[str]) -> bool:
    """A text wrapped at a fixed width (e-mail style): most long lines stop mid-sentence.
    Then a single line break is never a sentence boundary; blank lines still are."""
    long_lines = [line.rstrip() for line in lines if len(line.strip()) >= 50]
    if len(long_lines) < 3:
        return False
    open_ended = [line for line in long_lines if not line.endswith((".", "!", "?", ":", "“", '"'))]
    return len(open_ended) / len(long_lines) >= 0.5


def _line_break_ends_sentence(prev: str, nxt: str, wrapped: bool) -> bool:
    """A single line break ends a sentence after final punctuation; in a text that is not
    hard-wrapped also before a capitalised line (a headline, a dateline, a new paragraph) unless
    the previous line ends in a function word, a comma or a hyphen; before a number only after a
    short line ("11.04.2018" under a headline, not "… GmbH\n812.400,50 Euro")."""
    if prev.endswith((".", "!", "?", ":")) and (nxt[0].isupper() or nxt[0] in '„"“•-–*'):
        return True
    if wrapped:
        return False
    last = prev.split()[-1]
    if last.lower() in FUNCTION_WORDS or prev.endswith((",", "-", "–")):
        return False
    if nxt[0].isdigit():
        return len(prev) < 40
    return nxt[0].isupper() or nxt[0] in '„"“•-–*'


def split_sentences(text: str) -> list[Span]:
    """Sentences as spans (leading and trailing white space excluded)."""
    cuts = set()
    for match in _END.finditer(text):
        end = match.end()
        before = text[max(0, match.start() - 12) : match.start()]
        word = re.search(r"([\wäöüÄÖÜß.]+)$", before)
        token = word.group(1).lower() if word else ""
        if match.group(0)[0] == "." and _no_boundary(token, text, end):
            continue
        cuts.add(end)
    lines = text.split("\n")
    wrapped = is_hard_wrapped(lines)
    position = 0
    for line in lines[:-1]:
        position += len(line) + 1
        nxt = text[position : position + 40].lstrip(" \t")
        prev = line.rstrip()
        if (
            not prev
            or not nxt
            or nxt.startswith("\n")
            or _line_break_ends_sentence(prev, nxt, wrapped)
        ):
            cuts.add(position)
    spans = []
    start = 0
    for cut in [*sorted(cuts), len(text)]:
        piece = text[start:cut]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            begin = start + lead
            spans.append(Span(begin, begin + len(stripped), stripped))
        start = cut
    return spans

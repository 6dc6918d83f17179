"""Quoted names: pairing German, English and straight quotation marks.

Programme and project names arrive in quotes („Umbau 21 – Smart Region“, "Regio.NRW",
‚…‘), often nested inside a quoted statement and sometimes mismatched („…" and "…“). Quotes are
paired with a stack: German openers („ ‚ «) always open, German closers (“ ‘ ») close the most
recent opener, and straight quotes or apostrophes decide by their neighbours (a space before and
a letter after opens; a letter before and a space or punctuation after closes; between letters it
is an apostrophe). A blank line resets the stack so a stray quote cannot swallow a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foerdergraph.extract.normalise import AMBIGUOUS_QUOTES, CLOSING_QUOTES, OPENING_QUOTES

_MARKS = re.compile(
    "[" + re.escape(OPENING_QUOTES + CLOSING_QUOTES + AMBIGUOUS_QUOTES + "‟") + r"]|\n[ \t]*\n"
)
_MAX_DEPTH = 8
_CLOSE_FOLLOW = set(".,;:!?)]–-/") | {"\n"}


@dataclass(frozen=True)
class Quoted:
    """The inside of a pair of quotation marks: `start`/`end` exclude the marks themselves."""

    start: int
    end: int
    text: str
    open_at: int
    close_at: int


def find_quoted(text: str) -> list[Quoted]:
    """Every paired quotation in `text`, inner ones included, ordered by start."""
    stack: list[int] = []
    found: list[Quoted] = []
    for match in _MARKS.finditer(text):
        mark = match.group(0)
        if mark.startswith("\n"):
            stack.clear()
            continue
        at = match.start()
        role = _role(text, at, mark, bool(stack))
        if role == "open":
            stack.append(at)
            del stack[:-_MAX_DEPTH]
        elif role == "close" and stack:
            opened = stack.pop()
            found.append(Quoted(opened + 1, at, text[opened + 1 : at], opened, at))
    return sorted(found, key=lambda q: q.start)


def _role(text: str, at: int, mark: str, inside: bool) -> str:
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if mark in OPENING_QUOTES or mark == "‟":
        return "open"
    if mark in CLOSING_QUOTES:
        if inside:
            return "close"
        # an English-style opening “ or ‘ when nothing is open
        return "open" if (before.isspace() or before in "(") and not after.isspace() else "skip"
    if mark in "'’" and before.isalnum() and after.isalnum():
        return "skip"  # apostrophe: "Nordrhein-Westfalen's", "geht's"
    can_close = not before.isspace() and (after.isspace() or after in _CLOSE_FOLLOW)
    can_open = (before.isspace() or before in "([/–-" or at == 0) and not after.isspace()
    if can_close and inside:
        return "close"
    return "open" if can_open else "skip"


def looks_like_name(inner: str) -> bool:
    """A quoted name rather than a quoted statement: short, no sentence inside, not ending like
    a sentence, starting with a capital or a digit ("„Umbau 21 – Smart Region“" yes,
    "„Dafür sind wir sehr dankbar.“" no, "„Starke Regionen, starkes Land!“" no)."""
    inner = inner.strip()
    if not inner or len(inner) > 160 or "\n\n" in inner:
        return False
    if inner[-1] in ".!?" or re.search(r"[.!?]\s+[A-ZÄÖÜ]", inner):
        return False
    if not (inner[0].isupper() or inner[0].isdigit() or inner[0] in "„\"'‚"):
        return False
    words = inner.split()
    return 1 <= len(words) <= 18 and any(ch.isalpha() for ch in inner)

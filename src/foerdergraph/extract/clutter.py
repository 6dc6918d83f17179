"""Page clutter: the parts of a saved web page that are not the press text.

Teasers of other articles, cookie banners, comment boxes, contact blocks, photo credits, author
lines and a crawler's metadata header name organisations and people too, but they state nothing
about funding, so they must yield no entities. Rather than cutting them out (which would shift
every offset), `mask` overwrites them with spaces: offsets into the masked text are offsets into
the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Clutter:
    """A span of page furniture and why it was recognised as such."""

    start: int
    end: int
    reason: str


_HEADER_FIELD = re.compile(r"(?:source|retrieved-via|date|url|title|fetched|lang):\s.*")
"""A crawler's metadata line ("source: http://…") at the top of a saved text."""

_LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "cookie banner",
        re.compile(
            r".{0,160}\b(?:Cookies?|Datenschutz(?:erklärung|hinweis)?)\b"
            r".{0,160}|(?:Schließen|Akzeptieren|Alle akzeptieren|OK)\s*",
            re.I,
        ),
    ),
    (
        "comment box",
        re.compile(
            r"Kommentare?\s*|.{0,120}\b(?:kommentieren|Kommentar schreiben|"
            r"Melden Sie sich an|zur Diskussion beitragen)\b.{0,160}",
            re.I,
        ),
    ),
    ("author line", re.compile(r"(?:Autor(?:in)?|Von|Text|Redaktion)\s*:.{0,120}")),
    ("tag list", re.compile(r"(?:Stichwörter|Schlagwörter|Tags|Themen)\s*:.*")),
    (
        "page furniture",
        re.compile(
            r"(?:Anzeige|Druckversion.*|Suchen\.*|Drucken|Teilen|"
            r"Link mailen|E-Mail senden|Zurück|Nach oben|Aboverwaltung|"
            r"Abb?onn?ement \w+|Homepage .{0,80}|Newsletter.{0,80})\s*",
            re.I,
        ),
    ),
    ("link", re.compile(r"(?:https?://|www\.)\S+\s*")),
    ("teaser", re.compile(r".{0,400}(?:mehr\s*(?:\.\.\.|…)|weiterlesen|Weiterlesen)\s*")),
    ("spam notice", re.compile(r".*(?:vor Spambots geschützt|JavaScript eingeschaltet).*")),
)
"""Whole lines that are clutter on their own."""

_CONTACT_HEAD = re.compile(
    r"(?:Ihre?\s+)?(?:Ansprechpartner(?:in|innen)?|Kontakt|Pressekontakt|Pressestelle|"
    r"Presseanfragen|Kontaktdaten)\s*:?\s*",
    re.I,
)
_CONTACT_LINE = re.compile(
    r"(?:T|F|Tel|Telefon|Fax|Mobil|E-Mail|Mail|Web|Internet)\b\.?\s*:?.*|.*@.*|.*\d{3,}[ /-]\d+.*|"
    r"\S+(?:\s+\S+){0,5}",
)
"""Lines inside a contact block: phone, fax, e-mail, or short lines (names, posts, addresses)."""

_TEASER_HEAD = re.compile(
    r"(?:Weitere (?:Meldungen|Artikel|Nachrichten|Beiträge)|Das könnte Sie auch interessieren|"
    r"Lesen Sie auch|Mehr zum Thema|Aktuelle Meldungen|Verwandte (?:Artikel|Themen)|"
    r"Ähnliche (?:Artikel|Beiträge)|Andere Nutzer lasen auch|Top-Themen|Meistgelesen).*",
    re.I,
)
_PHOTO_CREDIT = re.compile(r"(?:Fotos?|Bild|Bildquelle|Foto\s*©|Copyright|©)\s*:?\s*[^\n]*")
_CAPTION_LINE = re.compile(r"[^\n]{0,300}\b(?:Fotos?|Bild)\s*:\s*[^\n]*")


def find_clutter(text: str) -> list[Clutter]:
    """All clutter spans of `text`, in order, never overlapping."""
    found: list[Clutter] = []
    lines = list(_lines(text))
    found.extend(_metadata_header(lines))
    teaser_from = next(
        (
            start
            for start, _, line in lines
            if _TEASER_HEAD.fullmatch(line.strip()) and start > len(text) // 3
        ),
        None,
    )
    if teaser_from is not None:
        found.append(Clutter(teaser_from, len(text), "teasers of other articles"))
    index = 0
    while index < len(lines):
        start, end, line = lines[index]
        if teaser_from is not None and start >= teaser_from:
            break
        stripped = line.strip()
        if _CONTACT_HEAD.fullmatch(stripped):
            last = index
            while last + 1 < len(lines) and (
                not lines[last + 1][2].strip()
                or _CONTACT_LINE.fullmatch(lines[last + 1][2].strip())
            ):
                last += 1
            found.append(Clutter(start, lines[last][1], "contact block"))
            index = last + 1
            continue
        for reason, rule in _LINE_RULES:
            if stripped and rule.fullmatch(stripped):
                found.append(Clutter(start, end, reason))
                break
        else:
            credit = _photo_credit(line)
            if credit is not None:
                found.append(Clutter(start + credit[0], start + credit[1], "photo credit"))
        index += 1
    return _merge(found)


def _lines(text: str):
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line), line
        start += len(line) + 1


def _metadata_header(lines: list[tuple[int, int, str]]) -> list[Clutter]:
    out = []
    for start, end, line in lines[:8]:
        if _HEADER_FIELD.fullmatch(line.strip()):
            out.append(Clutter(start, end, "metadata header"))
        elif line.strip():
            break
    return out


def _photo_credit(line: str) -> tuple[int, int] | None:
    """The credit part of a caption line ("… Foto: IRR GmbH/Andreas Schmitter"), up to the line
    end; the caption before it is kept because captions often name people with their posts."""
    if not _CAPTION_LINE.fullmatch(line):
        return None
    match = re.search(r"(?:Fotos?|Bild)\s*:\s*", line)
    return (match.start(), len(line)) if match else None


def _merge(spans: list[Clutter]) -> list[Clutter]:
    out: list[Clutter] = []
    for span in sorted(spans, key=lambda c: (c.start, -c.end)):
        if out and span.start < out[-1].end:
            if span.end > out[-1].end:
                out[-1] = Clutter(out[-1].start, span.end, out[-1].reason)
            continue
        out.append(span)
    return out


def mask(text: str, spans: list[Clutter]) -> str:
    """`text` with every clutter span replaced by spaces (newlines kept), same length."""
    if not spans:
        return text
    chars = list(text)
    for span in spans:
        for i in range(span.start, span.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)

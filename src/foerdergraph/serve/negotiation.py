"""HTTP content negotiation: pick one of the media types we offer from an Accept header.

A small parser instead of a library: the rules we need (q-values, `type/*` and `*/*` wildcards,
more specific ranges overriding less specific ones, q=0 meaning "not acceptable") fit in one
screen, and the one well-kept library for this (`python-mimeparse`) is not otherwise a dependency.
Ties go to the order of the offers, so each caller states its own preference by listing order.
A `format=` short name (for browsers, which cannot set Accept on a link) wins over the header.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches `media_type`: 2 exact, 1 `type/*`, 0 `*/*`, -1 no."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; a missing or empty header accepts everything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges: list[MediaRange] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            if media == "*":  # some old clients send a bare "*"
                media = "*/*"
            else:
                continue
        main, _, sub = media.partition("/")
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub or "*", q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the client gives `media_type`: that of the most specific matching range."""
    best_specificity = -1
    best_q = 0.0
    for media_range in ranges:
        specificity = media_range.matches(media_type)
        if specificity > best_specificity or (
            specificity == best_specificity and media_range.q > best_q
        ):
            best_specificity, best_q = specificity, media_range.q
    return best_q if best_specificity >= 0 else 0.0


def choose(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client prefers most, or None (answer 406)."""
    ranges = parse_accept(accept)
    best: str | None = None
    best_q = 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best

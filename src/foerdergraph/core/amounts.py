"""Reading money amounts: one reader for the EU lists, the quotes of curated facts and the
extractor, so that "769.560,68" means the same number everywhere.

German texts write "769.560,68 Euro", "1,85 Mio." or "14,8 Mrd.": `GERMAN_NUMBER` is the shape
of such a number, `german_number` its value and `SCALES` the scale words. The EU lists were
produced by different tools (PDF extraction, Excel exports, OpenSpending scripts), so one amount
arrives as `€ 833851.95`, `48.219`, `172.306 €` or `1.387.266`. A dot is a decimal point in one
file and a thousands separator in the next, so the caller says which convention the file uses
(`decimal_mark`); the parser still checks that thousands groups have three digits, so a value
that fits neither convention is reported rather than silently scaled.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

GERMAN_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
"""A number written the German way: dots group thousands by three, the comma is the decimal
mark. A lone dot followed by three digits ("5.000") groups thousands, as German writes no
decimal dot."""

SCALES: dict[str, Decimal] = {
    "tsd": Decimal(10) ** 3,
    "tausend": Decimal(10) ** 3,
    "mio": Decimal(10) ** 6,
    "million": Decimal(10) ** 6,
    "millionen": Decimal(10) ** 6,
    "mrd": Decimal(10) ** 9,
    "milliarde": Decimal(10) ** 9,
    "milliarden": Decimal(10) ** 9,
}
"""Scale words after a number (lower case, without the abbreviation's dot)."""


def german_number(text: str) -> Decimal | None:
    """The value of a `GERMAN_NUMBER` ('769.560,68' → 769560.68), None for any other text."""
    text = text.strip()
    if not re.fullmatch(GERMAN_NUMBER, text):
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def scale_of(word: str | None) -> Decimal:
    """The factor of a scale word ("Mio." → 10^6); 1 when there is none."""
    return SCALES[word.rstrip(".").lower()] if word else Decimal(1)


_CURRENCY = re.compile(r"(€|EUR|Euro)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED = re.compile(r"\d{1,3}(?:[.,' ]\d{3})+")


class AmountError(ValueError):
    """An amount that cannot be read unambiguously; the message says why."""


def parse_amount(text: str, *, decimal_mark: str = ",") -> Decimal:
    """The amount in `text` as a non-negative Decimal in the currency's unit.

    `decimal_mark` is the file's decimal separator ("," German style, "." English style); the
    other one of the two is taken as a thousands separator and must group by three digits.
    When both occur, the last one is the decimal mark whatever the file says, as there is no
    other reading. Raises AmountError for empty, negative or malformed values.
    """
    if decimal_mark not in {",", "."}:
        raise ValueError(f"decimal_mark must be ',' or '.', not {decimal_mark!r}")
    raw = text
    text = _SPACES.sub("", _CURRENCY.sub("", text or ""))
    if not text:
        raise AmountError("empty amount")
    if text.startswith("-"):
        raise AmountError(f"negative amount {raw!r}")
    if not re.fullmatch(r"[\d.,']+", text):
        raise AmountError(f"not a number: {raw!r}")
    thousands = "." if decimal_mark == "," else ","
    if "." in text and "," in text:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
    integer, _, fraction = text.partition(decimal_mark)
    if decimal_mark in fraction or thousands in fraction:
        raise AmountError(f"misplaced separator in {raw!r}")
    if thousands in integer or "'" in integer:
        if not _GROUPED.fullmatch(integer):
            raise AmountError(f"thousands groups of {raw!r} are not three digits each")
        integer = re.sub(r"[.,']", "", integer)
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        raise AmountError(f"not a number: {raw!r}")
    try:
        return Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the checks above
        raise AmountError(f"not a number: {raw!r}") from exc

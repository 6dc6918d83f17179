"""German normalisers: amounts, dates, quotation marks and names.

Press texts write "769.560,68 Euro", "1,85 Mio.", "14,8 Mrd. Euro", "sechs Millionen Euro",
"17. Februar 2017", "02.02.2016" or "Ende März". Each parser returns `None` for what it cannot
read instead of guessing, so a wrong value never enters the graph silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from foerdergraph.core.amounts import GERMAN_NUMBER, german_number, scale_of

MONTHS: dict[str, int] = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}
"""German month names (lower case) -> month number."""

NUMBER_WORDS: dict[str, int] = {
    "ein": 1,
    "eine": 1,
    "einer": 1,
    "einem": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "zwanzig": 20,
    "dreißig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "hundert": 100,
}
"""Number words that precede "Millionen"/"Milliarden" in press texts."""

OPENING_QUOTES = "„‚«‹"
"""Characters that only ever open a quotation in German text."""
CLOSING_QUOTES = "“”‘»›"
"""Characters that close one (German closes „ with “ and ‚ with ‘)."""
AMBIGUOUS_QUOTES = "\"'’"
"""Straight quotes and the apostrophe: opening or closing depending on the neighbours."""
ALL_QUOTES = OPENING_QUOTES + CLOSING_QUOTES + AMBIGUOUS_QUOTES + "‟"

_SCALE = r"Tsd\.|Tausend|Mio\.|Millionen|Million|Mrd\.|Milliarden|Milliarde"
_WORD_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_CURRENCY = r"(?:Euro|EUR|€)"
AMOUNT_RE = re.compile(
    rf"(?<![\w.,])(?P<num>{GERMAN_NUMBER}|(?i:{_WORD_NUMBER}))"
    rf"(?:\s+(?P<scale>{_SCALE}))?\s*{_CURRENCY}(?!\w)"
)
"""A money amount in euros: digits or a number word, an optional scale word, then the currency."""


@dataclass(frozen=True)
class Amount:
    """An amount found in a text, with its character offsets (end exclusive)."""

    start: int
    end: int
    text: str
    value: Decimal


def parse_number(text: str) -> Decimal | None:
    """A German number ('769.560,68', '1,85') or a number word ('sechs')."""
    word = NUMBER_WORDS.get(text.strip().lower())
    return Decimal(word) if word is not None else german_number(text)


def parse_amount(text: str) -> Decimal | None:
    """'769.560,68 Euro' -> 769560.68; '1,85 Mio. Euro' -> 1850000; 'sechs Millionen Euro'.

    Accepts the scale word without a currency too ("14,8 Mrd."), since headlines drop it.
    """
    match = re.fullmatch(
        rf"\s*(?P<num>{GERMAN_NUMBER}|[A-Za-zäöüß]+)(?:\s+(?P<scale>{_SCALE}))?(?:\s*{_CURRENCY})?\s*",
        text,
    )
    if not match:
        return None
    value = parse_number(match["num"])
    if value is None:
        return None
    if match["scale"]:
        value *= scale_of(match["scale"])
    return value.normalize() if value == value.to_integral() else value


def find_amounts(text: str) -> list[Amount]:
    """Every euro amount in `text`, in order of appearance."""
    found = []
    for match in AMOUNT_RE.finditer(text):
        value = parse_number(match["num"])
        if value is None:
            continue
        if match["scale"]:
            value *= scale_of(match["scale"])
        found.append(Amount(match.start(), match.end(), match.group(0), value))
    return found


def amount_json(value: Decimal | None) -> int | float | None:
    """JSON number for an amount: an integer when whole, else a float with cents."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)")
_DATE_LONG = re.compile(
    r"(?<!\d)(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE
)
_DATE_VAGUE = re.compile(
    r"\b(Anfang|Mitte|Ende)\s+(" + "|".join(MONTHS) + r")(?:\s+(\d{4}))?\b", re.IGNORECASE
)
_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateValue:
    """A date as precise as the text states it: year, optional month, optional day.

    `part` keeps "Anfang"/"Mitte"/"Ende" for vague dates ("Ende März"); `iso` gives the
    matching XSD lexical form (date, gYearMonth or gYear) or None when the year is unknown.
    """

    year: int | None
    month: int | None = None
    day: int | None = None
    part: str | None = None

    @property
    def iso(self) -> str | None:
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def datatype(self) -> str:
        return "date" if self.day else "gYearMonth" if self.month else "gYear"


def _valid(year: int, month: int, day: int) -> bool:
    import calendar

    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def parse_date(text: str, default_year: int | None = None) -> DateValue | None:
    """'17. Februar 2017', '02.02.2016', '2.2.16', 'Ende März', 'September 2018' -> DateValue.

    Day-month-year order always (German); a trailing full stop is ignored ("31.03.2026.").
    Impossible dates ("31.02.2017") give None. Two-digit years are read as 20xx.
    """
    text = text.strip().rstrip(".").strip()
    if match := _DATE_NUMERIC.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        year += 2000 if year < 100 else 0
        return DateValue(year, month, day) if _valid(year, month, day) else None
    if match := _DATE_LONG.fullmatch(text):
        day, month, year = int(match[1]), MONTHS[match[2].lower()], int(match[3])
        return DateValue(year, month, day) if _valid(year, month, day) else None
    if match := _DATE_VAGUE.fullmatch(text):
        vague_year = int(match[3]) if match[3] else default_year
        return DateValue(vague_year, MONTHS[match[2].lower()], None, match[1].capitalize())
    if match := _MONTH_YEAR.fullmatch(text):
        return DateValue(int(match[2]), MONTHS[match[1].lower()])
    return None


def find_dates(text: str) -> list[tuple[int, int, DateValue]]:
    """Every date in `text` (offsets, value); long forms win over their numeric parts."""
    found: list[tuple[int, int, DateValue]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_DATE_LONG, _DATE_NUMERIC, _DATE_VAGUE, _MONTH_YEAR):
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            value = parse_date(match.group(0))
            if value is not None:
                found.append((match.start(), match.end(), value))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda item: item[0])


_SPACES = re.compile(r"\s+")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTE_TABLE = dict.fromkeys(map(ord, ALL_QUOTES), None)
_ARTICLE = re.compile(r"^(?:der|die|das|dem|den|des|ein|eine|einer|eines|einem)\s+", re.I)


def clean_name(name: str) -> str:
    """A display name: NFC, one space between words, outer quotes and punctuation removed.

    Inner quotes stay ("Förderprogramm „X“" keeps its quotes); dashes stay as written.
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()
    while text and (text[0] in ALL_QUOTES or text[-1] in ALL_QUOTES):
        text = text.strip(ALL_QUOTES).strip()
    return text.strip(" ,;:")


def name_key(name: str) -> str:
    """Comparison key for names: case folded, quotes dropped, dashes unified, no article.

    "NRW" and "Nordrhein-Westfalen" compare equal, as press texts use both for the Land.
    """
    text = unicodedata.normalize("NFC", name).casefold().translate(_DASHES).translate(_QUOTE_TABLE)
    text = _SPACES.sub(" ", text).strip(" .,;:")
    text = _ARTICLE.sub("", text)
    return re.sub(r"\bnordrhein-westfalen(s)?\b", "nrw", text)


def fuzzy_key(name: str) -> str:
    """`name_key` with punctuation turned into spaces, for rapidfuzz comparisons."""
    return _SPACES.sub(" ", re.sub(r"[^\w]+", " ", name_key(name))).strip()

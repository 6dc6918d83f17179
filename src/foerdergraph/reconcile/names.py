"""German organisation names as people write them, reduced to a form that can be compared.

Spreadsheets spell one actor many ways: "Universität zu Köln" / "Uni Köln", "Rhein-Kreis Neuss"
/ "Rheinkreis Neuss", "Muenster" / "Münster", "NRW.BANK (AöR)" / "NRW.Bank". `normalise` folds
case, umlauts, ß and punctuation, expands the abbreviations of `names.yaml`, and keeps the legal
form ("GmbH", "e.V.", "gGmbH", "AöR") apart from the name, so that a missing or different legal
form lowers the score a little instead of hiding the actor.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from foerdergraph.core.yamlfile import safe_load

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "&": " und ", "+": " und "})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Name:
    """A name reduced for comparison: `key` (the words without legal form and fillers),
    `compact` (the key without spaces: hyphenation and compounding agree) and `legal_form`."""

    key: str
    compact: str
    legal_form: str | None


@dataclass(frozen=True)
class _Rules:
    legal_forms: tuple[tuple[re.Pattern[str], str], ...]
    words: re.Pattern[str]
    word_for: dict[str, str]
    fillers: frozenset[str]


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))


@cache
def _rules() -> _Rules:
    """The tables of names.yaml, compiled once."""
    data = safe_load(files("foerdergraph.reconcile").joinpath("names.yaml").read_text("utf-8"))
    legal = tuple(
        (re.compile(rf"(?:^| )(?:{_alternation(forms)})$"), canonical)
        for canonical, forms in data["legal_forms"].items()
    )
    word_for = {form: canonical for canonical, forms in data["words"].items() for form in forms}
    words = re.compile(rf"\b(?:{_alternation(list(word_for))})\b")
    return _Rules(legal, words, word_for, frozenset(data["fillers"]))


def fold(text: str) -> str:
    """Lower case ASCII words: umlauts and ß spelled out, other accents dropped, "&" as "und",
    punctuation and hyphens as spaces."""
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    return " ".join(_NOT_WORD.sub(" ", ascii_only).split())


def _strip_legal_form(folded: str) -> tuple[str, str | None]:
    """The name without the legal form at its end, and that form (None when there is none)."""
    for pattern, canonical in _rules().legal_forms:
        match = pattern.search(folded)
        if match and match.start() > 0:
            return folded[: match.start()].strip(), canonical
    return folded, None


def normalise(text: str) -> Name:
    """`text` reduced for comparison (see `Name`)."""
    rules = _rules()
    core, legal_form = _strip_legal_form(fold(text))
    expanded = rules.words.sub(lambda m: rules.word_for[m.group(0)], core)
    kept = [word for word in expanded.split() if word not in rules.fillers]
    key = " ".join(kept) or expanded
    return Name(key, key.replace(" ", ""), legal_form)

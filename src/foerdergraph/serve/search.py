"""Entity search for the search page, the autocomplete box and `/api/search`.

Matching is accent- and case-insensitive: labels and the search text are folded alike (NFKD,
combining marks dropped, case-folded, so "Muenster", "münster" and "MÜNSTER" all meet "Münster"
where the umlaut is written, and "ß" meets "ss"). SPARQL cannot fold accents, so the label
triples are read once per build (`labels.rq`, about a second on the real project) into an index
kept in memory; a search then scans the folded labels in Python, a few milliseconds. Ranking:
exact, then prefix, then a word of the label starting with the text, then any substring; a
preferred label before an alternative one; shorter labels first.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:  # httpx stays out of a local server's start-up
    from foerdergraph.remote.remote_store import QuadSource

LABELS_QUERY = (files("foerdergraph.serve.browse") / "labels.rq").read_text(encoding="utf-8")
RANKS = ("exact", "prefix", "word", "substring")


def fold(text: str) -> str:
    """The form labels are compared in: no accents, case-folded (ß → ss), single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    matched: str
    types: tuple[str, ...]
    rank: str

    def as_json(self) -> dict[str, object]:
        return {
            "iri": self.iri,
            "label": self.label,
            "matched": self.matched,
            "types": list(self.types),
            "rank": self.rank,
        }


@dataclass(frozen=True)
class _Label:
    iri: str
    text: str
    folded: str
    preferred: bool


class LabelIndex:
    """Every skos:prefLabel and skos:altLabel of one build, folded, with each entity's types."""

    def __init__(self, store: QuadSource) -> None:
        rows = store.query(LABELS_QUERY, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)  # a SELECT
        labels: dict[tuple[str, str, bool], _Label] = {}
        self.names: dict[str, str] = {}
        self.types: dict[str, set[str]] = {}
        for row in rows:
            entity, text = row["entity"], row["text"].value
            if not isinstance(entity, ox.NamedNode):
                continue
            preferred = row["kind"].value == "pref"
            labels[(entity.value, text, preferred)] = _Label(
                entity.value, text, fold(text), preferred
            )
            if preferred and (entity.value not in self.names or row["lang"].value == "de"):
                self.names[entity.value] = text
            if row["type"] is not None:
                self.types.setdefault(entity.value, set()).add(row["type"].value)
        self.labels = list(labels.values())

    def search(self, text: str, limit: int, kind: str | None = None) -> list[Hit]:
        """The best `limit` entities whose labels contain `text` (of type `kind` if given)."""
        needle = fold(text)
        if len(needle) < 2:
            return []
        best: dict[str, tuple[tuple[int, int, int], _Label]] = {}
        for label in self.labels:
            rank = _rank(label.folded, needle)
            if rank is None or (kind is not None and kind not in self.types.get(label.iri, ())):
                continue
            key = (rank, 0 if label.preferred else 1, len(label.text))
            if label.iri not in best or key < best[label.iri][0]:
                best[label.iri] = (key, label)
        ordered = sorted(best.values(), key=lambda item: (item[0], self._name(item[1])))
        return [
            Hit(
                label.iri,
                self._name(label),
                label.text,
                tuple(sorted(self.types.get(label.iri, ()))),
                RANKS[key[0]],
            )
            for key, label in ordered[:limit]
        ]

    def _name(self, label: _Label) -> str:
        return self.names.get(label.iri, label.text)


def _rank(folded: str, needle: str) -> int | None:
    """0 exact, 1 prefix, 2 start of a word, 3 substring; None when `needle` is not in it."""
    at = folded.find(needle)
    if at < 0:
        return None
    if folded == needle:
        return 0
    if at == 0:
        return 1
    if any(not folded[i - 1].isalnum() for i in _positions(folded, needle)):
        return 2
    return 3


def _positions(folded: str, needle: str) -> list[int]:
    """Every index (after the first character) where `needle` occurs in `folded`."""
    found, at = [], folded.find(needle, 1)
    while at >= 0:
        found.append(at)
        at = folded.find(needle, at + 1)
    return found


class IndexCache:
    """The `LabelIndex`es of one release folder (one per drafts variant: with the draft graphs,
    or without them), made in the caller's thread on first use; the previous build's indexes
    are dropped when one of a new build is made."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Path, str] | None = None
        self._indexes: dict[str, LabelIndex] = {}

    def get(self, key: tuple[Path, str], store: QuadSource, variant: str = "") -> LabelIndex:
        with self._lock:
            if self._key != key:
                self._key, self._indexes = key, {}
            if variant not in self._indexes:
                self._indexes[variant] = LabelIndex(store)
            return self._indexes[variant]


INDEXES = IndexCache()
"""One per process: every app of the process reads the same release folders."""


def ranked(
    release: tuple[Path, str],
    store: QuadSource,
    text: str,
    limit: int,
    kind: str | None,
    variant: str = "",
) -> list[Hit]:
    """The best hits in the build `release` (its folder and id) names, read from `store` (the
    release's store, or its view without the drafts: `variant`); blocking (a thread)."""
    return INDEXES.get(release, store, variant).search(text, limit, kind)


class BadType(ValueError):
    """A `type` parameter that is neither an IRI nor a prefixed name of a known prefix."""


def expand_type(raw: str, prefixes: dict[str, str]) -> str | None:
    """The class IRI a `type` parameter names: an absolute IRI, or `fg:Organisation`."""
    if not raw:
        return None
    if raw.startswith(("http://", "https://", "urn:")):
        return raw
    prefix, colon, local = raw.partition(":")
    if colon and prefix in prefixes:
        return prefixes[prefix] + local
    known = ", ".join(f"{p}:" for p in prefixes)
    raise BadType(f"parameter 'type': {raw!r} is neither an IRI nor a prefixed name of {known}")

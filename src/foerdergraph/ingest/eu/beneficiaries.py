"""Beneficiary resolution for names read from tables: beneficiaries, competitions, places.

The same beneficiary is spelled many ways in the lists ("RWTH Aachen", a line break inside
"Westfälische Hochschule Gelsenkirchen, \\nBocholt, Recklinghausen", "… GmbH" in one row and
without the legal form in the next). Names are compared through a ladder of ever coarser
normalisations; two names merge at the first rung where they agree, and that rung *is* the
explanation recorded for the merge. What the ladder cannot join, rapidfuzz may join when the
score is high and the numbers in both names agree (so "Institut IBT-1" never becomes "IBT-2").
A person can forbid any merge through a veto; vetoes win over every rule and score.

The final normalised key also names the entity's IRI, so the same name resolves to the same
IRI in every list without any shared state between imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

_LINEBREAK_HYPHEN = re.compile(r"(?<=\w)-\s*\n\s*")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_LEGAL_FORMS = re.compile(
    r"\b(?:g?gmbh|mbh|ag|kgaa|kg|e\s?v|ev|eg|ug|haftungsbeschraenkt|gbr|ohg|se|ltd|co|"
    r"koerperschaft des oeffentlichen rechts|kdoer|aoer|anstalt des oeffentlichen rechts)\b"
)
_DIGITS = re.compile(r"\d+")


def clean_label(name: str) -> str:
    """The surface form as a label: line breaks and runs of spaces become one space, a hyphen
    broken across lines is rejoined ("Herne-\\nRecklinghausen" -> "Herne-Recklinghausen")."""
    text = unicodedata.normalize("NFC", name)
    return _SPACE.sub(" ", _LINEBREAK_HYPHEN.sub("-", text)).strip()


def _whitespace_case(name: str) -> str:
    return clean_label(name).casefold()


def _punctuation(name: str) -> str:
    return _SPACE.sub(" ", _PUNCT.sub(" ", _whitespace_case(name).replace("_", " "))).strip()


def _umlaut(name: str) -> str:
    text = _punctuation(name).translate(_GERMAN)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SPACE.sub(" ", text).strip()


def _legal_form(name: str) -> str:
    text = _umlaut(name)
    stripped = _SPACE.sub(" ", _LEGAL_FORMS.sub(" ", text)).strip()
    return stripped or text


LADDER: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("exact", lambda s: unicodedata.normalize("NFC", s).strip()),
    ("whitespace-case", _whitespace_case),
    ("punctuation", _punctuation),
    ("umlaut", _umlaut),
    ("legal-form", _legal_form),
)
"""Normalisation rungs, finest first; the rule of a merge is the first rung where names agree."""


def name_key(name: str) -> str:
    """The coarsest normalisation: what names must share to merge without a score."""
    return _legal_form(name)


def spelling_key(name: str) -> str:
    """Normalised for spelling only (case, spaces, punctuation, umlauts), keeping legal forms:
    for names where "e.V." is part of the text rather than a legal form."""
    return _umlaut(name)


def merge_rule(a: str, b: str) -> str | None:
    """The finest rung at which `a` and `b` agree, or None when only a score could join them."""
    for rule, normalise in LADDER:
        if normalise(a) == normalise(b):
            return rule
    return None


@dataclass(frozen=True)
class Veto:
    """A person's ruling that two names (or a name and `registry:<key>`) are different things."""

    names: tuple[str, str]
    reason: str = ""

    def keys(self) -> frozenset[str]:
        return frozenset(_veto_form(n) for n in self.names)


def _veto_form(name: str) -> str:
    return name if name.startswith("registry:") else _whitespace_case(name)


@dataclass(frozen=True)
class RegistryEntry:
    """A known entity from data/entities.yaml or data/reference/nrw.yaml."""

    kind: str
    key: str
    label: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """How one surface form joined its entity: the rule (or score) and the form it matched."""

    name: str
    matched: str
    rule: str
    score: float | None = None


@dataclass
class Beneficiary:
    """A resolved entity: its key (IRI slug), label, the surface forms and how each joined."""

    key: str
    label: str
    names: list[str]
    links: list[Link] = field(default_factory=list)
    registry: RegistryEntry | None = None
    registry_link: Link | None = None


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {i: i for i in items}
        self.vetoed: dict[str, set[str]] = {i: {_veto_form(i)} for i in self.parent}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str, vetoes: list[frozenset[str]]) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        forms = self.vetoed[ra] | self.vetoed[rb]
        if any(v <= forms and not (v <= self.vetoed[ra] or v <= self.vetoed[rb]) for v in vetoes):
            return False
        ra, rb = sorted((ra, rb))
        self.parent[rb] = ra
        self.vetoed[ra] = forms
        return True


_FILLERS = frozenset(
    {
        "u",
        "und",
        "fuer",
        "der",
        "die",
        "das",
        "des",
        "dem",
        "den",
        "im",
        "in",
        "am",
        "an",
        "zu",
        "zur",
        "zum",
        "von",
        "vom",
        "e",
        "v",
        "mbh",
        "gmbh",
        "ev",
    }
)


def _compatible(a: str, b: str) -> bool:
    """Whether a score may join two keys: same numbers, same short tokens (acronyms such as
    "IBT", "KAT", "IME" name different units), and neither is the other plus a unit suffix."""
    if _DIGITS.findall(a) != _DIGITS.findall(b) or a.startswith(b) or b.startswith(a):
        return False
    short_a = {t for t in a.split() if len(t) <= 4 and t not in _FILLERS}
    short_b = {t for t in b.split() if len(t) <= 4 and t not in _FILLERS}
    return short_a == short_b


def _fuzzy_pairs(keys: list[str], threshold: float) -> list[tuple[float, str, str]]:
    """Candidate pairs of distinct keys scoring >= threshold, blocked by their first letters
    so 20 000 names do not mean 400 million comparisons."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        if len(key) >= 8:
            blocks[key[:3]].append(key)
    pairs: list[tuple[float, str, str]] = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        block.sort()
        matrix = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=threshold)
        for i, j in zip(*matrix.nonzero(), strict=True):
            a, b = block[int(i)], block[int(j)]
            if a < b and _compatible(a, b):
                pairs.append((round(float(matrix[i, j]), 1), a, b))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    return pairs


class BeneficiaryResolver:
    """Clusters names and links clusters to registry entries; one per kind of name."""

    def __init__(
        self,
        registry: Iterable[RegistryEntry] = (),
        vetoes: Iterable[Veto] = (),
        curated: Mapping[str, str] | None = None,
        threshold: float = 95.0,
    ) -> None:
        self.threshold = threshold
        self.vetoes = [v.keys() for v in vetoes]
        self.registry_by_key: dict[str, RegistryEntry | None] = {}
        self.registry_keys: dict[str, RegistryEntry] = {}
        for entry in registry:
            self.registry_keys[entry.key] = entry
            for name in (entry.label, *entry.names):
                k = name_key(name)
                known = self.registry_by_key.get(k, entry)
                # a normalised name shared by two registry entries links to neither
                self.registry_by_key[k] = entry if known is entry else None
        self.curated = {_whitespace_case(n): key for n, key in (curated or {}).items()}

    def resolve(self, counts: Counter[str]) -> dict[str, Beneficiary]:
        """Map every surface form in `counts` (name -> how often seen) to its Beneficiary."""
        names = sorted(counts)
        uf = _UnionFind(names)
        merges: dict[str, Link] = {}
        by_key: dict[str, list[str]] = defaultdict(list)
        for name in names:
            by_key[name_key(name)].append(name)
        for group in by_key.values():
            # link every form to the most frequent one at the finest rung they share
            group.sort(key=lambda n: (-counts[n], n))
            for other in group[1:]:
                if uf.union(group[0], other, self.vetoes):
                    merges[other] = Link(other, group[0], merge_rule(group[0], other) or "")
        for score, ka, kb in _fuzzy_pairs(sorted(by_key), self.threshold):
            a, b = by_key[ka][0], by_key[kb][0]
            if uf.union(a, b, self.vetoes):
                anchor, other = (a, b) if (-counts[a], a) <= (-counts[b], b) else (b, a)
                merges.setdefault(other, Link(other, anchor, "fuzzy-ratio", score))
        clusters: dict[str, list[str]] = defaultdict(list)
        for name in names:
            clusters[uf.find(name)].append(name)
        result: dict[str, Beneficiary] = {}
        used_keys: set[str] = set()
        for members in sorted(clusters.values(), key=lambda m: min(m)):
            members.sort(key=lambda n: (-counts[n], n))
            canonical = members[0]
            entity = Beneficiary(
                key=self._unique_key(name_key(canonical), canonical, used_keys),
                label=clean_label(canonical),
                names=members,
                links=[merges[n] for n in members if n in merges],
            )
            self._link_registry(entity, uf)
            for name in members:
                result[name] = entity
        return result

    @staticmethod
    def _unique_key(key: str, canonical: str, used: set[str]) -> str:
        """A vetoed split of one normalised name needs a second key; the label tells them apart."""
        unique, n = key, 1
        while unique in used:
            n += 1
            unique = f"{key} {n}"
        used.add(unique)
        return unique

    def _link_registry(self, entity: Beneficiary, uf: _UnionFind) -> None:
        forms = {_veto_form(n) for n in entity.names}

        def allowed(entry: RegistryEntry) -> bool:
            return not any(
                v <= forms | {f"registry:{entry.key}"} and not v <= forms for v in self.vetoes
            )

        for name in entity.names:
            key = self.curated.get(_whitespace_case(name))
            if key and key in self.registry_keys and allowed(self.registry_keys[key]):
                entity.registry = self.registry_keys[key]
                entity.registry_link = Link(name, entity.registry.label, "curated-link")
                return
        for name in entity.names:
            entry = self.registry_by_key.get(name_key(name))
            if entry and allowed(entry):
                matched = next(
                    n for n in (entry.label, *entry.names) if name_key(n) == name_key(name)
                )
                entity.registry = entry
                entity.registry_link = Link(name, matched, f"registry-{merge_rule(name, matched)}")
                return
        candidates = [k for k, e in self.registry_by_key.items() if e is not None]
        if not candidates:
            return
        key = name_key(entity.names[0])
        best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=self.threshold)
        if best and len(key) >= 8 and _compatible(best[0], key):
            entry = self.registry_by_key[best[0]]
            if entry and allowed(entry):
                matched = next(n for n in (entry.label, *entry.names) if name_key(n) == best[0])
                entity.registry = entry
                entity.registry_link = Link(
                    entity.names[0], matched, "registry-fuzzy-ratio", round(float(best[1]), 1)
                )

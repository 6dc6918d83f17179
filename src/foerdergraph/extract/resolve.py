"""ExtractedEntity resolution: link each extracted entity to the registry, or mint a new IRI.

A name resolves to a registry entity when its normalised form equals one of the entity's
labels or alternative labels, or comes within a rapidfuzz `ratio` of RESOLVE_THRESHOLD of one.
Plain `ratio` (not partial or token-set ratios) is used on purpose: those score
"Bezirksregierung Münster, Dezernat 34" as the Bezirksregierung itself, and a sub-unit must not
silently become its parent. Names that differ in a number never match ("Umbau 21" vs "Umbau 22").
Only when nothing matches does the entity get a new key and IRI, minted with
`foerdergraph.core.iri.mint` exactly as the build will mint it from that key.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from foerdergraph.core.config import DEFAULT_BASE_IRI
from foerdergraph.core.iri import mint, slugify
from foerdergraph.extract.gazetteer import Entry, Gazetteer
from foerdergraph.extract.model import ExtractedEntity, Extraction
from foerdergraph.extract.normalise import fuzzy_key

RESOLVE_THRESHOLD = 92.0
"""Minimum rapidfuzz ratio (0-100) for a fuzzy match to an existing entity."""

COMPATIBLE = {
    "organisation": {"organisation", "place"},
    "person": {"person"},
    "region": {"place", "organisation"},
    "fund": {"fund"},
    "programme": {"programme", "call", "initiative"},
    "project": {"project"},
}
"""Registry kinds an extracted kind may resolve to (a region may be a Kreis in the registry)."""


TERRITORIAL = frozenset({"district", "municipality", "state_government"})
"""Organisation types that are also places (Kreis, Stadt, Land): the registry may list them
under `place`."""


def mint_kind(entity: ExtractedEntity) -> str:
    """The IRI kind (`foerdergraph.core.iri.KINDS`) of a new entity."""
    if entity.kind == "region":
        return "place"
    if entity.kind == "programme":
        return {"call": "call", "initiative": "initiative"}.get(entity.subkind or "", "programme")
    return entity.kind


class RegistryLinker:
    """Links the entities of an extraction to a gazetteer's registry entries."""

    def __init__(self, gazetteer: Gazetteer, base_iri: str | None = None):
        self.gazetteer = gazetteer
        self.base = base_iri or DEFAULT_BASE_IRI
        self._forms: list[tuple[str, Entry]] = [
            (fuzzy_key(form), entry) for entry in gazetteer.entries for form in entry.forms()
        ]

    def match(self, entity: ExtractedEntity) -> Entry | None:
        """The registry entry `entity` refers to, or None."""
        if entity.registry_key:
            return self.gazetteer.by_key.get(entity.registry_key)
        allowed = COMPATIBLE.get(entity.kind, {entity.kind})
        if entity.kind == "organisation" and entity.type not in TERRITORIAL:
            allowed = {"organisation"}
        names = {fuzzy_key(n) for n in (entity.name, *entity.aliases) if n}
        best: tuple[float, Entry] | None = None
        for form, entry in self._forms:
            if entry.registry_kind not in allowed:
                continue
            for name in names:
                if name == form:
                    return entry
                if _numbers(name) != _numbers(form):
                    continue
                score = fuzz.ratio(name, form)
                if score >= RESOLVE_THRESHOLD and (best is None or score > best[0]):
                    best = (score, entry)
        return best[1] if best else None

    def resolve(self, result: Extraction) -> None:
        """Set `registry_key`, `key` and `iri` on every entity of `result`."""
        used = {entry.key for entry in self.gazetteer.entries}
        for entity in result.entities:
            entry = self.match(entity)
            if entry is not None:
                entity.registry_key = entry.key
                entity.key = entry.key
                entity.iri = str(mint(entry.registry_kind, entry.key, base=self.base))
                if entity.kind == "organisation" and entry.org_type:
                    entity.type = entry.org_type
                continue
            key = _unique(short_key(slugify(entity.name)), used)
            used.add(key)
            entity.key = key
            entity.iri = str(mint(mint_kind(entity), key, base=self.base))
        merge_same_key(result)


def merge_same_key(result: Extraction) -> None:
    """Two entities resolved to one registry key are one entity ("In|Die RegionRuhr 4.0" and
    its full quoted title); relations are moved onto the survivor."""
    survivors: dict[tuple[str, str], ExtractedEntity] = {}
    replaced: dict[int, ExtractedEntity] = {}
    for entity in list(result.entities):
        if entity.registry_key is None:
            continue
        keep = survivors.setdefault((entity.kind, entity.registry_key), entity)
        if keep is entity:
            continue
        if len(entity.name) > len(keep.name):
            keep.name, entity.name = entity.name, keep.name
        keep.mentions = sorted(keep.mentions + entity.mentions, key=lambda m: m.start)
        keep.aliases = list(dict.fromkeys([*keep.aliases, entity.name, *entity.aliases]))
        result.entities.remove(entity)
        replaced[id(entity)] = keep
    for relation in result.relations:
        relation.subject = replaced.get(id(relation.subject), relation.subject)
        relation.object = replaced.get(id(relation.object), relation.object)


MAX_KEY = 60
"""Longest key minted for a new entity; long project titles are cut at a word boundary."""


def short_key(slug: str) -> str:
    """`slug` cut to MAX_KEY characters at a hyphen ("emscher-lippe4-digitalisierung-…")."""
    if len(slug) <= MAX_KEY:
        return slug
    cut = slug[: MAX_KEY + 1].rsplit("-", 1)[0]
    return cut or slug[:MAX_KEY]


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def _unique(key: str, used: set[str]) -> str:
    if key not in used:
        return key
    counter = 2
    while f"{key}-{counter}" in used:
        counter += 1
    return f"{key}-{counter}"

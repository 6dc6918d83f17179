"""The knowledge graph as a gazetteer: every label and alternative label already curated.

Entries come from the registry files the build reads (`data/entities.yaml` and the reference
gazetteer `data/reference/*.yaml`: Kreise and cities, ministries, chambers, universities,
Projektträger, federal and EU bodies, funds and programmes) and from the `entities:` blocks of
facts files (entities one document introduced), so a name that was curated once is recognised —
and linked to the same key and IRI — in every later document. The files are read by the
registry's own reader (`foerdergraph.core.registry`), checked as the build checks them: a YAML
error or a bad entry is an InputError naming the file, never an empty gazetteer. Matching uses a
spaCy PhraseMatcher over a blank German pipeline: token boundaries stop "Land" from matching
inside "Landrat", and thousands of labels cost one pass. A data folder without registry files
gives an empty gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from foerdergraph.core.ontology import OntologyIndex, load_ontology
from foerdergraph.core.registry import Entity, read_block_entities, read_registry
from foerdergraph.core.vocab import FG
from foerdergraph.extract.model import Candidate, Span
from foerdergraph.extract.orgtypes import TYPE_OF_CLASS
from foerdergraph.extract.patterns import words

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher

REGISTRY_KIND = {
    "organisation": "organisation",
    "person": "person",
    "place": "region",
    "fund": "fund",
    "programme": "programme",
    "call": "programme",
    "initiative": "programme",
    "project": "project",
}
"""Registry kind (docs/curation.md) -> extraction kind."""

ACTING_PLACES = frozenset({"District"})
"""Classes of `place` entries found as organisations: a Kreis named in a text is the body that
applies, receives or partners ("Kreis Soest", "Märkischer Kreis"); a city name is more often
the place where something happens, so cities stay regions (the rules find "Stadt Bonn")."""

_GENERIC = words(
    "land landes bund ministerium ministeriums bezirksregierung stadt kreis region "
    "regierung kammer hochschule wirtschaftsförderung zukunftsagentur handwerkskammer "
    "projekt programm aufruf projektaufruf landeshauptstadt regionalmanagement "
    "regionalmanagements metropolregion landesregierung bundesregierung hwk ihk "
)
"""Single words too generic to be names on their own, even when curated as an alias."""

_CHUNK = 200_000
_JOINED_BEFORE = re.compile(r"\w[-|.]$")
_JOINED_AFTER = re.compile(r"[-|.]\w")


def _joined(text: str, begin: int, end: int) -> bool:
    """True when the match is glued to a neighbouring word by "-", "|" or "." (a compound or
    dotted name), not when it is followed by a full stop."""
    return bool(
        _JOINED_BEFORE.search(text[max(0, begin - 2) : begin]) or _JOINED_AFTER.match(text, end)
    )


@dataclass(frozen=True)
class Entry:
    """One registry entity: its key, registry kind, fg: class and every surface form."""

    key: str
    registry_kind: str
    cls: str | None
    label: str
    alts: tuple[str, ...]
    origin: str = "registry"
    """"registry" for entities.yaml / reference data, else the id of the facts file whose
    `entities:` block introduced it (such keys are not visible to other documents' facts)."""

    @property
    def kind(self) -> str:
        if self.registry_kind == "place" and self.cls in ACTING_PLACES:
            return "organisation"
        return REGISTRY_KIND.get(self.registry_kind, "organisation")

    @property
    def org_type(self) -> str | None:
        if self.kind != "organisation":
            return None
        return TYPE_OF_CLASS.get(self.cls or "", "other")

    def forms(self) -> tuple[str, ...]:
        return (self.label, *self.alts)


class Gazetteer:
    """Registry entries and a matcher over their labels."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self.by_key = {e.key: e for e in entries}
        self._matcher: PhraseMatcher | None = None
        self._nlp: Language | None = None

    @classmethod
    def from_data_dir(cls, data_dir: Path, ontology_dir: Path | None = None) -> Gazetteer:
        """Registry of a project's data/ folder (reference files, entities.yaml, the facts files'
        `entities:` blocks); absent files are skipped, broken ones raise InputError naming the
        file. Classes are checked against the ontology in `ontology_dir` (default: the
        project's)."""
        ontology = _ontology(_ontology_dir(data_dir, ontology_dir))
        entries = [entry_of(e) for e in read_registry(data_dir, ontology)]
        for path in sorted((data_dir / "facts").glob("*.yaml")):
            entries += [entry_of(e, path.stem) for e in read_block_entities(path, ontology)]
        return cls(entries)

    def _build(self) -> tuple[Language, PhraseMatcher]:
        """The blank German pipeline and the matcher over every usable form, built on first
        use and kept."""
        if self._nlp is not None and self._matcher is not None:
            return self._nlp, self._matcher
        import spacy
        from spacy.matcher import PhraseMatcher

        nlp = spacy.blank("de")
        matcher = PhraseMatcher(nlp.vocab)
        self._nlp, self._matcher = nlp, matcher
        for entry in self.entries:
            forms = [f for f in entry.forms() if usable_form(f)]
            if forms:
                # what `Tokenizer.pipe` does; `Language.tokenizer` is typed as a plain callable
                matcher.add(entry.key, [nlp.tokenizer(form) for form in forms])
        return nlp, matcher

    def find(self, text: str, priority: int) -> list[Candidate]:
        """Every occurrence of a curated surface form in `text`, as candidates carrying the key."""
        if not self.entries:
            return []
        nlp, matcher = self._build()
        out: list[Candidate] = []
        # Chunks overlap by 200 characters: a match starting in the overlap is reported by the
        # later chunk only, which also sees its end.
        for offset in range(0, len(text), _CHUNK):
            chunk = text[offset : offset + _CHUNK + 200]
            doc = nlp.make_doc(chunk)
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                if offset and span.start_char == 0 and text[offset - 1].isalnum():
                    continue  # the rest of a word the chunk boundary cut: "B|RWTH" is no "RWTH"
                if span.start_char >= _CHUNK and offset + _CHUNK < len(text):
                    continue  # the next chunk reports it
                entry = self.by_key[nlp.vocab.strings[match_id]]
                begin = offset + span.start_char
                end = begin + len(span.text)
                if _joined(text, begin, end):
                    continue  # part of a compound: "NRW-Wirtschaftsministerium", "Köln-Deutz"
                found = Span(begin, end, span.text)
                rank = priority - 26 if entry.kind == "region" else priority
                out.append(
                    Candidate(
                        entry.kind, span.text, found, rank, entry.org_type, registry_key=entry.key
                    )
                )
        return out


def usable_form(form: str) -> bool:
    """A surface form worth matching: three characters or more, not a generic single word."""
    form = form.strip()
    return len(form) >= 3 and not (" " not in form and form.casefold() in _GENERIC)


def entry_of(entity: Entity, origin: str = "registry") -> Entry:
    """The gazetteer entry of one registry entity."""
    cls = str(entity.cls)
    return Entry(
        entity.key,
        entity.kind,
        cls.removeprefix(str(FG)),
        entity.label,
        entity.alt,
        origin,
    )


def _ontology_dir(data_dir: Path, ontology_dir: Path | None) -> Path:
    if ontology_dir is not None:
        return ontology_dir
    beside = data_dir.parent / "ontology"
    if beside.is_dir():
        return beside
    from foerdergraph.core.config import load_settings

    return load_settings().ontology_dir


@lru_cache(maxsize=4)
def _ontology(ontology_dir: Path) -> OntologyIndex:
    return OntologyIndex(load_ontology(ontology_dir))

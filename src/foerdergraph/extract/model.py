"""The extractor's in-memory result: entities with mentions, relations with evidence.

Kinds follow the extraction contract (../shared/README.md): organisation, person, programme,
project, fund (a funding source such as EFRE) and region. Offsets are code points into the text
the reader produced (NFC, "\\n" line ends), end exclusive, like fg:start / fg:end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

KINDS = ("organisation", "person", "programme", "project", "fund", "region")

PREDICATES = frozenset(
    {
        "funds",
        "issues_programme",
        "leads",
        "partners_in",
        "sponsors_project_admin",
        "approves",
        "supports",
        "subcontractor_of",
        "member_of",
        "located_in",
        "part_of",
        "hosts",
    }
)
"""The interchange predicates of the extraction contract."""

ORG_TYPES = frozenset(
    {
        "ministry",
        "state_government",
        "district_government",
        "project_sponsor",
        "chamber_of_commerce",
        "chamber_of_crafts",
        "economic_development_agency",
        "municipality",
        "district",
        "region",
        "university",
        "research_institute",
        "company",
        "bank",
        "eu_body",
        "association",
        "other",
    }
)


@dataclass(frozen=True)
class Span:
    """A stretch of the document: offsets plus the exact text between them."""

    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "text": self.text}


PRIORITY = {
    "quoted": 50,
    "registry": 48,
    "ministry": 46,
    "fund": 45,
    "org": 40,
    "law": 35,
    "dotted": 30,
    "headed": 25,
    "region": 20,
    "person": 10,
    "coref": 5,
}
"""Rank of each recogniser when candidates overlap: higher wins, then longer."""


def trimmed_span(text: str, start: int, end: int) -> Span:
    """The span of text[start:end] without trailing spaces and commas."""
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return Span(start, end, text[start:end])


@dataclass
class Candidate:
    """One recognised mention before grouping into entities.

    `name` is the canonical form (head de-inflected, quotes removed); `span` what the text says.
    `priority` decides overlaps: higher wins, then longer. `alias_of` marks a coreferent short
    form ("die Zukunftsagentur", "das Land") to be attached to a full mention of the same head.
    """

    kind: str
    name: str
    span: Span
    priority: int = 0
    type: str | None = None
    subkind: str | None = None
    alias_of: str | None = None
    post: str | None = None
    post_org: str | None = None
    registry_key: str | None = None


@dataclass
class ExtractedEntity:
    """A thing the document names, with every place it is named."""

    kind: str
    name: str
    mentions: list[Span] = field(default_factory=list)
    type: str | None = None
    subkind: str | None = None
    aliases: list[str] = field(default_factory=list)
    post: str | None = None
    organisation: ExtractedEntity | None = None
    registry_key: str | None = None
    key: str | None = None
    iri: str | None = None
    confidence: float = 0.8

    @property
    def first(self) -> int:
        return min((m.start for m in self.mentions), default=0)

    def surface_forms(self) -> list[str]:
        seen: dict[str, None] = {}
        for mention in sorted(self.mentions, key=lambda m: m.start):
            seen.setdefault(mention.text, None)
        return list(seen)


@dataclass
class Relation:
    """subject --predicate--> object, stated by the evidence span, found by rule `cue`."""

    subject: ExtractedEntity
    predicate: str
    object: ExtractedEntity
    evidence: Span
    cue: str
    confidence: float = 0.7
    amount: Decimal | None = None
    role: str | None = None


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: str
    text: str
    entities: list[ExtractedEntity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    clutter: list[Span] = field(default_factory=list)
    dates: list = field(default_factory=list)  # datefacts.DateFact

    def of_kind(self, kind: str) -> list[ExtractedEntity]:
        return [e for e in self.entities if e.kind == kind]

"""Every grant and participation of a release in memory, read once per release, so that each
summary page is a few dictionary look-ups rather than queries over thousands of grants.

The grants come from the canned query `grants` (queries/grants.rq), which gives each grant its
one most specific programme: a page that sums the grants of a programme and of everything below
it, or of an actor and its sub-units, counts each grant once because it collects grant IRIs in a
set, and never has to re-derive which programme a grant belongs to. `grant-facts.rq` adds each
grant's recipients, year and the graphs that state it; `participations.rq` every participation;
`part-of.rq` and `programmes.rq` what lies below each programme.
Reading both takes about a second and a half on the real project, done in the background when
the server starts (`warm`) and again after a new build.

Each fact keeps the named graphs that state it (`graphs`), so a page can tell, say, a curated
fact from a machine-extracted draft.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from foerdergraph.query.canned import CannedQuery, parse_canned
from foerdergraph.query.engine import as_rows, run_query
from foerdergraph.remote.remote_store import QuadSource

GRANTS_QUERY = "grants"
"""The canned query that gives each grant its most specific programme."""


def package_query(name: str) -> CannedQuery:
    """One of the `.rq` files beside this module (queries only the pages run; the canned
    queries researchers run are in queries/)."""
    return parse_canned(Path(__file__).with_name(name))


def records(
    store: QuadSource, query: CannedQuery, values: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """The rows of a SELECT as dictionaries (unbound: ""), the values bound as parameters."""
    # run_query is typed for pyoxigraph's Store; the drafts switch's view of it
    # (serve/drafts.WithoutGraphs) answers the same call over the dataset without the drafts
    result = run_query(store, query.text, query.substitutions(values or {}))  # type: ignore[arg-type]
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"{query.name} must be a SELECT query")
    columns, rows = as_rows(result)
    return [dict(zip(columns, row, strict=True)) for row in rows]


@dataclass(frozen=True)
class Grant:
    """One grant: amount, project, its most specific programme ("" for none), recipients and
    year (None when the data gives none)."""

    iri: str
    amount: Decimal
    currency: str
    project: str
    programme: str
    recipients: tuple[str, ...]
    year: int | None
    graphs: frozenset[str]


@dataclass(frozen=True)
class Participation:
    """One actor taking part in one undertaking in one role."""

    iri: str
    actor: str
    role: str
    undertaking: str
    graphs: frozenset[str]


@dataclass
class FundingIndex:
    """The grants and participations of one release, with the look-ups pages need."""

    grants: dict[str, Grant] = field(default_factory=dict)
    participations: dict[str, Participation] = field(default_factory=dict)
    by_recipient: dict[str, list[Grant]] = field(default_factory=lambda: defaultdict(list))
    by_programme: dict[str, list[Grant]] = field(default_factory=lambda: defaultdict(list))
    by_project: dict[str, list[Grant]] = field(default_factory=lambda: defaultdict(list))
    by_actor: dict[str, list[Participation]] = field(default_factory=lambda: defaultdict(list))
    by_undertaking: dict[str, list[Participation]] = field(
        default_factory=lambda: defaultdict(list)
    )

    parts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Undertaking → everything fg:partOf it, at any depth."""
    programmes: set[str] = field(default_factory=set)
    """Every programme, call and initiative."""

    def below(self, iri: str) -> set[str]:
        """`iri` and every undertaking part of it."""
        return {iri, *self.parts.get(iri, ())}

    def is_undertaking(self, iri: str) -> bool:
        """Whether `iri` is a programme, a project with grants, or anything taken part in."""
        return (
            iri in self.programmes
            or iri in self.by_undertaking
            or iri in self.by_project
            or iri in self.parts
        )

    def add_grant(self, grant: Grant) -> None:
        self.grants[grant.iri] = grant
        for recipient in grant.recipients:
            self.by_recipient[recipient].append(grant)
        self.by_programme[grant.programme].append(grant)
        self.by_project[grant.project].append(grant)

    def add_participation(self, item: Participation) -> None:
        self.participations[item.iri] = item
        self.by_actor[item.actor].append(item)
        self.by_undertaking[item.undertaking].append(item)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def read_index(store: QuadSource, grants_query: CannedQuery) -> FundingIndex:
    """Run the three queries and fold their rows by grant and participation IRI."""
    recipients: dict[str, set[str]] = defaultdict(set)
    years: dict[str, int] = {}
    graphs: dict[str, set[str]] = defaultdict(set)
    for row in records(store, package_query("grant-facts.rq")):
        grant = row["grant"]
        graphs[grant].add(row["graph"])
        if row["recipient"]:
            recipients[grant].add(row["recipient"])
        if row["year"]:
            years[grant] = int(row["year"])
    index = FundingIndex()
    for row in records(store, grants_query):
        grant = row["grant"]
        amount = _decimal(row["amount"])
        if amount is None or grant in index.grants:
            continue
        index.add_grant(
            Grant(
                iri=grant,
                amount=amount,
                currency=row["currency"],
                project=row["project"],
                programme=row["programme"],
                recipients=tuple(sorted(recipients[grant])),
                year=years.get(grant),
                graphs=frozenset(graphs[grant]),
            )
        )
    first: dict[str, dict[str, str]] = {}
    stated_in: dict[str, set[str]] = defaultdict(set)
    for row in records(store, package_query("participations.rq")):
        first.setdefault(row["participation"], row)
        stated_in[row["participation"]].add(row["graph"])
    for iri, row in first.items():
        index.add_participation(
            Participation(
                iri=iri,
                actor=row["actor"],
                role=row["role"],
                undertaking=row["undertaking"],
                graphs=frozenset(stated_in[iri]),
            )
        )
    for row in records(store, package_query("part-of.rq")):
        index.parts[row["whole"]].add(row["part"])
    index.programmes = {row["programme"] for row in records(store, package_query("programmes.rq"))}
    return index


class IndexCache:
    """The indexes of the release last asked for (one per view of it: with the draft graphs
    and without them); made on first use, one at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[tuple[Path, str, str], FundingIndex] = {}

    def get(
        self, key: tuple[Path, str, str], store: QuadSource, grants_query: CannedQuery
    ) -> FundingIndex:
        """The index of release `key[:2]` as `store` shows it (`key[2]`: which view)."""
        with self._lock:
            if key not in self._indexes:
                self._indexes = {k: v for k, v in self._indexes.items() if k[:2] == key[:2]}
                self._indexes[key] = read_index(store, grants_query)
            return self._indexes[key]


INDEXES = IndexCache()
"""One per process: every app of the process reads the same release folders, and the summary
pages and the partner networks share it."""

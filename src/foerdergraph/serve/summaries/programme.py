"""The page of a programme (a fund's operational programme, a competition, a call, an
initiative) or of a fund: what it belongs to, its sub-programmes, the actors taking part by role,
its grants with totals by year and by most specific programme, and a timeline of grants per year.

A fund (fg:Fund, the top of the levels fund → operational programme → competition or call →
project) counts the grants of the programmes it finances (fg:fundingSource) and of everything
below them; those programmes are its sub-programmes.

A programme's grants are those whose most specific programme (canned query `grants`) is the
programme itself or anything fg:partOf it; as each grant has exactly one, the totals of the
sub-programmes add up to the programme's total. fg:partOf is transitive and the build stores its
closure, which the release's index holds in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from foerdergraph.core.namespaces import FG, SCHEMA
from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve.summaries import parts
from foerdergraph.serve.summaries.funding import FundingIndex, Grant
from foerdergraph.serve.summaries.language import Labeller
from foerdergraph.serve.summaries.parts import GrantTable, Header, Link

PART_OF = FG + "partOf"
FUND = FG + "Fund"
PROGRAMME_CLASSES = (FG + "FundingProgramme", FG + "FundingCall", FG + "Initiative", FUND)
FUNDING_SOURCE = FG + "fundingSource"
PERIOD = (SCHEMA + "startDate", FG + "launchDate", SCHEMA + "endDate", FG + "deadline")
TOP_ACTORS = 25


@dataclass(frozen=True)
class RoleCount:
    role: Link
    actors: int
    participations: int


@dataclass(frozen=True)
class ActorTotal:
    actor: Link
    grants: int
    amount: Decimal


@dataclass
class ProgrammeSummary:
    header: Header
    funds: list[Link]
    period: list[str]
    sub_programmes: list[Link]
    roles: list[RoleCount]
    top_actors: list[ActorTotal]
    grants: GrantTable
    incoming: list[parts.IncomingGroup]
    mentions: list[parts.Mention]


def direct_sub_programmes(index: FundingIndex, iri: str) -> list[str]:
    """The programmes and calls right below `iri`: no other one lies between."""
    return _outermost(index, (index.below(iri) - {iri}) & index.programmes)


def _outermost(index: FundingIndex, programmes: set[str]) -> list[str]:
    return [p for p in programmes if not any(p in index.parts.get(q, ()) for q in programmes)]


def financed(store: QuadSource, index: FundingIndex, iri: str) -> set[str]:
    """The programmes a fund finances (none for anything but a fund)."""
    if not parts.has_type(store, iri, FUND):
        return set()
    return set(parts.subjects(store, FUNDING_SOURCE, iri)) & index.programmes


def scope(store: QuadSource, index: FundingIndex, iri: str) -> tuple[set[str], list[str]]:
    """What the page of `iri` counts, and its sub-programmes: a programme and everything below
    it; a fund, the programmes it finances and everything below them."""
    funded = financed(store, index, iri)
    if not funded:
        return index.below(iri), direct_sub_programmes(index, iri)
    inside = {iri}.union(*(index.below(p) for p in funded))
    return inside, _outermost(index, funded)


def summary(
    store: QuadSource,
    index: FundingIndex,
    iri: str,
    titles: parts.Titler,
    params: Mapping[str, str],
) -> ProgrammeSummary:
    labels = titles.labels
    head = parts.header(store, iri, labels)
    head.parents = parts.links(parts.objects(store, iri, PART_OF), labels)
    inside, below = scope(store, index, iri)
    grants = [g for u in inside for g in index.by_programme.get(u, ())]
    taking_part = [p for u in inside for p in index.by_undertaking.get(u, ())]
    actors_by_role: dict[str, set[str]] = defaultdict(set)
    count_by_role: dict[str, int] = defaultdict(int)
    for item in taking_part:
        actors_by_role[item.role].add(item.actor)
        count_by_role[item.role] += 1
    roles = sorted(
        (
            RoleCount(Link(r, labels(r)), len(actors), count_by_role[r])
            for r, actors in actors_by_role.items()
        ),
        key=lambda rc: (-rc.actors, rc.role.label),
    )
    return ProgrammeSummary(
        header=head,
        funds=parts.links(parts.objects(store, iri, FUNDING_SOURCE), labels),
        period=[v for p in PERIOD for v in parts.literals(store, iri, ox.NamedNode(p))],
        sub_programmes=parts.links(below, labels),
        roles=roles,
        top_actors=top_recipients(grants, labels),
        grants=parts.grant_table(
            store, grants, titles, parts.first_page(params, "grants"), titles.words["no_programme"]
        ),
        incoming=parts.incoming(
            store, iri, titles, params.get("in"), parts.first_page(params, "in_page")
        ),
        mentions=parts.mentions(store, iri, labels),
    )


def top_recipients(grants: list[Grant], labels: Labeller) -> list[ActorTotal]:
    """The recipients with the largest sums (a grant counts in full for each recipient)."""
    count: dict[str, int] = defaultdict(int)
    amount: dict[str, Decimal] = defaultdict(Decimal)
    for grant in {g.iri: g for g in grants}.values():
        for recipient in grant.recipients:
            count[recipient] += 1
            amount[recipient] += grant.amount
    best = sorted(amount, key=lambda a: (-amount[a], a))[:TOP_ACTORS]
    return [ActorTotal(Link(a, labels(a)), count[a], amount[a]) for a in best]

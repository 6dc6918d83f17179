"""The page of a place (fg:Place: a Land, Regierungsbezirk, Kreis, municipality or region):
the places within it, the organisations seated there, and who is funded there, by programme and
by year.

"Funded there" means the grants to organisations located in the place or in a place within it
(fg:locatedIn, then fg:withinArea at any depth, as the network query's region filter reads it)
and the grants for projects located there; a grant that is both counts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from foerdergraph.core.namespaces import FG
from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve.summaries import parts
from foerdergraph.serve.summaries.funding import FundingIndex
from foerdergraph.serve.summaries.parts import GrantTable, Header, Link

WITHIN = FG + "withinArea"
LOCATED_IN = FG + "locatedIn"
ORGANISATION = FG + "Organisation"
TOP_ORGANISATIONS = 25


@dataclass(frozen=True)
class FundedHere:
    """An organisation located in the place with the grants it received (each once)."""

    actor: Link
    grants: int
    amount: Decimal


@dataclass
class PlaceSummary:
    header: Header
    places_within: list[Link]
    organisations: int
    funded: list[FundedHere]
    grants: GrantTable
    incoming: list[parts.IncomingGroup]
    mentions: list[parts.Mention]


def area(store: QuadSource, iri: str) -> set[str]:
    """The place and every place within it, at any depth."""
    found = {iri}
    pending = [iri]
    while pending:
        for place in parts.subjects(store, WITHIN, pending.pop()):
            if place not in found:
                found.add(place)
                pending.append(place)
    return found


def summary(
    store: QuadSource,
    index: FundingIndex,
    iri: str,
    titles: parts.Titler,
    params: Mapping[str, str],
) -> PlaceSummary:
    labels = titles.labels
    head = parts.header(store, iri, labels)
    head.parents = parts.links(parts.objects(store, iri, WITHIN), labels)
    places = area(store, iri)
    located = {thing for place in places for thing in parts.subjects(store, LOCATED_IN, place)}
    grants = {
        g.iri: g
        for thing in located
        for g in (*index.by_recipient.get(thing, ()), *index.by_project.get(thing, ()))
    }
    per_actor: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for grant in grants.values():
        for recipient in grant.recipients:
            if recipient in located:
                per_actor[recipient][grant.iri] = grant.amount
    best = sorted(per_actor, key=lambda a: (-sum(per_actor[a].values()), a))
    return PlaceSummary(
        header=head,
        places_within=parts.links(parts.subjects(store, WITHIN, iri), labels),
        organisations=sum(1 for a in located if parts.has_type(store, a, ORGANISATION)),
        funded=[
            FundedHere(
                Link(a, labels(a)), len(per_actor[a]), sum(per_actor[a].values(), Decimal(0))
            )
            for a in best[:TOP_ORGANISATIONS]
        ],
        grants=parts.grant_table(
            store,
            grants.values(),
            titles,
            parts.first_page(params, "grants"),
            titles.words["no_programme"],
        ),
        incoming=parts.incoming(
            store, iri, titles, params.get("in"), parts.first_page(params, "in_page")
        ),
        mentions=parts.mentions(store, iri, labels),
    )

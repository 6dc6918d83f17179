"""Partner networks for entity pages: the actors around an organisation or in a programme,
joined when they take part in the same undertaking, weighted by the number they share.

The network is the co-participation network of `foerdergraph network` (`network.build`), made
from the release's participations in memory instead of the network query, and limited to the
actors a page can draw: for an organisation, itself and the partners it shares most
undertakings with; for a programme, the actors taking part in most of its undertakings. Only
participations in the organisation's (or the programme's) undertakings count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import networkx as nx

from foerdergraph.network.build import co_participation
from foerdergraph.network.rows import read_participations
from foerdergraph.serve.summaries.funding import FundingIndex, Participation
from foerdergraph.serve.summaries.language import Labeller

LIMIT = 40
"""Actors drawn at most: beyond some dozens a force layout is a hairball."""


def _network(
    items: Iterable[Participation], actors: set[str], index: FundingIndex, labels: Labeller
) -> nx.Graph:
    """The co-participation network of `actors` over `items`, their grants attached."""
    rows = []
    for item in items:
        if item.actor not in actors:
            continue
        base = {
            "actor": item.actor,
            "actorLabel": labels(item.actor),
            "undertaking": item.undertaking,
            "undertakingLabel": labels(item.undertaking),
            "participationRole": item.role,
        }
        rows.append(base)
        for grant in index.by_project.get(item.undertaking, ()):
            if item.actor in grant.recipients:
                rows.append({**base, "grant": grant.iri, "amount": str(grant.amount)})
    return co_participation(read_participations(rows), "projects")


def organisation_network(index: FundingIndex, iri: str, labels: Labeller) -> nx.Graph:
    """`iri` and the LIMIT - 1 actors sharing most of its undertakings."""
    undertakings = {p.undertaking for p in index.by_actor.get(iri, ())}
    items = [p for u in sorted(undertakings) for p in index.by_undertaking.get(u, ())]
    shared = Counter(
        actor for actor, _ in {(p.actor, p.undertaking) for p in items if p.actor != iri}
    )
    chosen = {a for a, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[: LIMIT - 1]}
    return _network(items, chosen | {iri}, index, labels)


def programme_network(index: FundingIndex, inside: set[str], labels: Labeller) -> nx.Graph:
    """The LIMIT actors taking part in most of the undertakings `inside` a programme."""
    items = [p for u in sorted(inside) for p in index.by_undertaking.get(u, ())]
    reach = Counter(actor for actor, _ in {(p.actor, p.undertaking) for p in items})
    chosen = {a for a, _ in sorted(reach.items(), key=lambda kv: (-kv[1], kv[0]))[:LIMIT]}
    return _network(items, chosen, index, labels)

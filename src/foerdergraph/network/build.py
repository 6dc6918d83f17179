"""The networks researchers study, built from participations with networkx.

- `co-participation`: actors, joined when they take part in the same thing; the weight counts
  the shared projects (undertakings: projects, and calls or programmes an actor takes part in
  directly) or the shared units (programmes or calls, the level the query was asked for), each
  once however many roles or grants the two have in it.
- `actor-project`: two-mode, actors and the undertakings they take part in; the weight counts
  the actor's roles in it.
- `actor-programme`: two-mode, actors and units; the weight counts the actor's undertakings in
  the unit.

Every node has `label`, `type`, `mode` (actor, project, programme); actors also `regierungsbezirk`
(when known), `total_grants` (sum of their grants, each once) and `programmes` (number of
units). Every edge has `weight`, `shared_programmes` (unit labels joined by " | ") and, when the
data dates it, `first_year` and `last_year`. Attributes that are unknown are left out rather than
written empty, so every format can carry them (GraphML has no null).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from foerdergraph.network.rows import Participation, Participations

KINDS = ("co-participation", "actor-project", "actor-programme")
WEIGHTS = ("projects", "programmes")
SEPARATOR = " | "


@dataclass
class _Tie:
    """What two nodes share: the counted keys, the units and the years."""

    shared: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)


def _actor_nodes(graph: nx.Graph, found: Participations) -> None:
    for actor in found.actors.values():
        attrs: dict[str, object] = {
            "label": actor.label,
            "type": actor.type or "Agent",
            "mode": "actor",
            "total_grants": actor.total_grants,
            "programmes": len(found.units_of(actor.iri)),
        }
        if actor.district:
            attrs["regierungsbezirk"] = actor.district
        graph.add_node(actor.iri, **attrs)


def _add_edges(graph: nx.Graph, ties: dict[tuple[str, str], _Tie], labels: dict[str, str]) -> None:
    for (a, b), tie in ties.items():
        attrs: dict[str, object] = {
            "weight": len(tie.shared),
            "shared_programmes": SEPARATOR.join(sorted(labels[u] for u in tie.units)),
        }
        if tie.years:
            attrs["first_year"], attrs["last_year"] = min(tie.years), max(tie.years)
        graph.add_edge(a, b, **attrs)


def _unit_labels(items: Iterable[Participation]) -> dict[str, str]:
    return {p.unit: p.unit_label for p in items if p.unit}


def co_participation(found: Participations, weight: str = "projects") -> nx.Graph:
    """Actor–actor: one edge per pair sharing an undertaking (or a unit, `weight="programmes"`)."""
    if weight not in WEIGHTS:
        raise ValueError(f"weight {weight!r}: choose one of {', '.join(WEIGHTS)}")
    by_key: dict[str, list[Participation]] = defaultdict(list)
    for item in found.items.values():
        key = item.undertaking if weight == "projects" else item.unit
        if key:
            by_key[key].append(item)
    ties: dict[tuple[str, str], _Tie] = defaultdict(_Tie)
    for key, items in by_key.items():
        actors = sorted({p.actor for p in items})
        units = {p.unit for p in items if p.unit}
        for a, b in combinations(actors, 2):
            tie = ties[(a, b)]
            tie.shared.add(key)
            tie.units |= units
            tie.years.update(y for p in items if p.actor in (a, b) for y in p.years)
    graph = nx.Graph(kind="co-participation", weight_counts=f"shared {weight}")
    _actor_nodes(graph, found)
    _add_edges(graph, ties, _unit_labels(found.items.values()))
    return graph


def two_mode(found: Participations, other: str) -> nx.Graph:
    """Actor–project (`other="project"`) or actor–programme (`other="programme"`), bipartite:
    the networkx attribute `bipartite` is 0 for actors and 1 for the other side."""
    ties: dict[tuple[str, str], _Tie] = defaultdict(_Tie)
    labels: dict[str, str] = {}
    for item in found.items.values():
        if other == "project":
            target, label, counted = item.undertaking, item.undertaking_label, item.role
        elif item.unit:
            target, label, counted = item.unit, item.unit_label, item.undertaking
        else:
            continue
        labels[target] = label
        tie = ties[(item.actor, target)]
        tie.shared.add(counted)
        tie.units |= {item.unit} if item.unit else set()
        tie.years |= item.years
    graph = nx.Graph(kind=f"actor-{other}", weight_counts="roles" if other == "project" else other)
    _actor_nodes(graph, found)
    nx.set_node_attributes(graph, 0, "bipartite")
    for target, label in labels.items():
        graph.add_node(target, label=label, type=other, mode=other, bipartite=1)
    _add_edges(graph, ties, _unit_labels(found.items.values()))
    return graph


def build_network(found: Participations, kind: str, weight: str = "projects") -> nx.Graph:
    """The network of `kind` (one of KINDS)."""
    if kind == "co-participation":
        return co_participation(found, weight)
    if kind in ("actor-project", "actor-programme"):
        return two_mode(found, kind.removeprefix("actor-"))
    raise ValueError(f"kind {kind!r}: choose one of {', '.join(KINDS)}")

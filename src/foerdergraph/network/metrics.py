"""Centrality and communities per actor of a co-participation network, as a table.

Degree counts partners, weighted degree the sum of the edge weights (shared projects or units).
Betweenness is unweighted (a weight here is a strength, not a distance) and normalised; on more
than EXACT_BETWEENNESS_NODES nodes it is estimated from BETWEENNESS_SAMPLE pivots with a fixed
seed, which bounds its cost to O(sample * edges). Eigenvector centrality is weighted, by power
iteration of at most EIGENVECTOR_ITERATIONS steps; when that does not converge the column is
left empty rather than wrong. Communities are Louvain's (weighted, fixed seed, so every run
gives the same numbering), numbered from 0 by decreasing size.
"""

from __future__ import annotations

import csv
import io
import json

import networkx as nx

SEED = 15
EXACT_BETWEENNESS_NODES = 1000
BETWEENNESS_SAMPLE = 200
EIGENVECTOR_ITERATIONS = 1000
COLUMNS = (
    "actor",
    "label",
    "degree",
    "weighted_degree",
    "betweenness",
    "eigenvector",
    "community",
)
METRIC_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "json": "application/json",
}

Record = dict[str, object]


def _betweenness(graph: nx.Graph) -> dict[str, float]:
    if graph.number_of_nodes() <= EXACT_BETWEENNESS_NODES:
        return nx.betweenness_centrality(graph, normalized=True)
    return nx.betweenness_centrality(graph, k=BETWEENNESS_SAMPLE, normalized=True, seed=SEED)


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    if graph.number_of_edges() == 0:
        return {}
    try:
        return nx.eigenvector_centrality(graph, max_iter=EIGENVECTOR_ITERATIONS, weight="weight")
    except nx.PowerIterationFailedConvergence:
        return {}


def _communities(graph: nx.Graph) -> dict[str, int]:
    found = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    return {node: number for number, members in enumerate(ordered) for node in members}


def actor_metrics(graph: nx.Graph) -> list[Record]:
    """One record per actor node (COLUMNS), most central (weighted degree) first."""
    actors = [n for n, mode in graph.nodes(data="mode") if mode == "actor"]
    betweenness, eigenvector = _betweenness(graph), _eigenvector(graph)
    community = _communities(graph)
    weighted = dict(graph.degree(weight="weight"))
    records: list[Record] = [
        {
            "actor": node,
            "label": graph.nodes[node].get("label", ""),
            "degree": graph.degree(node),
            "weighted_degree": weighted[node],
            "betweenness": round(betweenness[node], 6),
            "eigenvector": round(eigenvector[node], 6) if node in eigenvector else None,
            "community": community[node],
        }
        for node in actors
    ]
    records.sort(key=lambda r: (-int(str(r["weighted_degree"])), str(r["label"])))
    return records


def write_metrics(records: list[Record], fmt: str) -> bytes:
    """The table as CSV, TSV or JSON (a list of objects; an empty cell is null)."""
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    if fmt not in METRIC_FORMATS:
        raise ValueError(f"format {fmt!r}: choose one of {', '.join(METRIC_FORMATS)}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([["" if r[c] is None else r[c] for c in COLUMNS] for r in records])
    return out.getvalue().encode("utf-8")

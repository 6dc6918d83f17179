"""Writing a network in the formats network tools read: GraphML, GEXF, Pajek, CSV, JSON.

- GraphML (Gephi, igraph, networkx, yEd, Cytoscape) and GEXF (Gephi) keep every node and edge
  attribute with its type.
- Pajek (.net; Pajek, igraph, statnet via network) keeps node names (the IRIs) and edge weights
  only: the format has no named attributes.
- CSV is one zip with `nodes.csv` (id and every node attribute) and `edges.csv` (source, target
  and every edge attribute): one file, whether written to standard output, to `-o FILE` or over
  HTTP, so the two lists cannot be separated from each other.
- JSON is networkx's node-link form (`nodes`, `edges`), what D3 and `node_link_graph` read.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class NetworkFormat:
    name: str
    media_type: str
    extension: str
    write: Callable[[nx.Graph], bytes]


def _graphml(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def _gexf(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def _pajek(graph: nx.Graph) -> bytes:
    """Pajek with the edge weights only: `write_pajek` would also write every other attribute
    as a `key value` pair, which Pajek's and igraph's readers take for vertex shapes."""
    plain = nx.Graph()
    plain.add_nodes_from(graph.nodes)
    plain.add_weighted_edges_from((a, b, d["weight"]) for a, b, d in graph.edges(data=True))
    buffer = io.BytesIO()
    nx.write_pajek(plain, buffer, encoding="utf-8")
    return buffer.getvalue()


def _csv_text(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _columns(records: list[dict[str, object]]) -> list[str]:
    return sorted({key for record in records for key in record})


def _csv_zip(graph: nx.Graph) -> bytes:
    node_attrs = [dict(d) for _, d in graph.nodes(data=True)]
    node_cols = _columns(node_attrs)
    nodes = [[n, *(d.get(c, "") for c in node_cols)] for n, d in graph.nodes(data=True)]
    edge_attrs = [dict(d) for _, _, d in graph.edges(data=True)]
    edge_cols = _columns(edge_attrs)
    edges = [[a, b, *(d.get(c, "") for c in edge_cols)] for a, b, d in graph.edges(data=True)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", _csv_text(["id", *node_cols], nodes))
        archive.writestr("edges.csv", _csv_text(["source", "target", *edge_cols], edges))
    return buffer.getvalue()


def _json(graph: nx.Graph) -> bytes:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS: dict[str, NetworkFormat] = {
    f.name: f
    for f in (
        NetworkFormat("graphml", "application/graphml+xml", "graphml", _graphml),
        NetworkFormat("gexf", "application/gexf+xml", "gexf", _gexf),
        NetworkFormat("pajek", "text/x-pajek", "net", _pajek),
        NetworkFormat("csv", "application/zip", "zip", _csv_zip),
        NetworkFormat("json", "application/json", "json", _json),
    )
}

"""Networks, metrics and formats on small participations whose values are worked out by hand."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import pytest

from foerdergraph.network.build import build_network
from foerdergraph.network.export import NetworkOptionError, NetworkRequest, network_file
from foerdergraph.network.formats import FORMATS
from foerdergraph.network.metrics import actor_metrics
from foerdergraph.network.rows import read_participations

EX = "https://example.org/"


def row(
    actor: str, project: str, unit: str, year: int, role: str = "partner", **extra: str
) -> dict[str, str]:
    return {
        "actor": EX + actor,
        "actorLabel": f"Akteur {actor.upper()}",
        "actorType": "https://w3id.org/foerdergraph/ontology#University",
        "districtLabel": "Regierungsbezirk Köln" if actor == "a" else "",
        "undertaking": EX + project,
        "undertakingLabel": f"Projekt {project}",
        "participationRole": EX + role,
        "unit": EX + unit,
        "unitLabel": f"Programm {unit.upper()}",
        "year": str(year),
        **extra,
    }


# A leads and partners p1 (unit P), B is in p1 and p2 (P), C in p2 and p3 (Q), A in p3.
# The grant g1 comes twice (the query repeats a row per label), and must count once.
ROWS = [
    row("a", "p1", "p", 2015, "lead", grant=EX + "g1", amount="100.50"),
    row("a", "p1", "p", 2015, "lead", grant=EX + "g1", amount="100.50"),
    row("a", "p1", "p", 2015, "partner"),
    row("b", "p1", "p", 2016),
    row("b", "p2", "p", 2017),
    row("c", "p2", "p", 2018),
    row("c", "p3", "q", 2019),
    row("a", "p3", "q", 2020),
]


def test_co_participation_by_projects_counts_each_shared_project_once() -> None:
    graph = build_network(read_participations(ROWS), "co-participation", "projects")
    # A-B share p1 (A's two roles count once), B-C share p2, A-C share p3: a triangle of 1s
    assert {frozenset(e) for e in graph.edges} == {
        frozenset({EX + "a", EX + "b"}),
        frozenset({EX + "b", EX + "c"}),
        frozenset({EX + "a", EX + "c"}),
    }
    ab = graph.edges[EX + "a", EX + "b"]
    # years of A and B in p1: 2015 and 2016
    assert (ab["weight"], ab["first_year"], ab["last_year"]) == (1, 2015, 2016)
    assert ab["shared_programmes"] == "Programm P"
    a = graph.nodes[EX + "a"]
    # g1 once: 100.50; units P and Q: 2; B only P: 1
    assert (a["total_grants"], a["programmes"], a["type"]) == (100.5, 2, "University")
    assert a["regierungsbezirk"] == "Regierungsbezirk Köln"
    assert graph.nodes[EX + "b"]["programmes"] == 1


def test_co_participation_by_programmes_counts_shared_units() -> None:
    graph = build_network(read_participations(ROWS), "co-participation", "programmes")
    # P holds A, B, C: each pair +1; Q holds A and C: A-C +1 -> A-C 2, A-B 1, B-C 1
    weights = {frozenset((x, y)): d["weight"] for x, y, d in graph.edges(data=True)}
    assert weights[frozenset({EX + "a", EX + "c"})] == 2
    assert weights[frozenset({EX + "a", EX + "b"})] == 1
    assert weights[frozenset({EX + "b", EX + "c"})] == 1
    assert graph.edges[EX + "a", EX + "c"]["shared_programmes"] == "Programm P | Programm Q"
    # weighted degree: A 1+2 = 3, B 1+1 = 2, C 2+1 = 3
    assert dict(graph.degree(weight="weight")) == {EX + "a": 3, EX + "b": 2, EX + "c": 3}


def test_two_mode_networks() -> None:
    found = read_participations(ROWS)
    projects = build_network(found, "actor-project")
    # A has two roles in p1: weight 2; 3 actors + 3 projects; A-p1, A-p3, B-p1, B-p2, C-p2, C-p3
    assert projects.number_of_nodes() == 6 and projects.number_of_edges() == 6
    assert projects.edges[EX + "a", EX + "p1"]["weight"] == 2
    assert projects.nodes[EX + "p1"]["bipartite"] == 1
    programmes = build_network(found, "actor-programme")
    # B has two undertakings in P: weight 2; A-P (p1), A-Q, B-P, C-P, C-Q
    assert programmes.number_of_edges() == 5
    assert programmes.edges[EX + "b", EX + "p"]["weight"] == 2


def test_metrics_of_two_triangles_joined_by_a_bridge() -> None:
    # triangles {a,b,c} and {d,e,f}, one project per edge, bridge c-d
    pairs = ["ab", "ac", "bc", "de", "df", "ef", "cd"]
    rows = [row(x, f"p{p}", "u", 2020) for p in pairs for x in p]
    table = {
        r["actor"]: r
        for r in actor_metrics(build_network(read_participations(rows), "co-participation"))
    }
    c, a = table[EX + "c"], table[EX + "a"]
    assert (c["degree"], c["weighted_degree"]) == (3, 3)
    # c lies on the shortest paths from a and b to d, e, f: 6 of (6-1)(6-2)/2 = 10 pairs
    assert c["betweenness"] == pytest.approx(0.6)
    assert a["betweenness"] == 0.0
    # symmetry: c and d are alike, and more central than a
    assert c["eigenvector"] == pytest.approx(table[EX + "d"]["eigenvector"], abs=1e-4)
    assert c["eigenvector"] > a["eigenvector"]
    # Louvain: each triangle is a community
    assert len({table[EX + x]["community"] for x in "abc"}) == 1
    assert table[EX + "a"]["community"] != table[EX + "f"]["community"]


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    return build_network(read_participations(ROWS), "co-participation", "programmes")


def _weights(g: nx.Graph) -> dict[frozenset[str], float]:
    return {frozenset((str(x), str(y))): float(d["weight"]) for x, y, d in g.edges(data=True)}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_read_back_with_attributes(graph: nx.Graph, fmt: str) -> None:
    data = FORMATS[fmt].write(graph)
    back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(data))
    assert set(back.nodes) == set(graph.nodes)
    assert _weights(back) == _weights(graph)
    a = back.nodes[EX + "a"]
    assert a["label"] == "Akteur A" and a["regierungsbezirk"] == "Regierungsbezirk Köln"
    assert float(a["total_grants"]) == 100.5 and int(a["programmes"]) == 2
    ac = back.edges[EX + "a", EX + "c"]
    assert ac["shared_programmes"] == "Programm P | Programm Q"
    assert (int(ac["first_year"]), int(ac["last_year"])) == (2015, 2020)


def test_pajek_reads_back_names_and_weights(graph: nx.Graph) -> None:
    back = nx.read_pajek(io.BytesIO(FORMATS["pajek"].write(graph)))
    assert set(back.nodes) == set(graph.nodes)
    assert _weights(nx.Graph(back)) == _weights(graph)


def test_csv_zip_and_json_read_back(graph: nx.Graph) -> None:
    with zipfile.ZipFile(io.BytesIO(FORMATS["csv"].write(graph))) as archive:
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode())))
        edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode())))
    assert {n["id"] for n in nodes} == set(graph.nodes)
    assert {n["id"]: n["label"] for n in nodes}[EX + "a"] == "Akteur A"
    assert {frozenset((e["source"], e["target"])): float(e["weight"]) for e in edges} == _weights(
        graph
    )
    data = json.loads(FORMATS["json"].write(graph))
    back = nx.node_link_graph(data, edges="edges")
    assert _weights(back) == _weights(graph)
    assert back.nodes[EX + "b"]["programmes"] == 1


def test_requests_are_checked_and_name_the_option() -> None:
    with pytest.raises(NetworkOptionError, match=r"^kind"):
        NetworkRequest(kind="actor-actor").checked()
    with pytest.raises(NetworkOptionError, match=r"^format"):
        NetworkRequest(format="tsv").checked()
    with pytest.raises(NetworkOptionError, match=r"^level"):
        NetworkRequest(weight="calls", level="programme").checked()
    request = NetworkRequest(weight="calls", filters={"role": "partner"}).checked()
    values = request.query_values()
    assert values["role"] == "https://w3id.org/foerdergraph/role/partner"
    assert values["level"].endswith("#FundingCall")
    data, nodes, edges = network_file(ROWS, NetworkRequest(metrics=True, format="tsv").checked())
    assert (nodes, edges) == (3, 3) and data.decode().startswith("actor\tlabel\tdegree")

"""The server over a real `foerdergraph build` of data/ (into a temporary build folder)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.config import load_settings
from foerdergraph.serve.app import create_app


@pytest.fixture(scope="session")
def real_client(real_build: Path) -> Iterator[TestClient]:
    settings = load_settings().with_(build_dir_override=real_build, query_workers=2)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        yield client


def test_every_canned_query_runs(real_client: TestClient) -> None:
    for query in real_client.get("/api/queries").json():
        if any(p["required"] and p["default"] is None for p in query["parameters"]):
            continue
        response = real_client.get(f"/queries/{query['name']}", params={"format": "json"})
        assert response.status_code == 200, (query["name"], response.text)


def test_entities_documents_and_dumps(real_client: TestClient) -> None:
    rows = real_client.get(
        "/sparql",
        params={
            "query": "PREFIX fg: <https://w3id.org/foerdergraph/ontology#> "
            "PREFIX dcterms: <http://purl.org/dc/terms/> "
            "SELECT ?org ?id WHERE { ?org a fg:Organisation . "
            "?doc a fg:SourceDocument ; dcterms:identifier ?id } LIMIT 1"
        },
    ).json()["results"]["bindings"]
    assert rows
    iri = rows[0]["org"]["value"]
    base = real_client.app.state.release.manifest["base_iri"]
    page = real_client.get("/" + iri[len(base) :], headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<h1>" in page.text
    document = real_client.get(f"/documents/{rows[0]['id']['value']}")
    assert document.status_code == 200 and "<mark" in document.text
    dumps = real_client.get("/dumps/", headers={"Accept": "application/json"}).json()
    assert any(d["file"].endswith(".ttl.gz") for d in dumps)
    assert real_client.get("/dumps/" + dumps[0]["file"]).status_code == 200
    assert real_client.get("/ontology", headers={"Accept": "text/html"}).status_code == 200


def _sparql_number(client: TestClient, query: str) -> float:
    response = client.get("/sparql", params={"query": query, "format": "json"})
    assert response.status_code == 200, response.text
    (row,) = response.json()["results"]["bindings"]
    return float(row["n"]["value"])


def test_browse_lists_agree_with_sparql(real_client: TestClient) -> None:
    """The lists count each entity once and each grant once: the organisations list has as
    many entries as there are organisations, and the programmes' grant sums add up to the
    sum of every grant's amount (a grant counted under two programmes would exceed it)."""
    organisations = _sparql_number(
        real_client, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a fg:Organisation }"
    )
    assert real_client.get("/browse/organisations.json").json()["total"] == organisations
    grants_total = _sparql_number(
        real_client,
        "SELECT (SUM(?a) AS ?n) WHERE { "
        "{ SELECT DISTINCT ?g ?a WHERE { ?g fg:underProgramme ?p ; fg:amount ?a } } }",
    )
    rows = list(csv.DictReader(io.StringIO(real_client.get("/browse/programmes.csv").text)))
    listed = sum(float(r["grant_amount"] or 0) for r in rows)
    assert listed == pytest.approx(grants_total, rel=1e-9)


def test_search_finds_muenster_without_the_umlaut(real_client: TestClient) -> None:
    hits = real_client.get("/api/search", params={"q": "munster", "type": "fg:Place"}).json()
    assert hits[0]["label"] == "Münster" and hits[0]["rank"] == "exact"


def test_entity_page_shows_the_history_as_a_timeline(real_client: TestClient) -> None:
    """The economics ministry's page lists its names with their periods, as `actor-history`
    gives them; an organisation without recorded history has no History section."""
    actor = "https://w3id.org/foerdergraph/id/organisation/wirtschaftsministerium-nrw"
    rows = real_client.get(
        "/queries/actor-history", params={"actor": actor, "format": "json"}
    ).json()["results"]["bindings"]
    names = [r["label"]["value"] for r in rows if r["kind"]["value"] == "name"]
    assert len(names) >= 2
    page = real_client.get(
        "/id/organisation/wirtschaftsministerium-nrw", headers={"Accept": "text/html"}
    ).text
    section = page.split('id="history-h"', 1)[1].split("</section>", 1)[0]
    for name in names:
        assert name.replace("&", "&amp;") in section, name
    assert "2017-06-30" in section
    other = real_client.get("/id/organisation/rwth-aachen", headers={"Accept": "text/html"})
    assert other.status_code == 200 and 'id="history-h"' not in other.text


def test_network_download_reads_back_as_the_json_network(real_client: TestClient) -> None:
    """/network over the real build: the GraphML download names itself and holds the same
    nodes and edges as the JSON one."""
    import networkx as nx

    params = {"kind": "actor-programme", "format": "graphml"}
    graphml = real_client.get("/network", params=params)
    assert graphml.status_code == 200
    assert graphml.headers["content-type"].startswith("application/graphml+xml")
    assert ".graphml" in graphml.headers["content-disposition"]
    read = nx.read_graphml(io.BytesIO(graphml.content))
    assert read.number_of_nodes() > 100
    linked = real_client.get("/network", params={**params, "format": "json"}).json()
    assert {str(n["id"]) for n in linked["nodes"]} == set(read.nodes)
    edges = linked.get("edges", linked.get("links", []))
    assert len(edges) == read.number_of_edges()


def _approved_2010_to_2012(client: TestClient) -> set[str]:
    query = (
        "PREFIX fg: <https://w3id.org/foerdergraph/ontology#> SELECT ?g ?y WHERE "
        "{ ?g fg:approvalYear ?y }"
    )
    found = client.get("/sparql", params={"query": query, "format": "json"}).json()
    return {
        b["g"]["value"]
        for b in found["results"]["bindings"]
        if 2010 <= int(b["y"]["value"][:4]) <= 2012
    }


def test_regional_figures_add_up_to_the_grants_of_the_same_filter(
    real_client: TestClient,
) -> None:
    """The regions of a level plus the grants no region takes are every grant of the filter,
    as the grants query lists them (each once), at both levels and on both bases."""
    listed = real_client.get("/queries/grants", params={"format": "json"}).json()
    amounts = {
        r["grant"]["value"]: float(r["amount"]["value"]) for r in listed["results"]["bindings"]
    }
    years = _approved_2010_to_2012(real_client)
    for params, grants in (
        ({}, set(amounts)),
        ({"basis": "recipient", "from_year": "2010", "to_year": "2012"}, years & set(amounts)),
    ):
        for level in ("regierungsbezirk", "kreis"):
            answer = real_client.get(
                "/browse/funding-by-region.json", params={**params, "level": level}
            ).json()
            every = answer["regions"] + answer["rest"]
            assert sum(r["grants"] for r in every) == len(grants), (params, level)
            total = sum(amounts[g] for g in grants)
            assert abs(sum(r["amount"] for r in every) - total) < 0.01, (params, level)
            assert len(answer["regions"]) == {"regierungsbezirk": 5, "kreis": 53}[level]
            assert sum(r["grants"] for r in answer["regions"]) > 0


def test_the_regions_list_counts_grants_within_a_region_as_the_regional_figures_do(
    real_client: TestClient,
) -> None:
    """A Regierungsbezirk's grants in the regions list are those of the places within it, at
    any depth and keyed places included, each once: the same count as funding-by-region's."""
    figures = real_client.get("/browse/funding-by-region.json").json()["regions"]
    rows = csv.DictReader(io.StringIO(real_client.get("/browse/regions.csv").text))
    listed = {r["iri"]: int(r["grant"] or 0) for r in rows}
    assert {r["iri"]: listed[r["iri"]] for r in figures} == {r["iri"]: r["grants"] for r in figures}
    assert sum(r["grants"] for r in figures) > 0

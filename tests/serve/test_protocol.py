"""SPARQL 1.1 Protocol at /sparql with FastAPI's TestClient: methods, formats, negotiation,
graphs, the service description, errors and the safety rules."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.serve import safety, workers
from foerdergraph.serve.workers import execution

BASE = "https://w3id.org/foerdergraph/"
GRANT_QUERY = (
    "PREFIX fg: <https://w3id.org/foerdergraph/ontology#> "
    "SELECT ?amount ?approved WHERE { ?g fg:amount ?amount ; fg:approved ?approved }"
)
LABELS = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } ORDER BY ?l"
)
SRX = "{http://www.w3.org/2005/sparql-results#}"


def bindings(response) -> list[dict[str, dict[str, str]]]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_get_post_form_and_post_direct_give_the_same_rows(client: TestClient) -> None:
    by_get = bindings(client.get("/sparql", params={"query": LABELS}))
    by_form = bindings(client.post("/sparql", data={"query": LABELS}))
    by_body = bindings(
        client.post(
            "/sparql",
            content=LABELS.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
    )
    assert by_get == by_form == by_body
    assert len(by_get) == 5
    assert by_get[0]["l"] == {"type": "literal", "value": "EFRE.NRW", "xml:lang": "de"}


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.2, application/sparql-results+xml;q=0.8", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_negotiation(client: TestClient, accept: str, media: str) -> None:
    response = client.get("/sparql", params={"query": LABELS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": LABELS, "format": "csv"}, headers={"Accept": "text/html"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["s", "l"] and len(rows) == 6


def test_zero_and_false_survive_every_results_format(client: TestClient) -> None:
    json_row = bindings(client.get("/sparql", params={"query": GRANT_QUERY}))[0]
    assert json_row["amount"] == {
        "type": "literal",
        "value": "0",  # Oxigraph stores xsd:decimal canonically
        "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
    }
    assert json_row["approved"]["value"] == "false"
    xml = client.get("/sparql", params={"query": GRANT_QUERY, "format": "xml"}).text
    literals = [el.text for el in ET.fromstring(xml).iter(SRX + "literal")]
    assert literals == ["0", "false"]
    tsv = client.get("/sparql", params={"query": GRANT_QUERY, "format": "tsv"}).text
    assert "false" in tsv.splitlines()[1]


def test_ask(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.json() == {"head": {}, "boolean": True}
    xml = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "xml"}).text
    assert ET.fromstring(xml).find(SRX + "boolean").text == "true"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_formats(client: TestClient, accept: str, fmt: ox.RdfFormat) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BASE}graph/reference> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    triples = list(ox.parse(response.content, format=fmt))
    assert len(triples) == 3


def test_describe(client: TestClient) -> None:
    query = f"DESCRIBE <{BASE}id/programme/efre-nrw>"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert "EFRE.NRW" in response.text


def test_406_when_no_format_fits(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": LABELS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    construct = "CONSTRUCT WHERE { ?s ?p ?o }"
    response = client.get("/sparql", params={"query": construct}, headers={"Accept": "text/csv"})
    assert response.status_code == 406


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    names = {
        row["name"].value
        for row in store.query(
            "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
            "SELECT ?name WHERE { ?svc a sd:Service ; sd:endpoint ?e ; "
            "sd:supportedLanguage sd:SPARQL11Query ; "
            "sd:defaultDataset/sd:namedGraph/sd:name ?name }"
        )
    }
    assert f"{BASE}graph/entities" in names and f"{BASE}graph/document/pm-1" in names


def test_browser_get_without_query_shows_the_editor(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="query"' in response.text


def test_default_and_named_graph_uris(client: TestClient) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o }"
    only_reference = bindings(
        client.get(
            "/sparql", params={"query": query, "default-graph-uri": f"{BASE}graph/reference"}
        )
    )
    assert {b["s"]["value"] for b in only_reference} == {
        f"{BASE}id/organisation/landesregierung-nrw"
    }
    graph_query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = bindings(
        client.get(
            "/sparql",
            params={"query": graph_query, "named-graph-uri": [f"{BASE}graph/inferred"]},
        )
    )
    assert [b["g"]["value"] for b in named] == [f"{BASE}graph/inferred"]


def test_from_selects_a_graph_of_the_store(client: TestClient) -> None:
    query = f"SELECT DISTINCT ?s FROM <{BASE}graph/reference> WHERE {{ ?s ?p ?o }}"
    rows = bindings(client.get("/sparql", params={"query": query}))
    assert len(rows) == 1


def test_malformed_query_gets_400_with_position(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    assert "line 3, column" in response.text  # the engine's own error, where the object is missing
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "LOAD <file:///etc/passwd>",
    ],
)
def test_updates_are_refused(client: TestClient, update: str) -> None:
    for response in (
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", data={"query": update}),
        client.post(
            "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
        ),
    ):
        assert response.status_code == 400
        assert "read-only" in response.text
    assert bindings(client.get("/sparql", params={"query": LABELS}))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { optional { service silent <http://example.org/> { ?s ?p ?o } } }",
        "SELECT * WHERE { FILTER EXISTS { SERVICE <urn:x> { ?s ?p ?o } } }",
        "PREFIX e: <http://example.org/> SELECT * WHERE { { SERVICE e:x { ?s ?p ?o } } UNION {} }",
    ],
)
def test_service_is_refused(client: TestClient, query: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "SERVICE is not allowed" in response.text


def test_refusals_hold_on_every_repeat(client: TestClient) -> None:
    """Checks are remembered per text, refusals never: the same bad query is refused again."""
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(3):
        assert client.get("/sparql", params={"query": query}).status_code == 400


def test_a_query_text_is_parsed_once_per_graph_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """A canned query is checked once per worker, not on every request; the verdict
    depends on the store's graphs too, and long texts are not kept."""
    parsed: list[str] = []

    def counting(text: str, graphs: frozenset[str]) -> safety.CheckedQuery:
        parsed.append(text)
        return real_check(text, graphs)

    real_check = safety.check_query
    monkeypatch.setattr(safety, "check_query", counting)
    execution._check_cached.cache_clear()
    query = f"SELECT * FROM <{BASE}graph/a> WHERE {{ ?s ?p ?o }}"
    with_a = frozenset({BASE + "graph/a"})
    for _ in range(3):
        prepared = workers.prepare(workers.QueryRequest(query), with_a, BASE)
        assert isinstance(prepared, workers.Prepared)
    assert parsed == [query]
    refused = workers.prepare(workers.QueryRequest(query), frozenset({BASE + "graph/b"}), BASE)
    assert isinstance(refused, workers.QueryResponse) and refused.status == 400
    long_query = LABELS + " " * execution.CHECKED_CACHE_TEXT
    for _ in range(2):
        workers.prepare(workers.QueryRequest(long_query), with_a, BASE)
    assert parsed == [query, query, long_query, long_query]
    execution._check_cached.cache_clear()


def test_the_word_service_in_a_literal_or_comment_is_fine(client: TestClient) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://x/> { }" AS ?x) } # SERVICE <urn:y> {}'
    rows = bindings(client.get("/sparql", params={"query": query}))
    assert rows[0]["x"]["value"].startswith("SERVICE")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX f: <file:///etc/> SELECT * FROM f:hosts WHERE { ?s ?p ?o }",
    ],
)
def test_from_outside_the_store_is_refused(client: TestClient, query: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "does not hold" in response.text


def test_protocol_graph_outside_the_store_is_refused(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": LABELS, "default-graph-uri": "file:///etc/passwd"}
    )
    assert response.status_code == 400


def test_oversized_body_gets_413(client: TestClient, settings) -> None:
    padding = "#" + "x" * settings.max_body_bytes + "\n"
    response = client.post("/sparql", data={"query": padding + LABELS})
    assert response.status_code == 413
    chunked = client.post(
        "/sparql",
        content=iter([b"query=", padding.encode(), LABELS.encode()]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert chunked.status_code == 413


def test_wrong_content_type_gets_415(client: TestClient) -> None:
    response = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 415


def test_cors_without_credentials(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": LABELS}, headers={"Origin": "http://127.0.0.1:5000"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "http://127.0.0.1:5000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_row_cap_cuts_and_says_so(client: TestClient, settings) -> None:
    n = settings.max_result_rows + 50
    query = (
        "SELECT ?i WHERE { VALUES ?a { 0 1 2 3 4 5 6 7 8 9 } VALUES ?b { 0 1 2 3 4 5 6 7 8 9 } "
        "VALUES ?c { 0 1 2 3 4 5 6 7 8 9 } VALUES ?d { 0 1 } "
        "BIND(?a + 10*?b + 100*?c + 1000*?d AS ?i) }"
    )
    assert n <= 2000
    response = client.get("/sparql", params={"query": query})
    assert len(response.json()["results"]["bindings"]) == settings.max_result_rows
    assert response.headers["Foerdergraph-Result-Truncated"] == str(settings.max_result_rows)
    assert json.loads(client.get("/sparql", params={"query": LABELS}).text)
    assert (
        "Foerdergraph-Result-Truncated"
        not in client.get("/sparql", params={"query": LABELS}).headers
    )

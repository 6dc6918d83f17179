"""Real clients against a live uvicorn on 127.0.0.1, and isolation of a runaway query."""

from __future__ import annotations

import json
import threading
import time
import warnings

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, JSONLD, N3, RDFXML, TURTLE, XML, SPARQLWrapper

QUERY = """
PREFIX fg: <https://w3id.org/foerdergraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?label ?amount ?approved WHERE {
  ?s skos:prefLabel ?label .
  OPTIONAL { ?s fg:amount ?amount ; fg:approved ?approved }
} ORDER BY ?label
"""
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)


def _from_json(doc: dict) -> list[tuple]:
    out = []
    for row in doc["results"]["bindings"]:

        def value(name: str, row: dict = row):
            cell = row.get(name)
            if cell is None:
                return None
            if cell["type"] == "uri":
                return URIRef(cell["value"])
            return Literal(cell["value"], lang=cell.get("xml:lang"), datatype=cell.get("datatype"))

        out.append(tuple(value(n) for n in ("s", "label", "amount", "approved")))
    return out


def _from_xml(doc) -> list[tuple]:  # an xml.dom.minidom Document from SPARQLWrapper
    out = []
    for result in doc.getElementsByTagName("result"):
        cells = {}
        for binding in result.getElementsByTagName("binding"):
            node = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
            text = "".join(t.data for t in node.childNodes)
            if node.tagName == "uri":
                cells[binding.getAttribute("name")] = URIRef(text)
            else:
                cells[binding.getAttribute("name")] = Literal(
                    text,
                    lang=node.getAttribute("xml:lang") or None,
                    datatype=node.getAttribute("datatype") or None,
                )
        out.append(tuple(cells.get(n) for n in ("s", "label", "amount", "approved")))
    return out


def test_sparqlwrapper_json_xml_and_rdflib_sparqlstore_agree(live_server: str) -> None:
    endpoint = live_server + "sparql"
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(QUERY)
    wrapper.setReturnFormat(JSON)
    by_json = _from_json(wrapper.query().convert())
    wrapper.setReturnFormat(XML)
    by_xml = _from_xml(wrapper.query().convert())
    store = SPARQLStore(query_endpoint=endpoint, returnFormat="xml")
    by_store = [tuple(row) for row in Graph(store=store).query(QUERY)]
    assert len(by_json) == 5
    assert by_json == by_xml == by_store
    grant = next(row for row in by_store if row[2] is not None)
    assert grant[2].toPython() == 0 and grant[3].toPython() is False


def test_runaway_query_is_stopped_while_others_get_answers(live_server: str) -> None:
    before = httpx.get(live_server + "health").json()
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = httpx.get(live_server + "sparql", params={"query": RUNAWAY}, timeout=60)
        outcome["status"] = response.status_code
        outcome["text"] = response.text
        outcome["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    latencies = []
    while thread.is_alive() and len(latencies) < 20:
        started = time.monotonic()
        response = httpx.get(
            live_server + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10
        )
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200
        page = httpx.get(live_server + "id/programme/efre-nrw", timeout=10)
        assert page.status_code == 200
        time.sleep(0.1)
    thread.join(30)
    assert latencies, "the runaway query finished before the second client could ask"
    assert max(latencies) < 1.0, latencies
    assert outcome["status"] == 503 and "time limit" in str(outcome["text"])
    assert 2.5 <= float(outcome["elapsed"]) < 10  # limit is 3 s in the fixture
    after = httpx.get(live_server + "health").json()
    assert after["killed"] == before["killed"] + 1
    deadline = time.monotonic() + 30
    while len(after["workers"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        after = httpx.get(live_server + "health").json()
    assert len(after["workers"]) == 2
    assert set(after["workers"]) != set(before["workers"])  # the killed one was replaced
    assert httpx.get(live_server + "sparql", params={"query": QUERY}).status_code == 200


def test_live_413_and_update(live_server: str) -> None:
    big = httpx.post(live_server + "sparql", data={"query": "#" + "x" * 30_000 + "\nASK {}"})
    assert big.status_code == 413
    update = httpx.post(live_server + "sparql", data={"update": "DROP ALL"})
    assert update.status_code == 400


DESCRIBE = "DESCRIBE <https://w3id.org/foerdergraph/id/programme/efre-nrw>"
CONSTRUCT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }"
)


def _expected_graph(live_server: str, query: str) -> Graph:
    response = httpx.get(
        live_server + "sparql", params={"query": query}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 0
    return graph


@pytest.mark.parametrize("query", [DESCRIBE, CONSTRUCT], ids=["describe", "construct"])
@pytest.mark.parametrize(
    ("return_format", "media_type"),
    [
        (None, "application/rdf+xml"),  # SPARQLWrapper's default: XML (format=xml parameter)
        (XML, "application/rdf+xml"),
        (RDFXML, "application/rdf+xml"),
        (N3, "text/turtle"),  # format=n3 and its N3 Accept list
        (TURTLE, "text/turtle"),
        (JSONLD, "application/ld+json"),
        (JSON, "application/ld+json"),  # format=json, Accept */*
    ],
)
def test_sparqlwrapper_graph_queries_with_its_defaults(
    live_server: str, query: str, return_format: str | None, media_type: str
) -> None:
    expected = _expected_graph(live_server, query)
    wrapper = SPARQLWrapper(live_server + "sparql")
    wrapper.setQuery(query)
    if return_format is not None:
        wrapper.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its own "Accept: */*" warning for JSON
        answer = wrapper.query()
    assert answer.info()["content-type"].split(";")[0] == media_type
    converted = answer.convert()
    if isinstance(converted, Graph):
        graph = converted
    else:  # Turtle comes back as bytes, JSON-LD as a parsed document
        data = converted if isinstance(converted, bytes) else json.dumps(converted)
        graph = Graph().parse(
            data=data, format="turtle" if media_type == "text/turtle" else "json-ld"
        )
    assert isomorphic(graph, expected)


@pytest.mark.parametrize("return_format", [JSON, XML, None])
def test_sparqlwrapper_ask(live_server: str, return_format: str | None) -> None:
    wrapper = SPARQLWrapper(live_server + "sparql")
    wrapper.setQuery("ASK { ?s ?p ?o }")
    if return_format is not None:
        wrapper.setReturnFormat(return_format)
    answer = wrapper.query().convert()
    if isinstance(answer, dict):
        assert answer["boolean"] is True
    else:
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == "true"

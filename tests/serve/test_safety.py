"""SERVICE smuggling (server-side request forgery), the no-network query workers, and the size
limits: every attack is sent to the real endpoint while a listener on 127.0.0.1 records whether
anything connected to it."""

from __future__ import annotations

import multiprocessing
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.serve import safety, workers
from foerdergraph.serve.workers import execution, process

BASE = "https://w3id.org/foerdergraph/"
ROWS = (
    b'{"head":{"vars":["s"]},"results":{"bindings":'
    b'[{"s":{"type":"literal","value":"from the inside"}}]}}'
)
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nConnection: close\r\n"
    + f"Content-Length: {len(ROWS)}\r\n\r\n".encode()
    + ROWS
)


@dataclass
class Listener:
    """A stand-in for an internal SPARQL service on the loopback: answers any request with one
    row and remembers every connection."""

    port: int
    connections: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    record = Listener(server.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(2)
                try:
                    record.connections.append(conn.recv(65536))
                    conn.sendall(ANSWER)
                except OSError:
                    record.connections.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield record
    stop.set()
    thread.join(5)
    server.close()


def _attacks(url: str) -> list[str]:
    prefix, _, local = url.rpartition("/")
    return [
        # the reported one: rdflib read \u with eight hex digits, Oxigraph with four
        'SELECT * WHERE { BIND("\\u00000022" AS ?v) '
        f'SERVICE <{url}> {{ ?s ?p ?o }} BIND("\\u00000022" AS ?w) }}',
        # a quote that an escape closes, in both quote kinds and the long strings
        f"SELECT * WHERE {{ BIND('\\u0027 AS ?v) SERVICE <{url}> {{ ?s ?p ?o }} }} #'",
        f'SELECT * WHERE {{ BIND("""\\u0022\\u0022\\u0022 AS ?v) SERVICE <{url}> {{ ?s ?p ?o }} '
        'BIND("""x""" AS ?w) }',
        f'SELECT * WHERE {{ BIND("x\\U00000022 AS ?v) SERVICE <{url}> {{ ?s ?p ?o }} }} #"',
        # the keyword, the IRI and a prefixed name written with escapes
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\U00000073ervice <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{url.replace(':', chr(92) + 'u003A')}> {{ ?s ?p ?o }} }}",
        f"PREFIX \\u0065: <{prefix}/> SELECT * WHERE {{ SERVICE e:{local} {{ ?s ?p ?o }} }}",
        # a newline escaped into a comment ends it
        f"SELECT * WHERE {{ # \\u000A SERVICE <{url}> {{ ?s ?p ?o }}\n}}",
        # SERVICE by variable, inside EXISTS, in a sub-select, silent and in lower case
        f"SELECT * WHERE {{ VALUES ?svc {{ <{url}> }} SERVICE ?svc {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(1 AS ?x) FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"select * where {{ optional {{ service silent <{url}> {{ ?s ?p ?o }} }} }}",
        # Oxigraph reads `<` after an operand as "less than" and keywords without a boundary
        f"SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a<'x>' ) SERVICE <{url}> {{ ?s ?p ?o }} "
        "BIND('y' AS ?z) }",
        f"SELECT * WHERE {{ ?s ?p trueSERVICE<{url}>{{ ?s ?p ?o }} }}",
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:a.b.SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def test_the_attack_family_never_reaches_the_listener(
    client: TestClient, listener: Listener
) -> None:
    assert client.get("/health").json()["no_network"] is True
    for query in _attacks(listener.url):
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 400, (query, response.text)
        assert "from the inside" not in response.text
        assert listener.connections == [], query


def test_an_escaped_quote_on_both_sides_makes_one_string(
    client: TestClient, listener: Listener
) -> None:
    """With \\U and eight digits, every reader agrees: the SERVICE lies inside a long string."""
    query = (
        'SELECT * WHERE { BIND("\\U00000022" AS ?v) '
        f'SERVICE <{listener.url}> {{ ?s ?p ?o }} BIND("\\U00000022" AS ?w) }}'
    )
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    assert "SERVICE <" in response.json()["results"]["bindings"][0]["w"]["value"]
    assert listener.connections == []


def test_the_attacks_are_refused_by_the_check(listener: Listener) -> None:
    for query in _attacks(listener.url):
        with pytest.raises(safety.QueryRefused):
            safety.check_query(query, frozenset())


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ('SELECT ("\\u00e4\\U0001F600" AS ?x) {}', 'SELECT ("ä😀" AS ?x) {}'),
        ("\\u0053ELECT * {}", "SELECT * {}"),
        ('SELECT ("C:\\\\users" AS ?x) {}', 'SELECT ("C:\\\\users" AS ?x) {}'),
        ("SELECT * {} # \\uZZZZ", "SELECT * {} # \\uZZZZ"),
        # §19.2 expands before anything else is read: this is a backslash and an A (malformed)
        ('SELECT ("\\\\u0041" AS ?x) {}', 'SELECT ("\\A" AS ?x) {}'),
    ],
)
def test_escapes_are_expanded_once(text: str, expanded: str) -> None:
    assert safety.expand_escapes(text) == expanded
    assert safety.check_query(text, frozenset()).text == expanded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('SELECT ("\\u005Cu0022" AS ?x) {}', "expands to another one"),
        ('SELECT ("\\uD800" AS ?x) {}', "not a Unicode character"),
        ('SELECT ("\\U00110000" AS ?x) {}', "not a Unicode character"),
    ],
)
def test_escapes_that_could_be_read_twice_are_refused(text: str, message: str) -> None:
    with pytest.raises(safety.QueryRefused, match=message):
        safety.expand_escapes(text)


def test_expanded_text_is_what_runs(client: TestClient) -> None:
    query = 'SELECT ?v WHERE { BIND("a\\u00e4\\"" AS ?v) }'
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["v"]["value"] == 'aä"'
    escaped_quote = client.get("/sparql", params={"query": 'SELECT * { BIND("\\u0022" AS ?v) }'})
    assert escaped_quote.status_code == 400  # `"""` opens a long string that never closes


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "SELECT ?s WHERE { ?s a sd:Service }",
        "PREFIX schema: <http://schema.org/> SELECT * WHERE { ?s schema:serviceType ?t }",
        "SELECT ?service WHERE { ?service <http://example.org/serviceArea> ?o }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < <http://example.org/service>) }",
        "SELECT * WHERE { FILTER EXISTS { ?s <http://example.org/service> ?o } }",
        "SELECT ?x WHERE { BIND('''SERVICE <http://x/> { }''' AS ?x) } # SERVICE <urn:y> {}",
    ],
)
def test_service_as_a_plain_name_or_text_is_fine(client: TestClient, query: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text


# --------------------------------------------------------------------------- no network


def _unchecked_worker(conn: Connection, store_path: str) -> None:
    """A real query worker with the query check switched off on purpose, so only the
    no-network filter stands between a SERVICE query and the listener."""

    def unchecked(text: str, graphs: frozenset[str]) -> safety.CheckedQuery:
        return safety.CheckedQuery(text=text, form="SELECT")

    execution._check_query = unchecked  # type: ignore[assignment]
    execution._check_cached = unchecked  # type: ignore[assignment]
    process.worker_main(conn, store_path, 100, BASE, 0)


def test_a_worker_cannot_connect_even_when_the_check_is_bypassed(
    build_dir: Path, listener: Listener
) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    # Without the filter, pyoxigraph does send the request and gets the listener's answer.
    rows = list(ox.Store().query(query))
    assert [row["s"].value for row in rows] == ["from the inside"]
    assert len(listener.connections) == 1
    listener.connections.clear()

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    store = str(build_dir / "current" / "store")
    process = context.Process(target=_unchecked_worker, args=(child, store), daemon=True)
    process.start()
    child.close()
    try:
        assert parent.poll(60), "the worker did not start"
        assert parent.recv()[0] == "ready"
        answers = {}
        for text in (query, query.replace("SERVICE", "SERVICE SILENT")):
            parent.send((store, workers.QueryRequest(text)))
            assert parent.poll(30)
            response = parent.recv()
            while isinstance(response, tuple):  # a copy notice
                response = parent.recv()
            answers[text] = response
            assert b"from the inside" not in response.body
        assert listener.connections == []
        refused = answers[query]  # SERVICE SILENT answers without the service's rows instead
        assert refused.status == 400 and b"network connection" in refused.body, refused.body
        # The pipe to the parent (AF_UNIX) still works: the worker answers ordinary queries.
        parent.send((store, workers.QueryRequest("ASK { ?s ?p ?o }")))
        assert parent.poll(30)
        answer = parent.recv()
        while isinstance(answer, tuple):
            answer = parent.recv()
        assert answer.status == 200 and b"true" in answer.body
    finally:
        process.kill()
        process.join(5)
        parent.close()


# --------------------------------------------------------------------------- limits


def test_nesting_that_oxigraph_answers_is_accepted(client: TestClient) -> None:
    parentheses = "SELECT ?x WHERE { BIND(" + "(" * 30 + "1" + ")" * 30 + " AS ?x) }"
    groups = "SELECT * WHERE " + "{ " * 40 + "?s ?p ?o" + " }" * 40 + " LIMIT 1"
    for query in (parentheses, groups):
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 200, response.text
    assert (
        client.get("/sparql", params={"query": parentheses}).json()["results"]["bindings"][0]["x"][
            "value"
        ]
        == "1"
    )


def test_too_long_or_too_deep_is_a_400_and_no_worker_dies(client: TestClient) -> None:
    before = client.get("/health").json()["workers"]
    long_sum = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 10_000) + ") }"
    response = client.get("/sparql", params={"query": long_sum})
    assert response.status_code == 400 and "too long" in response.text
    deep = "SELECT * WHERE " + "{" * (safety.MAX_NESTING + 1) + "}" * (safety.MAX_NESTING + 1)
    response = client.get("/sparql", params={"query": deep})
    assert response.status_code == 400 and "nested too deeply" in response.text
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    assert client.get("/health").json()["workers"] == before


def test_an_unknown_prefix_is_named_and_common_ones_are_predeclared(client: TestClient) -> None:
    query = "SELECT * WHERE { ?s org:memberOf ?o ; fg:amount ?a ; mine:x ?y }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "undeclared prefix mine:" in response.text
    assert "org:" not in response.text.split("—")[0]
    assert "PREFIX mine:" in response.text


def test_common_prefixes_work_without_declaration(client: TestClient) -> None:
    query = "SELECT ?l WHERE { ?s a fg:FundingProgramme ; skos:prefLabel ?l }"
    response = client.get("/sparql", params={"query": query, "format": "json"})
    assert response.status_code == 200, response.text
    labels = [b["l"]["value"] for b in response.json()["results"]["bindings"]]
    assert labels == ["EFRE.NRW"]


def test_an_explicit_prefix_wins_over_the_predeclared_one(client: TestClient) -> None:
    # fg: bound to another namespace: nothing in the store has that type
    query = "PREFIX fg: <http://example.org/other#> ASK { ?s a fg:FundingProgramme }"
    response = client.get("/sparql", params={"query": query, "format": "json"})
    assert response.status_code == 200 and response.json()["boolean"] is False
    plain = "ASK { ?s a fg:FundingProgramme }"
    assert client.get("/sparql", params={"query": plain, "format": "json"}).json()["boolean"]

"""The scale-out backend against real servers — the Oxigraph server and Virtuoso, the same suite
for both: upload, queries, linked data, dumps, the server's own graphs and row cap, a new
build replacing the old one; and (Oxigraph) a server that is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.errors import BuildError
from foerdergraph.core.namespaces import XSD
from foerdergraph.remote.endpoints import Endpoints, RemoteStoreError
from foerdergraph.remote.remote_store import RemoteStore
from foerdergraph.remote.substitute import with_bindings
from foerdergraph.remote.upload import remote_graph_counts, upload_build, upload_release
from foerdergraph.serve.app import create_app
from foerdergraph.serve.workers import TRUNCATED_HEADER

from .backends import SERVERS, VIRTUOSO_MAX_ROWS, running_store
from .conftest import BASE, FIXTURES, free_port, make_release, store_settings
from .oxigraph_server import running_oxigraph

PROJECT = FIXTURES.parent.parent.parent
FG = "https://w3id.org/foerdergraph/ontology#"
SKOS_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RECURRING = (PROJECT / "queries" / "recurring-partners.rq").read_text(encoding="utf-8")


def _recurring_quads() -> list[ox.Quad]:
    """Two programmes and an initiative with partners, so recurring-partners has rows."""
    graph = ox.NamedNode(BASE + "graph/entities-extra")
    out: list[ox.Quad] = []
    programmes = [f"p{i}" for i in range(3)]
    for name in programmes:
        node = ox.NamedNode(f"{BASE}id/programme/{name}")
        out += [
            ox.Quad(node, RDF_TYPE, ox.NamedNode(FG + "FundingProgramme"), graph),
            ox.Quad(node, SKOS_LABEL, ox.Literal(f"Programm {name}", language="de"), graph),
        ]
    for i in range(5):
        org = ox.NamedNode(f"{BASE}id/organisation/o{i}")
        out.append(ox.Quad(org, SKOS_LABEL, ox.Literal(f"Organisation {i}", language="de"), graph))
        for name in programmes[: 1 + i % 3]:
            out.append(
                ox.Quad(
                    org,
                    ox.NamedNode(FG + "participatesIn"),
                    ox.NamedNode(f"{BASE}id/programme/{name}"),
                    graph,
                )
            )
    return out


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server fixture plus partners across programmes (recurring-partners) and a curated
    and a draft document (`drafts.trig`: the drafts switch through the remote store)."""
    drafts = list(ox.parse(path=str(FIXTURES / "drafts.trig"), format=ox.RdfFormat.TRIG))
    return make_release(tmp_path_factory.mktemp("remote-build"), extra=_recurring_quads() + drafts)


@pytest.fixture(scope="module", params=SERVERS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, release_dir: Path
) -> Iterator[str]:
    """A server holding the release, uploaded the way `build --store` does it."""
    with running_store(request.param, tmp_path_factory.mktemp(request.param)) as url:
        upload_build(release_dir / "current", url, BASE, lambda _m: None)
        yield url


@pytest.fixture(scope="module")
def clients(release_dir: Path, store: str) -> Iterator[tuple[TestClient, TestClient]]:
    """(local, remote): the same release served from pyoxigraph and from the server."""
    local_app = create_app(store_settings(release_dir, None))
    remote_app = create_app(store_settings(release_dir, store))
    with (
        TestClient(local_app, base_url="http://127.0.0.1:8000") as local,
        TestClient(remote_app, base_url="http://127.0.0.1:8000") as remote,
    ):
        yield local, remote


def _manifest_counts(release_dir: Path) -> dict[str, int]:
    manifest = json.loads((release_dir / "current" / "manifest.json").read_text("utf-8"))
    return {g["iri"]: g["triples"] for g in manifest["graphs"]}


def _endpoints(url: str) -> Endpoints:
    return Endpoints.from_url(url, graphs_under=BASE + "graph/")


def test_build_uploads_every_named_graph(release_dir: Path, store: str) -> None:
    assert remote_graph_counts(_endpoints(store)) == _manifest_counts(release_dir)


@pytest.mark.parametrize("kind", SERVERS)
def test_update_fallback_replaces_graphs_and_drops_stale_ones(
    kind: str, release_dir: Path, tmp_path: Path
) -> None:
    with running_store(kind, tmp_path / "data") as url:
        stale = BASE + "graph/document/withdrawn"
        gsp = _endpoints(url)
        with gsp.client(30) as client:
            client.put(
                gsp.gsp or "",
                params={"graph": stale},
                content=b"<urn:x:a> <urn:x:b> <urn:x:c> .\n",
                headers={"Content-Type": "application/n-triples"},
            ).raise_for_status()
        endpoints = Endpoints.from_url(
            url, env={**os.environ, "FOERDERGRAPH_STORE_GSP": "none"}, graphs_under=BASE + "graph/"
        )
        report = upload_release(release_dir / "current" / "store", endpoints, BASE)
        assert report.method == "update" and report.dropped == [stale]
        assert remote_graph_counts(endpoints) == _manifest_counts(release_dir)
        again = upload_release(release_dir / "current" / "store", endpoints, BASE)
        assert again.dropped == []
        assert remote_graph_counts(endpoints) == _manifest_counts(release_dir)


def _rows(response: httpx.Response) -> list[dict[str, object]]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def _concat_as_set(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """`rows` with the GROUP_CONCAT `column` as the set of its parts: SPARQL 1.1 leaves the
    order of the parts to the engine, and whether the result keeps the parts' language tag
    (Oxigraph keeps a common one, Virtuoso returns a simple literal, as the standard says)."""
    return [{**row, column: frozenset(row[column]["value"].split(" | "))} for row in rows]


def test_recurring_partners_identical(clients: tuple[TestClient, TestClient]) -> None:
    local, remote = clients
    answers = [
        _concat_as_set(
            _rows(
                c.post("/sparql", data={"query": RECURRING}, headers={"Accept": "application/json"})
            ),
            "programme_names",
        )
        for c in clients
    ]
    assert answers[0] and answers[0] == answers[1]
    csv = [
        c.get("/sparql", params={"query": RECURRING}, headers={"Accept": "text/csv"})
        for c in (local, remote)
    ]
    assert csv[1].headers["content-type"].startswith("text/csv")
    assert [len(c.text.splitlines()) for c in csv] == [len(answers[0]) + 1] * 2


def test_canned_query_parameters_bound_remotely(clients: tuple[TestClient, TestClient]) -> None:
    funder = BASE + "id/organisation/wirtschaftsministerium-nrw"
    answers = [
        _rows(c.get("/queries/programmes-of-funder", params={"funder": funder, "format": "json"}))
        for c in clients
    ]
    assert answers[0] and answers[0] == answers[1]


NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "long", "int")}
PARAMETER_VALUES = {"funder": BASE + "id/organisation/wirtschaftsministerium-nrw"}
"""A value for each required parameter of the fixture's canned queries."""


def _cell(binding: dict[str, str]) -> object:
    """A cell as both servers must agree on it: numbers by value (one engine writes 100.0,
    the other 100), a GROUP_CONCAT as the set of its parts (their order is the engine's)."""
    value = binding["value"]
    if binding.get("datatype") in NUMERIC:
        return Decimal(value).normalize()
    return frozenset(value.split(" | ")) if " | " in value else value


UNANSWERED = {"virtuoso": {"funding-by-region": "SP031", "network-participations": "SQ074"}}
"""Canned queries a server cannot evaluate (docs/scaling.md, "Virtuoso 7.2: two canned queries
it cannot evaluate"), with the error code it answers. Such a query must fail with the server's
own error, never answer wrongly; when the server answers it, this test fails until the entry
goes."""


def test_every_canned_query_answers_the_same(
    clients: tuple[TestClient, TestClient], store: str
) -> None:
    local, remote = clients
    unanswered = UNANSWERED.get("virtuoso" if store.startswith("virtuoso+") else "oxigraph", {})
    listed = local.get("/api/queries").json()
    assert len(listed) >= 5
    differing, answered = [], 0
    for query in listed:
        required = [p["name"] for p in query["parameters"] if p["required"]]
        params = {name: PARAMETER_VALUES[name] for name in required} | {"format": "json"}
        if query["name"] in unanswered:
            response = remote.get(f"/queries/{query['name']}", params=params)
            assert response.status_code >= 400, (query["name"], "now answers: drop the entry")
            assert unanswered[query["name"]] in response.text, response.text[:500]
            continue
        answers = []
        for client in clients:
            response = client.get(f"/queries/{query['name']}", params=params)
            assert response.status_code == 200, (query["name"], response.text[:500])
            rows = response.json()["results"]["bindings"]
            answers.append(Counter(frozenset((k, _cell(v)) for k, v in r.items()) for r in rows))
        answered += bool(answers[0])
        if answers[0] != answers[1]:
            differing.append(query["name"])
    assert differing == [] and answered >= 2  # not a comparison of empty answers only


GRANTS = f"SELECT DISTINCT ?g WHERE {{ ?g a <{FG}Grant> }}"
IN_DRAFT = f"SELECT ?s WHERE {{ GRAPH <{BASE}graph/extracted/pm-3> {{ ?s ?p ?o }} }}"


def test_the_drafts_switch_leaves_the_draft_graphs_out_remotely(
    clients: tuple[TestClient, TestClient],
) -> None:
    """`drafts=exclude` on a remote store reads the dataset without the draft graphs, as the
    embedded store does: one grant fewer, and nothing of them through GRAPH either. (Rows, not
    COUNT: Virtuoso 7.2 counts 1 for a GRAPH pattern that matches nothing, docs/scaling.md.)"""
    answers = []
    for client in clients:
        sizes = []
        for params in ({}, {"drafts": "exclude"}):
            for query in (GRANTS, IN_DRAFT):
                form = {"query": query, "format": "json", **params}
                sizes.append(len(_rows(client.get("/sparql", params=form))))
        answers.append(sizes)
    included, in_draft, excluded, in_draft_excluded = answers[0]
    assert answers[0] == answers[1]
    assert excluded == included - 1 and in_draft > 0 and in_draft_excluded == 0


def test_construct_converted_when_formats_differ(clients: tuple[TestClient, TestClient]) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a ?o . BIND(<urn:x:type> AS ?p) }"
    graphs = []
    for client in clients:
        response = client.get("/sparql", params={"query": query, "format": "jsonld"})
        assert response.status_code == 200, response.text
        graphs.append(set(ox.parse(input=response.content, format=ox.RdfFormat.JSON_LD)))
    assert graphs[0] and graphs[0] == graphs[1]


def test_linked_data_from_remote(clients: tuple[TestClient, TestClient]) -> None:
    local, remote = clients
    path = "/id/organisation/wirtschaftsministerium-nrw"
    turtle = [c.get(path, headers={"Accept": "text/turtle"}) for c in (local, remote)]
    assert turtle[1].status_code == 200
    parsed = [set(ox.parse(input=t.content, format=ox.RdfFormat.TURTLE)) for t in turtle]
    assert parsed[0] and parsed[0] == parsed[1]
    html = remote.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and "<h1>" in html.text
    assert (
        remote.get("/id/organisation/nobody", headers={"Accept": "text/turtle"}).status_code == 404
    )
    hits = remote.get("/api/search", params={"q": "organisation 3"}).json()
    assert [h["iri"] for h in hits] == [BASE + "id/organisation/o3"]
    assert remote.get("/health").json()["store"].startswith("http://127.0.0.1:")


def test_safety_rules_hold_remotely(clients: tuple[TestClient, TestClient]) -> None:
    _, remote = clients
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert remote.get("/sparql", params={"query": service}).status_code == 400
    smuggled = (
        'SELECT * WHERE { BIND("\\u00000022" AS ?v) SERVICE <http://127.0.0.1:9/x> '
        '{ ?s ?p ?o } BIND("\\u00000022" AS ?w) }'
    )
    refused = remote.get("/sparql", params={"query": smuggled})
    assert refused.status_code == 400 and "SERVICE is not allowed" in refused.text
    assert remote.post("/sparql", data={"update": "DROP ALL"}).status_code == 400
    assert (
        remote.get("/sparql", params={"query": "SELECT * FROM <file:///etc/passwd> {}"}).status_code
        == 400
    )


def test_only_the_release_graphs_are_seen(clients: tuple[TestClient, TestClient]) -> None:
    """The union default graph and GRAPH ?g hold the release and nothing of the server's own
    (Virtuoso keeps system graphs in its default graph)."""
    for query in (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT DISTINCT ?t WHERE { ?s a ?t } ORDER BY ?t",
    ):
        answers = [
            _rows(c.get("/sparql", params={"query": query, "format": "json"})) for c in clients
        ]
        assert answers[0] and answers[0] == answers[1], query


def test_ask_answers_identical(clients: tuple[TestClient, TestClient]) -> None:
    """ASK is a boolean on every server (Virtuoso sends it as a one-column SELECT)."""
    for query, expected in (
        (f"ASK {{ <{BASE}id/organisation/o1> ?p ?o }}", True),
        (f"ASK {{ <{BASE}id/organisation/nobody> ?p ?o }}", False),
    ):
        for client in clients:
            response = client.get("/sparql", params={"query": query, "format": "json"})
            assert response.status_code == 200, response.text
            assert response.json()["boolean"] is expected, query


def test_answer_cut_at_the_server_cap_is_flagged(
    clients: tuple[TestClient, TestClient], store: str
) -> None:
    """Virtuoso cuts at ResultSetMaxRows without saying so: the answer carries the truncation
    header, and a page lookup that long is an error; Oxigraph answers in full."""
    local, remote = clients
    query = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    full = local.get("/sparql", params={"query": query, "format": "json"})
    answer = remote.get("/sparql", params={"query": query, "format": "json"})
    endpoints = _endpoints(store)
    cap = endpoints.server.max_rows
    if cap is None:
        assert TRUNCATED_HEADER not in answer.headers
        assert len(_rows(answer)) == len(_rows(full))
        return
    assert cap == VIRTUOSO_MAX_ROWS < len(_rows(full))
    assert answer.headers[TRUNCATED_HEADER] == str(cap) and len(_rows(answer)) <= cap
    reader = RemoteStore(endpoints, 10)
    try:
        with pytest.raises(RemoteStoreError, match="may be cut"):
            reader.select(query)
    finally:
        reader.close()


def test_dumps_served_beside_the_remote_store(
    clients: tuple[TestClient, TestClient], store: str
) -> None:
    dumps = [c.get("/dumps/foerdergraph.nq") for c in clients]
    assert dumps[1].status_code == 200 and dumps[0].content == dumps[1].content
    quads = list(ox.parse(input=dumps[1].content, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == sum(remote_graph_counts(_endpoints(store)).values())


def _bulk(triples: int) -> list[ox.Quad]:
    graph = ox.NamedNode(BASE + "graph/bulk")
    return [
        ox.Quad(ox.NamedNode(f"{BASE}id/thing/t{i}"), SKOS_LABEL, ox.Literal(f"Ding {i}"), graph)
        for i in range(triples)
    ]


@pytest.mark.parametrize("kind", SERVERS)
def test_new_build_replaces_the_old_without_a_gap(kind: str, tmp_path: Path) -> None:
    """While a new release is uploaded, readers see each graph whole, old or new, never
    missing or half-written."""
    old = make_release(tmp_path / "old", extra=_bulk(20_000), build_id="old")
    new = make_release(tmp_path / "new", extra=_bulk(20_001), build_id="new")
    with running_store(kind, tmp_path / "data") as url:
        upload_build(old / "current", url, BASE, lambda _m: None)
        before, after = _manifest_counts(old), _manifest_counts(new)
        seen: list[dict[str, int]] = []
        uploading = threading.Event()

        def watch() -> None:
            while uploading.is_set():
                seen.append(remote_graph_counts(_endpoints(url)))
                time.sleep(0.05)  # a busy reader, not a lock held without pause

        uploading.set()
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            upload_build(new / "current", url, BASE, lambda _m: None)
        finally:
            uploading.clear()
            watcher.join()
        assert seen, "the watcher never read the server during the upload"
        for counts in seen:
            for graph, n in counts.items():
                assert n in (before.get(graph), after.get(graph)), (graph, n)
            assert set(before) & set(after) <= set(counts)
        assert remote_graph_counts(_endpoints(url)) == after


def test_remote_down_is_a_clear_error(release_dir: Path, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RemoteStoreError, match="unreachable"):
        create_app(store_settings(release_dir, dead))
    with pytest.raises(BuildError, match=r"complete and current locally.*unreachable"):
        upload_build(release_dir / "current", dead, BASE, lambda _m: None)
    # a server that goes away while we serve: queries get 502 naming the store, pages an error
    with running_oxigraph(tmp_path / "data") as url:
        upload_build(release_dir / "current", url, BASE, lambda _m: None)
        app = create_app(store_settings(release_dir, url))
        with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as c:
            assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
            stopped = url
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as c:
        response = c.get("/sparql", params={"query": "ASK {}"})
        assert response.status_code == 502 and "unreachable" in response.text
        assert stopped in response.text
        page = c.get(
            "/id/organisation/wirtschaftsministerium-nrw", headers={"Accept": "text/turtle"}
        )
        assert page.status_code == 502 and "unreachable" in page.text


def test_cli_serve_with_dead_store_exits_3(release_dir: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "foerdergraph.cli",
            "serve",
            "--store",
            f"http://127.0.0.1:{free_port()}",
        ],
        env={
            "FOERDERGRAPH_HOME": str(FIXTURES),
            "FOERDERGRAPH_BUILD_DIR": str(release_dir),
            "PATH": "",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3 and "unreachable" in done.stderr


def test_bindings_go_first_into_the_where_group() -> None:
    query = (
        'PREFIX x: <urn:x:> # { not a group\nCONSTRUCT { ?s x:p "}" } '
        "WHERE { ?s x:p ?o FILTER(?o = ?v) }"
    )
    bound = with_bindings(query, {"v": '"a"@de'})
    assert bound.endswith('WHERE {\n  VALUES (?v) { ("a"@de) }\n ?s x:p ?o FILTER(?o = ?v) }')
    assert with_bindings("SELECT * { ?s ?p ?v }", {"v": "<urn:y>"}).startswith(
        "SELECT * {\n  VALUES (?v) { (<urn:y>) }"
    )
    with pytest.raises(ValueError, match="blank node"):
        with_bindings("SELECT * { ?s ?p ?v }", {"v": "_:b0"})


def test_bindings_go_into_each_sub_select_that_projects_them_as_oxigraph_binds_them() -> None:
    """pyoxigraph binds a substituted variable inside a sub-SELECT that projects it by name,
    through every sub-SELECT around it, and nowhere else: the VALUES blocks follow that rule,
    so a pyoxigraph store answers the bound text as it answers the substituted query."""
    store = ox.Store()
    for subject, value in (("a", "x"), ("b", "y")):
        store.add(ox.Quad(ox.NamedNode(f"urn:{subject}"), ox.NamedNode("urn:p"), ox.Literal(value)))
    inner = "{ ?s <urn:p> ?o FILTER (?o = ?v) }"
    nested = f"{{ {{ SELECT ?s ?v {inner} }} }}"
    queries = {
        "projected": f"SELECT ?v ?s {{ {{ SELECT ?s ?v WHERE {inner} }} }}",
        "not projected": f"SELECT ?v ?s {{ {{ SELECT ?s WHERE {inner} }} }}",
        "star": f"SELECT ?v ?s {{ {{ SELECT * WHERE {inner} }} }}",
        "by expression": f"SELECT ?v ?s {{ {{ SELECT ?s (COUNT(?v) AS ?n) {inner} GROUP BY ?s }}}}",
        "nested": f"SELECT ?v ?s {{ {{ SELECT ?s ?v {nested} }} }}",
        "middle not projecting": f"SELECT ?v ?s {{ {{ SELECT ?s {nested} }} }}",
    }
    found = {}
    for name, query in queries.items():
        bound = with_bindings(query, {"v": '"x"'})
        substituted = store.query(query, substitutions={ox.Variable("v"): ox.Literal("x")})
        assert isinstance(substituted, ox.QuerySolutions)
        expected = sorted(str(row["s"]) for row in substituted)
        answer = store.query(bound)
        assert isinstance(answer, ox.QuerySolutions)
        assert sorted(str(row["s"]) for row in answer) == expected, name
        found[name] = (bound.count("VALUES"), expected)
    assert found == {
        "projected": (2, ["<urn:a>"]),
        "not projected": (1, []),
        "star": (1, []),
        "by expression": (1, []),
        "nested": (3, ["<urn:a>"]),
        "middle not projecting": (1, []),
    }


def test_store_url_names_the_server_kind() -> None:
    virtuoso = Endpoints.from_url(
        "virtuoso+http://127.0.0.1:8890/",
        env={"FOERDERGRAPH_STORE_USER": "u", "FOERDERGRAPH_STORE_PASSWORD": "p"},
    )
    assert (virtuoso.base, virtuoso.query) == (
        "http://127.0.0.1:8890",
        "http://127.0.0.1:8890/sparql",
    )
    assert virtuoso.gsp == "http://127.0.0.1:8890/sparql-graph-crud-auth"
    assert isinstance(virtuoso.auth, httpx.DigestAuth) and virtuoso.server.max_rows == 10_000
    plain = Endpoints.from_url("http://127.0.0.1:7878", env={})
    assert plain.query.endswith("/query") and plain.server.max_rows is None
    with pytest.raises(RemoteStoreError, match=r"unknown SPARQL server kind 'fuseki'.*virtuoso"):
        Endpoints.from_url("fuseki+http://127.0.0.1:3030", env={})

"""The scale-out backend against the real Oxigraph server: upload, queries, linked data, and a
server that is down."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.config import Settings
from foerdergraph.core.errors import BuildError
from foerdergraph.remote.endpoints import Endpoints, RemoteStoreError
from foerdergraph.remote.substitute import with_bindings
from foerdergraph.remote.upload import remote_graph_counts, upload_build, upload_release
from foerdergraph.serve.app import create_app

from .conftest import BASE, FIXTURES, free_port, make_release
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
    return make_release(tmp_path_factory.mktemp("remote-build"), extra=_recurring_quads())


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, release_dir: Path) -> Iterator[str]:
    """An Oxigraph server holding the release, uploaded the way `build --store` does it."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-data")) as url:
        upload_build(release_dir / "current", url, BASE, lambda _m: None)
        yield url


def _settings(build_dir: Path, store_url: str | None) -> Settings:
    return Settings(
        home=FIXTURES,
        base_iri=BASE,
        build_dir_override=build_dir,
        query_timeout_s=5.0,
        query_workers=2,
        public_url=None,
        store_url=store_url,
    )


@pytest.fixture(scope="module")
def clients(release_dir: Path, oxigraph: str) -> Iterator[tuple[TestClient, TestClient]]:
    """(local, remote): the same release served from pyoxigraph and from the Oxigraph server."""
    local_app = create_app(_settings(release_dir, None))
    remote_app = create_app(_settings(release_dir, oxigraph))
    with (
        TestClient(local_app, base_url="http://127.0.0.1:8000") as local,
        TestClient(remote_app, base_url="http://127.0.0.1:8000") as remote,
    ):
        yield local, remote


def _manifest_counts(release_dir: Path) -> dict[str, int]:
    manifest = json.loads((release_dir / "current" / "manifest.json").read_text("utf-8"))
    return {g["iri"]: g["triples"] for g in manifest["graphs"]}


def test_build_uploads_every_named_graph(release_dir: Path, oxigraph: str) -> None:
    assert remote_graph_counts(Endpoints.from_url(oxigraph)) == _manifest_counts(release_dir)


def test_update_fallback_replaces_graphs_and_drops_stale_ones(
    release_dir: Path, tmp_path: Path
) -> None:
    with running_oxigraph(tmp_path / "data") as url:
        stale = BASE + "graph/document/withdrawn"
        httpx.put(
            url + "/store",
            params={"graph": stale},
            content=b"<urn:x:a> <urn:x:b> <urn:x:c> .\n",
            headers={"Content-Type": "application/n-triples"},
        ).raise_for_status()
        endpoints = Endpoints.from_url(url, env={"FOERDERGRAPH_STORE_GSP": "none"})
        report = upload_release(release_dir / "current" / "store", endpoints, BASE)
        assert report.method == "update" and report.dropped == [stale]
        assert remote_graph_counts(endpoints) == _manifest_counts(release_dir)
        again = upload_release(release_dir / "current" / "store", endpoints, BASE)
        assert again.dropped == []
        assert remote_graph_counts(endpoints) == _manifest_counts(release_dir)


def _rows(response: httpx.Response) -> list[dict[str, object]]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_recurring_partners_identical(clients: tuple[TestClient, TestClient]) -> None:
    local, remote = clients
    answers = [
        _rows(c.post("/sparql", data={"query": RECURRING}, headers={"Accept": "application/json"}))
        for c in clients
    ]
    assert answers[0] and answers[0] == answers[1]
    csv = [
        c.get("/sparql", params={"query": RECURRING}, headers={"Accept": "text/csv"})
        for c in (local, remote)
    ]
    assert csv[1].headers["content-type"].startswith("text/csv")
    assert csv[0].text == csv[1].text


def test_canned_query_parameters_bound_remotely(clients: tuple[TestClient, TestClient]) -> None:
    funder = BASE + "id/organisation/wirtschaftsministerium-nrw"
    answers = [
        _rows(c.get("/queries/programmes-of-funder", params={"funder": funder, "format": "json"}))
        for c in clients
    ]
    assert answers[0] and answers[0] == answers[1]


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


def test_remote_down_is_a_clear_error(release_dir: Path, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RemoteStoreError, match="unreachable"):
        create_app(_settings(release_dir, dead))
    with pytest.raises(BuildError, match=r"complete and current locally.*unreachable"):
        upload_build(release_dir / "current", dead, BASE, lambda _m: None)
    # a server that goes away while we serve: queries get 502 naming the store, pages an error
    with running_oxigraph(tmp_path / "data") as url:
        upload_build(release_dir / "current", url, BASE, lambda _m: None)
        app = create_app(_settings(release_dir, url))
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

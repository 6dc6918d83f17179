"""Read replicas on loopback: two Oxigraph servers with the same release share the queries;
one killed under load or holding another release is taken out without a client noticing, and
comes back once it holds the release again."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.remote.upload import upload_build
from foerdergraph.serve.app import create_app

from .conftest import BASE, make_release, store_settings
from .oxigraph_server import running_oxigraph

QUERY = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o"
PAGE = "/id/organisation/wirtschaftsministerium-nrw"


def _extra(n: int) -> list[ox.Quad]:
    graph = ox.NamedNode(BASE + "graph/extra")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    return [
        ox.Quad(ox.NamedNode(f"{BASE}id/thing/t{i}"), label, ox.Literal(f"Ding {i}"), graph)
        for i in range(n)
    ]


def _replicas(client: TestClient) -> dict[str, dict[str, object]]:
    return {r["store"]: r for r in client.get("/health").json()["replicas"]}


def _answer(client: TestClient) -> str:
    response = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    return response.text


def test_queries_spread_and_survive_a_replica_killed_under_load(tmp_path: Path) -> None:
    release = make_release(tmp_path / "build", extra=_extra(50))
    with running_oxigraph(tmp_path / "b") as url_b:
        with running_oxigraph(tmp_path / "a") as url_a:
            upload_build(release / "current", f"{url_a},{url_b}", BASE, lambda _m: None)
            app = create_app(store_settings(release, f"{url_a},{url_b}"))
            client = TestClient(app, base_url="http://127.0.0.1:8000")
            client.__enter__()
            expected = _answer(client)
            for _ in range(9):
                assert _answer(client) == expected
            served = _replicas(client)
            assert served[url_a]["served"] and served[url_b]["served"]
            answers: list[str] = []
            errors: list[BaseException] = []
            loading = threading.Event()
            loading.set()

            def load() -> None:
                try:
                    while loading.is_set():
                        answers.append(_answer(client))
                        assert client.get(PAGE, headers={"Accept": "text/turtle"}).is_success
                except BaseException as error:  # reported by the main thread
                    errors.append(error)

            worker = threading.Thread(target=load)
            worker.start()
            time.sleep(0.5)
        # replica a is gone now, in the middle of the load
        try:
            time.sleep(1.0)
        finally:
            loading.clear()
            worker.join()
        assert not errors, errors
        assert answers and all(a == expected for a in answers)
        status = _replicas(client)
        assert status[url_a]["in_service"] is False and "unreachable" in str(
            status[url_a]["reason"]
        )
        assert status[url_b]["in_service"] is True
        client.__exit__(None, None, None)


def test_a_lagging_replica_is_taken_out_until_it_holds_the_release(tmp_path: Path) -> None:
    current = make_release(tmp_path / "build", extra=_extra(50), build_id="new")
    older = make_release(tmp_path / "older", extra=_extra(40), build_id="old")
    with running_oxigraph(tmp_path / "a") as url_a, running_oxigraph(tmp_path / "b") as url_b:
        upload_build(current / "current", url_a, BASE, lambda _m: None)
        upload_build(older / "current", url_b, BASE, lambda _m: None)
        app = create_app(store_settings(current, f"{url_a},{url_b}"))
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            status = _replicas(client)
            assert status[url_b]["in_service"] is False
            assert "another release than new" in str(status[url_b]["reason"])
            answers = {_answer(client) for _ in range(6)}
            assert len(answers) == 1 and _replicas(client)[url_b]["served"] == 0
            upload_build(current / "current", url_b, BASE, lambda _m: None)
            deadline = time.monotonic() + 30
            while not _replicas(client)[url_b]["in_service"]:
                assert time.monotonic() < deadline, "replica b never came back"
                _answer(client)
                time.sleep(0.5)
            for _ in range(4):
                assert _answer(client) in answers
            assert _replicas(client)[url_b]["served"]


def test_no_replica_left_is_a_clear_error(tmp_path: Path) -> None:
    release = make_release(tmp_path / "build")
    with running_oxigraph(tmp_path / "a") as url_a, running_oxigraph(tmp_path / "b") as url_b:
        upload_build(release / "current", f"{url_a},{url_b}", BASE, lambda _m: None)
        app = create_app(store_settings(release, f"{url_a},{url_b}"))
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as c:
        response = c.get("/sparql", params={"query": "ASK {}"})
        assert response.status_code == 502
        assert url_a in response.text and url_b in response.text


@pytest.fixture(autouse=True)
def _quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Probe taken-out replicas after 1 s instead of 5 s, so the tests wait less."""
    monkeypatch.setattr("foerdergraph.remote.replicas.RETRY_S", 1.0)

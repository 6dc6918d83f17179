"""A running server switches to a new build when `build/current` moves: no restart, never a
half-built graph, and a broken target leaves the last good build in service."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.config import Settings
from foerdergraph.serve.app import create_app

from .conftest import BASE, FIXTURES, make_release

NEW = ox.Quad(
    ox.NamedNode(BASE + "id/organisation/new-in-second-build"),
    ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
    ox.Literal("Neu im zweiten Build", language="de"),
    ox.NamedNode(BASE + "graph/entities"),
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def switch(build_dir: Path, build_id: str) -> None:
    """Point `current` at another release the way the build does: a new link, renamed over."""
    temporary = build_dir / ".current-test"
    temporary.symlink_to(Path("releases") / build_id)
    os.replace(temporary, build_dir / "current")


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    make_release(tmp_path)
    make_release(tmp_path, extra=[NEW], build_id="second", link=False)
    return tmp_path


@pytest.fixture
def client(build_dir: Path) -> Iterator[TestClient]:
    settings = Settings(home=FIXTURES, base_iri=BASE, build_dir_override=build_dir, query_workers=2)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def count(client: TestClient) -> int:
    response = client.get("/sparql", params={"query": COUNT, "format": "json"})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_new_build_served_without_restart(client: TestClient, build_dir: Path) -> None:
    before = count(client)
    new_page = "/id/organisation/new-in-second-build"
    assert client.get(new_page, headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/health").json()["build_id"] == "test-build"

    switch(build_dir, "second")
    assert client.get("/health").json()["build_id"] == "second"
    assert count(client) == before + 1  # every worker reopens the new store
    assert count(client) == before + 1
    assert client.get(new_page, headers={"Accept": "text/turtle"}).status_code == 200
    assert "Neu im zweiten Build" in client.get("/api/search", params={"q": "zweiten"}).text
    files = client.get("/dumps/", headers={"Accept": "application/json"}).json()
    assert files and files[0]["triples"] == before + 1

    switch(build_dir, "test-build")  # and back: a rollback is just another switch
    assert count(client) == before
    assert client.get(new_page, headers={"Accept": "text/turtle"}).status_code == 404


def test_broken_target_keeps_the_last_good_build(client: TestClient, build_dir: Path) -> None:
    before = count(client)
    (build_dir / "releases" / "half").mkdir()  # no manifest, no store
    switch(build_dir, "half")
    assert client.get("/health").json()["build_id"] == "test-build"
    assert count(client) == before
    switch(build_dir, "second")  # the next good build is picked up again
    assert count(client) == before + 1

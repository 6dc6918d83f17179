"""Query workers answer from a copy of the release in memory once it is loaded: the same quads
as the on-disk store (graphs the dumps leave out included), only within the configured size,
never a partial or mismatched copy, and the new release's copy after a switch."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.config import Settings
from foerdergraph.serve.app import create_app
from foerdergraph.serve.memory_copy import COPY_SOURCE, ReleaseStore

from .conftest import BASE, FIXTURES, make_release
from .test_reload import NEW, count, switch

VOID = ox.NamedNode(BASE + "graph/void")
VOID_QUAD = ox.Quad(
    ox.NamedNode(BASE + "id/dataset/foerdergraph"),
    ox.NamedNode("http://rdfs.org/ns/void#triples"),
    ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    VOID,
)


def add_to_store_only(release: Path, quad: ox.Quad) -> None:
    """A graph the dumps leave out, as the build's VoID description is."""
    store = ox.Store(str(release / "store"))
    store.add(quad)
    store.flush()
    del store
    gc.collect()


@pytest.fixture
def release(tmp_path: Path) -> Path:
    path = make_release(tmp_path) / "current"
    add_to_store_only(path.resolve(), VOID_QUAD)
    return path.resolve()


def copied(release: Path, limit: int = 1_000_000) -> ReleaseStore:
    store = ReleaseStore(str(release / "store"), limit)
    store.start_copy()
    store.wait_for_copy(60)
    return store


def quads(store: ox.Store) -> set[str]:
    """Quads as text, blank nodes aside (their labels differ between two loads)."""
    return {str(q) for q in store if not any(isinstance(t, ox.BlankNode) for t in q)}


def test_the_copy_holds_every_quad_of_the_store(release: Path) -> None:
    store = copied(release)
    assert store.in_memory and store.store is not store.disk
    assert len(store.store) == len(store.disk)
    assert quads(store.store) == quads(store.disk)
    assert VOID_QUAD in store.store  # copied from the store, not in the dumps
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    answers = [[(row["g"], row["n"]) for row in s.query(query)] for s in (store.store, store.disk)]
    assert answers[0] == answers[1]


@pytest.mark.parametrize("limit", [0, 3])
def test_releases_above_the_limit_stay_on_disk(release: Path, limit: int) -> None:
    store = copied(release, limit)
    assert not store.in_memory and store.store is store.disk


def test_a_copy_that_differs_from_the_store_is_never_used(
    release: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dump = release / COPY_SOURCE
    lines = dump.read_bytes().splitlines(keepends=True)
    graph = lines[0].rsplit(b" ", 2)[-2]
    assert any(line.rsplit(b" ", 2)[-2] == graph for line in lines[1:])
    dump.write_bytes(b"".join(lines[1:]))  # one quad short, in a graph that has others
    with caplog.at_level(logging.WARNING):
        store = copied(release)
    assert not store.in_memory
    assert "the copy holds" in caplog.text


def test_an_unreadable_dump_leaves_the_worker_on_disk(
    release: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (release / COPY_SOURCE).write_text("<not> <n-quads", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        store = copied(release)
    assert not store.in_memory
    assert "cannot copy" in caplog.text


def wait_for_copies(client: TestClient, workers: int) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while True:
        health = client.get("/health").json()
        if health["in_memory"] == workers or time.monotonic() > deadline:
            return health
        count(client)  # busy workers report their copy with an answer
        time.sleep(0.1)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    make_release(tmp_path)
    make_release(tmp_path, extra=[NEW], build_id="second", link=False)
    settings = Settings(home=FIXTURES, base_iri=BASE, build_dir_override=tmp_path, query_workers=2)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def test_workers_answer_from_memory_and_copy_each_new_release(
    client: TestClient, tmp_path: Path
) -> None:
    before = count(client)
    assert wait_for_copies(client, 2)["in_memory"] == 2
    assert count(client) == before  # the same answer from memory

    switch(tmp_path, "second")
    assert count(client) == before + 1  # the new release at once, from its files
    assert wait_for_copies(client, 2)["in_memory"] == 2  # then from its own copy
    assert count(client) == before + 1


def test_no_copy_when_switched_off(tmp_path: Path) -> None:
    make_release(tmp_path)
    settings = Settings(
        home=FIXTURES,
        base_iri=BASE,
        build_dir_override=tmp_path,
        query_workers=2,
        memory_copy_quads=0,
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        count(client)
        count(client)
        time.sleep(1)
        assert client.get("/health").json()["in_memory"] == 0

"""Linked-data documents carry an ETag and answer conditional GETs with 304; they are kept per
release, so a new build is served at once with its own documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.config import Settings
from foerdergraph.serve.app import create_app
from foerdergraph.serve.document_cache import matches

from .conftest import BASE, FIXTURES, make_release
from .test_linked_data import MINISTRY
from .test_reload import switch

TURTLE = {"Accept": "text/turtle"}
RENAMED = ox.Quad(
    ox.NamedNode(BASE + MINISTRY),
    ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
    ox.Literal("Im zweiten Build umbenannt", language="de"),
    ox.NamedNode(BASE + "graph/entities"),
)


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    make_release(tmp_path)
    make_release(tmp_path, extra=[RENAMED], build_id="second", link=False)
    return tmp_path


@pytest.fixture
def client(build_dir: Path) -> Iterator[TestClient]:
    settings = Settings(home=FIXTURES, base_iri=BASE, build_dir_override=build_dir, query_workers=1)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "text/html"])
def test_repeated_lookup_same_document_and_etag(client: TestClient, accept: str) -> None:
    first = client.get("/" + MINISTRY, headers={"Accept": accept})
    second = client.get("/" + MINISTRY, headers={"Accept": accept})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    for name in ("content-type", "content-location", "vary"):
        assert first.headers[name] == second.headers[name]


def test_formats_have_their_own_etags(client: TestClient) -> None:
    tags = {
        client.get("/" + MINISTRY, headers={"Accept": accept}).headers["etag"]
        for accept in ("text/turtle", "application/n-triples", "application/ld+json")
    }
    assert len(tags) == 3


def test_conditional_get_answers_304_without_body(client: TestClient) -> None:
    etag = client.get("/" + MINISTRY, headers=TURTLE).headers["etag"]
    again = client.get("/" + MINISTRY, headers={**TURTLE, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert "content-location" in again.headers
    listed = client.get("/" + MINISTRY, headers={**TURTLE, "If-None-Match": f'"x", W/{etag}'})
    assert listed.status_code == 304
    other = client.get("/" + MINISTRY, headers={**TURTLE, "If-None-Match": '"not-it"'})
    assert other.status_code == 200
    assert other.headers["etag"] == etag


def test_unknown_iri_is_not_remembered_as_a_document(client: TestClient) -> None:
    for _ in range(2):
        response = client.get("/id/organisation/nowhere", headers=TURTLE)
        assert response.status_code == 404
        assert "etag" not in response.headers


def test_new_build_gets_new_documents_and_etags(client: TestClient, build_dir: Path) -> None:
    old = client.get("/" + MINISTRY, headers=TURTLE)
    assert "Im zweiten Build umbenannt" not in old.text
    switch(build_dir, "second")
    assert client.get("/health").json()["build_id"] == "second"
    new = client.get("/" + MINISTRY, headers={**TURTLE, "If-None-Match": old.headers["etag"]})
    assert new.status_code == 200
    assert "Im zweiten Build umbenannt" in new.text
    assert new.headers["etag"] != old.headers["etag"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("*", True),
        ('"a"', True),
        ('W/"a"', True),
        ('"b", "a"', True),
        ('"b"', False),
    ],
)
def test_if_none_match_comparison(header: str | None, expected: bool) -> None:
    assert matches(header, '"a"') is expected

"""HTTP behaviour of every route: paths that cannot name an IRI, unexpected errors, and CORS
headers on error responses too."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient

from foerdergraph.serve import linked_data

ORIGIN = {"Origin": "https://elsewhere.example"}


@pytest.mark.parametrize(
    "path",
    [
        "/id/a%20b",  # space
        "/id/a%3Cb",  # <
        "/id/a%22b",  # "
        "/id/a%7Bb",  # {
        "/id/a%7Cb",  # |
        "/id/a%5Eb",  # ^
        "/id/a%60b",  # `
        "/id/a%5Cb",  # backslash
        "/id/a%25zz",  # a percent sign not starting an escape
        "/id/a%00b",
        "/graph/a%20b",
        "/role/a%3Cb",
        "/ontology/a%22b",
        "/documents/a%20b",
        "/documents/a%7Bb",
    ],
)
@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "*/*"])
def test_a_path_no_iri_can_have_is_404_without_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture, path: str, accept: str
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404, response.text
    assert "not a valid IRI" in response.text
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "path", ["/id/a%FFb", "/id/%C3", "/documents/%FF", "/dumps/%FE%FF", "/queries/%80"]
)
def test_percent_escapes_that_are_not_utf8_are_400(
    client: TestClient, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.get(path, headers=ORIGIN)
    assert response.status_code == 400
    assert "UTF-8" in response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_valid_non_ascii_paths_still_resolve(client: TestClient) -> None:
    response = client.get("/id/organisation/m%C3%BCller", headers={"Accept": "text/turtle"})
    assert response.status_code == 404  # a valid IRI the fixture does not hold
    assert "müller" in response.text


def test_unexpected_error_is_one_log_line_and_a_plain_500(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk went away\nsecond line")

    monkeypatch.setattr(linked_data, "describe_first", broken)
    with caplog.at_level(logging.DEBUG, logger="foerdergraph"):
        response = client.get("/id/programme/efre-nrw", headers={"Accept": "text/turtle", **ORIGIN})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["access-control-allow-origin"] == "*"
    assert "disk" not in response.text  # no internals to the client
    error_id = re.search(r"error ([0-9a-f]{8})", response.text).group(1)  # type: ignore[union-attr]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    line = errors[0].getMessage()
    assert "\n" not in line and error_id in line and "/id/programme/efre-nrw" in line
    assert "RuntimeError" in line and errors[0].exc_info is None


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/id/organisation/nobody", {"headers": {"Accept": "text/turtle"}}, 404),
        ("GET", "/id/a%20b", {}, 404),
        ("GET", "/dumps/nothing.ttl", {}, 404),
        ("GET", "/queries/no-such-query", {}, 404),
        ("GET", "/id/programme/efre-nrw", {"headers": {"Accept": "image/png"}}, 406),
        ("GET", "/sparql", {"params": {"query": "SELECT * WHERE {"}}, 400),
        ("POST", "/sparql", {"data": {"update": "DROP ALL"}}, 400),
        ("POST", "/sparql", {"content": b"x", "headers": {"Content-Type": "text/plain"}}, 415),
        ("POST", "/sparql", {"data": {"query": "#" + "x" * 30_000}}, 413),
        ("DELETE", "/sparql", {}, 405),
        ("PUT", "/health", {}, 405),
    ],
)
def test_error_responses_carry_cors_headers(
    client: TestClient, method: str, path: str, kwargs: dict, status: int
) -> None:
    headers = {**kwargs.pop("headers", {}), **ORIGIN}
    response = client.request(method, path, headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["access-control-allow-origin"] == "*"

"""HTTP behaviour of every route: paths that cannot name an IRI, unexpected errors, HEAD
wherever GET works, and CORS headers on error responses too."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

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

    monkeypatch.setattr(linked_data, "description_units", broken)
    with caplog.at_level(logging.DEBUG, logger="foerdergraph"):
        response = client.get(  # a query of its own: not a document the server already holds
            "/id/programme/efre-nrw?probe=broken", headers={"Accept": "text/turtle", **ORIGIN}
        )
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


SAMPLE_PARAMS = {
    "file": {
        "/dumps/{file}": "foerdergraph.ttl",
        "/shapes/{file}": "grant.ttl",
        "/api/docs/{file}": "swagger-ui.css",
    },
    "identifier": "pm-1",
    "name": "organisations",
    "ext": "ttl",
    "path": {"/id/{path:path}": "programme/efre-nrw", "/{path:path}": "id/programme/efre-nrw"},
    "id": "organisation/landesregierung-nrw",
    "suffix": ".json",
}
"""A value for every path parameter of the app's routes, so each route can be called."""


def _get_paths(client: TestClient) -> list[str]:
    """A concrete URL for every route that answers GET (a new route needs no test of its own,
    only a sample value here if it brings a new parameter name)."""
    paths = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            paths.append(route.path + "/ui.js")
            continue
        assert isinstance(route, Route)
        if route.methods is not None and "GET" not in route.methods:
            continue
        path = route.path
        for name in route.param_convertors:
            sample = SAMPLE_PARAMS[name]
            value = sample[route.path] if isinstance(sample, dict) else sample
            path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", value, path)
        paths.append(path)
    return paths


def test_every_get_route_is_enumerated(client: TestClient) -> None:
    paths = _get_paths(client)
    for expected in ("/", "/health", "/dumps/", "/dumps/foerdergraph.ttl", "/documents/pm-1"):
        assert expected in paths
    assert "/static/ui.js" in paths and "/sparql" in paths and "/id/programme/efre-nrw" in paths


@pytest.mark.parametrize("accept", ["text/html", "*/*"])
def test_head_wherever_get_works(client: TestClient, accept: str) -> None:
    for path in _get_paths(client):
        got = client.get(path, headers={"Accept": accept})
        head = client.head(path, headers={"Accept": accept})
        if accept == "*/*":  # every sample names something (HTML is not offered everywhere)
            assert got.status_code == 200, (path, got.status_code)
        assert head.status_code == got.status_code, path
        expected, headers = dict(got.headers), dict(head.headers)
        if client.get(path, headers={"Accept": accept}).content != got.content:
            # fresh blank node labels (the shapes): the length differs from answer to answer
            del expected["content-length"], headers["content-length"]
        assert headers == expected, path


def test_head_on_the_live_server_sends_no_body(live_server: str) -> None:
    import httpx

    for path in ("", "health", "dumps/", "dumps/foerdergraph.ttl", "documents/pm-1", "sparql"):
        got = httpx.get(live_server + path)
        head = httpx.head(live_server + path)
        after = httpx.get(live_server + path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        # /health reports the pool, which may start a worker between two requests: HEAD must
        # announce the length of a GET made just before or just after it
        lengths = {got.headers["content-length"], after.headers["content-length"]}
        assert head.headers["content-length"] in lengths, path


def test_api_docs_work_offline(client: TestClient) -> None:
    """Swagger UI comes from this host: every script, style and icon the page names is served
    here, and the page names no other host (it used to load from a CDN and stay blank)."""
    root = re.findall(r'href="([^"]+)api/docs"', client.get("/").text)[0]
    page = client.get("/api/docs")
    assert page.status_code == 200 and "swagger" in page.text.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith(root + "api/docs/") for a in assets), assets
    for asset in assets:
        assert client.get("/" + asset[len(root) :]).status_code == 200, asset
    assert f"'{root}api/openapi.json'" in page.text or f'"{root}api/openapi.json"' in page.text
    assert client.get("/api/openapi.json").json()["paths"]["/api/search"]
    assert client.get("/api/docs/index.html").status_code == 404  # only the files it needs


def test_every_page_links_the_api_docs(client: TestClient) -> None:
    for path in ("/", "/queries", "/dumps/"):
        assert re.search(r'href="[^"]*/api/docs"', client.get(path).text), path

"""FOERDERGRAPH_BASE really configures the IRIs: a real build of the project under the default
base and under a publisher's own origin (with and without a path) validates, and every kind of
IRI it mints — from documents, the registry and the committed imports alike — dereferences on a
server started with that base, in every format, while unknown IRIs give 404."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.config import DEFAULT_BASE_IRI
from foerdergraph.serve.base_path import served_prefixes

from .conftest import free_port, serve_process

ROOT = Path(__file__).resolve().parents[2]

FORMATS = {
    "text/html": None,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
"""What each minted IRI must be served as (and how to read the answer back)."""

EXPECTED_KINDS = {
    "id/document",  # source documents
    "id/organisation",  # the curated registry
    "id/organisation/import",  # beneficiaries of the imported lists
    "id/grant/import",
    "id/evidence/import",
    "id/dataset",  # the imported lists and the VoID dataset
    "graph/document",
    "graph/entities",
    "graph/import",
    "graph/void",
}

CANONICAL_ID = DEFAULT_BASE_IRI + "id/"
CANONICAL_GRAPH = DEFAULT_BASE_IRI + "graph/"

PER_KIND = 2
"""IRIs checked per kind: the first and the last in IRI order."""


@dataclass(frozen=True)
class Served:
    base: str
    url: str
    """Where the server listens (its root)."""
    build: Path

    def url_of(self, iri: str) -> str:
        """The URL that dereferences `iri`: the IRI itself when the base is the server's own
        origin, else the IRI's path below the base on the server (the canonical base is a
        w3id.org redirect, not reachable from the tests)."""
        if self.base == DEFAULT_BASE_IRI:
            return self.url + iri[len(self.base) :]
        return iri


def _env(base: str, build: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "FOERDERGRAPH_HOME": str(ROOT),
        "FOERDERGRAPH_BASE": base,
        "FOERDERGRAPH_BUILD_DIR": str(build),
        "FOERDERGRAPH_QUERY_WORKERS": "2",
        "FOERDERGRAPH_MEMORY_COPY": "0",
    }
    env.pop("FOERDERGRAPH_PUBLIC_URL", None)
    return env


@pytest.fixture(scope="module", params=["default", "origin", "origin-with-path"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """`foerdergraph build` of the real project with the base, then `foerdergraph serve` on the
    port the base names (for the default base, on any free port)."""
    port = free_port()
    base = {
        "default": DEFAULT_BASE_IRI,
        "origin": f"http://127.0.0.1:{port}/",
        "origin-with-path": f"http://127.0.0.1:{port}/fg/",
    }[request.param]
    build = tmp_path_factory.mktemp(f"build-{request.param}")
    env = _env(base, build)
    done = subprocess.run(
        [sys.executable, "-m", "foerdergraph.cli", "build", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[:3000]
    log = tmp_path_factory.mktemp(f"log-{request.param}") / "serve.log"
    with serve_process(env, port, log) as url:
        yield Served(base, url, build)


def _kind(iri: str, base: str) -> str:
    """'id/grant/import' for {base}id/grant/import/…, 'id/organisation' for a registry entity,
    'graph/document' for {base}graph/document/…"""
    parts = iri[len(base) :].split("/")
    if parts[0] == "id" and len(parts) > 3 and parts[2] == "import":
        return "/".join(parts[:3])
    return "/".join(parts[:2])


@pytest.fixture(scope="module")
def named(served: Served) -> frozenset[str]:
    """Every IRI in the built store, in any position (subject, predicate, object, graph)."""
    found: set[str] = set()
    for quad in _open(served):
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
    return frozenset(found)


def _under(named: frozenset[str], base: str) -> dict[str, list[str]]:
    """The IRIs under the base, by kind, in IRI order."""
    kinds: dict[str, list[str]] = {}
    for iri in sorted(i for i in named if i.startswith(base)):
        kinds.setdefault(_kind(iri, base), []).append(iri)
    return kinds


def _minted(named: frozenset[str], base: str) -> dict[str, list[str]]:
    """The IRIs the build minted (`{base}id/…` and `{base}graph/…`), by kind."""
    return {k: v for k, v in _under(named, base).items() if k.startswith(("id/", "graph/"))}


def _open(served: Served) -> ox.Store:
    return ox.Store.read_only(str(served.build / "current" / "store"))


def test_the_build_mints_every_iri_under_the_base(served: Served, named: frozenset[str]) -> None:
    kinds = _minted(named, served.base)
    assert set(kinds) >= EXPECTED_KINDS, sorted(EXPECTED_KINDS - set(kinds))
    if served.base != DEFAULT_BASE_IRI:
        # nothing of the canonical namespace is left but the vocabulary
        assert not {i for i in named if i.startswith((CANONICAL_ID, CANONICAL_GRAPH))}
    assert "https://w3id.org/foerdergraph/ontology#Grant" in named
    assert "https://w3id.org/foerdergraph/role/beneficiary" in named
    manifest = (served.build / "current" / "manifest.json").read_text(encoding="utf-8")
    assert f'"base_iri": "{served.base}"' in manifest


def test_every_kind_of_minted_iri_dereferences(served: Served, named: frozenset[str]) -> None:
    store = _open(served)
    kinds = _minted(named, served.base)
    sample = [iri for iris in kinds.values() for iri in {iris[0], iris[-1]}]
    assert len(sample) >= PER_KIND * len(EXPECTED_KINDS) - len(EXPECTED_KINDS)
    with httpx.Client(timeout=30) as http:
        for iri in sample:
            url = served.url_of(iri)
            for media, fmt in FORMATS.items():
                response = http.get(url, headers={"Accept": media})
                assert response.status_code == 200, (iri, media, response.status_code)
                assert response.headers["content-type"].split(";")[0] == media, (iri, media)
                assert "Accept" in response.headers["vary"], (iri, media)
                location = response.headers["content-location"]
                assert location.startswith(url + "."), (iri, media, location)
                if fmt is None:
                    assert "<h1>" in response.text, iri
                    continue
                # the description: the IRI's own statements (a graph name may have none)
                node = ox.NamedNode(iri)
                stated = {q.triple for q in store.quads_for_pattern(node, None, None, None)}
                served_triples = {q.triple for q in ox.parse(response.content, format=fmt)}
                assert {t for t in served_triples if t.subject == node} == stated, (iri, media)


def test_unknown_iris_404(served: Served) -> None:
    with httpx.Client(timeout=30) as http:
        for path in ("id/organisation/no-such-organisation", "graph/import/no-such-list"):
            url = served.url_of(served.base + path)
            for media in FORMATS:
                response = http.get(url, headers={"Accept": media})
                assert response.status_code == 404, (path, media)
                assert response.headers["content-type"].split(";")[0] == media, (path, media)
                assert "Accept" in response.headers["vary"], (path, media)


def test_the_dataset_description_names_served_urls(served: Served, named: frozenset[str]) -> None:
    """The VoID's other IRIs under the base (dumps, the SPARQL endpoint) are served too."""
    others = [
        iri
        for kind, iris in _under(named, served.base).items()
        if not kind.startswith(("id/", "graph/"))
        for iri in iris
        if "#" not in iri
    ]
    assert any(iri.endswith("/sparql") for iri in others)
    assert any(iri.endswith(".nt.gz") for iri in others)
    with httpx.Client(timeout=30) as http:
        for iri in others:
            with http.stream("GET", served.url_of(iri)) as response:  # not the whole dump
                assert response.status_code == 200, (iri, response.status_code)


def test_served_prefixes() -> None:
    assert served_prefixes("https://w3id.org/foerdergraph/", None) == ("/foerdergraph",)
    assert served_prefixes("http://127.0.0.1:8000/", "https://graph.example.org/") == ()
    assert served_prefixes("http://127.0.0.1:8000/fg/", "https://example.org/a/b/") == (
        "/a/b",
        "/fg",
    )


def test_the_app_answers_under_the_base_path_and_at_its_root(client: TestClient) -> None:
    """The fixture build's base is https://w3id.org/foerdergraph/: /foerdergraph/id/… names the
    same thing as /id/…, and links and Content-Location keep the prefix it was asked under."""
    iri = DEFAULT_BASE_IRI + "id/organisation/wirtschaftsministerium-nrw"
    for root in ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/foerdergraph/"):
        url = root + "id/organisation/wirtschaftsministerium-nrw"
        turtle = client.get(url, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200
        assert turtle.headers["content-location"] == url + ".ttl"
        stated = {q.triple.subject for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)}
        assert ox.NamedNode(iri) in stated
        page = client.get(url, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert f'href="{root}id/programme/efre-nrw"' in page.text
        assert f'href="{root}static/' in page.text or f'src="{root}static/' in page.text
        assert client.get(root + "static/ui.js").status_code == 200
    missing = client.get("/foerdergraph/id/organisation/nobody", headers={"Accept": "text/turtle"})
    assert missing.status_code == 404

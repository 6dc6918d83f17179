"""Fixtures for the server tests: a small build made from tests/fixtures/serve/graph.trig
(store, dumps, manifest — the layout `foerdergraph build` writes), an app with its worker pool,
a live uvicorn on 127.0.0.1 in a subprocess, and the headless Chromium of the page tests (Debian's,
installed by `ensure_chromium.sh` in `make test`; when it is missing they fail, not skip)."""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, sync_playwright

from foerdergraph.core.config import Settings
from foerdergraph.serve.app import create_app

from .processes import answers, started

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "serve"
PROJECT = Path(__file__).resolve().parents[2]
"""The project folder: its data/ is the real project the page tests build."""
REAL_HOME = {"FOERDERGRAPH_HOME": str(PROJECT)}
BASE = "https://w3id.org/foerdergraph/"

DUMP_FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", "Turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", "N-Triples"),
    "trig": (ox.RdfFormat.TRIG, "application/trig", "TriG"),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads", "N-Quads"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", "JSON-LD"),
}


def make_release(
    target: Path, extra: Sequence[ox.Quad] = (), build_id: str = "test-build", link: bool = True
) -> Path:
    """Write a release folder like the build's: store/, dumps/, manifest.json (the fixture
    graph plus `extra` quads), and point `current` at it unless `link` is false."""
    release = target / "releases" / build_id
    (release / "dumps").mkdir(parents=True)
    quads = list(ox.parse(path=str(FIXTURES / "graph.trig"), format=ox.RdfFormat.TRIG))
    quads += extra
    store = ox.Store(str(release / "store"))
    store.extend(quads)
    store.flush()
    graphs = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name.value, 0)
        graphs[quad.graph_name.value] += 1
    del store
    gc.collect()
    dumps = []
    for ext, (fmt, media, name) in DUMP_FORMATS.items():
        data = quads if fmt.supports_datasets else [q.triple for q in quads]
        body = ox.serialize(data, format=fmt)
        for file, content, compression in (
            (f"foerdergraph.{ext}", body, None),
            (f"foerdergraph.{ext}.gz", gzip.compress(body), "gzip"),
        ):
            (release / "dumps" / file).write_bytes(content)
            dumps.append(
                {
                    "file": file,
                    "format": name,
                    "media_type": media,
                    "compression": compression,
                    "bytes": len(content),
                    "triples": len(quads),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
            )
    (release / "dumps" / "void.ttl").write_text(
        "@prefix void: <http://rdfs.org/ns/void#> .\n"
        f"<{BASE}id/dataset/foerdergraph> a void:Dataset ;\n"
        f"  void:triples {len(quads)} ;\n  void:sparqlEndpoint <{BASE}sparql> .\n",
        encoding="utf-8",
    )
    manifest = {
        "build_id": build_id,
        "base_iri": BASE,
        "graphs": [
            {"iri": iri, "kind": iri[len(BASE) + len("graph/") :].split("/")[0], "triples": n}
            for iri, n in sorted(graphs.items())
        ],
        "dumps": dumps,
        "triples": len(quads),
    }
    (release / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    if link:
        (target / "current").symlink_to(Path("releases") / build_id)
    return target


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_release(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def settings(build_dir: Path) -> Settings:
    return Settings(
        home=FIXTURES,
        base_iri=BASE,
        build_dir_override=build_dir,
        query_timeout_s=3.0,
        max_result_rows=1000,
        max_body_bytes=20_000,
        query_workers=2,
        public_url=None,
    )


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    """One app (and worker pool) for the protocol tests; the lifespan starts the workers."""
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    build_dir: Path, log: Path, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """`foerdergraph serve` on a free port of 127.0.0.1 in a subprocess, its output going to
    `log`; yields its base URL and stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "FOERDERGRAPH_HOME": str(FIXTURES),
        "FOERDERGRAPH_BUILD_DIR": str(build_dir),
        "FOERDERGRAPH_BASE": BASE,
        "FOERDERGRAPH_QUERY_TIMEOUT": "3",
        "FOERDERGRAPH_MAX_BODY": "20000",
        "FOERDERGRAPH_QUERY_WORKERS": "2",
        **(extra_env or {}),
    }
    env.pop("FOERDERGRAPH_PUBLIC_URL", None)
    with serve_process(env, port, log) as url:
        yield url


@contextmanager
def serve_process(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """`foerdergraph serve` with `env` on `port` of 127.0.0.1, its output going to `log`;
    yields its base URL once /health answers and stops it afterwards."""
    with server_process(env, port, log) as (url, _):
        yield url


@contextmanager
def server_process(
    env: dict[str, str], port: int, log: Path, *, stop_wait: float = 10
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As `serve_process`, yielding the process too; stopped as `processes.stop(stop_wait)`."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "foerdergraph.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--access-log",  # tests read what the server logged of their requests
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    with started(
        process,
        lambda: answers(url + "health"),
        what="the server",
        seconds=60,
        output=lambda: log.read_text(errors="replace"),
        stop_wait=stop_wait,
    ):
        yield url, process


@pytest.fixture(scope="session")
def live_server(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`foerdergraph serve` on a free port of 127.0.0.1 in a subprocess; yields its base URL."""
    with running_server(build_dir, tmp_path_factory.mktemp("live") / "server.log") as url:
        yield url


CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module, not per session: Playwright's sync API runs an event loop in this thread
    while the browser lives, and later tests that call asyncio.run would fail."""
    assert CHROMIUM.exists(), "run tests/serve/ensure_chromium.sh to install Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def store_settings(build_dir: Path, store_url: str | None) -> Settings:
    """Settings of a server on the fixture release, reading `store_url` (None: the embedded
    store) with two workers and a 5 s query limit."""
    return Settings(
        home=FIXTURES,
        base_iri=BASE,
        build_dir_override=build_dir,
        query_timeout_s=5.0,
        query_workers=2,
        public_url=None,
        store_url=store_url,
    )


class Watched:
    """A page that records console errors and requests to other hosts."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.page = browser.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        self.page.on(
            "request",
            lambda r: (
                None if r.url.startswith((url, "blob:", "data:")) else self.outside.append(r.url)
            ),
        )

    def clean(self) -> Page:
        assert self.errors == [] and self.outside == []
        return self.page


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh `foerdergraph build` of the project's own data/ into a temporary folder (the
    checkout's build/ is left alone), made once for the tests on the real project."""
    build_dir = tmp_path_factory.mktemp("real-build")
    env = {**os.environ, "FOERDERGRAPH_BUILD_DIR": str(build_dir), **REAL_HOME}
    done = subprocess.run(
        [sys.executable, "-m", "foerdergraph.cli", "build"],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return build_dir


@pytest.fixture(scope="session")
def real_server(real_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`foerdergraph serve` on the real project's build, for the page tests; yields its URL."""
    log = tmp_path_factory.mktemp("real-build-log") / "server.log"
    # the real project's larger queries (grants: seconds on a busy machine) get the default
    # limit, not the 3 s the fixture's server has
    with running_server(real_build, log, {**REAL_HOME, "FOERDERGRAPH_QUERY_TIMEOUT": "60"}) as url:
        yield url

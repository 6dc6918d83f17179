"""All configuration in one place.

Every setting has a documented default and can be overridden by an environment variable, so the
CLI, the server and the tests read the same values. See README.md, "Configuration".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_BASE_IRI = "https://w3id.org/foerdergraph/"
"""Base namespace of every IRI the build mints (FOERDERGRAPH_BASE)."""


SHAPES_FILE = "foerdergraph.shacl.ttl"
"""The shapes file's name inside the shapes folder (`Settings.shapes_dir`)."""


def _find_home() -> Path:
    """The project folder: FOERDERGRAPH_HOME, else the nearest parent of the working directory
    or of this package that holds ontology/foerdergraph.ttl (the editable install's checkout)."""
    if env := os.environ.get("FOERDERGRAPH_HOME"):
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "ontology" / "foerdergraph.ttl").is_file():
                return folder
    return Path.cwd()


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    """Paths and knobs of one foerdergraph installation."""

    home: Path = field(default_factory=_find_home)
    base_iri: str = field(
        default_factory=lambda: os.environ.get("FOERDERGRAPH_BASE", DEFAULT_BASE_IRI)
    )
    build_dir_override: Path | None = field(
        default_factory=lambda: Path(p) if (p := os.environ.get("FOERDERGRAPH_BUILD_DIR")) else None
    )
    query_timeout_s: float = field(
        default_factory=lambda: _env_float("FOERDERGRAPH_QUERY_TIMEOUT", 10.0)
    )
    max_result_rows: int = field(default_factory=lambda: _env_int("FOERDERGRAPH_MAX_ROWS", 100_000))
    max_body_bytes: int = field(
        default_factory=lambda: _env_int("FOERDERGRAPH_MAX_BODY", 1_000_000)
    )
    header_timeout_s: float = field(
        default_factory=lambda: _env_float("FOERDERGRAPH_HEADER_TIMEOUT", 10.0)
    )
    """Seconds `foerdergraph serve` waits for a request's line and headers (from the connection
    or the previous answer on it) before it answers 408 and closes. See docs/serving.md."""

    query_workers: int = field(default_factory=lambda: _env_int("FOERDERGRAPH_QUERY_WORKERS", 0))
    """Query worker processes of `foerdergraph serve` kept for quick queries (the fast lane);
    0 = one per CPU, at least 2. See docs/serving.md."""
    long_queries: int = field(default_factory=lambda: _env_int("FOERDERGRAPH_LONG_QUERIES", 4))
    """Queries that may run long (past half a second of CPU) at once, each in a worker of its
    own beside the fast lane; one more is stopped with 503 when it turns long."""
    query_memory_mb: int = field(
        default_factory=lambda: _env_int("FOERDERGRAPH_QUERY_MEMORY", 1024)
    )
    """How far (MB) one query may grow its worker's resident memory above the worker's idle
    size (which holds the copy in memory); past it the query is stopped with 507. 0 = no cap."""
    queue_wait_s: float = field(default_factory=lambda: _env_float("FOERDERGRAPH_QUEUE_WAIT", 5.0))
    """Longest a query waits for a free worker before it gets 503 with Retry-After; the time
    limit starts only when a worker takes the query."""
    memory_copy_quads: int = field(
        default_factory=lambda: _env_int("FOERDERGRAPH_MEMORY_COPY", 5_000_000)
    )
    """Largest release (in quads) each query worker also loads into its own memory, where
    analytical queries run up to twice as fast; it costs about 0.4 GB per million quads per
    worker. 0 = always answer from the on-disk store. See docs/serving.md."""
    page_triples: int = field(default_factory=lambda: _env_int("FOERDERGRAPH_PAGE_TRIPLES", 1000))
    """Triples on one page of a linked-data description; a longer one (a hub) is served in
    pages linked with Hydra and `Link` headers. See docs/serving.md, "Paged descriptions"."""
    public_url: str | None = field(
        default_factory=lambda: os.environ.get("FOERDERGRAPH_PUBLIC_URL") or None
    )
    """Where `foerdergraph serve` is reachable (e.g. https://graph.example.org/); the served
    base that `base_iri` maps to. None = the URL each request arrived at. See docs/serving.md."""

    store_url: str | None = field(
        default_factory=lambda: os.environ.get("FOERDERGRAPH_STORE") or None
    )
    """A SPARQL 1.1 server to scale out to (`--store URL`; default none = the local pyoxigraph
    store only). `build` uploads the named graphs to it; `serve` answers from it. The endpoint
    URLs derive from it the way an Oxigraph server lays them out (`/query`, `/update`,
    `/store`) unless FOERDERGRAPH_STORE_QUERY / _UPDATE / _GSP name them. See docs/scaling.md."""

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            object.__setattr__(self, "base_iri", self.base_iri + "/")

    @property
    def ontology_dir(self) -> Path:
        return self.home / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.home / "shapes"

    @property
    def shapes_file(self) -> Path:
        """The SHACL shapes every validation checks against."""
        return self.shapes_dir / SHAPES_FILE

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def queries_dir(self) -> Path:
        return self.home / "queries"

    @property
    def build_dir(self) -> Path:
        """Where builds go: releases/<id>/ plus the `current` link to the last good one."""
        return self.build_dir_override or self.home / "build"

    @property
    def current_build(self) -> Path:
        return self.build_dir / "current"

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings changed (tests, CLI options)."""
        return replace(self, **changes)


def load_settings() -> Settings:
    return Settings()

"""The app factory: the backend, middleware, error answers, the routers of `routes/` and the
lifetime of the worker pool.

Route handlers (one module per area in `routes/`) stay thin: protocol parsing lives in
`sparql.py`, query work in a `QueryService` (`querying.py`: killable worker processes over the
local store, or `remote.py`: a remote SPARQL server) or, for the bounded lookups behind pages, in
a thread with the web process's own read-only store handle (or the remote store). The only store
calls on the event loop are the first attempt at a linked-data description of the local store,
capped at `INLINE_QUADS` quads (`context.py`). Each request takes the release `build/current`
names at that moment (`ReleaseWatcher`), so a new build is served without a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from foerdergraph.core.config import Settings
from foerdergraph.remote import RemoteStoreError
from foerdergraph.serve import no_network, results
from foerdergraph.serve.base_path import BasePath, served_prefixes
from foerdergraph.serve.canned import CannedQueries
from foerdergraph.serve.context import Served, vary
from foerdergraph.serve.guard import RequestGuard
from foerdergraph.serve.limits import BodySizeLimit
from foerdergraph.serve.linked_data import NotAnIri
from foerdergraph.serve.pages import Pages
from foerdergraph.serve.querying import LocalQueries, QueryService
from foerdergraph.serve.release import Release, ReleaseWatcher, open_release, open_remote_release
from foerdergraph.serve.routes import (
    api,
    artefacts,
    browse,
    linked_data,
    network,
    reconcile,
    sparql,
    ui,
)
from foerdergraph.serve.workers import TRUNCATED_HEADER, WorkerPool, default_pool_size

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"


def _backend(settings: Settings) -> tuple[Release, Callable[[Path], Release], QueryService]:
    """The release to start with, how to open the next one, and who answers queries: the
    local store with its worker pool, or the remote server named by `settings.store_url`."""
    if settings.store_url:
        # imported here: the HTTP client is only needed with a remote store
        from foerdergraph.remote.remote_store import RemoteStore
        from foerdergraph.remote.replicas import Replicas, manifest_counts
        from foerdergraph.remote.upload import remote_graph_counts
        from foerdergraph.serve.remote import RemoteQueries

        replicas = Replicas.from_store(settings.store_url, settings.base_iri + "graph/")
        probe = remote_graph_counts
        remote = RemoteStore(
            replicas.replicas[0].endpoints, settings.query_timeout_s, replicas, probe
        )

        def open_remote(current: Path) -> Release:
            if len(replicas.replicas) > 1:  # one store has no other to fall back on
                replicas.expect(*manifest_counts(current), probe)
            return open_remote_release(current, remote)

        release = open_remote(settings.current_build)
        return (
            release,
            open_remote,
            RemoteQueries(
                replicas, settings.query_timeout_s, release.graphs, settings.base_iri, probe
            ),
        )
    release = open_release(settings.current_build)
    sandboxed, reason = no_network.supported()
    if sandboxed:
        log.info("query workers: %s", reason)
    else:
        log.error(
            "QUERY WORKERS CAN OPEN NETWORK CONNECTIONS: %s. Only the query check keeps "
            "SERVICE out; run the server on Linux (x86_64 or aarch64) for the no-network filter",
            reason,
        )
    pool = WorkerPool(
        release.store_path,
        settings.query_workers or default_pool_size(),
        settings.query_timeout_s,
        settings.max_result_rows,
        settings.base_iri,
        settings.memory_copy_quads,
        memory_mb=settings.query_memory_mb,
        max_long=settings.long_queries,
        queue_wait_s=settings.queue_wait_s,
    )
    return release, open_release, LocalQueries(pool)


def create_app(settings: Settings) -> FastAPI:
    """Build the app for the build `settings.current_build` names (and the ones after it)."""
    first, opener, queries = _backend(settings)
    pages = Pages(settings.base_iri, settings.public_url, first.build_id)

    def switched(release: Release) -> None:
        queries.switch(release)
        pages.build_id = release.build_id
        app.state.release = release
        served.documents.clear()

    watcher = ReleaseWatcher(settings.current_build, first, opener, switched)
    served = Served(
        settings=settings,
        current=watcher.get,
        queries=queries,
        pages=pages,
        canned=CannedQueries.load(settings.queries_dir),
        data_prefixes=results.data_prefixes(settings.base_iri),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await queries.start()
        log.info("serving build %s from %s", first.build_id, settings.store_url or first.path)
        warming = asyncio.create_task(browse.warm(served))  # the lists and search, beforehand
        indexing = asyncio.create_task(linked_data.warm(served))  # the summaries' index
        try:
            yield
        finally:
            warming.cancel()
            indexing.cancel()
            await queries.close()

    app = FastAPI(
        title="foerdergraph",
        description="SPARQL endpoint, linked data and dumps of the foerdergraph knowledge graph.",
        lifespan=lifespan,
        docs_url=None,  # served by routes/api.py from local files
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.queries = queries
    app.state.watcher = watcher
    app.state.release = first
    _protect(app, settings)
    _handle_errors(app, served)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # the IRIs of a base with a path (https://example.org/fg/id/…) are served under that path
    app.add_middleware(BasePath, prefixes=served_prefixes(settings.base_iri, settings.public_url))
    areas = (sparql, ui, api, browse, artefacts, reconcile, network, linked_data)
    for area in areas:  # linked data matches any path: last
        # the areas' routes join the app's own list, flat: `include_router` would nest them
        # in a lazily resolved branch that `answer_head` and the route listing cannot see
        app.router.routes.extend(area.router(served).routes)
    # Minted IRIs are most of the traffic: matched before every other route.
    app.router.routes.insert(0, linked_data.minted_route(served))
    answer_head(app)
    return app


def _protect(app: FastAPI, settings: Settings) -> None:
    """Body size limit, request guard and CORS. The last added is the outermost: CORS wraps
    everything, so refusals (413, 400) and the guard's 500 carry its headers too; only
    Starlette's own error layer is outside it."""
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestGuard)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=[TRUNCATED_HEADER, "Content-Location"],
    )


def _handle_errors(app: FastAPI, served: Served) -> None:
    """Answers for the errors a handler may leave to the app."""

    @app.exception_handler(RemoteStoreError)
    async def remote_failed(request: Request, error: RemoteStoreError) -> Response:
        """A page lookup on a remote store that is down or refused: 502 with the reason."""
        log.error("remote store: %s", error)
        return PlainTextResponse(str(error), status_code=502)

    @app.exception_handler(NotAnIri)
    async def not_an_iri(request: Request, error: NotAnIri) -> Response:
        """A path no IRI can have (a space, `<`, `"`, `{` …): nothing lives there."""
        message = f"there is nothing at this path: {error.text!r} is not a valid IRI"
        return vary(served.html_or_text(request, 404, "Not found", message))


def answer_head(app: FastAPI) -> None:
    """HEAD wherever GET works (RFC 9110 §9.3.2): the same status and headers, no body.

    Starlette's own routes (`/id/…`, static files) answer HEAD already; FastAPI's do not. Each
    FastAPI GET route gets a HEAD twin right after it, with the same handler and out of the
    OpenAPI description; uvicorn sends no body for HEAD."""
    routes = app.router.routes
    for index in range(len(routes) - 1, -1, -1):
        route = routes[index]
        if not isinstance(route, APIRoute) or not route.methods:
            continue
        if "GET" in route.methods and "HEAD" not in route.methods:
            twin = APIRoute(
                route.path,
                route.endpoint,
                methods=["HEAD"],
                name=route.name,
                include_in_schema=False,
                response_class=route.response_class,
            )
            routes.insert(index + 1, twin)

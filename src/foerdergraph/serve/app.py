"""The FastAPI application: routes, middleware and the lifetime of the worker pool.

Route handlers stay thin: protocol parsing lives in `sparql.py`, query work in a
`QueryService` (`querying.py`: killable worker processes over the local store, or `remote.py`:
a remote SPARQL server) or, for the bounded lookups behind pages, in a thread with the web
process's own read-only store handle (or the remote store). The only store calls on the event
loop are the first attempt at a linked-data description of the local store, capped at
`INLINE_QUADS` quads. Each request takes the release `build/current` names at that moment
(`ReleaseWatcher`), so a new build is served without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from foerdergraph.core.config import Settings
from foerdergraph.remote import RemoteStoreError
from foerdergraph.serve import linked_data, negotiation, no_network, results
from foerdergraph.serve.base_path import BasePath, served_prefixes
from foerdergraph.serve.canned import CannedQueries
from foerdergraph.serve.guard import RequestGuard
from foerdergraph.serve.limits import BodySizeLimit
from foerdergraph.serve.ontology_doc import ontology_view
from foerdergraph.serve.pages import Pages
from foerdergraph.serve.querying import LocalQueries, QueryService
from foerdergraph.serve.release import Release, ReleaseWatcher, open_release, open_remote_release
from foerdergraph.serve.search import search_labels
from foerdergraph.serve.sparql import ProtocolError, read_request, service_description
from foerdergraph.serve.workers import (
    TRUNCATED_HEADER,
    QueryRequest,
    WorkerPool,
    default_pool_size,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

STATIC_DIR = Path(__file__).parent / "static"
HTML = "text/html"
EXTENSIONS = {f".{name}": name for name in results.GRAPH_FORMATS} | {".html": "html"}
INLINE_QUADS = 128
"""Quads a linked-data lookup may read on the event loop (about a millisecond on an on-disk
store); larger descriptions are made in the thread pool (docs/serving.md)."""


GRAPH_OFFERS = results.offers(results.GRAPH_FORMATS)
RDF_OFFERS = [HTML, *GRAPH_OFFERS]
"""Media types a linked-data IRI is offered in (HTML first: browsers send `*/*` too)."""


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response


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
            RemoteQueries(replicas, settings.query_timeout_s, release.graphs, probe),
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
    data_prefixes = results.data_prefixes(settings.base_iri)
    canned = CannedQueries.load(settings.queries_dir)
    pages = Pages(settings.base_iri, settings.public_url, first.build_id)

    def switched(release: Release) -> None:
        queries.switch(release)
        pages.build_id = release.build_id
        app.state.release = release

    watcher = ReleaseWatcher(settings.current_build, first, opener, switched)
    current = watcher.get

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await queries.start()
        log.info("serving build %s from %s", first.build_id, settings.store_url or first.path)
        try:
            yield
        finally:
            await queries.close()

    app = FastAPI(
        title="foerdergraph",
        description="SPARQL endpoint, linked data and dumps of the foerdergraph knowledge graph.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.queries = queries
    app.state.watcher = watcher
    app.state.release = first
    # The last added is the outermost: CORS wraps everything, so refusals (413, 400) and
    # the guard's 500 carry its headers too; only Starlette's own error layer is outside it.
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

    @app.exception_handler(RemoteStoreError)
    async def remote_failed(request: Request, error: RemoteStoreError) -> Response:
        """A page lookup on a remote store that is down or refused: 502 with the reason."""
        log.error("remote store: %s", error)
        return PlainTextResponse(str(error), status_code=502)

    @app.exception_handler(linked_data.NotAnIri)
    async def not_an_iri(request: Request, error: linked_data.NotAnIri) -> Response:
        """A path no IRI can have (a space, `<`, `"`, `{` …): nothing lives there."""
        return _vary(
            html_or_text(
                request,
                404,
                "Not found",
                f"there is nothing at this path: {error.text!r} is not a valid IRI",
            )
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # the IRIs of a base with a path (https://example.org/fg/id/…) are served under that path
    app.add_middleware(BasePath, prefixes=served_prefixes(settings.base_iri, settings.public_url))

    async def lookup(func: Callable[..., T], *args: Any) -> T:
        """Run a bounded store lookup in a thread, off the event loop."""
        return await run_in_threadpool(func, *args)

    async def small_lookup(store: Any, func: Callable[[int | None], T]) -> T:
        """`func(INLINE_QUADS)` on the event loop when the store is the local one, else (or
        when it raises DescriptionTooLarge) `func(None)` in a thread. Handing work to a thread
        and back costs about 0.2 ms, more than describing a typical resource; the quad budget
        caps what the loop can be held up for, and a remote store is never called here."""
        if isinstance(store, ox.Store):
            try:
                return func(INLINE_QUADS)
            except linked_data.DescriptionTooLarge:
                pass
        return await lookup(func, None)

    def html_or_text(
        request: Request, status: int, title: str, message: str, iri: str | None = None
    ) -> Response:
        """An error with an HTML body for browsers and plain text for everyone else."""
        if negotiation.choose(request.headers.get("accept"), [HTML, "text/plain"]) == HTML:
            return pages.render(
                request, "error.html", status=status, title=title, message=message, iri=iri
            )
        return PlainTextResponse(message, status_code=status)

    # ------------------------------------------------------------------ SPARQL

    @app.api_route("/sparql", methods=["GET", "POST"])
    async def sparql_endpoint(request: Request) -> Response:
        try:
            query = await read_request(request)
        except ProtocolError as error:
            return PlainTextResponse(str(error), status_code=error.status)
        if query is None:
            return await describe_service(request)
        await current()  # a new build switches the query service too
        return await queries.answer(query)

    async def describe_service(request: Request) -> Response:
        fmt_name = request.query_params.get("format")
        accept = request.headers.get("accept")
        if fmt_name is None and negotiation.choose(accept, RDF_OFFERS) == HTML:
            return _vary(await ui_page(request))
        chosen = results.lookup(results.GRAPH_FORMATS, fmt_name) if fmt_name else None
        if chosen is None:
            media = negotiation.choose(accept, GRAPH_OFFERS)
            chosen = results.lookup(results.GRAPH_FORMATS, media) if media else None
        if chosen is None:
            return PlainTextResponse(
                "no acceptable format for the service description", status_code=406
            )
        fmt, native = chosen
        endpoint = pages.root(request) + "sparql"
        description = service_description(endpoint, await current())
        body = results.graph_bytes(description, native, results.PREFIXES)
        return _vary(Response(body, media_type=fmt.media_type))

    # ------------------------------------------------------------------ UI and API

    async def ui_page(request: Request) -> Response:
        selected = request.query_params.get("example", "")
        example = canned.get(selected)
        prefixes = data_prefixes
        prologue = "".join(
            f"PREFIX {p}: <{ns}>\n"
            for p, ns in prefixes.items()
            if p
            in (
                "fg",
                "role",
                "fgd",
                "skos",
                "rdf",
                "rdfs",
                "dcterms",
                "prov",
                "org",
                "schema",
                "xsd",
            )
        )
        initial = (
            example.text
            if example
            else prologue
            + "\nSELECT ?s ?label WHERE {\n  ?s skos:prefLabel ?label .\n}\nLIMIT 25\n"
        )
        root = pages.root(request)
        config = {
            "root": root,
            "namespaces": [
                [ns, root + local]
                for ns, local in linked_data.IriMap(settings.base_iri, "").namespaces()
            ],
            "queries": canned.summaries(),
            "prologue": prologue,
        }
        return pages.render(
            request,
            "index.html",
            queries=canned.summaries(),
            selected=selected,
            initial_query=initial,
            config=config,
        )

    @app.get("/", include_in_schema=False)
    async def index(request: Request) -> Response:
        return await ui_page(request)

    @app.get("/api/search")
    async def api_search(q: str = "", limit: int = 20) -> JSONResponse:
        """Entities whose skos:prefLabel or skos:altLabel contains `q` (case-insensitive)."""
        store = (await current()).store
        hits = await lookup(search_labels, store, q, max(1, min(limit, 100)))
        return JSONResponse([hit.as_json() for hit in hits])

    @app.get("/api/queries")
    async def api_queries() -> JSONResponse:
        return JSONResponse(canned.summaries())

    @app.get("/queries", include_in_schema=False)
    async def queries_page(request: Request) -> Response:
        if (
            negotiation.choose(request.headers.get("accept"), [HTML, "application/json"])
            == "application/json"
        ):
            return _vary(JSONResponse(canned.summaries()))
        return _vary(pages.render(request, "queries.html", queries=canned.summaries()))

    @app.api_route("/queries/{name}", methods=["GET", "POST"])
    async def run_canned(name: str, request: Request) -> Response:
        """Run a canned query; parameters come from the query string (or a form body) and are
        bound as RDF terms with pyoxigraph substitutions."""
        source = canned.get(name[:-3]) if name.endswith(".rq") else None
        if source is not None:
            return PlainTextResponse(source.text, media_type="application/sparql-query")
        query = canned.get(name)
        if query is None:
            return html_or_text(
                request, 404, "Unknown query", f"there is no canned query {name!r}; see /queries"
            )
        values = dict(request.query_params)
        if request.method == "POST":
            form = (
                await request.form()
                if request.headers.get("content-type", "").startswith(
                    "application/x-www-form-urlencoded"
                )
                else {}
            )
            values.update({k: str(v) for k, v in form.items()})
        fmt = values.pop("format", None)
        try:
            substitutions = canned.encode_substitutions(query, values)
        except ValueError as error:
            return PlainTextResponse(str(error), status_code=400)
        await current()
        answer = await queries.answer(
            QueryRequest(
                query=query.text,
                accept=request.headers.get("accept"),
                format=fmt,
                substitutions=substitutions,
            )
        )
        return _vary(answer)

    @app.get("/health")
    async def health() -> JSONResponse:
        release = await current()
        return JSONResponse({"build_id": release.build_id, **queries.health()})

    # ------------------------------------------------------------------ build artefacts

    @app.get("/dumps", include_in_schema=False)
    @app.get("/dumps/", include_in_schema=False)
    async def dumps_page(request: Request) -> Response:
        release = await current()
        if (
            negotiation.choose(request.headers.get("accept"), [HTML, "application/json"])
            == "application/json"
        ):
            return _vary(JSONResponse(release.dump_entries()))
        return _vary(pages.render(request, "dumps.html", dumps=release.dump_entries()))

    @app.get("/dumps/{file}", include_in_schema=False)
    async def dump_file(file: str, request: Request) -> Response:
        release = await current()
        listed = {d["file"]: d for d in release.dump_entries()}
        extra = {"void.ttl": {"media_type": "text/turtle"}}
        entry = listed.get(file) or extra.get(file)
        path = release.dumps_dir / file
        if entry is None or "/" in file or not path.is_file():
            return html_or_text(
                request, 404, "No such dump", f"there is no dump {file!r}; see /dumps/"
            )
        media = (
            "application/gzip"
            if file.endswith(".gz")
            else entry.get("media_type") or "application/octet-stream"
        )
        return FileResponse(path, media_type=media, filename=file)

    def pick_format(request: Request, ext: str | None, allow_html: bool) -> str | None:
        """Short name of the representation to serve: by extension, `format=`, or Accept."""
        if ext:
            name = EXTENSIONS.get(ext)
            return None if name == "html" and not allow_html else name
        if fmt := request.query_params.get("format"):
            if fmt == "html":
                return "html" if allow_html else None
            found = results.lookup(results.GRAPH_FORMATS, fmt)
            return found[0].name if found else None
        offers = RDF_OFFERS if allow_html else GRAPH_OFFERS
        media = negotiation.choose(request.headers.get("accept"), offers)
        if media == HTML:
            return "html"
        found = results.lookup(results.GRAPH_FORMATS, media) if media else None
        return found[0].name if found else None

    async def rdf_document(
        request: Request,
        triples: Callable[[], list[ox.Triple]],
        ext: str | None,
        html: Callable[[], Awaitable[Response]] | None,
        self_path: str,
    ) -> Response:
        """Serve a small RDF document by extension, `format=` or Accept; HTML when `html` is
        given. 200 with Content-Location naming the representation's own URL."""
        name = pick_format(request, ext, html is not None)
        if name is None:
            offers = RDF_OFFERS if html else GRAPH_OFFERS
            status = 404 if ext else 406
            return _vary(
                PlainTextResponse(
                    "no such representation; offered: " + ", ".join(offers), status_code=status
                )
            )
        headers = {"Content-Location": f"{pages.root(request)}{self_path}.{name}"}
        if name == "html" and html is not None:
            response = await html()
            response.headers.update(headers)
            return _vary(response)
        fmt, native = results.GRAPH_FORMATS[name]
        data = await lookup(triples)
        body = results.graph_bytes(data, native, data_prefixes)
        return _vary(Response(body, media_type=fmt.media_type, headers=headers))

    @app.get("/void", include_in_schema=False)
    @app.get("/void.{ext}", include_in_schema=False)
    async def void(request: Request, ext: str | None = None) -> Response:
        release = await current()
        path = release.dumps_dir / "void.ttl"
        if not path.is_file():
            return html_or_text(
                request, 404, "No dataset description", "this build has no void.ttl"
            )

        def triples() -> list[ox.Triple]:
            return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]

        return await rdf_document(request, triples, f".{ext}" if ext else None, None, "void")

    @app.get("/ontology", include_in_schema=False)
    @app.get("/ontology.{ext}", include_in_schema=False)
    async def ontology(request: Request, ext: str | None = None) -> Response:
        store = (await current()).store
        graph = ox.NamedNode(settings.base_iri + "graph/ontology")

        def triples() -> list[ox.Triple]:
            return [q.triple for q in store.quads_for_pattern(None, None, None, graph)]

        async def html() -> Response:
            onto = await lookup(ontology_view, store, graph)
            return pages.render(request, "ontology.html", onto=onto)

        return await rdf_document(request, triples, f".{ext}" if ext else None, html, "ontology")

    def shapes_files() -> list[Path]:
        folder = settings.shapes_dir
        return sorted(folder.glob("*.ttl")) if folder.is_dir() else []

    @app.get("/shapes", include_in_schema=False)
    @app.get("/shapes.{ext}", include_in_schema=False)
    async def shapes(request: Request, ext: str | None = None) -> Response:
        def triples() -> list[ox.Triple]:
            return [
                q.triple
                for f in shapes_files()
                for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
            ]

        async def html() -> Response:
            return pages.render(request, "shapes.html", files=[f.name for f in shapes_files()])

        return await rdf_document(request, triples, f".{ext}" if ext else None, html, "shapes")

    @app.get("/shapes/{file}", include_in_schema=False)
    async def shapes_file(file: str, request: Request) -> Response:
        match = [f for f in shapes_files() if f.name == file]
        if not match:
            return html_or_text(
                request, 404, "No such shapes file", f"there is no shapes file {file!r}"
            )
        return FileResponse(match[0], media_type="text/turtle")

    # ------------------------------------------------------------------ documents and linked data

    @app.get("/documents/{identifier}", include_in_schema=False)
    async def document_page(identifier: str, request: Request) -> Response:
        store = (await current()).store
        node = await lookup(linked_data.find_document, store, identifier, settings.base_iri)
        if node is None:
            return html_or_text(
                request, 404, "Unknown document", f"there is no source document {identifier!r}"
            )
        doc = await lookup(linked_data.document_view, store, node)
        highlight = "ev-" + request.query_params.get("highlight", "")
        return pages.render(request, "document.html", doc=doc, highlight=highlight, lang="de")

    async def rdf_resource(
        request: Request, store: Any, candidates: list[str], stem: str, name: str
    ) -> Response:
        """The RDF description of the first candidate IRI the store knows, found, described
        and serialised in one step (`small_lookup`): the common linked-data request, where
        every hand-off costs more than the lookup itself."""
        fmt, native = results.GRAPH_FORMATS[name]

        def serialised(max_quads: int | None) -> bytes | None:
            triples = linked_data.describe_first(store, candidates, max_quads)
            return None if triples is None else results.graph_bytes(triples, native, data_prefixes)

        body = await small_lookup(store, serialised)
        if body is None:
            return not_found(request, candidates[0])
        headers = {"Content-Location": f"{pages.root(request)}{stem}.{name}"}
        return _vary(Response(body, media_type=fmt.media_type, headers=headers))

    @app.get("/{path:path}", include_in_schema=False)
    async def resource(path: str, request: Request) -> Response:
        """Dereference an IRI the build minted: 200 with Content-Location (docs/serving.md)."""
        release = await current()
        store = release.store
        stem, ext = path, None
        for extension in EXTENSIONS:
            if path.endswith(extension):
                stem, ext = path[: -len(extension)], extension
                break
        candidates = pages.iri_map(request).candidates(stem)
        name = pick_format(request, ext, allow_html=True)
        if name in results.GRAPH_FORMATS:
            return await rdf_resource(request, store, candidates, stem, name)
        iri = await lookup(linked_data.first_existing, store, candidates)
        if iri is None:
            return not_found(request, candidates[0])

        async def html() -> Response:
            view = await lookup(linked_data.view, store, iri)
            graph_info = next((g for g in release.graph_entries() if g["iri"] == iri), None)
            document_id = await lookup(linked_data.document_identifier, store, iri)
            return pages.render(
                request,
                "resource.html",
                view=view,
                self_url=pages.root(request) + stem,
                alternates=[(f.name, f.media_type) for f, _ in results.GRAPH_FORMATS.values()],
                graph_info=graph_info,
                graph_query=f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}",
                document_id=document_id,
            )

        return await rdf_document(
            request, lambda: linked_data.describe(store, iri), ext, html, stem
        )

    def not_found(request: Request, iri: str) -> Response:
        """404 with a body in the format the client asked for."""
        media = negotiation.choose(request.headers.get("accept"), RDF_OFFERS) or HTML
        if media == HTML:
            return _vary(
                pages.render(
                    request,
                    "error.html",
                    status=404,
                    title="Not found",
                    message="Unknown IRI.",
                    iri=iri,
                )
            )
        chosen = results.lookup(results.GRAPH_FORMATS, media)
        fmt, native = chosen  # type: ignore[misc]
        body = results.graph_bytes([], native)
        if native in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES):
            body = f"# {iri} is not in this build\n".encode() + body
        return _vary(Response(body, status_code=404, media_type=fmt.media_type))

    async def minted_resource(request: Request) -> Response:
        return await resource("id/" + request.path_params["path"], request)

    # Minted IRIs are most of the traffic: matched before every other route, as a plain
    # Starlette route without FastAPI's parameter handling (60 µs less per lookup).
    app.router.routes.insert(0, Route("/id/{path:path}", minted_resource, methods=["GET"]))
    answer_head(app)
    return app


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

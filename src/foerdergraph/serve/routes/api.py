"""JSON for applications: label search, the list of canned queries, the server's health, and
the OpenAPI description with its Swagger UI, served from this host (no CDN: it works offline
and loads nothing from another host)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, Response

from foerdergraph.serve.context import Served
from foerdergraph.serve.search import search_labels

SWAGGER_DIR = Path(str(files("swagger_ui") / "static"))
"""Swagger UI 5's files, installed from PyPI (`swagger-ui-py`) with the package (version 4,
in `swagger-ui-bundle`, cannot read the OpenAPI 3.1 that FastAPI writes)."""
SWAGGER_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
"""The files the docs page loads; nothing else of the bundle is served."""


def router(served: Served) -> APIRouter:
    routes = APIRouter()

    @routes.get("/api/search")
    async def api_search(q: str = "", limit: int = 20) -> JSONResponse:
        """Entities whose skos:prefLabel or skos:altLabel contains `q` (case-insensitive)."""
        store = (await served.current()).store
        hits = await served.lookup(search_labels, store, q, max(1, min(limit, 100)))
        return JSONResponse([hit.as_json() for hit in hits])

    @routes.get("/api/queries")
    async def api_queries() -> JSONResponse:
        """The canned queries: name, title, description and parameters of each."""
        return JSONResponse(served.canned.summaries())

    @routes.get("/health")
    async def health() -> JSONResponse:
        """The build served and the state of the query workers."""
        release = await served.current()
        return JSONResponse({"build_id": release.build_id, **served.queries.health()})

    @routes.get("/api/docs", include_in_schema=False)
    async def api_docs(request: Request) -> Response:
        root = served.pages.root(request)
        return get_swagger_ui_html(
            openapi_url=root + "api/openapi.json",
            title="foerdergraph API",
            swagger_js_url=root + "api/docs/swagger-ui-bundle.js",
            swagger_css_url=root + "api/docs/swagger-ui.css",
            swagger_favicon_url=root + "api/docs/favicon-32x32.png",
        )

    @routes.get("/api/docs/{file}", include_in_schema=False)
    async def api_docs_file(file: str, request: Request) -> Response:
        media = SWAGGER_FILES.get(file)
        if media is None:
            return served.html_or_text(request, 404, "Not found", f"no such file {file!r}")
        return FileResponse(SWAGGER_DIR / file, media_type=media)

    return routes

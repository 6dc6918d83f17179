"""JSON for applications: label search, the list of canned queries, the server's health, and
the OpenAPI description with its Swagger UI, served from this host (no CDN: it works offline
and loads nothing from another host)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, Response

from foerdergraph.query.drafts import PARAMETER, BadDrafts
from foerdergraph.serve.context import Served
from foerdergraph.serve.drafts import draft_switch
from foerdergraph.serve.search import BadType, expand_type, ranked

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
    async def api_search(
        request: Request, q: str = "", limit: int = 20, type: str = "", drafts: str = ""
    ) -> Response:
        """Entities whose skos:prefLabel or skos:altLabel contains `q`, accent- and
        case-insensitive, best first (`rank`: exact, prefix, word, substring); `type` (an IRI
        or a prefixed name such as `fg:Organisation`) keeps only entities of that class;
        `drafts=exclude` leaves out names known only from machine-extracted facts."""
        try:
            kind = expand_type(type, served.data_prefixes)
        except BadType as error:
            return JSONResponse({"error": str(error), "parameter": "type"}, status_code=400)
        release = await served.current()
        try:
            switch = draft_switch(request, release, served.settings.base_iri)
        except BadDrafts as error:
            return JSONResponse({"error": str(error), "parameter": PARAMETER}, status_code=400)
        key = (release.path, release.build_id)
        hits = await served.lookup(
            ranked, key, switch.store(release), q, max(1, min(limit, 100)), kind, switch.variant
        )
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

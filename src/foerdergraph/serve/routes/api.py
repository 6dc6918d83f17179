"""JSON for applications: label search, the list of canned queries, the server's health."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from foerdergraph.serve.context import Served
from foerdergraph.serve.search import search_labels


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
        return JSONResponse(served.canned.summaries())

    @routes.get("/health")
    async def health() -> JSONResponse:
        release = await served.current()
        return JSONResponse({"build_id": release.build_id, **served.queries.health()})

    return routes

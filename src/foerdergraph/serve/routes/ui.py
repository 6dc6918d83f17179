"""The start page: the SPARQL editor with the canned queries and the search box."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from foerdergraph.query.drafts import BadDrafts
from foerdergraph.serve import linked_data, results
from foerdergraph.serve.canned import commentary
from foerdergraph.serve.context import Served
from foerdergraph.serve.drafts import draft_switch

FIRST_QUERY = """SELECT ?programme ?label WHERE {
  ?programme a fg:FundingProgramme ;
    skos:prefLabel ?label .
}
LIMIT 25
"""
"""The editor's first query: no PREFIX lines, the endpoint predeclares fg: and skos:."""


async def editor_page(served: Served, request: Request) -> Response:
    """The editor, opened on the canned query `?example=` names or on a small first query;
    `?drafts=exclude` ticks the box that leaves the machine-extracted facts out."""
    try:
        drafts = draft_switch(request, await served.current(), served.settings.base_iri)
    except BadDrafts as error:
        return served.html_or_text(request, 400, "Bad request", str(error))
    selected = request.query_params.get("example", "")
    example = served.canned.get(selected)
    initial = commentary(example.text)[0] if example else FIRST_QUERY
    root = served.pages.root(request)
    config = {
        "root": root,
        "namespaces": [
            [ns, root + local]
            for ns, local in linked_data.IriMap(served.settings.base_iri, "").namespaces()
        ],
        "queries": served.canned.summaries(),
        "prefixes": served.data_prefixes,
        "draftGraphs": len(drafts.graphs),
    }
    return served.pages.render(
        request,
        "index.html",
        queries=served.canned.summaries(),
        selected=selected,
        initial_query=initial,
        config=config,
        predeclared=list(results.PREFIXES),
        query_drafts=drafts,
    )


def router(served: Served) -> APIRouter:
    routes = APIRouter()

    @routes.get("/", include_in_schema=False)
    async def index(request: Request) -> Response:
        return await editor_page(served, request)

    return routes

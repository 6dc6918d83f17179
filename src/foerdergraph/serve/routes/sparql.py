"""The SPARQL 1.1 protocol endpoint, its service description, and the canned queries.

Handlers stay thin: `serve/sparql.py` reads the protocol, the query service answers (killable
workers over the local store, or the remote server), `serve/canned.py` binds parameters.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from foerdergraph.query import drafts
from foerdergraph.serve import negotiation, results
from foerdergraph.serve.context import HTML, Served, vary
from foerdergraph.serve.representations import GRAPH_OFFERS, RDF_OFFERS
from foerdergraph.serve.routes.ui import editor_page
from foerdergraph.serve.sparql import ProtocolError, read_request, service_description
from foerdergraph.serve.workers import QueryRequest


async def describe_service(served: Served, request: Request) -> Response:
    """GET /sparql without a query: the editor for browsers, else the service description."""
    fmt_name = request.query_params.get("format")
    accept = request.headers.get("accept")
    if fmt_name is None and negotiation.choose(accept, RDF_OFFERS) == HTML:
        return vary(await editor_page(served, request))
    chosen = results.lookup(results.GRAPH_FORMATS, fmt_name) if fmt_name else None
    if chosen is None:
        media = negotiation.choose(accept, GRAPH_OFFERS)
        chosen = results.lookup(results.GRAPH_FORMATS, media) if media else None
    if chosen is None:
        return PlainTextResponse(
            "no acceptable format for the service description", status_code=406
        )
    fmt, native = chosen
    endpoint = served.pages.root(request) + "sparql"
    description = service_description(endpoint, await served.current())
    body = results.graph_bytes(description, native, results.PREFIXES)
    return vary(Response(body, media_type=fmt.media_type))


async def canned_values(request: Request) -> dict[str, str]:
    """A canned query's parameters: the query string, and a form body on POST."""
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
    return values


def router(served: Served) -> APIRouter:
    routes = APIRouter()
    canned = served.canned

    @routes.api_route("/sparql", methods=["GET", "POST"])
    async def sparql_endpoint(request: Request) -> Response:
        try:
            query = await read_request(request)
        except ProtocolError as error:
            return PlainTextResponse(str(error), status_code=error.status)
        if query is None:
            return await describe_service(served, request)
        await served.current()  # a new build switches the query service too
        return await served.queries.answer(query)

    @routes.get("/queries", include_in_schema=False)
    async def queries_page(request: Request) -> Response:
        if (
            negotiation.choose(request.headers.get("accept"), [HTML, "application/json"])
            == "application/json"
        ):
            return vary(JSONResponse(canned.summaries()))
        return vary(served.pages.render(request, "queries.html", queries=canned.summaries()))

    @routes.api_route("/queries/{name}", methods=["GET", "POST"])
    async def run_canned(name: str, request: Request) -> Response:
        """Run a canned query; parameters come from the query string (or a form body) and are
        bound as RDF terms with pyoxigraph substitutions."""
        source = canned.get(name[:-3]) if name.endswith(".rq") else None
        if source is not None:
            return PlainTextResponse(source.text, media_type="application/sparql-query")
        query = canned.get(name)
        if query is None:
            return served.html_or_text(
                request, 404, "Unknown query", f"there is no canned query {name!r}; see /queries"
            )
        values = await canned_values(request)
        fmt = values.pop("format", None)
        try:
            exclude_drafts = drafts.excludes(values.pop(drafts.PARAMETER, None))
            substitutions = canned.encode_substitutions(query, values)
        except ValueError as error:
            return PlainTextResponse(str(error), status_code=400)
        await served.current()
        answer = await served.queries.answer(
            QueryRequest(
                query=query.text,
                accept=request.headers.get("accept"),
                format=fmt,
                substitutions=substitutions,
                exclude_drafts=exclude_drafts,
            )
        )
        return vary(answer)

    return routes

"""`/network`: the network exports of `foerdergraph network` over HTTP, as a file download;
`/network/partners/{id}`: the partner network of one organisation or programme, as its page
draws it.

The query and the networkx work run in a thread, one request at a time (a network of the
project's build takes seconds, its metrics about twenty), so the event loop keeps answering.
"""

from __future__ import annotations

import asyncio

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from foerdergraph.network.export import (
    FILTERS,
    QUERY,
    NetworkOptionError,
    NetworkRequest,
    network_file,
)
from foerdergraph.network.formats import FORMATS
from foerdergraph.query.canned import ParameterError
from foerdergraph.query.engine import as_rows, run_query
from foerdergraph.serve import summaries
from foerdergraph.serve.context import Served
from foerdergraph.serve.linked_data import NotAnIri, checked_iri
from foerdergraph.serve.summaries import funding
from foerdergraph.serve.summaries.language import Labeller, choose
from foerdergraph.serve.summaries.partners import organisation_network, programme_network

OPTIONS = ("kind", "weight", "level", "format", "metrics")


def _request(params: dict[str, str]) -> NetworkRequest:
    if unknown := sorted(set(params) - {*OPTIONS, *FILTERS}):
        raise NetworkOptionError(unknown[0], "unknown parameter")
    metrics = params.get("metrics", "false").lower()
    if metrics not in ("true", "false", "1", "0"):
        raise NetworkOptionError("metrics", "write true or false")
    return NetworkRequest(
        kind=params.get("kind", "co-participation"),
        weight=params.get("weight", "projects"),
        level=params.get("level") or None,
        format=params.get("format") or None,
        metrics=metrics in ("true", "1"),
        filters={k: v for k, v in params.items() if k in FILTERS},
    ).checked()


def router(served: Served) -> APIRouter:
    routes = APIRouter()
    one_at_a_time = asyncio.Semaphore(1)

    @routes.get("/network", include_in_schema=False)
    async def network(request: Request) -> Response:
        try:
            wanted = _request(dict(request.query_params))
        except NetworkOptionError as exc:
            return PlainTextResponse(f"bad parameter: {exc}", status_code=400)
        query = served.canned.get(QUERY)
        if query is None:
            return PlainTextResponse(f"no canned query {QUERY}", status_code=503)
        try:
            bindings = query.substitutions(wanted.query_values())
        except (NetworkOptionError, ParameterError) as exc:
            return PlainTextResponse(f"bad parameter: {exc}", status_code=400)
        store = (await served.current()).store
        if not isinstance(store, ox.Store):
            return PlainTextResponse("network exports need the local store", status_code=501)

        def make() -> bytes:
            # the network query is a SELECT, so its answer is solutions
            columns, rows = as_rows(run_query(store, query.text, bindings))  # type: ignore[arg-type]
            records = [dict(zip(columns, r, strict=True)) for r in rows]
            return network_file(records, wanted)[0]

        async with one_at_a_time:
            data = await served.lookup(make)
        return Response(
            data,
            media_type=wanted.media_type(),
            headers={"Content-Disposition": f'attachment; filename="{wanted.filename()}"'},
        )

    @routes.get("/network/partners/{id:path}", include_in_schema=False)
    async def partners(id: str, request: Request, format: str = "json") -> Response:
        """The partner network an entity page draws (`serve/summaries/partners.py`): of the
        organisation or programme `{base}id/{id}`, as JSON (inline) or as a download in any
        network format."""
        chosen = FORMATS.get(format)
        if chosen is None:
            return PlainTextResponse(
                f"bad parameter: format {format!r}; choose one of {', '.join(FORMATS)}", 400
            )
        release = await served.current()
        store, grants = release.store, served.canned.get(funding.GRANTS_QUERY)
        if not isinstance(store, ox.Store) or grants is None:
            return PlainTextResponse("partner networks need the local store", status_code=501)
        of = served.settings.base_iri + "id/" + id
        try:
            kind = await served.lookup(summaries.kind_of, store, checked_iri(of))
        except NotAnIri:
            kind = None
        if kind is None or kind.name == "place":
            return PlainTextResponse(f"no organisation or programme {of!r}", status_code=404)
        index = await served.lookup(
            funding.INDEXES.get, (release.path, release.build_id), store, grants
        )
        labels = Labeller(
            store, choose(request.query_params, request.headers.get("accept-language"))
        )
        if kind.name == "organisation":
            graph = await served.lookup(organisation_network, index, of, labels)
        else:
            graph = await served.lookup(programme_network, index, index.below(of), labels)
        data = chosen.write(graph)
        if chosen.name == "json":
            return Response(data, media_type=chosen.media_type)
        name = id.rstrip("/").rsplit("/", 1)[-1]
        return Response(
            data,
            media_type=chosen.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="partners-{name}.{chosen.extension}"'
            },
        )

    return routes

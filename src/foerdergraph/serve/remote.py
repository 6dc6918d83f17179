"""User SPARQL answered by a remote SPARQL 1.1 server (`serve --store URL`).

The query is checked here exactly as for the local store (read-only, no SERVICE, only graphs
the server holds), parameters are bound as a VALUES block, and the server is asked for the
negotiated format. When it answers in that format the body is streamed through unchanged;
otherwise it is read, parsed and re-serialised by pyoxigraph. The time limit covers the wait
for the answer's head and its body; the connection is closed when it passes (servers such as
Oxigraph, Fuseki and Virtuoso then stop the query or cap it with their own timeout, which should
be set as well — docs/scaling.md).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from foerdergraph.core.formats import written
from foerdergraph.remote.endpoints import Endpoints, unreachable
from foerdergraph.remote.substitute import with_bindings
from foerdergraph.serve import results
from foerdergraph.serve.querying import to_response
from foerdergraph.serve.release import Release
from foerdergraph.serve.workers import Prepared, QueryRequest, QueryResponse, prepare


def _bound(request: QueryRequest, graphs: frozenset[str]) -> tuple[Prepared | QueryResponse, str]:
    """Check and negotiate (CPU work for the thread pool), then bind the parameters."""
    prepared = prepare(request, graphs)
    if isinstance(prepared, QueryResponse):
        return prepared, ""
    try:
        return prepared, with_bindings(prepared.checked.text, request.substitutions)
    except ValueError as error:
        return QueryResponse.error(400, str(error)), ""


def _convert(body: bytes, received: str, prepared: Prepared) -> bytes:
    """Re-serialise an answer the server sent in another format than the one negotiated."""
    if isinstance(prepared.native, ox.QueryResultsFormat):
        found = results.lookup(results.SOLUTION_FORMATS, received)
        if found is None:
            raise ValueError(f"the store answered in an unknown results format {received!r}")
        parsed = ox.parse_query_results(body, format=found[1])
        return written(parsed.serialize(format=prepared.native))
    graph_format = results.lookup(results.GRAPH_FORMATS, received)
    if graph_format is None:
        raise ValueError(f"the store answered in an unknown RDF format {received!r}")
    triples = [q.triple for q in ox.parse(input=body, format=graph_format[1])]
    return results.graph_bytes(triples, prepared.native, results.PREFIXES)


class RemoteQueries:
    """The query side of the remote backend: an async HTTP client to the server's endpoint."""

    def __init__(self, endpoints: Endpoints, timeout_s: float, graphs: frozenset[str]) -> None:
        self.endpoints = endpoints
        self.timeout_s = timeout_s
        self.graphs = graphs
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = self.endpoints.async_client(self.timeout_s)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    def switch(self, release: Release) -> None:
        self.graphs = release.graphs

    def health(self) -> dict[str, Any]:
        return {"store": self.endpoints.base, "workers": [], "killed": 0, "in_memory": 0}

    def _over_time(self) -> Response:
        return to_response(
            QueryResponse.error(
                503,
                f"the query ran longer than the time limit of {self.timeout_s:g} s and was "
                "stopped; narrow it down (LIMIT, more specific patterns) and try again",
            )
        )

    async def answer(self, request: QueryRequest) -> Response:
        assert self._client is not None, "start() first"
        deadline = time.monotonic() + self.timeout_s
        prepared, text = await run_in_threadpool(_bound, request, self.graphs)
        if isinstance(prepared, QueryResponse):
            return to_response(prepared)
        form = [("query", text)]
        form += [("default-graph-uri", g) for g in request.default_graph_uris]
        form += [("named-graph-uri", g) for g in request.named_graph_uris]
        outgoing = self._client.build_request(
            "POST",
            self.endpoints.query,
            content=urlencode(form).encode("ascii"),
            headers={
                "Accept": prepared.fmt.media_type,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            upstream = await asyncio.wait_for(
                self._client.send(outgoing, stream=True), deadline - time.monotonic()
            )
        except (TimeoutError, httpx.TimeoutException):
            return self._over_time()
        except httpx.TransportError as error:
            return to_response(QueryResponse.error(502, str(unreachable(self.endpoints, error))))
        received = upstream.headers.get("content-type", "").split(";")[0].strip().lower()
        if upstream.status_code == 200 and received == prepared.fmt.media_type:
            return StreamingResponse(
                self._relay(upstream, deadline), media_type=prepared.media_type
            )
        try:
            body = await asyncio.wait_for(upstream.aread(), deadline - time.monotonic())
        except (TimeoutError, httpx.TimeoutException):
            return self._over_time()
        finally:
            await upstream.aclose()
        if upstream.status_code != 200:
            status = 400 if 400 <= upstream.status_code < 500 else 502
            message = body.decode("utf-8", errors="replace")[:2000]
            return to_response(
                QueryResponse.error(
                    status, f"the SPARQL store answered {upstream.status_code}: {message}"
                )
            )
        try:
            converted = await run_in_threadpool(_convert, body, received, prepared)
        except (ValueError, SyntaxError) as error:
            return to_response(QueryResponse.error(502, str(error)))
        return Response(converted, media_type=prepared.media_type)

    async def _relay(self, upstream: httpx.Response, deadline: float) -> AsyncIterator[bytes]:
        """The server's body, chunk by chunk, cut off when the time limit passes."""
        try:
            chunks = upstream.aiter_bytes()
            while True:
                try:
                    chunk = await asyncio.wait_for(
                        anext(chunks), max(0.001, deadline - time.monotonic())
                    )
                except StopAsyncIteration:
                    return
                yield chunk
        finally:
            await upstream.aclose()

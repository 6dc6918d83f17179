"""User SPARQL answered by a remote SPARQL 1.1 server (`serve --store URL`).

The query is checked here exactly as for the local store (read-only, no SERVICE, only graphs
the server holds), parameters are bound as a VALUES block, and the server is asked for the
negotiated format. When it answers in that format the body is streamed through unchanged;
otherwise it is read, parsed and re-serialised by pyoxigraph. A server that cuts answers
silently (Virtuoso) has every answer read and counted instead, and one as long as its cap is
flagged with the truncation header. A server whose default graph holds more than the data gets
the release's graphs as the query's dataset (remote/servers.py). The time limit covers the wait
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
from foerdergraph.remote.endpoints import unreachable
from foerdergraph.remote.remote_store import ask_value
from foerdergraph.remote.replicas import FAILED_STATUS, Probe, Replicas
from foerdergraph.remote.servers import Server, possibly_cut
from foerdergraph.remote.substitute import with_bindings
from foerdergraph.serve import results
from foerdergraph.serve.querying import to_response
from foerdergraph.serve.release import Release
from foerdergraph.serve.workers import (
    TRUNCATED_HEADER,
    Prepared,
    QueryRequest,
    QueryResponse,
    prepare,
)


def _bound(
    request: QueryRequest, graphs: frozenset[str], base_iri: str
) -> tuple[Prepared | QueryResponse, str]:
    """Check and negotiate (CPU work for the thread pool), then bind the parameters."""
    prepared = prepare(request, graphs, base_iri)
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


def _length(body: bytes, received: str) -> int:
    """Rows of a solutions answer or triples of a graph answer, to compare with a row cap."""
    solutions = results.lookup(results.SOLUTION_FORMATS, received)
    if solutions is not None:
        parsed = ox.parse_query_results(body, format=solutions[1])
        return len(list(parsed)) if isinstance(parsed, ox.QuerySolutions) else 1
    graph_format = results.lookup(results.GRAPH_FORMATS, received)
    if graph_format is None:
        raise ValueError(f"the store answered in an unknown format {received!r}")
    return sum(1 for _ in ox.parse(input=body, format=graph_format[1]))


def _asked_format(prepared: Prepared, server: Server) -> str:
    """The format to ask the server for: the client's, or — from a server whose answers are
    rewritten anyway — the one format of each kind every server writes well."""
    if server.passthrough:
        return prepared.fmt.media_type
    if isinstance(prepared.native, ox.QueryResultsFormat):
        return "application/sparql-results+json"
    return "application/n-triples"


def _ask(body: bytes, received: str, prepared: Prepared) -> bytes:
    """An ASK answer as a W3C boolean result, whichever shape the server sent it in."""
    found = results.lookup(results.SOLUTION_FORMATS, received)
    if found is None:
        raise ValueError(f"the store answered in an unknown results format {received!r}")
    value = ask_value(ox.parse_query_results(body, format=found[1]))
    return results.boolean_result(value, prepared.native)


def _finish(body: bytes, received: str, prepared: Prepared, server: Server) -> Response:
    """The answer in the negotiated format (re-serialised unless the server's own output may
    pass); flagged as cut when it is as long as the server's silent cap (the header the local
    store sets when it cuts at its own limit)."""
    if prepared.checked.form == "ASK" and not server.passthrough:
        return Response(_ask(body, received, prepared), media_type=prepared.media_type)
    same = received == prepared.fmt.media_type and server.passthrough
    converted = body if same else _convert(body, received, prepared)
    response = Response(converted, media_type=prepared.media_type)
    if server.max_rows is not None and possibly_cut(_length(body, received), server):
        response.headers[TRUNCATED_HEADER] = str(server.max_rows)
    return response


class RemoteQueries:
    """The query side of the remote backend: async HTTP clients to the server, or to each of
    its read replicas in turn (remote/replicas.py)."""

    def __init__(
        self,
        replicas: Replicas,
        timeout_s: float,
        graphs: frozenset[str],
        base_iri: str,
        probe: Probe | None = None,
    ) -> None:
        self.replicas = replicas
        self.base_iri = base_iri
        self.endpoints = replicas.replicas[0].endpoints
        self.timeout_s = timeout_s
        self.graphs = graphs
        self.probe = probe
        self._clients: dict[str, httpx.AsyncClient] = {}

    async def start(self) -> None:
        self._clients = {
            r.base: r.endpoints.async_client(self.timeout_s) for r in self.replicas.replicas
        }

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    def switch(self, release: Release) -> None:
        self.graphs = release.graphs

    def health(self) -> dict[str, Any]:
        return {
            "store": self.endpoints.base,
            "replicas": self.replicas.status(),
            "workers": [],
            "killed": 0,
            "in_memory": 0,
        }

    def _over_time(self) -> Response:
        return to_response(
            QueryResponse.error(
                503,
                f"the query ran longer than the time limit of {self.timeout_s:g} s and was "
                "stopped; narrow it down (LIMIT, more specific patterns) and try again",
            )
        )

    async def _upstream(
        self, body: bytes, accept: str, deadline: float
    ) -> httpx.Response | Response:
        """The answer's head from the first replica in service that gives one; replicas that
        cannot be reached or say they are down are taken out on the way."""
        if self.probe is not None and self.replicas.any_due():
            await run_in_threadpool(self.replicas.probe_due, self.probe)
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        for replica in self.replicas.order():
            client = self._clients[replica.base]
            outgoing = client.build_request(
                "POST", replica.endpoints.query, content=body, headers=headers
            )
            try:
                upstream = await asyncio.wait_for(
                    client.send(outgoing, stream=True), deadline - time.monotonic()
                )
            except (TimeoutError, httpx.TimeoutException):
                return self._over_time()
            except httpx.TransportError as error:
                self.replicas.take_out(replica, str(unreachable(replica.endpoints, error)))
                continue
            if upstream.status_code in FAILED_STATUS:
                await upstream.aclose()
                self.replicas.take_out(replica, f"answered {upstream.status_code}")
                continue
            self.replicas.served(replica)
            return upstream
        return to_response(QueryResponse.error(502, str(self.replicas.none_left())))

    async def answer(self, request: QueryRequest) -> Response:
        assert self._clients, "start() first"
        deadline = time.monotonic() + self.timeout_s
        prepared, text = await run_in_threadpool(_bound, request, self.graphs, self.base_iri)
        if isinstance(prepared, QueryResponse):
            return to_response(prepared)
        form = [("query", text)]
        dataset = prepared.dataset
        if dataset.union:
            form += self.endpoints.dataset(self.graphs)
        elif dataset.default is not None and dataset.named is not None:
            # the request's protocol graphs, or every graph but the drafts left out
            form += [("default-graph-uri", g) for g in dataset.default]
            form += [("named-graph-uri", g) for g in dataset.named]
        upstream = await self._upstream(
            urlencode(form).encode("ascii"),
            _asked_format(prepared, self.endpoints.server),
            deadline,
        )
        if isinstance(upstream, Response):
            return upstream
        received = upstream.headers.get("content-type", "").split(";")[0].strip().lower()
        server = self.endpoints.server
        if (
            upstream.status_code == 200
            and received == prepared.fmt.media_type
            and server.passthrough
            and server.max_rows is None
        ):
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
            return await run_in_threadpool(_finish, body, received, prepared, server)
        except (ValueError, SyntaxError) as error:
            return to_response(QueryResponse.error(502, str(error)))

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

"""Who answers user SPARQL: the local worker pool or a remote SPARQL server.

The routes only see `QueryService`; `serve --store URL` swaps the implementation. Both run the
same safety checks and format negotiation (`workers.prepare`), and both stop waiting at the
time limit.
"""

from __future__ import annotations

from typing import Any, Protocol

from fastapi.responses import Response

from foerdergraph.serve import no_network
from foerdergraph.serve.release import Release
from foerdergraph.serve.workers import QueryRequest, QueryResponse, WorkerPool


def to_response(answer: QueryResponse) -> Response:
    return Response(
        answer.body, status_code=answer.status, media_type=answer.media_type, headers=answer.headers
    )


class QueryService(Protocol):
    """Answers protocol requests and canned queries within the time limit."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def answer(self, request: QueryRequest) -> Response: ...

    def switch(self, release: Release) -> None:
        """A new build became current: later requests go to it."""

    def health(self) -> dict[str, Any]: ...


class LocalQueries:
    """The killable worker processes over the release's pyoxigraph store (on disk, and in
    memory once copied)."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool

    async def start(self) -> None:
        await self.pool.start()

    async def close(self) -> None:
        await self.pool.close()

    async def answer(self, request: QueryRequest) -> Response:
        return to_response(await self.pool.run(request))

    def switch(self, release: Release) -> None:
        self.pool.switch_store(release.store_path)

    def health(self) -> dict[str, Any]:
        return self.pool.health() | {"no_network": no_network.supported()[0]}

"""What every router shares: the settings, the current release, the query service, the pages.

The app factory (`app.py`) makes one `Served` and hands it to each router module in `routes/`;
routers never import each other's state, so a route area can be read (and tested) on its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from foerdergraph.core.config import Settings
from foerdergraph.serve import linked_data, negotiation
from foerdergraph.serve.canned import CannedQueries
from foerdergraph.serve.document_cache import DocumentCache
from foerdergraph.serve.pages import Pages
from foerdergraph.serve.querying import QueryService
from foerdergraph.serve.release import Release

T = TypeVar("T")

HTML = "text/html"
INLINE_QUADS = 128
"""Quads a linked-data lookup may read on the event loop (about a millisecond on an on-disk
store); larger descriptions are made in the thread pool (docs/serving.md)."""


def vary(response: Response) -> Response:
    """Mark a negotiated response: caches must key it on Accept."""
    response.headers["Vary"] = "Accept"
    return response


@dataclass
class Served:
    """The state of one served app; `current()` is the release `build/current` names now."""

    settings: Settings
    current: Callable[[], Awaitable[Release]]
    queries: QueryService
    pages: Pages
    canned: CannedQueries
    data_prefixes: dict[str, str]
    documents: DocumentCache = field(default_factory=DocumentCache)
    """Rendered linked-data documents of the release in service (`document_cache.py`)."""

    async def lookup(self, func: Callable[..., T], *args: Any) -> T:
        """Run a bounded store lookup in a thread, off the event loop."""
        return await run_in_threadpool(func, *args)

    async def small_lookup(self, store: Any, func: Callable[[int | None], T]) -> T:
        """`func(INLINE_QUADS)` on the event loop when the store is the local one, else (or
        when it raises DescriptionTooLarge) `func(None)` in a thread. Handing work to a thread
        and back costs about 0.2 ms, more than describing a typical resource; the quad budget
        caps what the loop can be held up for, and a remote store is never called here."""
        if isinstance(store, ox.Store):
            try:
                return func(INLINE_QUADS)
            except linked_data.DescriptionTooLarge:
                pass
        return await self.lookup(func, None)

    def html_or_text(
        self, request: Request, status: int, title: str, message: str, iri: str | None = None
    ) -> Response:
        """An error with an HTML body for browsers and plain text for everyone else."""
        if negotiation.choose(request.headers.get("accept"), [HTML, "text/plain"]) == HTML:
            return self.pages.render(
                request, "error.html", status=status, title=title, message=message, iri=iri
            )
        return PlainTextResponse(message, status_code=status)

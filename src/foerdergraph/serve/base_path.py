"""Serving under the path of the base IRI as well as at the root.

A publisher whose base has a path (FOERDERGRAPH_BASE=https://data.example.org/fg/) and who runs
`foerdergraph serve` on that origin gets requests for `/fg/id/…`: the IRIs themselves. The app
answers them as if mounted at `/fg` (the ASGI `root_path`), so routes, links and
Content-Location all carry the prefix, and keeps answering at its root too (`/id/…`), as behind
a proxy or a w3id.org redirect that strips the prefix. The path of the public URL
(`--base-url`), when it has one, is served the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send


def served_prefixes(*urls: str | None) -> tuple[str, ...]:
    """The paths of the URLs without their trailing slash ('/fg'), longest first; the root
    path is left out."""
    paths = {urlsplit(url).path.rstrip("/") for url in urls if url}
    return tuple(sorted((p for p in paths if p), key=len, reverse=True))


class BasePath:
    """ASGI middleware: a request under one of `prefixes` is routed as if the app were mounted
    there (its `root_path` set), any other request as it is."""

    def __init__(self, app: ASGIApp, prefixes: Iterable[str]) -> None:
        self.app = app
        self.prefixes = tuple(prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.prefixes:
            root = scope.get("root_path", "")
            path = scope["path"]
            for prefix in self.prefixes:
                if path.startswith(root + prefix + "/"):
                    scope = {**scope, "root_path": root + prefix}
                    break
        await self.app(scope, receive, send)

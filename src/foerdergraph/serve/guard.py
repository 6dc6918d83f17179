"""Short answers instead of tracebacks: request paths that are not UTF-8, and unexpected errors.

Pure ASGI middleware, inside the CORS layer so that its answers carry CORS headers as well.

- A path whose percent-escapes do not decode as UTF-8 (`/id/a%FFb`) gets `400` before any route
  sees it: the server would otherwise read it with U+FFFD in place of the bytes, a path that
  names nothing the client meant.
- Any exception a route lets through is logged as one line (method, path, exception, an error
  id) and answered with a plain `500` naming that id. Starlette's own handler would log the
  whole traceback (some 80 lines) for every such request, also when a client repeats a bad
  request thousands of times a second; the traceback is logged at DEBUG level only.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import unquote_to_bytes

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from foerdergraph.serve.asgi import StartWatch

log = logging.getLogger(__name__)


def _one_line(text: str, limit: int = 300) -> str:
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + "…"


class RequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or b""
        if b"%" in raw_path:
            try:
                unquote_to_bytes(raw_path).decode("utf-8")
            except UnicodeDecodeError:
                refusal = PlainTextResponse(
                    "the percent-escapes of the path are not UTF-8", status_code=400
                )
                await refusal(scope, receive, send)
                return
        watch = StartWatch(send)
        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            error_id = secrets.token_hex(4)
            log.error(
                "error %s on %s %s: %s: %s%s",
                error_id,
                scope.get("method"),
                _one_line(repr(scope.get("path", ""))),
                type(error).__name__,
                _one_line(str(error)),
                " (after the response had started)" if watch.started else "",
            )
            log.debug("traceback of error %s", error_id, exc_info=True)
            if not watch.started:
                response = PlainTextResponse(
                    f"internal server error {error_id}; the server's log has the details",
                    status_code=500,
                )
                await response(scope, receive, send)

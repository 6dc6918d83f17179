"""A cap on request body size (HTTP 413), enforced before any handler reads the body.

Pure ASGI middleware rather than a check in the handler: it refuses early on Content-Length and
also counts chunked bodies as they stream in, so a client cannot make the server buffer more
than the limit by leaving out the header.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from foerdergraph.serve.asgi import StartWatch


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refusal(self) -> PlainTextResponse:
        return PlainTextResponse(
            f"request body larger than the limit of {self.max_bytes} bytes", status_code=413
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refusal()(scope, receive, send)
                    return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        watch = StartWatch(send)
        try:
            await self.app(scope, counting_receive, watch)
        except BodyTooLarge:
            if not watch.started:
                await self._refusal()(scope, receive, send)

"""Small pieces the ASGI middlewares share."""

from __future__ import annotations

from starlette.types import Message, Send


class StartWatch:
    """A `send` that passes every message on and notes when the response has started: until
    then a middleware may still answer with an error of its own; after, it can only stop."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)

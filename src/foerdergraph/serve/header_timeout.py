"""A bound on the time a client may take to send a request head (request line and headers).

uvicorn has none: a connection that sends half a request line, or one header byte now and
then, is held for as long as the client likes, and a few hundred such connections ("slowloris")
hold as many sockets and protocol objects. Its keep-alive timeout does not help: any byte
received cancels it.

`header_timeout_protocol(seconds)` is uvicorn's h11 protocol with one timer more. It starts when
the connection opens and again after each response, and is cancelled once a complete request
head has arrived (the body and the answer are bounded elsewhere: body size, query time). When it
fires, a client that has sent part of a head gets `408 Request Timeout` with
`Connection: close`; one that has sent nothing (an idle keep-alive connection) is just closed.
Either way one log line. Setting: `FOERDERGRAPH_HEADER_TIMEOUT` (docs/serving.md).
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

_TIMED_OUT = b"request head not received in time\n"
_REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\n"
    b"content-length: %d\r\n\r\n" % len(_TIMED_OUT)
) + _TIMED_OUT


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request head is late."""

    header_timeout: float = 10.0

    _head_timer: asyncio.TimerHandle | None = None

    def _waiting_for_head(self) -> bool:
        return self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE

    def _arm(self) -> None:
        if self._head_timer is None and not self.transport.is_closing():
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not self._waiting_for_head():
            return
        partial = bool(self.conn.trailing_data[0])
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        if partial:
            self.logger.info(  # uvicorn's error log, where it reports invalid requests
                "%s - no complete request head within %g s: 408, closed",
                client,
                self.header_timeout,
            )
            self.transport.write(_REQUEST_TIMEOUT)
        else:
            self.logger.debug("%s - idle for %g s: closed", client, self.header_timeout)
        self.transport.close()

    # uvicorn's protocol narrows asyncio.Protocol's BaseTransport to Transport, and so do we
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # a whole request head is in (or the request was refused)
        elif self._waiting_for_head():
            self._arm()  # e.g. the next request after one whose body came in late

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._waiting_for_head():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def header_timeout_protocol(seconds: float) -> type[HeaderTimeoutProtocol]:
    """The protocol class to give uvicorn (`http=`), with its header timeout in seconds."""
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": seconds})

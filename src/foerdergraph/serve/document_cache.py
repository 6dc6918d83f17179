"""Rendered linked-data documents of the release in service, kept in memory, with ETags.

A release never changes once built, so the document an IRI gets in one format is the same bytes
for every request until `build/current` names another release: the first request renders it,
the rest are answered from here without a store lookup or serialisation, and a client that
sends the ETag back in `If-None-Match` gets `304 Not Modified` without a body. The cache is
keyed by the release folder, so a new build never sees an old build's document, and it is
emptied when the release switches (docs/serving.md, "Caching").
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

MAX_BYTES = 64 * 1024 * 1024
"""Bodies the cache holds at most; the least recently used go first."""
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
"""A larger body (a hub entity's whole description) is not kept."""
DROPPED_HEADERS = ("content-length", "etag")
"""Headers made anew for each answer from the cache."""

Key = tuple[str, ...]


@dataclass(frozen=True)
class Cached:
    """One rendered answer: its body, the headers it was sent with and its ETag."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str


def etag_of(body: bytes) -> str:
    """A strong ETag from the bytes themselves: equal documents of two builds share it."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (RFC 9110 §13.1.2: weak comparison, or `*`)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


class DocumentCache:
    """Least-recently-used rendered documents of one release at a time, bounded in bytes."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, Cached] = OrderedDict()
        self._bytes = 0
        self._release = ""

    def get(self, release: str, key: Key) -> Cached | None:
        if release != self._release:
            return None
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, release: str, key: Key, response: Response) -> Cached | None:
        """Keep a 200 answer of `release` (and drop another release's entries first); None
        when it is not kept (not a 200, too large)."""
        body = bytes(response.body)
        if response.status_code != 200 or len(body) > MAX_DOCUMENT_BYTES:
            return None
        if release != self._release:
            self.clear()
            self._release = release
        headers = tuple((k, v) for k, v in response.headers.items() if k not in DROPPED_HEADERS)
        entry = Cached(body, headers, etag_of(body))
        old = self._entries.pop(key, None)
        self._bytes += len(body) - (len(old.body) if old else 0)
        self._entries[key] = entry
        while self._bytes > self.max_bytes and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def answer(request: Request, entry: Cached) -> Response:
    """The cached document, or 304 when the client holds it already (the same headers but
    Content-Type, no body)."""
    headers = dict(entry.headers)
    headers["etag"] = entry.etag
    if matches(request.headers.get("if-none-match"), entry.etag):
        headers.pop("content-type", None)
        return Response(status_code=304, headers=headers)
    return Response(entry.body, headers=headers)

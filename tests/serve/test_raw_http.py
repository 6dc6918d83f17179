"""Raw-socket clients against a live `foerdergraph serve` on 127.0.0.1: half-sent requests are
closed after the header timeout (shortened to 1 s here), and request targets no IRI can have
get a short answer and one log line, never a traceback."""

from __future__ import annotations

import select
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from .conftest import running_server

WAIT = 20.0
"""Generous bound for the server to close a connection (the timeout is 1 s)."""


@pytest.fixture(scope="module")
def server(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("raw-http") / "server.log"
    with running_server(build_dir, log, {"FOERDERGRAPH_HEADER_TIMEOUT": "1"}) as url:
        yield url, log


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=WAIT)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (socket.timeout when it
    keeps the connection open longer than WAIT)."""
    received = b""
    for _ in range(1000):
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk
    raise AssertionError("the server kept sending")


def test_half_a_request_line_is_closed_with_408(server: tuple[str, Path]) -> None:
    url, _ = server
    with connect(url) as sock:
        sock.sendall(b"GET /hea")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"connection: close" in answer.lower()


def test_a_connection_that_sends_nothing_is_closed(server: tuple[str, Path]) -> None:
    url, _ = server
    with connect(url) as sock:
        assert read_until_closed(sock) == b""


def test_headers_trickling_in_are_cut_off(server: tuple[str, Path]) -> None:
    """Sending a byte now and then does not keep the connection: the bound is on the whole
    request head, not on the pause between bytes."""
    url, _ = server
    with connect(url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        closed = False
        for _ in range(int(WAIT / 0.2)):
            try:
                sock.sendall(b"X")
            except OSError:  # reset by the server
                closed = True
                break
            readable, _, _ = select.select([sock], [], [], 0.2)
            if readable:
                try:
                    answer = sock.recv(65536)
                except OSError:
                    closed = True
                    break
                assert answer == b"" or answer.startswith(b"HTTP/1.1 408 "), answer
                closed = True
                break
        assert closed


def test_a_half_sent_second_request_is_closed(server: tuple[str, Path]) -> None:
    url, _ = server
    with connect(url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        for _ in range(100):
            first += sock.recv(65536)
            if b"\r\n\r\n" in first and first.endswith(b"}"):
                break
        assert first.startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"GET /health HTTP/1.1\r\nHo")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer


def test_many_half_sent_requests_neither_stop_others_nor_stay(server: tuple[str, Path]) -> None:
    url, _ = server
    idle = []
    try:
        for _ in range(200):
            sock = connect(url)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: slow")
            idle.append(sock)
        response = httpx.get(url + "health", timeout=WAIT)
        assert response.status_code == 200
        for sock in idle:
            answer = read_until_closed(sock)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408 "), answer
    finally:
        for sock in idle:
            sock.close()


def test_a_slow_answer_is_not_cut_by_the_header_timeout(server: tuple[str, Path]) -> None:
    """Once the request head is in, the header timeout no longer applies: a query that runs
    into its own 3 s limit still gets its answer."""
    url, _ = server
    runaway = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    )
    response = httpx.get(url + "sparql", params={"query": runaway}, timeout=WAIT)
    assert response.status_code == 503 and "time limit" in response.text


@pytest.mark.parametrize(
    ("target", "status"),
    [
        (b"/id/a<b", 404),
        (b'/id/a"b', 404),
        (b"/id/a{b}", 404),
        (b"/id/a%20b", 404),
        (b"/documents/a<b", 404),
        (b"/id/a%FFb", 400),
        (b"/id/%C3%28", 400),
    ],
)
def test_request_targets_no_iri_can_have(
    server: tuple[str, Path], target: bytes, status: int
) -> None:
    url, log = server
    marker = b"probe=" + uuid.uuid4().hex.encode()  # the access log quotes the path anew
    request = (
        b"GET " + target + b"?" + marker + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    with connect(url) as sock:
        sock.sendall(request)
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 %d " % status), answer
    lines = []
    for _ in range(50):  # the access log line may come a moment after the answer
        lines = [line for line in log.read_bytes().splitlines() if marker in line]
        if lines:
            break
        time.sleep(0.1)
    assert len(lines) == 1, lines
    assert b"Traceback" not in log.read_bytes()

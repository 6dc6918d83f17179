"""The three HTTP servers compared, each in its own process on 127.0.0.1 and stopped after:
`foerdergraph serve`, the Oxigraph server (in memory, loaded with the release's N-Quads) and
rdflib-endpoint (an rdflib Dataset with the same N-Quads, union default graph)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(url: str, process: subprocess.Popen[bytes], limit_s: float) -> float:
    """Poll `url` until it answers 200; seconds from now until then."""
    started = time.perf_counter()
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        if time.perf_counter() - started > limit_s:
            raise RuntimeError(f"{url} did not answer within {limit_s} s")
        time.sleep(0.01)


@contextmanager
def process(
    args: list[str], env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        args,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass(frozen=True)
class Served:
    """A running `foerdergraph serve`, in its steady state."""

    url: str
    pid: int
    first_answer_s: float
    """Seconds from the process start to the first answer of /health."""
    in_memory_s: float | None
    """Seconds from the process start until every query worker answered from its copy of the
    release in memory; None when they did not within the limit (or the release is too big)."""


COPY_S = 300
"""Longest the benchmark waits for copies of a release in memory (ours and bare)."""


@contextmanager
def foerdergraph_server(env: Mapping[str, str]) -> Iterator[Served]:
    """`foerdergraph serve`, yielded once its workers answer from memory (or COPY_S seconds
    have passed): the state it serves in for all but its first seconds."""
    port = free_port()
    started = time.perf_counter()
    with process(
        [str(BIN / "foerdergraph"), "serve", "--host", "127.0.0.1", "--port", str(port)], env
    ) as proc:
        url = f"http://127.0.0.1:{port}/"
        wait_until(url + "health", proc, 120)
        first = time.perf_counter() - started
        copied = wait_for_copies(url, started + COPY_S)
        yield Served(url, proc.pid, first, copied - started if copied else None)


def wait_for_copies(url: str, deadline: float) -> float | None:
    """perf_counter() when /health reports every worker answering from memory. A worker
    reports its copy with its next answer (or while idle), so cheap queries keep them busy."""
    while time.perf_counter() < deadline:
        health = httpx.get(url + "health", timeout=30).json()
        if health["workers"] and health["in_memory"] >= len(health["workers"]):
            return time.perf_counter()
        httpx.get(url + "sparql", params={"query": "ASK {}"}, timeout=30)
        time.sleep(0.2)
    return None


@contextmanager
def oxigraph_server(nquads: Path) -> Iterator[str]:
    """The Oxigraph server in memory with union default graph, loaded over its GSP. Without
    `--timeout-s`: with it, the server keeps a sleeping thread per query and fails under wrk."""
    port = free_port()
    with process(
        [
            str(BIN / "oxigraph"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ]
    ) as proc:
        url = f"http://127.0.0.1:{port}/"
        wait_until(url + "query?query=ASK%7B%7D", proc, 60)
        with nquads.open("rb") as body:
            httpx.post(
                url + "store",
                content=body.read(),
                headers={"Content-Type": "application/n-quads"},
                timeout=600,
            ).raise_for_status()
        yield url


@contextmanager
def rdflib_endpoint_server(nquads: Path) -> Iterator[str]:
    """rdflib-endpoint over an rdflib Dataset holding the same quads."""
    port = free_port()
    with process(
        [sys.executable, "-m", "benchmarks.rdflib_server", str(nquads), str(port)]
    ) as proc:
        url = f"http://127.0.0.1:{port}/"
        wait_until(url + "?query=ASK%7B%7D", proc, 1800)
        yield url

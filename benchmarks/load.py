"""A small HTTP load generator: N threads, each with its own keep-alive client, issuing the same
request until a request count or a duration is reached; latencies per request.

Threads rather than asyncio because the servers under test, not the client, must be the
bottleneck: httpx's blocking client in a few threads keeps up with thousands of requests per
second on 127.0.0.1, and every thread's latency is its own wall time.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

Request = Callable[[httpx.Client], httpx.Response]


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: tuple[float, ...]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(list(self.latencies), p)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def run_load(
    request: Request,
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    timeout: float = 300.0,
) -> LoadResult:
    """Issue `request` from `concurrency` threads until `max_requests` have started or
    `max_seconds` have passed (requests in flight are finished and counted)."""
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + max_seconds
    issued = 0
    lock = threading.Lock()

    def worker() -> None:
        nonlocal issued, errors
        with httpx.Client(timeout=timeout) as client:
            while True:
                with lock:
                    if issued >= max_requests or time.perf_counter() > deadline:
                        return
                    issued += 1
                began = time.perf_counter()
                try:
                    ok = request(client).status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    errors += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(len(latencies), errors, time.perf_counter() - started, tuple(latencies))

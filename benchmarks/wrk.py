"""Throughput and latency of one HTTP request repeated by `wrk` (benchmarks/ensure_wrk.sh).

wrk is written in C on epoll and keeps up with the fastest server measured here (tens of
thousands of requests/s on two cores); the Python load generator of `load.py` does not, so it
only serves correctness checks and single slow queries.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from dataclasses import dataclass

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
TOTAL = re.compile(r"^\s*(\d+) requests in", re.MULTILINE)
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class WrkRun:
    """One wrk run: requests/s, p50 and p99 in ms, requests and failed ones."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def parse(output: str) -> WrkRun:
    """Read wrk's `--latency` report; errors are non-2xx/3xx answers plus socket errors."""
    latencies = {m[1]: float(m[2]) * UNITS[m[3]] for m in LATENCY.finditer(output)}
    rate, total = RATE.search(output), TOTAL.search(output)
    non_2xx = NON_2XX.search(output)
    sockets = SOCKET_ERRORS.search(output)
    errors = (int(non_2xx[1]) if non_2xx else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )
    return WrkRun(
        rps=float(rate[1]) if rate else 0.0,
        p50_ms=latencies.get("50", float("nan")),
        p99_ms=latencies.get("99", float("nan")),
        requests=int(total[1]) if total else 0,
        errors=errors,
    )


def run_wrk(
    url: str, concurrency: int, seconds: float, headers: dict[str, str], timeout_s: float
) -> WrkRun:
    """`wrk` with `concurrency` connections (one thread per connection, at most two: the
    machine's cores are shared with the server) for `seconds`."""
    args = ["wrk", "--latency", f"-c{concurrency}", f"-t{min(concurrency, 2)}"]
    args += [f"-d{seconds:g}s", f"--timeout={timeout_s:g}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    done = subprocess.run([*args, url], capture_output=True, text=True, check=True)
    return parse(done.stdout)


def medians(runs: list[WrkRun]) -> WrkRun:
    """The median of each figure over interleaved rounds (errors summed)."""
    return WrkRun(
        rps=statistics.median(r.rps for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        requests=sum(r.requests for r in runs),
        errors=sum(r.errors for r in runs),
    )

"""Servers the tests start as processes (ours, the Oxigraph server, Virtuoso): wait until one
answers, fail with its own words when it dies first, and stop it whatever the test did."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx


def answers(url: str, params: dict[str, str] | None = None, timeout: float = 1) -> bool:
    """Whether a GET of `url` succeeds now (a refused or hung connection is a no)."""
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(url, params=params, timeout=timeout).is_success
    return False


@contextmanager
def started(
    process: subprocess.Popen[bytes],
    ready: Callable[[], bool],
    *,
    what: str,
    seconds: float,
    output: Callable[[], str],
    stop_wait: float = 10,
) -> Iterator[subprocess.Popen[bytes]]:
    """Yields `process` once `ready()` is true; raises with `output()` (its log) if it exits
    before, or after `seconds`. Afterwards the process is asked to stop and killed when it has
    not within `stop_wait` seconds (0: killed at once)."""
    try:
        deadline = time.monotonic() + seconds
        while not ready():
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited: {output()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start within {seconds:g} s")
            time.sleep(0.2)
        yield process
    finally:
        stop(process, stop_wait)


def stop(process: subprocess.Popen[bytes], wait: float) -> None:
    """Terminate, then kill when `wait` seconds were not enough."""
    if wait > 0:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)
            return
    process.kill()
    process.wait()

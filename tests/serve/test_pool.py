"""The query worker pool under pressure: runaway queries never starve cheap ones, a query over
the memory cap is stopped, waiting in the queue costs a query none of its time budget, a dead
idle worker costs no client a 500, and workers die with the server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from foerdergraph.serve.workers import QueryRequest, WorkerPool

from .conftest import BASE, FIXTURES, free_port, server_process

CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)
"""Runs for hours on the fixture graph, in constant memory."""
HUNGRY = "SELECT ?a ?c ?f ?i WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f ?i"
"""Sorting a cartesian product: grows by hundreds of MB a second on the fixture graph."""
CHEAP = "ASK { ?s ?p ?o }"


@contextlib.contextmanager
def serve(build_dir: Path, log: Path, **settings: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`foerdergraph serve` on a free port of 127.0.0.1 with FOERDERGRAPH_* `settings`; yields
    its URL and process, and stops it after. Its output goes to `log`."""
    port = free_port()
    env = {
        **os.environ,
        "FOERDERGRAPH_HOME": str(FIXTURES),
        "FOERDERGRAPH_BUILD_DIR": str(build_dir),
        "FOERDERGRAPH_BASE": BASE,
        **{f"FOERDERGRAPH_{name.upper()}": value for name, value in settings.items()},
    }
    env.pop("FOERDERGRAPH_PUBLIC_URL", None)
    # runaway queries may still run at the end: no graceful shutdown to wait for
    with server_process(env, port, log, stop_wait=0) as running:
        yield running


def sparql(url: str, query: str, timeout: float = 60) -> httpx.Response:
    return httpx.get(url + "sparql", params={"query": query}, timeout=timeout)


def wait_for_workers(url: str, count: int) -> list[int]:
    """The pids of the server's query workers, once there are `count` of them."""
    deadline = time.monotonic() + 30
    while True:
        pids = httpx.get(url + "health", timeout=10).json()["workers"]
        if len(pids) >= count or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_until_gone(pids: list[int], seconds: float) -> list[int]:
    """The pids still running after up to `seconds`."""
    deadline = time.monotonic() + seconds
    alive = [pid for pid in pids if running(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if running(pid)]
    return alive


def test_cheap_queries_are_answered_while_runaways_run(build_dir: Path, tmp_path: Path) -> None:
    """Four clients send runaway queries to a pool of two workers; a fifth client's cheap
    queries are all answered, and every runaway ends with 503 and a message."""
    with serve(build_dir, tmp_path / "serve.log", query_timeout="3", query_workers="2") as (
        url,
        _,
    ):
        runaways: list[httpx.Response] = []

        def runaway(query: str) -> None:
            runaways.append(sparql(url, query))

        threads = [
            threading.Thread(target=runaway, args=(CARTESIAN,), daemon=True) for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        cheap: list[httpx.Response] = []
        while any(t.is_alive() for t in threads) and len(cheap) < 40:
            cheap.append(sparql(url, CHEAP, timeout=30))
            time.sleep(0.05)
        for thread in threads:
            thread.join(30)
        assert [r.status_code for r in cheap] == [200] * len(cheap), [r.text for r in cheap]
        assert len(cheap) >= 5  # the cheap client kept asking while the runaways ran
        assert len(runaways) == 4
        for response in runaways:
            assert response.status_code == 503, response.text
            assert "time limit" in response.text or "long queries" in response.text


def test_a_query_over_the_memory_cap_is_stopped(build_dir: Path, tmp_path: Path) -> None:
    with serve(build_dir, tmp_path / "serve.log", query_timeout="20", query_memory="150") as (
        url,
        _,
    ):
        response = sparql(url, HUNGRY)
        assert response.status_code == 507, response.text
        assert "memory limit of 150 MB" in response.text
        assert httpx.get(url + "health").json()["over_memory"] == 1
        assert sparql(url, CHEAP).status_code == 200


def test_a_dead_idle_worker_costs_no_client_a_500(build_dir: Path, tmp_path: Path) -> None:
    with serve(build_dir, tmp_path / "serve.log", query_workers="2") as (url, _):
        assert sparql(url, CHEAP).status_code == 200
        pids = wait_for_workers(url, 2)
        assert len(pids) == 2
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        assert wait_until_gone(pids, 10) == []
        for _ in range(4):
            response = sparql(url, CHEAP)
            assert response.status_code == 200, response.text
        assert not set(wait_for_workers(url, 2)) & set(pids)


def test_workers_die_with_the_server(build_dir: Path, tmp_path: Path) -> None:
    """A server killed while a worker runs a runaway query leaves no worker behind."""
    with serve(build_dir, tmp_path / "serve.log", query_timeout="120") as (url, process):
        pids = wait_for_workers(url, 2)

        def runaway() -> None:
            with contextlib.suppress(httpx.HTTPError):
                sparql(url, CARTESIAN)

        threading.Thread(target=runaway, daemon=True).start()
        time.sleep(1.5)  # the runaway query is running in a worker now
        pids = httpx.get(url + "health").json()["workers"]
        assert [pid for pid in pids if running(pid)]
        process.kill()
        process.wait()
        assert wait_until_gone(pids, 10) == []


def test_long_queries_beyond_the_cap_are_stopped_early(build_dir: Path, tmp_path: Path) -> None:
    with serve(build_dir, tmp_path / "serve.log", query_timeout="6", long_queries="1") as (url, _):
        first: list[httpx.Response] = []
        thread = threading.Thread(target=lambda: first.append(sparql(url, CARTESIAN)))
        thread.start()
        time.sleep(1.5)  # the first one runs as the one long query allowed
        second = sparql(url, CARTESIAN)
        assert second.status_code == 503
        assert "long queries" in second.text
        assert int(second.headers["Retry-After"]) >= 1
        thread.join(30)
        assert first[0].status_code == 503 and "time limit" in first[0].text
        assert sparql(url, CHEAP).status_code == 200


def pool(store: Path, **attributes: float) -> WorkerPool:
    """A pool of one worker over the fixture release that never grows, with `attributes`."""
    made = WorkerPool(store, 1, 2.0, 1000, BASE)
    made.max_long = 0  # no long lane: the one worker is all there is
    made.long_after_s = 60.0
    for name, value in attributes.items():
        setattr(made, name, value)
    return made


def test_waiting_in_the_queue_costs_no_time_budget(build_dir: Path) -> None:
    """A cheap query waiting longer than the time limit for the only worker is still answered:
    its budget starts when a worker takes it."""

    async def scenario() -> tuple[int, int, str]:
        workers = pool(build_dir / "current" / "store", queue_wait_s=15.0)
        await workers.start()
        try:
            assert (await workers.run(QueryRequest(CHEAP))).status == 200  # the worker is up
            runaway = asyncio.create_task(workers.run(QueryRequest(CARTESIAN)))
            await asyncio.sleep(0.5)
            cheap = await workers.run(QueryRequest(CHEAP, format="json"))
            stopped = await runaway
            return stopped.status, cheap.status, cheap.body.decode()
        finally:
            await workers.close()

    stopped, status, body = asyncio.run(scenario())
    assert stopped == 503
    assert status == 200, body


def test_a_full_queue_answers_503_with_retry_after(build_dir: Path) -> None:
    async def scenario() -> tuple[int, int, dict[str, str], str]:
        workers = pool(build_dir / "current" / "store", queue_wait_s=0.5)
        await workers.start()
        try:
            assert (await workers.run(QueryRequest(CHEAP))).status == 200  # the worker is up
            runaway = asyncio.create_task(workers.run(QueryRequest(CARTESIAN)))
            await asyncio.sleep(0.5)
            cheap = await workers.run(QueryRequest(CHEAP))
            stopped = await runaway
            return stopped.status, cheap.status, cheap.headers, cheap.body.decode()
        finally:
            await workers.close()

    stopped, status, headers, body = asyncio.run(scenario())
    assert stopped == 503
    assert status == 503
    assert "busy" in body
    assert int(headers["Retry-After"]) >= 1

"""The pool of query worker processes: two lanes, the time and memory limits, release switches
(the why of each is in `WorkerPool`'s docstring and in the package's)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from foerdergraph.serve.memory_copy import copy_bytes
from foerdergraph.serve.workers.handle import Worker, worker_context
from foerdergraph.serve.workers.messages import COPIED, QueryRequest, QueryResponse
from foerdergraph.serve.workers.process import worker_entry

log = logging.getLogger(__name__)

WARM_UP = QueryRequest("ASK {}")
"""Sent to every new worker before it takes a query, so that the costs of a first query (the
store's first read, the check's first run) fall on no client's query."""

LONG_AFTER_S = 0.5
"""A query that has used this much CPU time leaves the fast lane (see `WorkerPool`)."""
GROW_AFTER_S = 0.1
"""A query that has waited this long for a worker starts one more (up to the pool's maximum)."""
TICK_S = 0.05
"""How often a running query's time, lane and memory are checked."""
LONG_NICE = 19
"""Scheduling priority of a worker running a long query (0 normal, 19 lowest): on a machine
with few cores the quick queries get the CPU first."""


SHRINK_AFTER_S = 10.0
"""A worker beyond the fast lane's size is stopped once it has been idle this long."""
QUEUE_RETRY_AFTER_S = 2
"""Retry-After of a query that found every worker busy for the whole queue wait."""

PLAIN = "text/plain; charset=utf-8"


class WorkerPool:
    """Query worker processes in two lanes; `run` answers one request within the limits.

    Why two lanes. A worker is a process that is killed when its query overruns, and a
    query's cost is unknown until it runs. With a fixed pool, as many runaway queries as
    workers left every other client waiting (issue: 11 of 54 cheap queries answered in 60 s
    with two workers and two runaway clients). So:

    - The fast lane is `size` workers. A query that has used `long_after_s` (0.5 s) of CPU
      leaves it. CPU time, not time since it started: on a busy machine a cheap query can
      wait for the CPU for longer than that, and must not be taken for a long one (in the
      drill at load average 14, an ASK was). A long query's worker runs at the lowest
      priority (`LONG_NICE`, so the cheap queries win the CPU on a machine with few cores),
      and a new worker takes its place in the lane. (A query that mostly waits for the disk
      stays in the lane; queries that then wait for a worker grow it.) At most
      `max_long` queries run long at once; one more is stopped when it turns long, with 503,
      a message and Retry-After (the processes, and their memory, stay bounded by
      `size + max_long`). Legitimate queries of a few seconds run as long ones too.
    - A new worker starts in tens of milliseconds: workers are forked from a fork server that
      has imported pyoxigraph and the safety checker (`PRELOAD`), and warmed with one query
      before they take a client's. It answers from the release's files at once and from its
      copy in memory once that is loaded (memory_copy), so no start stalls an answer.
    - A query that finds no idle worker waits in a queue for at most `queue_wait_s`, then gets
      503 with Retry-After; after `GROW_AFTER_S` of waiting it starts one more worker. Its time
      limit starts when a worker takes it: waiting never eats its budget (it used to: a query
      that had waited got 0.1 s and then killed a freshly started worker).
    - The lane shrinks back to `size` once the workers it no longer needs have been idle for
      `SHRINK_AFTER_S` (those without a copy in memory first): stopping them at once would
      start and stop workers all the time under a burst.
    - Memory: while a query runs, the pool reads its worker's resident memory every `TICK_S`
      from /proc; past `memory_mb` above the worker's idle size (plus its copy of the release,
      while that is still loading) the worker is killed and the client gets 507 naming the
      cap. Measured from outside, so it needs nothing from RocksDB or the allocator and also
      catches memory the query holds in Oxigraph's native code; a query can overshoot by what
      it allocates in one tick (tens of MB).
    - A dead idle worker (killed, crashed) is noticed when it is taken from the queue, or when
      the request cannot be sent to it, and the request goes to another one: no 500.
    - Workers die with the server (`_die_with_server`).
    """

    def __init__(
        self,
        store_path: Path,
        size: int,
        timeout_s: float,
        max_rows: int,
        base_iri: str,
        copy_limit: int = 0,
        memory_mb: int = 0,
        max_long: int = 4,
        queue_wait_s: float = 5.0,
    ) -> None:
        self.store_path = store_path
        self.size = max(1, size)
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.base_iri = base_iri
        self.copy_limit = copy_limit
        """Largest release (quads) a worker copies into memory; 0 = answer from disk only."""
        self.memory_mb = memory_mb
        """How far a query may grow its worker's resident memory (MB); 0 = no cap."""
        self.max_long = max_long
        """Queries that may run longer than `long_after_s` at once."""
        self.queue_wait_s = queue_wait_s
        """Longest a query waits for a worker before it gets 503."""
        self.long_after_s = LONG_AFTER_S
        self._context = worker_context()
        self._threads = ThreadPoolExecutor(
            2 * (self.size + max(0, max_long)) + 4, thread_name_prefix="fg-query"
        )
        self._idle: deque[Worker] = deque()
        self._waiters: deque[asyncio.Future[Worker]] = deque()
        self._all: set[Worker] = set()
        self._starting = 0
        self._spawns: set[asyncio.Future[Worker]] = set()
        self._copy_kb: dict[str, int] = {}
        self._shrinking: asyncio.TimerHandle | None = None
        self._closed = False
        self.killed = 0
        """Queries stopped at the time limit (for tests and /health)."""
        self.over_memory = 0
        """Queries stopped at the memory cap."""
        self.too_many_long = 0
        """Queries stopped because `max_long` others were running long."""
        self.queue_full = 0
        """Queries that found no worker within `queue_wait_s`."""

    # ------------------------------------------------------------------ workers

    def _spawn(self) -> Worker:
        """Start one worker, wait until its store is open and warm it up (blocking; call in a
        thread)."""
        parent, child = self._context.Pipe()
        store_path = str(self.store_path)
        process = self._context.Process(
            target=worker_entry,
            args=(os.getpid(), child, store_path, self.max_rows, self.base_iri, self.copy_limit),
            name="foerdergraph-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = Worker(process, parent)
        try:
            if not parent.poll(120):
                raise RuntimeError("a query worker did not start within 120 s")
            kind, detail = parent.recv()
            if kind != "ready":
                raise RuntimeError(str(detail))
            worker.answer_tid = int(detail)
            parent.send((store_path, WARM_UP))
            if not isinstance(worker.receive(120), QueryResponse):
                raise RuntimeError("a new query worker did not answer its first query")
        except BaseException:
            worker.kill()
            worker.reap()
            raise
        worker.base_kb, worker.base_copy = worker.rss_kb(), worker.copy_of
        worker.renice_background()
        return worker

    def _add_worker(self) -> None:
        """Start one worker in a thread; it is handed on (`_release`) once it is ready."""
        loop = asyncio.get_running_loop()
        self._starting += 1
        future = loop.run_in_executor(self._threads, self._spawn)
        self._spawns.add(future)

        def done(fut: asyncio.Future[Worker]) -> None:
            self._spawns.discard(fut)
            self._starting -= 1
            if fut.cancelled():
                return
            if fut.exception() is not None:
                log.error("could not start a query worker: %s", fut.exception())
                return
            worker = fut.result()
            if self._closed:
                self._discard(worker)
                return
            self._all.add(worker)
            self._release(worker)

        future.add_done_callback(done)

    def _lane(self) -> int:
        """Workers in the fast lane: all but those running a long query."""
        return sum(1 for w in self._all if not w.long)

    def _running_long(self) -> int:
        return sum(1 for w in self._all if w.long)

    def _top_up(self) -> None:
        """Start workers until the fast lane (with those starting) has `size` again."""
        while (
            not self._closed
            and self._lane() + self._starting < self.size
            and len(self._all) + self._starting < self.size + max(0, self.max_long)
        ):
            self._add_worker()

    def _grow(self) -> None:
        """One more worker for queries that wait, within the pool's maximum."""
        if (
            not self._closed
            and self._starting < sum(1 for w in self._waiters if not w.done())
            and len(self._all) + self._starting < self.size + max(0, self.max_long)
        ):
            self._add_worker()

    def _discard(self, worker: Worker) -> None:
        """Kill a worker and forget it; its process is collected in a thread."""
        worker.kill()
        self._all.discard(worker)
        with contextlib.suppress(RuntimeError):  # the thread pool is shut down
            self._threads.submit(worker.reap)

    def _drop(self, worker: Worker) -> None:
        """Kill a worker and keep the fast lane full."""
        self._discard(worker)
        self._top_up()

    def _release(self, worker: Worker) -> None:
        """A worker ready for a query: to the longest-waiting query, else to the idle queue.
        When the fast lane has grown beyond `size`, the workers it no longer needs are stopped
        once they have been idle for `SHRINK_AFTER_S`. Idle workers are taken in turn (first
        in, first out), so that each soon answers, and copies, a new release."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        loop = asyncio.get_running_loop()
        worker.idle_since = loop.time()
        self._idle.append(worker)
        if self._lane() > self.size and self._shrinking is None:
            self._shrinking = loop.call_later(SHRINK_AFTER_S, self._shrink)

    def _shrink(self) -> None:
        """Stop idle workers beyond the fast lane's size (those that do not answer from memory
        first), and look again later while there are more than `size`."""
        self._shrinking = None
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        current = str(self.store_path)
        rested = [
            w
            for w in self._idle
            if loop.time() - w.idle_since >= SHRINK_AFTER_S and w.note_copies()
        ]
        rested.sort(key=lambda w: w.copy_of == current)
        for worker in rested[: max(0, self._lane() - self.size)]:
            self._idle.remove(worker)
            self._discard(worker)
        if self._lane() > self.size:
            self._shrinking = loop.call_later(SHRINK_AFTER_S, self._shrink)

    async def _acquire(self) -> Worker | None:
        """An idle, living worker, or None when none frees up within `queue_wait_s`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.queue_wait_s
        while True:
            while self._idle:
                worker = self._idle.popleft()
                if worker.alive():
                    return worker
                log.warning("query worker %s died while idle; starting another", worker.process.pid)
                self._drop(worker)
            waiter: asyncio.Future[Worker] = loop.create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait(
                    {waiter}, timeout=max(0.0, min(GROW_AFTER_S, deadline - loop.time()))
                )
                if not waiter.done():
                    self._grow()
                    await asyncio.wait({waiter}, timeout=max(0.0, deadline - loop.time()))
            except asyncio.CancelledError:  # the client went away while waiting
                if waiter.done():
                    self._release(waiter.result())
                waiter.cancel()
                raise
            if not waiter.done():
                waiter.cancel()
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
                return None
            worker = waiter.result()
            if worker.alive():
                return worker
            log.warning("query worker %s died while idle; starting another", worker.process.pid)
            self._drop(worker)

    # ------------------------------------------------------------------ queries

    async def start(self) -> None:
        """Start the workers in the background: the server answers pages at once, and the
        first query waits for the first worker that is ready (within the queue wait)."""
        for _ in range(self.size):
            self._add_worker()

    def switch_store(self, store_path: Path) -> None:
        """Send every later request to the store at `store_path` (a new release)."""
        self.store_path = store_path

    async def close(self) -> None:
        self._closed = True
        if self._shrinking is not None:
            self._shrinking.cancel()
        for waiter in self._waiters:
            waiter.cancel()
        for future in list(self._spawns):
            future.cancel()
        for worker in list(self._all):
            worker.kill()
        for worker in list(self._all):
            worker.reap()
        self._all.clear()
        self._idle.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def run(self, request: QueryRequest) -> QueryResponse:
        """Answer `request` in a worker, within the time and memory limits."""
        for _ in range(3):
            worker = await self._acquire()
            if worker is None:
                self.queue_full += 1
                return QueryResponse(
                    503,
                    PLAIN,
                    f"all query workers are busy (waited {self.queue_wait_s:g} s for one); try "
                    "again in a few seconds".encode(),
                    {"Retry-After": str(QUEUE_RETRY_AFTER_S)},
                )
            try:
                worker.conn.send((str(self.store_path), request))
            except (OSError, ValueError):  # it died since: the request never reached it
                log.warning("query worker %s died while idle; starting another", worker.process.pid)
                self._drop(worker)
                continue
            return await self._supervise(worker)
        return QueryResponse(
            503, PLAIN, b"no query worker could take the query; try again", {"Retry-After": "1"}
        )

    async def _supervise(self, worker: Worker) -> QueryResponse:
        """Wait for the answer of a worker that was just sent a request, checking its time,
        lane and memory every `TICK_S`; an error response when it is stopped."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        cpu_before = worker.cpu_s()
        memory_limit_kb = self._memory_limit_kb(worker)
        readable = asyncio.Event()
        fd = worker.conn.fileno()
        try:
            while True:
                verdict = None
                loop.add_reader(fd, readable.set)
                try:
                    while not readable.is_set():
                        verdict = self._check(
                            worker, loop.time() - started, cpu_before, memory_limit_kb
                        )
                        if verdict is not None:
                            break
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(readable.wait(), TICK_S)
                finally:
                    loop.remove_reader(fd)
                if verdict is not None:
                    self._drop(worker)
                    return verdict
                readable.clear()
                try:
                    message = await loop.run_in_executor(self._threads, worker.conn.recv)
                except (EOFError, OSError):
                    log.error(
                        "a query worker stopped unexpectedly (exit code %s)",
                        worker.process.exitcode,
                    )
                    self._drop(worker)
                    return QueryResponse.error(500, "the query worker stopped unexpectedly")
                if isinstance(message, tuple) and message[0] == COPIED:
                    worker.copy_of = message[1]
                    continue
                break
        except asyncio.CancelledError:
            # The client went away: the worker may still be busy, so replace it.
            self._drop(worker)
            raise
        if not isinstance(message, QueryResponse):  # a worker speaks only this protocol
            self._drop(worker)
            return QueryResponse.error(500, "the query worker sent no answer")
        self._finished(worker)
        return message

    def _check(
        self, worker: Worker, ran_s: float, cpu_before: float | None, memory_limit_kb: int
    ) -> QueryResponse | None:
        """None while the query may go on; else why it is stopped. `ran_s` is the time since
        the worker took it, `cpu_before` the worker's CPU time then (None: unknown, when the
        time since counts instead)."""
        if ran_s >= self.timeout_s:
            self.killed += 1
            return QueryResponse.error(
                503,
                f"the query ran longer than the time limit of {self.timeout_s:g} s and was "
                "stopped; narrow it down (LIMIT, more specific patterns) and try again",
            )
        cpu_now = worker.cpu_s() if cpu_before is not None and not worker.long else None
        used_s = ran_s if cpu_now is None or cpu_before is None else cpu_now - cpu_before
        if not worker.long and used_s >= self.long_after_s:
            if self._running_long() >= self.max_long:
                self.too_many_long += 1
                return QueryResponse(
                    503,
                    PLAIN,
                    f"the server is busy with other long queries (at most {self.max_long} run "
                    f"at once); this one took more than {self.long_after_s:g} s of CPU and was "
                    "stopped; try again later".encode(),
                    {"Retry-After": str(max(1, math.ceil(self.timeout_s)))},
                )
            worker.long = True
            worker.renice(LONG_NICE)
            self._top_up()
        if memory_limit_kb and worker.rss_kb() > memory_limit_kb:
            self.over_memory += 1
            return QueryResponse.error(
                507,
                f"the query needed more than the memory limit of {self.memory_mb} MB per query "
                "and was stopped; narrow it down (fewer rows to sort, group or make distinct, "
                "more specific patterns) and try again",
            )
        return None

    def _memory_limit_kb(self, worker: Worker) -> int:
        """The resident memory (kB) past which the worker's query is stopped; 0 = none."""
        if self.memory_mb <= 0:
            return 0
        if worker.copy_of != worker.base_copy:  # its copy was loaded since it was measured
            worker.base_kb, worker.base_copy = worker.rss_kb(), worker.copy_of
        allowance = self.memory_mb * 1024
        current = str(self.store_path)
        if worker.copy_of != current:  # its copy of this release may still be loading
            if current not in self._copy_kb:
                self._copy_kb[current] = copy_bytes(self.store_path, self.copy_limit) // 1024
            allowance += self._copy_kb[current]
        return worker.base_kb + allowance

    def _finished(self, worker: Worker) -> None:
        """A worker answered: back to the fast lane, or retired when that is full (or when
        its priority cannot be raised again)."""
        if worker.long:
            worker.long = False
            if not worker.renice(0):
                self._drop(worker)
                return
        self._release(worker)

    # ------------------------------------------------------------------ state

    @property
    def pids(self) -> list[int]:
        return sorted(w.process.pid for w in self._all if w.process.pid is not None)

    def health(self) -> dict[str, Any]:
        """The pool's state for /health. Call on the event loop."""
        return {
            "workers": self.pids,
            "long": self._running_long(),
            "killed": self.killed,
            "over_memory": self.over_memory,
            "too_many_long": self.too_many_long,
            "queue_full": self.queue_full,
            "in_memory": self.in_memory(),
        }

    def in_memory(self) -> int:
        """How many workers answer the current release from memory. Reads the notices of idle
        workers first; busy ones report theirs with their answer. Call on the event loop: a
        worker in the idle queue is then used by no one else."""
        for worker in self._idle:
            worker.note_copies()
        return sum(1 for w in self._all if w.copy_of == str(self.store_path))


def default_pool_size() -> int:
    """At least two workers, so one runaway query never leaves the endpoint without one."""
    return max(2, os.cpu_count() or 2)

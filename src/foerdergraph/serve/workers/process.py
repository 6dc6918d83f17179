"""The query worker process itself: it forbids itself the network, opens the release, answers
requests on one large-stack thread, and dies with the web process.

Everything a query does — safety checks, evaluation, serialisation, the row cap — happens here,
so parse time and serialisation time count against the time limit too (`pool.py` enforces
it from outside)."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import queue
import select
import signal
import threading
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from foerdergraph.serve import no_network
from foerdergraph.serve.memory_copy import ReleaseStore
from foerdergraph.serve.workers.execution import execute
from foerdergraph.serve.workers.messages import COPIED, QueryResponse

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when its parent dies."""


QUERY_STACK_BYTES = 256 * 1024 * 1024
"""Stack of the thread a worker answers on. Oxigraph's parser, optimiser and evaluator recurse
over the query: on the 8 MB of a main thread, `FILTER(1+1+…)` with 7,000 terms or 2,500 nested
groups overflowed it (a segfault: the worker dies). With 256 MB, 30,000 terms and 10,000 nested
groups were answered, far beyond `safety.MAX_TOKENS` and `safety.MAX_NESTING`, which refuse such
queries first. The stack is address space; only the pages a query touches take memory."""


class _Answerer:
    """The one thread of a worker that answers queries, with a `QUERY_STACK_BYTES` stack.

    It lives as long as the worker, so the pool can measure its CPU time and set its priority
    by its thread id (`tid`, sent with "ready"): a fresh thread per query would have a new id
    each time, and would take the priority of whichever thread started it."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Any, tuple[Any, ...]]] = queue.SimpleQueue()
        self._outcomes: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        started = threading.Event()
        self.tid = 0

        def serve() -> None:
            self.tid = threading.get_native_id()
            started.set()
            while True:
                function, args = self._jobs.get()
                try:
                    self._outcomes.put((True, function(*args)))
                except BaseException as error:  # handed to the calling thread
                    self._outcomes.put((False, error))

        previous = threading.stack_size(QUERY_STACK_BYTES)
        try:
            threading.Thread(target=serve, name="fg-query-answer", daemon=True).start()
        finally:
            threading.stack_size(previous)
        started.wait()

    def run(self, function: Any, *args: Any) -> Any:
        """`function(*args)` on the answering thread; its result or exception."""
        self._jobs.put((function, args))
        ok, value = self._outcomes.get()
        if not ok:
            raise value
        return value


def _forbid_network() -> None:
    """Install the no-network filter (`no_network`) or say loudly that it is missing."""
    try:
        no_network.install()
    except no_network.Unavailable as error:
        log.error(
            "query worker %s can open network connections (%s); only the query check keeps "
            "SERVICE out",
            os.getpid(),
            error,
        )


def worker_main(
    conn: Connection, store_path: str, max_rows: int, base_iri: str, copy_limit: int
) -> None:
    """Entry point of a worker process: open the store, then answer `(store path, request)`
    messages until EOF, switching to another release when a request names one.

    Besides the answers, the worker sends `(COPIED, store path)` when its copy of a release in
    memory is ready (from the copying thread, hence the lock around sends).

    First of all the worker forbids itself network sockets (`no_network`), and it answers each
    query on a thread with a large stack (`QUERY_STACK_BYTES`)."""
    sending = threading.Lock()

    def send(message: object) -> None:
        with sending:
            conn.send(message)

    def copied(path: str) -> None:
        send((COPIED, path))

    _forbid_network()  # before the store opens; TSYNC puts every thread under the filter
    try:
        release = ReleaseStore(store_path, copy_limit, copied)
    except Exception as error:  # reported to the parent, which refuses to start
        send(("error", f"cannot open the store at {store_path}: {error}"))
        return
    answerer = _Answerer()
    send(("ready", answerer.tid))
    release.start_copy()
    while True:
        try:
            path, request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if path != release.path:  # the old release (files, copy) goes once it is replaced
                release = ReleaseStore(path, copy_limit, copied)
                release.start_copy()
            response = answerer.run(
                execute, release.store, release.graphs, request, max_rows, base_iri
            )
        except Exception:  # never a stack trace to the client; log it here
            log.error("query failed:\n%s", traceback.format_exc())
            response = QueryResponse.error(500, "internal error while answering the query")
        send(response)


def _die_with_server(server: int) -> None:
    """Make sure this worker does not outlive the web process `server`: a server killed by a
    signal must not leave a worker computing a runaway query (an idle worker stops anyway, as
    its pipe closes; a busy one would go on until its query ends).

    Two means, as a worker's parent is the fork server rather than the web process: the kernel
    kills it when its parent dies (`PR_SET_PDEATHSIG`; the fork server itself lives until its
    last worker is gone), and a thread waits for the web process to end (a pidfd, where Linux
    has them; else it looks once a second) and then ends the worker. Oxigraph evaluates
    queries without holding Python's lock, so that thread runs while a query does."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    try:
        pidfd: int | None = os.pidfd_open(server)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        pidfd = None
    threading.Thread(
        target=_exit_with, args=(server, pidfd), name="fg-server-watch", daemon=True
    ).start()


def _exit_with(server: int, pidfd: int | None) -> None:
    if pidfd is not None:
        select.select([pidfd], [], [])
    else:
        while True:
            time.sleep(1)
            try:
                os.kill(server, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                continue
    os._exit(1)


def worker_entry(server: int, *args: Any) -> None:
    """A worker process's target: tied to the web process's life, then `worker_main`."""
    _die_with_server(server)
    worker_main(*args)

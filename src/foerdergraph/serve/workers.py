"""Running user queries in worker processes that can be killed.

Why processes: a pyoxigraph query cannot be interrupted from Python, and a thread stuck in one
keeps its CPU and its GIL share; Oxigraph's own timeout fires only after `200 OK` is sent. So each
worker is a separate process holding the store open read-only. The web process hands a request
to an idle worker and waits for the answer in a helper thread (the event loop never blocks);
when the time limit passes, the worker is killed (SIGKILL), its answer forgotten, and a fresh
worker started in the background. A runaway query thus costs one worker for at most the time
limit, and every other request is served by the other workers.

Everything a query does — safety checks, evaluation, serialisation, the row cap — happens in the
worker, so parse time and serialisation time count against the limit too.

A new build switches `build/current`; the pool is then told the new store's path and every
request carries the path it is meant for. A worker reopens the store when the path changes, so
a request sent before the switch finishes on the old release and the next one sees the new
release whole — never a mixture.

A worker answers from the on-disk store as soon as it has opened it, and from a copy of the
release in its own memory once that is loaded (`memory_copy`; releases up to
`Settings.memory_copy_quads`): the heavy analytical queries run up to twice as fast there.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import logging
import math
import multiprocessing
import multiprocessing.context
import os
import queue
import re
import select
import signal
import threading
import time
import traceback
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from foerdergraph.serve import negotiation, no_network, results, safety
from foerdergraph.serve.memory_copy import ReleaseStore, copy_bytes
from foerdergraph.serve.safety import CheckedQuery, QueryRefused, check_graphs

log = logging.getLogger(__name__)

TRUNCATED_HEADER = "Foerdergraph-Result-Truncated"
"""Set (to the row cap) when an answer was cut at `max_result_rows`."""


@dataclass(frozen=True)
class QueryRequest:
    """What a worker needs to answer one query; plain data, so it pickles across processes."""

    query: str
    accept: str | None = None
    format: str | None = None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    substitutions: dict[str, str] = field(default_factory=dict)
    """Variable name -> term in N-Triples syntax (see `encode_term`)."""


@dataclass(frozen=True)
class QueryResponse:
    """An HTTP-ready answer: status, media type, body and extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str) -> QueryResponse:
        return cls(status, "text/plain; charset=utf-8", message.encode("utf-8"))


def encode_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A pyoxigraph term in N-Triples syntax, the form substitutions cross processes in."""
    return str(term)


def decode_term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The inverse of `encode_term`, by parsing a one-triple N-Triples document."""
    document = f"<urn:x:s> <urn:x:p> {text} .\n".encode()
    return next(iter(ox.parse(input=document, format=ox.RdfFormat.N_TRIPLES))).object


# --------------------------------------------------------------------------- worker side


@dataclass(frozen=True)
class Prepared:
    """A query that passed the safety checks, with the answer format negotiated for it."""

    checked: CheckedQuery
    fmt: results.Format
    native: Any
    """pyoxigraph's QueryResultsFormat or RdfFormat for `fmt`."""

    @property
    def media_type(self) -> str:
        """The response's media type, with the charset for text formats."""
        media_type = self.fmt.media_type
        if media_type.startswith("text/") or media_type.endswith(("json", "xml", "turtle", "trig")):
            media_type += "; charset=utf-8"
        return media_type


def prepare(request: QueryRequest, graphs: frozenset[str]) -> Prepared | QueryResponse:
    """Safety checks and format negotiation, shared by the local workers and the remote proxy;
    an error response when the query is refused or no format fits. The checked query's text
    (codepoint escapes expanded) is the one to run."""
    try:
        checked = _check(request.query, graphs)
        check_graphs(
            [*request.default_graph_uris, *request.named_graph_uris],
            graphs,
            "default-graph-uri/named-graph-uri",
        )
    except QueryRefused as refused:
        return QueryResponse.error(400, str(refused))

    table: dict[str, tuple[results.Format, Any]] = (
        results.SOLUTION_FORMATS if checked.form in ("SELECT", "ASK") else results.GRAPH_FORMATS
    )
    chosen = _choose_format(table, request)
    if chosen is None:
        return QueryResponse.error(
            406,
            f"no acceptable format for a {checked.form} answer; offered: "
            + ", ".join(results.offers(table)),
        )
    return Prepared(checked, *chosen)


CHECKED_CACHE_TEXT = 20_000
"""Longest query text whose check result is remembered (canned queries are 1–2 KB)."""


def _check(text: str, graphs: frozenset[str]) -> CheckedQuery:
    """`check_query`, remembered for the last 64 short texts per process.

    A canned query's text never changes, so its check need not be repeated. The check is a
    pure function of the text and the store's graphs, so a remembered result is the same
    verdict; refusals are not remembered (they raise), and long texts are checked anew so the
    cache stays small."""
    if len(text) > CHECKED_CACHE_TEXT:
        return _check_query(text, graphs)
    return _check_cached(text, graphs)


def _check_query(text: str, graphs: frozenset[str]) -> CheckedQuery:
    return safety.check_query(text, graphs)


_check_cached = functools.lru_cache(maxsize=64)(_check_query)


def execute(
    store: ox.Store, graphs: frozenset[str], request: QueryRequest, max_rows: int, base_iri: str
) -> QueryResponse:
    """Check, evaluate and serialise one query. Runs inside a worker (and in unit tests)."""
    prepared = prepare(request, graphs)
    if isinstance(prepared, QueryResponse):
        return prepared
    checked, native = prepared.checked, prepared.native

    kwargs: dict[str, Any] = {}
    if request.default_graph_uris or request.named_graph_uris:
        # SPARQL Protocol: protocol graphs override the query's FROM/FROM NAMED.
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request.default_graph_uris]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graph_uris]
    elif not (checked.from_graphs or checked.from_named_graphs):
        kwargs["use_default_graph_as_union"] = True
    if request.substitutions:
        kwargs["substitutions"] = {
            ox.Variable(name): decode_term(value) for name, value in request.substitutions.items()
        }

    try:
        answer = store.query(checked.text, **kwargs)
        headers: dict[str, str] = {}
        if isinstance(answer, ox.QueryBoolean):
            body = results.boolean_result(bool(answer), native)
        elif isinstance(answer, ox.QuerySolutions):
            body, truncated = results.capped_solutions(answer, native, max_rows)
            if truncated:
                headers[TRUNCATED_HEADER] = str(max_rows)
        else:
            triples: list[ox.Triple] = []
            for triple in answer:
                if len(triples) >= max_rows:
                    headers[TRUNCATED_HEADER] = str(max_rows)
                    break
                triples.append(triple)
            body = results.graph_bytes(triples, native, results.data_prefixes(base_iri))
    except SyntaxError as error:
        return QueryResponse.error(400, f"malformed query: {_syntax_message(error)}")
    except PermissionError as error:  # only the no-network filter denies anything here
        return QueryResponse.error(
            400,
            "the query tried to open a network connection (SERVICE), which this endpoint "
            f"never does: {error}",
        )
    except (OSError, ValueError, TypeError) as error:
        return QueryResponse.error(400, f"the query failed: {error}")

    return QueryResponse(200, prepared.media_type, body, headers)


def _syntax_message(error: SyntaxError) -> str:
    """pyoxigraph's "error at 2:3: expected …" as "line 2, column 3: expected …"."""
    text = str(error)
    match = re.match(r"error at (\d+):(\d+): ", text)
    return f"line {match[1]}, column {match[2]}: {text[match.end() :]}" if match else text


def _choose_format(
    table: dict[str, tuple[results.Format, Any]], request: QueryRequest
) -> tuple[results.Format, Any] | None:
    if request.format:
        return results.lookup(table, request.format)
    media_type = negotiation.choose(request.accept, results.offers(table))
    return results.lookup(table, media_type) if media_type else None


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


COPIED = "copied"
"""Message kind a worker sends, unasked, once it answers from its in-memory copy of a release."""


def _worker_main(
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


# --------------------------------------------------------------------------- web side

PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when its parent dies."""

PRELOAD = ("foerdergraph.serve.workers", "foerdergraph.serve.safety")
"""Modules the fork server imports once, so that a new worker starts in tens of milliseconds
instead of the second a fresh interpreter needs to import pyoxigraph and the query check."""

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
BACKGROUND_NICE = 19
"""Scheduling priority of a new worker's other threads, the one loading its copy in memory
above all: a worker started to replace a killed one must not slow down the others."""
SHRINK_AFTER_S = 10.0
"""A worker beyond the fast lane's size is stopped once it has been idle this long."""
QUEUE_RETRY_AFTER_S = 2
"""Retry-After of a query that found every worker busy for the whole queue wait."""

PLAIN = "text/plain; charset=utf-8"


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


def _worker_entry(server: int, *args: Any) -> None:
    """A worker process's target: tied to the web process's life, then `_worker_main`."""
    _die_with_server(server)
    _worker_main(*args)


def _worker_context() -> (
    multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext
):
    """Workers come from a fork server (a single-threaded process that has imported PRELOAD),
    never forked from the threaded web process; `spawn` where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    copy_of: str | None = None
    """The store path of the release this worker answers from memory (see memory_copy)."""
    base_kb: int = 0
    """Resident memory when idle: measured at start, and again once its copy is loaded."""
    base_copy: str | None = None
    """`copy_of` when `base_kb` was measured."""
    long: bool = False
    """Running a query that has used more than `LONG_AFTER_S` of CPU: out of the fast lane."""
    idle_since: float = 0.0
    """When it last became idle (event-loop time)."""
    answer_tid: int = 0
    """Thread id of the worker's answering thread (`_Answerer`); 0 until it is ready."""

    @property
    def answering(self) -> int:
        """The id of the thread that answers queries: its own, else the worker's main one."""
        return self.answer_tid or self.process.pid or 0

    def receive(self, budget: float) -> object | None:
        """The next message that is not a copy notice, or None when `budget` seconds pass
        first; copy notices are noted on the way."""
        deadline = time.monotonic() + budget
        while self.conn.poll(max(0.0, deadline - time.monotonic())):
            message = self.conn.recv()
            if isinstance(message, tuple) and message[0] == COPIED:
                self.copy_of = message[1]
                continue
            return message
        return None

    def note_copies(self) -> bool:
        """Read the copy notices an idle worker sent (it sends nothing else while idle);
        False when it is gone."""
        try:
            self.receive(0)
        except (EOFError, OSError):
            return False
        return True

    def alive(self) -> bool:
        """Whether an idle worker can take a query: its process runs and its pipe is open."""
        return self.process.is_alive() and self.note_copies()

    def rss_kb(self) -> int:
        """Resident memory in kB (0 when it cannot be read)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * PAGE_KB
        except (OSError, ValueError, IndexError):
            return 0

    def cpu_s(self) -> float | None:
        """CPU seconds the thread that answers queries has used; None when unknown."""
        try:
            with open(f"/proc/{self.process.pid}/task/{self.answering}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (OSError, ValueError, IndexError):
            return None

    def renice(self, niceness: int) -> bool:
        """Set the scheduling priority of the thread that answers queries; False when not
        allowed (raising it again needs privileges)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.answering, niceness)
        except OSError:
            return False
        return True

    def renice_background(self) -> None:
        """Lowest priority for every thread but the ones that answer queries and pass the
        answers on (the main one)."""
        keep = {self.process.pid, self.answering}
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{self.process.pid}/task"):
                if int(task) not in keep:
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, int(task), BACKGROUND_NICE)

    def kill(self) -> None:
        """SIGKILL and close the pipe; `reap` collects the process."""
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()

    def reap(self) -> None:
        with contextlib.suppress(Exception):
            self.process.join(5)


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


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
        self._context = _worker_context()
        self._threads = ThreadPoolExecutor(
            2 * (self.size + max(0, max_long)) + 4, thread_name_prefix="fg-query"
        )
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._all: set[_Worker] = set()
        self._starting = 0
        self._spawns: set[asyncio.Future[_Worker]] = set()
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

    def _spawn(self) -> _Worker:
        """Start one worker, wait until its store is open and warm it up (blocking; call in a
        thread)."""
        parent, child = self._context.Pipe()
        store_path = str(self.store_path)
        process = self._context.Process(
            target=_worker_entry,
            args=(os.getpid(), child, store_path, self.max_rows, self.base_iri, self.copy_limit),
            name="foerdergraph-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
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

        def done(fut: asyncio.Future[_Worker]) -> None:
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

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker and forget it; its process is collected in a thread."""
        worker.kill()
        self._all.discard(worker)
        with contextlib.suppress(RuntimeError):  # the thread pool is shut down
            self._threads.submit(worker.reap)

    def _drop(self, worker: _Worker) -> None:
        """Kill a worker and keep the fast lane full."""
        self._discard(worker)
        self._top_up()

    def _release(self, worker: _Worker) -> None:
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

    async def _acquire(self) -> _Worker | None:
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
            waiter: asyncio.Future[_Worker] = loop.create_future()
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

    async def _supervise(self, worker: _Worker) -> QueryResponse:
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
        self, worker: _Worker, ran_s: float, cpu_before: float | None, memory_limit_kb: int
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

    def _memory_limit_kb(self, worker: _Worker) -> int:
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

    def _finished(self, worker: _Worker) -> None:
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

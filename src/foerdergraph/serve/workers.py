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
import functools
import logging
import multiprocessing
import os
import re
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from foerdergraph.serve import negotiation, no_network, results, safety
from foerdergraph.serve.memory_copy import ReleaseStore
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


def _on_large_stack(function: Any, *args: Any) -> Any:
    """`function(*args)` on a fresh thread with a `QUERY_STACK_BYTES` stack; its result or
    exception."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as error:  # handed to the calling thread
            outcome.append((False, error))

    previous = threading.stack_size(QUERY_STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="fg-query-answer")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    ok, value = outcome[0]
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

    _forbid_network()  # before anything else runs in this process, and before any thread
    try:
        release = ReleaseStore(store_path, copy_limit, copied)
    except Exception as error:  # reported to the parent, which refuses to start
        send(("error", f"cannot open the store at {store_path}: {error}"))
        return
    send(("ready", len(release.graphs)))
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
            response = _on_large_stack(
                execute, release.store, release.graphs, request, max_rows, base_iri
            )
        except Exception:  # never a stack trace to the client; log it here
            log.error("query failed:\n%s", traceback.format_exc())
            response = QueryResponse.error(500, "internal error while answering the query")
        send(response)


# --------------------------------------------------------------------------- web side


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    copy_of: str | None = None
    """The store path of the release this worker answers from memory (see memory_copy)."""

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

    def note_copies(self) -> None:
        """Read the copy notices an idle worker sent (it sends nothing else while idle)."""
        with contextlib.suppress(EOFError, OSError):
            self.receive(0)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


class WorkerPool:
    """A fixed number of query worker processes; `run` answers one request within the limit."""

    def __init__(
        self,
        store_path: Path,
        size: int,
        timeout_s: float,
        max_rows: int,
        base_iri: str,
        copy_limit: int = 0,
    ) -> None:
        self.store_path = store_path
        self.size = max(1, size)
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.base_iri = base_iri
        self.copy_limit = copy_limit
        """Largest release (quads) a worker copies into memory; 0 = answer from disk only."""
        self._context = multiprocessing.get_context("spawn")  # never fork a threaded process
        # One waiting thread per worker plus headroom for starting replacements.
        self._threads = ThreadPoolExecutor(self.size * 2 + 2, thread_name_prefix="fg-query")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._busy: set[_Worker] = set()
        self._replacements: set[asyncio.Future[None]] = set()
        self.killed = 0
        """How many workers were killed for running over time (for tests and /health)."""

    def _spawn(self) -> _Worker:
        """Start one worker and wait until its store is open (blocking; call in a thread)."""
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child, str(self.store_path), self.max_rows, self.base_iri, self.copy_limit),
            name="foerdergraph-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        if not parent.poll(120):
            worker.kill()
            raise RuntimeError("a query worker did not start within 120 s")
        kind, detail = parent.recv()
        if kind != "ready":
            worker.kill()
            raise RuntimeError(str(detail))
        return worker

    async def start(self) -> None:
        """Start the workers in the background: the server answers pages at once, and the
        first query waits for the first worker that is ready (part of its time limit)."""
        for _ in range(self.size):
            self._add_worker()

    def switch_store(self, store_path: Path) -> None:
        """Send every later request to the store at `store_path` (a new release)."""
        self.store_path = store_path

    async def close(self) -> None:
        for future in list(self._replacements):
            future.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _roundtrip(
        self, worker: _Worker, request: QueryRequest, budget: float
    ) -> QueryResponse | None:
        """Send a request and wait up to `budget` seconds; None means the time ran out."""
        worker.conn.send((str(self.store_path), request))
        return worker.receive(budget)  # type: ignore[return-value]

    async def run(self, request: QueryRequest) -> QueryResponse:
        """Answer `request` in a worker; 503 when it runs over time or no worker frees up."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout_s)
            self._busy.add(worker)
        except TimeoutError:
            return QueryResponse.error(
                503, "all query workers are busy; try again in a few seconds"
            )
        budget = max(0.1, self.timeout_s - (loop.time() - started))
        try:
            response = await loop.run_in_executor(
                self._threads, self._roundtrip, worker, request, budget
            )
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return QueryResponse.error(500, "the query worker stopped unexpectedly")
        except asyncio.CancelledError:
            # The client went away while waiting: the worker may still be busy, so replace it.
            self._replace(worker)
            raise
        if response is None:
            self.killed += 1
            self._replace(worker)
            return QueryResponse.error(
                503,
                f"the query ran longer than the time limit of {self.timeout_s:g} s and was "
                "stopped; narrow it down (LIMIT, more specific patterns) and try again",
            )
        self._busy.discard(worker)
        self._idle.put_nowait(worker)
        return response

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start a replacement in the background."""
        worker.kill()
        self._all.discard(worker)
        self._busy.discard(worker)
        self._add_worker()

    def _add_worker(self) -> None:
        """Start one worker in a thread; it joins the idle queue once its store is open."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._threads, self._spawn)
        self._replacements.add(future)

        def done(fut: asyncio.Future[_Worker]) -> None:
            self._replacements.discard(fut)  # type: ignore[arg-type]
            if fut.cancelled():
                return
            if fut.exception() is not None:
                log.error("could not replace a query worker: %s", fut.exception())
                return
            new = fut.result()
            self._all.add(new)
            self._idle.put_nowait(new)

        future.add_done_callback(done)  # type: ignore[arg-type]

    @property
    def pids(self) -> list[int]:
        return sorted(w.process.pid for w in self._all if w.process.pid is not None)

    def in_memory(self) -> int:
        """How many workers answer the current release from memory. Reads the notices of idle
        workers first; busy ones report theirs with their answer. Call on the event loop: a
        worker in the idle queue is then used by no one else."""
        for worker in self._all - self._busy:
            worker.note_copies()
        return sum(1 for w in self._all if w.copy_of == str(self.store_path))


def default_pool_size() -> int:
    """At least two workers, so one runaway query never leaves the endpoint without one."""
    return max(2, os.cpu_count() or 2)

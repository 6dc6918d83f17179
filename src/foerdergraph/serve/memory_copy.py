"""The store a query worker answers from: the release's files at once, a copy in memory soon.

Why a copy: Oxigraph answers the analytical queries researchers run most (a GROUP BY over every
participation, as in recurring-partners) much faster from memory than from its RocksDB files
(docs/serving.md has the figures). Loading the copy takes seconds, though, and `serve` must
answer within a second of starting, so a worker opens the on-disk store, reports ready, and
loads the copy in a thread: Oxigraph parses without holding Python's lock, so the worker keeps
answering from disk meanwhile. Once the copy is complete, and holds exactly as many quads as the
on-disk store, later queries use it. Both stores hold the same release, so an answer
never depends on which one gave it.

The copy costs memory in every worker (about 0.4 GB per million quads), so releases above
`Settings.memory_copy_quads` stay on disk.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

log = logging.getLogger(__name__)

COPY_SOURCE = Path("dumps") / "foerdergraph.nq"
"""The release's N-Quads dump (relative to the release folder), the syntax Oxigraph parses
fastest: every quad of the store but the VoID graph, which describes the dumps themselves and is
copied from the store."""


def store_graphs(store: ox.Store) -> frozenset[str]:
    """IRIs of the named graphs in the store (the only graphs FROM may select)."""
    return frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


class ReleaseStore:
    """One release as a worker sees it: `store` is the copy in memory once it is loaded, the
    read-only on-disk store until then."""

    def __init__(
        self, store_path: str, copy_limit: int, on_copied: Callable[[str], None] | None = None
    ) -> None:
        self.path = store_path
        self.disk = ox.Store.read_only(store_path)
        self.graphs = store_graphs(self.disk)
        self._memory: ox.Store | None = None
        self._on_copied = on_copied
        self._loader: threading.Thread | None = None
        if _qualifies(Path(store_path), copy_limit):
            self._loader = threading.Thread(target=self._copy, name="fg-memory-copy", daemon=True)

    def start_copy(self) -> None:
        """Begin loading the copy (if the release qualifies); returns at once."""
        if self._loader is not None and self._loader.ident is None:
            self._loader.start()

    def wait_for_copy(self, timeout: float | None = None) -> bool:
        """Wait for the loading thread; whether the copy is in use (tests, benchmarks)."""
        if self._loader is not None and self._loader.ident is not None:
            self._loader.join(timeout)
        return self.in_memory

    @property
    def store(self) -> ox.Store:
        return self._memory or self.disk

    @property
    def in_memory(self) -> bool:
        return self._memory is not None

    def _copy(self) -> None:
        source = Path(self.path).parent / COPY_SOURCE
        memory = ox.Store()
        try:
            memory.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as error:
            log.warning("answering from disk: cannot copy %s into memory: %s", source, error)
            return
        dumped = set(memory.named_graphs())
        for graph in self.disk.named_graphs():
            if graph not in dumped:
                memory.extend(self.disk.quads_for_pattern(None, None, None, graph))
        copied, stored = len(memory), len(self.disk)
        if copied != stored:
            message = "answering from disk: the copy holds %d quads, the store %d"
            log.warning(message, copied, stored)
            return
        self._memory = memory
        if self._on_copied is not None:
            self._on_copied(self.path)


COPY_BYTES_PER_QUAD = 600
"""What a copy costs a worker per quad, with a margin (measured: about 400 bytes)."""


def copy_bytes(store_path: Path, limit: int) -> int:
    """How much a worker's memory grows by its copy of the release at `store_path` (an
    estimate; 0 when the release is not copied). The worker pool allows it on top of a query's
    memory cap while the copy is still loading."""
    return _quads(store_path) * COPY_BYTES_PER_QUAD if _qualifies(store_path, limit) else 0


def _qualifies(store_path: Path, limit: int) -> bool:
    """Whether the release is copied: the limit is not 0, its manifest counts at most `limit`
    quads, and its N-Quads dump is there."""
    release = store_path.parent
    if limit <= 0 or not (release / COPY_SOURCE).is_file():
        return False
    return 0 < _quads(store_path) <= limit


def _quads(store_path: Path) -> int:
    """The release's quads as its manifest counts them; 0 when it cannot be read."""
    manifest = store_path.parent / "manifest.json"
    try:
        quads = json.loads(manifest.read_text(encoding="utf-8"))["triples"]
    except (OSError, ValueError, KeyError):
        return 0
    return quads if isinstance(quads, int) else 0

"""Imported lists are written in the canonical namespace and loaded under the configured base.

`foerdergraph import` mints every IRI of a list under `CANONICAL_BASE` (the default base,
https://w3id.org/foerdergraph/), whatever FOERDERGRAPH_BASE says, so the committed
`data/imports/*.trig.gz` are the same for every publisher. The build moves the IRIs under
`{canonical}id/` and `{canonical}graph/` to `{base}id/` and `{base}graph/` while Oxigraph
bulk-loads the file; nothing else changes, least of all the vocabulary
(`…/ontology#`, `…/role/`), which is fixed. With the default base the file is loaded as it is.

The rewrite works on the bytes as they stream into the bulk loader: an IRI term starts with `<`,
so replacing `<{canonical}id/` by `<{base}id/` (and the same for `graph/`) moves exactly the
IRIs, unless a literal quotes such an IRI in angle brackets. `load_imports` therefore checks the
loaded literals for the new prefix in brackets and, should one have it, loads the files again
the exact way (parsed, each term mapped); that costs more, and our own imports never need it.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TypeVar, cast

import pyoxigraph as ox

from foerdergraph.core.config import DEFAULT_BASE_IRI

T = TypeVar("T")

CANONICAL_BASE = DEFAULT_BASE_IRI
"""The namespace imported lists are written in."""

REBASED = ("id/", "graph/")
"""What moves with the base: minted things and named graphs."""

CHUNK = 1 << 20
"""Bytes read from the gzip stream at a time (then completed to a line end)."""

_TRIG = ox.RdfFormat.TRIG


def _open(path: Path) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb"))


def rebase_iri(iri: str, base: str) -> str:
    """`iri` under `base` if the canonical namespace minted it, else `iri` unchanged."""
    if base != CANONICAL_BASE and iri.startswith(tuple(CANONICAL_BASE + p for p in REBASED)):
        return base + iri[len(CANONICAL_BASE) :]
    return iri


class RebasingReader(io.RawIOBase):
    """A binary stream of the import file with the canonical IRIs moved under `base`.

    Reads whole lines (an IRI never spans a line), so no IRI is cut between two chunks."""

    def __init__(self, source: IO[bytes], base: str) -> None:
        super().__init__()
        self.source = source
        self.replacements = [
            (f"<{CANONICAL_BASE}{p}".encode(), f"<{base}{p}".encode()) for p in REBASED
        ]
        self.pending = b""

    def readable(self) -> bool:
        return True

    # RawIOBase.readinto may return None (a non-blocking stream without data); this one
    # blocks, so it always returns a count
    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = self.source.read(CHUNK)
            if not chunk:
                return 0
            if not chunk.endswith(b"\n"):
                chunk += self.source.readline()
            for old, new in self.replacements:
                chunk = chunk.replace(old, new)
            self.pending = chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def load_import(store: ox.Store, path: Path, base: str) -> None:
    """Bulk-load one gzipped TriG import, its canonical IRIs moved under `base`."""
    with _open(path) as handle:
        if base == CANONICAL_BASE:
            store.bulk_load(handle, format=_TRIG)
        else:
            store.bulk_load(io.BufferedReader(RebasingReader(handle, base), CHUNK), format=_TRIG)


def load_import_exactly(store: ox.Store, path: Path, base: str) -> None:
    """Load one import term by term: slower, but right whatever its literals quote."""

    def moved(term: T) -> T:
        if isinstance(term, ox.NamedNode):
            value = rebase_iri(term.value, base)
            # a NamedNode stays a NamedNode: the term's own type, which mypy cannot see in T
            return term if value == term.value else ox.NamedNode(value)  # type: ignore[return-value]
        return term

    with _open(path) as handle:
        store.bulk_extend(
            ox.Quad(moved(q.subject), q.predicate, moved(q.object), moved(q.graph_name))
            for q in ox.parse(handle, format=_TRIG)
        )


def quotes_rebased_iris(store: ox.Store, graphs: Iterable[str], base: str) -> bool:
    """Whether a literal in these graphs has `<{base}id/` or `<{base}graph/` in it: the one
    thing the byte rewrite could have changed that is not an IRI."""
    names = " ".join(f"<{g}>" for g in graphs)
    if not names or base == CANONICAL_BASE:
        return False
    tests = " || ".join(f"CONTAINS(STR(?o), {_string('<' + base + p)})" for p in REBASED)
    return bool(
        store.query(
            f"ASK {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(isLiteral(?o) && ({tests})) }}"
        )
    )


def _string(text: str) -> str:
    """`text` as a SPARQL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

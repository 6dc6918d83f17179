"""The store: the built graph in pyoxigraph, the engine every query runs on.

rdflib reads the curated files and stays the reference (pyshacl, owlrl in the tests); loading,
validation, reasoning, queries and dumps run on Oxigraph, which loads and answers an order of
magnitude faster (see ../shared/NOTES.md). Terms cross between the two in foerdergraph.core.rdf;
this module writes and opens the build's on-disk store.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from foerdergraph.core.config import Settings


def store_path(build_dir: Path) -> Path:
    return build_dir / "store"


LOAD_SLICE = 16 << 20
"""Bytes of N-Quads per bulk load: Oxigraph's bulk loader sorts its whole input in memory (a
million quads at once take 1.5 GB), so slices bound the build's peak memory. Measured on 2.6 M
quads: 16 MB slices load as fast as 256 MB ones, in an eighth of the memory (230 MB)."""


def load_slices(path: Path, nquads: Path, start: int = 0, stop: int | None = None) -> None:
    """Add the statements of bytes [start, stop) of an N-Quads file (both at line ends) to the
    on-disk store at `path`, a slice at a time, leaving out those with a blank node: each bulk
    load renames blank nodes apart, so `load_blank_nodes` loads them all together at the end.
    The build loads the data's part while the reasoner runs, and the rest after."""
    store = ox.Store(str(path))
    with nquads.open("rb") as handle:
        handle.seek(start)
        while chunk := handle.read(
            LOAD_SLICE if stop is None else min(LOAD_SLICE, stop - handle.tell())
        ):
            if not chunk.endswith(b"\n"):
                chunk += handle.readline()  # whole lines only
            if b"_:" in chunk:
                chunk = b"\n".join(line for line in chunk.split(b"\n") if b"_:" not in line)
            store.bulk_load(chunk, format=_NQ)
    store.flush()


def load_blank_nodes(path: Path, nquads: Path) -> None:
    """Add every statement of the file that has a blank node, in one bulk load."""
    store = ox.Store(str(path))
    with nquads.open("rb") as handle:
        store.bulk_load(b"".join(li for li in handle if b"_:" in li), format=_NQ)
    store.flush()


def write_store(path: Path, nquads: Path, start: int = 0) -> None:
    """Write the on-disk store that `serve` opens from the build's N-Quads dump, from byte
    `start` on (what comes before is loaded already), then all statements with blank nodes."""
    load_slices(path, nquads, start)
    load_blank_nodes(path, nquads)


_NQ = ox.RdfFormat.N_QUADS


def open_store(settings: Settings) -> ox.Store:
    """The last good build's store, read-only (several processes may open it at once)."""
    path = store_path(settings.current_build)
    if not path.is_dir():
        raise FileNotFoundError(f"no build at {settings.current_build}; run `foerdergraph build`")
    return ox.Store.read_only(str(path))

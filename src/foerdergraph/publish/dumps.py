"""Dumps: the built graph in every common RDF syntax, plain and gzip-compressed.

Formats with named graphs (TriG, N-Quads, JSON-LD) keep the provenance graphs; Turtle, N-Triples
and RDF/XML carry the union. Output is byte-identical for identical input: quads enter the
store in sorted order (Oxigraph writes in insertion order), blank nodes are canonical, and gzip
headers carry no time stamp.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from foerdergraph.core.formats import RDF_FORMATS, RdfFormat

DUMP_STEM = "foerdergraph"
CHUNK = 1 << 20
GZIP_LEVEL = 3
"""Measured on a 440 MB N-Triples dump: level 3 compresses in half the time of gzip's default
(6) and makes files about a fifth larger; level 9 would take three times as long as 6."""


DumpFormat = RdfFormat

FORMATS: dict[str, DumpFormat] = {f.name: f for f in RDF_FORMATS}
"""Every dump format by its CLI name (`foerdergraph export --format NAME`)."""


@dataclass(frozen=True)
class Dump:
    """One written dump file, as listed in manifest.json and the VoID description."""

    file: str
    format: str
    media_type: str
    compression: str | None
    bytes: int
    triples: int
    sha256: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


UNION = "CONSTRUCT WHERE { ?s ?p ?o }"
"""Run over the union of all graphs: every triple once (Oxigraph's CONSTRUCT drops repeats)."""


def union_triples(store: ox.Store) -> ox.QueryTriples:
    """All triples of all graphs, each once, streamed from the store."""
    triples = store.query(UNION, use_default_graph_as_union=True)
    assert isinstance(triples, ox.QueryTriples)  # a CONSTRUCT query
    return triples


def _prefixes(fmt: DumpFormat, prefixes: dict[str, str]) -> dict[str, str] | None:
    """The prefixes to declare: none in the line-based formats, which have no prefixes."""
    with_prefixes = fmt.rdf_format not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    return prefixes if with_prefixes else None


def serialise(
    store: ox.Store, fmt: DumpFormat, prefixes: dict[str, str], output: IO[bytes] | Path
) -> None:
    """Write one format to `output`: the dataset for graph-aware formats, else the union of all
    graphs. Oxigraph streams it, so a large dump is never held in memory."""
    declared = _prefixes(fmt, prefixes)
    only = _only_graph(store)
    if fmt.named_graphs:
        store.dump(output, format=fmt.rdf_format, prefixes=declared)
    elif only is not None:  # a single graph is its own union: no need to drop repeats
        store.dump(output, format=fmt.rdf_format, from_graph=only, prefixes=declared)
    elif fmt.rdf_format == ox.RdfFormat.N_TRIPLES:
        union_triples(store).serialize(output, format=fmt.rdf_format)
    else:
        ox.serialize(union_triples(store), output, fmt.rdf_format, prefixes=declared)


def _only_graph(store: ox.Store) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None:
    """The store's one graph, when all its triples are in one graph."""
    named = list(itertools.islice(store.named_graphs(), 2))
    has_default = next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None)
    if not named:
        return ox.DefaultGraph()
    if len(named) == 1 and has_default is None:
        return named[0]
    return None


def gzip_writer(target: IO[bytes]) -> gzip.GzipFile:
    """gzip without file name or time stamp, so equal input gives equal bytes."""
    return gzip.GzipFile(filename="", mode="wb", fileobj=target, compresslevel=GZIP_LEVEL, mtime=0)


def _compress(path: Path) -> Path:
    gz = path.with_name(path.name + ".gz")
    with path.open("rb") as source, gz.open("wb") as raw, gzip_writer(raw) as target:
        shutil.copyfileobj(source, target, CHUNK)
    return gz


def _describe(path: Path, fmt: DumpFormat, triples: int, compression: str | None) -> Dump:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return Dump(
        path.name,
        fmt.name,
        fmt.media_type,
        compression,
        path.stat().st_size,
        triples,
        digest.hexdigest(),
    )


def dump_path(out_dir: Path, fmt: DumpFormat) -> Path:
    return out_dir / f"{DUMP_STEM}.{fmt.extension}"


# --- the build's dumps ----------------------------------------------------------------------

_SOURCE = {True: FORMATS["nquads"], False: FORMATS["nt"]}
"""Every dump is written from one of two line-based dumps: the dataset and the union."""


@dataclass(frozen=True)
class DumpJob:
    """One dump to finish: convert it from its source dump (unless it is one), then compress
    and describe both files. Picklable, so jobs run in worker processes."""

    out_dir: Path
    format: str
    prefixes: dict[str, str]
    triples: int


class SourceDumps:
    """The two source dumps (N-Quads of the dataset, N-Triples of the union), written store by
    store: the build appends the loaded data while the reasoner still runs, then the reasoner's
    store. The stores must not share a triple (the reasoner's store holds only new ones), so
    the union stays free of repeats."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        for fmt in _SOURCE.values():
            dump_path(out_dir, fmt).write_bytes(b"")

    def append(self, store: ox.Store) -> None:
        """Both formats side by side. Each is written to a file of its own first: given a
        path, Oxigraph writes without Python's lock (given a Python file, it would take the
        lock for every buffer, and stall the reasoner running meanwhile)."""

        def write(fmt: DumpFormat) -> None:
            path = dump_path(self.out_dir, fmt)
            part = path.with_name(path.name + ".part")
            serialise(store, fmt, {}, part)
            with part.open("rb") as source, path.open("ab") as output:
                shutil.copyfileobj(source, output, CHUNK)
            part.unlink()

        with ThreadPoolExecutor(max_workers=len(_SOURCE)) as pool:
            list(pool.map(write, _SOURCE.values()))

    def counts(self) -> dict[str, int]:
        """The statement count of each source, by format name."""
        return {f.name: _count_lines(dump_path(self.out_dir, f)) for f in _SOURCE.values()}


def _count_lines(path: Path) -> int:
    """Statements in an N-Triples or N-Quads file as Oxigraph writes them (one per line)."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(CHUNK), b""))


def dump_jobs(out_dir: Path, prefixes: dict[str, str], counts: dict[str, int]) -> list[DumpJob]:
    """The jobs that finish the dumps, conversions (the slow ones) first."""
    names = sorted(FORMATS, key=lambda name: FORMATS[name] in _SOURCE.values())
    return [
        DumpJob(out_dir, name, prefixes, counts[_SOURCE[FORMATS[name].named_graphs].name])
        for name in names
    ]


def finish_dump(job: DumpJob) -> list[Dump]:
    """Run one DumpJob: converting streams the source file through Oxigraph's parser and
    serialiser, so memory stays small whatever the size."""
    fmt = FORMATS[job.format]
    source = _SOURCE[fmt.named_graphs]
    path = dump_path(job.out_dir, fmt)
    if fmt != source:
        parsed = ox.parse(path=dump_path(job.out_dir, source), format=source.rdf_format)
        ox.serialize(parsed, path, fmt.rdf_format, prefixes=_prefixes(fmt, job.prefixes))
    return [
        _describe(path, fmt, job.triples, None),
        _describe(_compress(path), fmt, job.triples, "gzip"),
    ]

"""Dumps: the built graph in every common RDF syntax, plain and gzip-compressed.

Formats with named graphs (TriG, N-Quads, JSON-LD) keep the provenance graphs; Turtle, N-Triples
and RDF/XML carry the union. Output is byte-identical for identical input: quads enter the
store in sorted order (Oxigraph writes in insertion order), blank nodes are canonical, and gzip
headers carry no time stamp.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

DUMP_STEM = "foerdergraph"
CHUNK = 1 << 20
GZIP_LEVEL = 6
"""gzip's own default: level 9 makes the files 2-3 % smaller and takes three times as long."""


@dataclass(frozen=True)
class DumpFormat:
    name: str
    extension: str
    media_type: str
    rdf_format: ox.RdfFormat
    named_graphs: bool


FORMATS: dict[str, DumpFormat] = {
    f.name: f
    for f in (
        DumpFormat("turtle", "ttl", "text/turtle", ox.RdfFormat.TURTLE, False),
        DumpFormat("nt", "nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, False),
        DumpFormat("trig", "trig", "application/trig", ox.RdfFormat.TRIG, True),
        DumpFormat("nquads", "nq", "application/n-quads", ox.RdfFormat.N_QUADS, True),
        DumpFormat("jsonld", "jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, True),
        DumpFormat("rdfxml", "rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML, False),
    )
}
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


def union_of(dataset: ox.Store) -> ox.Store:
    """All triples of all graphs in the default graph of a new in-memory store (deduplicated)."""
    union = ox.Store()
    union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in dataset)
    return union


def serialise(
    dataset: ox.Store,
    union: ox.Store | None,
    fmt: DumpFormat,
    prefixes: dict[str, str],
    output: BinaryIO | Path,
) -> None:
    """Write one format to `output`: the dataset for graph-aware formats, else the union.
    Oxigraph streams it, so a large dump is never held in memory. `union` may be given when
    several formats are written, so it is computed once."""
    source = dataset if fmt.named_graphs else (union or union_of(dataset))
    kwargs: dict[str, object] = {}
    if fmt.rdf_format in (
        ox.RdfFormat.TURTLE,
        ox.RdfFormat.TRIG,
        ox.RdfFormat.RDF_XML,
        ox.RdfFormat.JSON_LD,
    ):
        kwargs["prefixes"] = prefixes
    if not fmt.named_graphs:
        kwargs["from_graph"] = ox.DefaultGraph()
    source.dump(output, format=fmt.rdf_format, **kwargs)  # type: ignore[arg-type]


def gzip_writer(target: BinaryIO) -> gzip.GzipFile:
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


def write_dumps(
    dataset: ox.Store, out_dir: Path, prefixes: dict[str, str], formats: list[str] | None = None
) -> list[Dump]:
    """Write every dump (plain and .gz) into out_dir and describe each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    union = union_of(dataset)

    def write(name: str) -> list[Dump]:
        fmt = FORMATS[name]
        count = len(dataset) if fmt.named_graphs else len(union)
        path = out_dir / f"{DUMP_STEM}.{fmt.extension}"
        serialise(dataset, union, fmt, prefixes, path)
        return [_describe(path, fmt, count, None), _describe(_compress(path), fmt, count, "gzip")]

    # Oxigraph's writers and zlib release the GIL, so formats are written side by side
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return [dump for dumps in pool.map(write, formats or list(FORMATS)) for dump in dumps]

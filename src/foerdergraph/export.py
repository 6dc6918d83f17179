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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

DUMP_STEM = "foerdergraph"
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
    dataset: ox.Store, union: ox.Store, fmt: DumpFormat, prefixes: dict[str, str]
) -> bytes:
    """One format's bytes: the dataset for graph-aware formats, else the union."""
    source = dataset if fmt.named_graphs else union
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
    return source.dump(format=fmt.rdf_format, **kwargs)  # type: ignore[arg-type]


def gzip_bytes(data: bytes) -> bytes:
    """gzip without file name or time stamp, so equal input gives equal bytes."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def _record(
    path: Path, data: bytes, fmt: DumpFormat, triples: int, compression: str | None
) -> Dump:
    path.write_bytes(data)
    return Dump(
        path.name,
        fmt.name,
        fmt.media_type,
        compression,
        len(data),
        triples,
        hashlib.sha256(data).hexdigest(),
    )


def write_dumps(
    dataset: ox.Store, out_dir: Path, prefixes: dict[str, str], formats: list[str] | None = None
) -> list[Dump]:
    """Write every dump (plain and .gz) into out_dir and describe each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    union = union_of(dataset)

    def write(name: str) -> list[Dump]:
        fmt = FORMATS[name]
        data = serialise(dataset, union, fmt, prefixes)
        count = len(dataset) if fmt.named_graphs else len(union)
        path = out_dir / f"{DUMP_STEM}.{fmt.extension}"
        gz = path.with_name(path.name + ".gz")
        return [
            _record(path, data, fmt, count, None),
            _record(gz, gzip_bytes(data), fmt, count, "gzip"),
        ]

    # Oxigraph's writers and zlib release the GIL, so formats are written side by side
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return [dump for dumps in pool.map(write, formats or list(FORMATS)) for dump in dumps]

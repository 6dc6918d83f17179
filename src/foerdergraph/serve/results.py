"""Serialising query answers and RDF descriptions, with the media types each form offers.

Everything here is pure (bytes in, bytes out) so it runs the same in a query worker process and in
the web process. Serialisation is pyoxigraph's own (rdflib 7.6 writes `0`, `0.0` and `false` as
empty literals in SPARQL XML results, see docs/serving.md), also under the row cap: pyoxigraph
serialises a QuerySolutions only as it comes out of a query, so the capped solutions go through
TSV (`capped_solutions`) rather than through Python objects, which cost 40 µs a row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from foerdergraph.core import namespaces
from foerdergraph.core.formats import RDF_BY_EXTENSION, RESULT_FORMATS, written

T = TypeVar("T")


@dataclass(frozen=True)
class Format:
    """One answer format: short name (for `format=` and file extensions) and media type."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    """Other media types answered with this format (offered after every canonical type)."""
    names: tuple[str, ...] = ()
    """Other `format=` values meaning this format in this table (`xml` is SPARQL XML results
    for SELECT and ASK, RDF/XML for CONSTRUCT and DESCRIBE)."""


# Solutions (SELECT) and booleans (ASK). The first is the default for `*/*`.
SOLUTION_FORMATS: dict[str, tuple[Format, ox.QueryResultsFormat]] = {
    f.name: (Format(f.name, f.media_type, f.aliases), f.results_format) for f in RESULT_FORMATS
}

# Graphs (CONSTRUCT, DESCRIBE, linked-data descriptions), by file suffix. The first is the
# default for `*/*`; `names` carries the `format=` synonyms SPARQLWrapper sends (core.formats).
GRAPH_FORMATS: dict[str, tuple[Format, ox.RdfFormat]] = {
    f.extension: (Format(f.extension, f.media_type, f.aliases, f.names), f.rdf_format)
    for f in (RDF_BY_EXTENSION[suffix] for suffix in ("ttl", "nt", "jsonld", "rdf", "trig"))
}

FORMAT_SYNONYMS = {
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
    "srj": "json",
    "srx": "xml",
}

PREFIXES: dict[str, str] = {
    prefix: namespaces.PREFIXES[prefix]
    for prefix in (
        *("fg", "role", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "org"),
        *("foaf", "schema", "oa", "void", "dcat", "sd"),
    )
}
"""Prefixes written into Turtle/TriG answers and prefilled in the editor."""


def data_prefixes(base_iri: str) -> dict[str, str]:
    """PREFIXES plus `fgd:` for the minted data IRIs under the configured base."""
    return {**PREFIXES, "fgd": base_iri + "id/"}


def offers(table: Mapping[str, tuple[Format, object]]) -> list[str]:
    """Media types to negotiate over, canonical types first, then the aliases."""
    canonical = [fmt.media_type for fmt, _ in table.values()]
    aliases = [alias for fmt, _ in table.values() for alias in fmt.aliases]
    return canonical + [a for a in aliases if a not in canonical]


def lookup(table: Mapping[str, tuple[Format, T]], key: str) -> tuple[Format, T] | None:
    """Find a format by short name, synonym, media type or alias."""
    key = key.strip().lower()
    key = FORMAT_SYNONYMS.get(key, key)
    if key in table:
        return table[key]
    for fmt, native in table.values():
        if key == fmt.media_type or key in fmt.aliases or key in fmt.names:
            return fmt, native
    return None


class _Enough(Exception):
    """Raised into pyoxigraph's serialiser to stop it at the row cap."""


class _RowCap:
    """A write target for pyoxigraph's TSV results serialiser that stops it once more than
    `max_rows` solutions are written. TSV has one header line, then one line per solution (its
    terms in N-Triples syntax, so a newline inside a literal is escaped)."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.buffer = bytearray()
        self.lines = 0
        self.full = False

    def write(self, chunk: bytes) -> int:
        self.buffer += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.max_rows + 1:
            self.full = True
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        """pyoxigraph flushes its target at the end."""


def capped_solutions(
    answer: ox.QuerySolutions, target: ox.QueryResultsFormat, max_rows: int
) -> tuple[bytes, bool]:
    """At most `max_rows` solutions in the `target` format, and whether there were more.

    All of it is pyoxigraph's own work, as fast as its direct serialisation and byte for byte
    the same: the solutions are written as TSV until the cap, then parsed back and re-written
    in the target format."""
    cap = _RowCap(max_rows)
    try:
        answer.serialize(output=cap, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]  # a file-like sink: write() and flush() are all pyoxigraph calls
    except Exception:
        if not cap.full:
            raise
    tsv = bytes(cap.buffer)
    if cap.full:  # keep the header and the first max_rows lines
        tsv = b"\n".join(tsv.split(b"\n", max_rows + 1)[: max_rows + 1]) + b"\n"
    if target == ox.QueryResultsFormat.TSV:
        return tsv, cap.full
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return written(parsed.serialize(format=target)), cap.full


def boolean_result(value: bool, target: ox.QueryResultsFormat) -> bytes:
    """An ASK answer in the requested results format."""
    if target == ox.QueryResultsFormat.JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    parsed = ox.parse_query_results(
        json.dumps({"head": {}, "boolean": value}).encode(), format=ox.QueryResultsFormat.JSON
    )
    return written(parsed.serialize(format=target))


def graph_bytes(
    triples: Iterable[ox.Triple | ox.Quad],
    target: ox.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Serialise triples (or quads, for TriG/N-Quads) with pyoxigraph; JSON-LD comes with an
    `@context` of the prefixes (PREFIXES when none are given)."""
    with_prefixes = target in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    declared = prefixes if with_prefixes else None
    # the stub wants all triples or all quads; callers pass one kind, as their format asks
    body = written(ox.serialize(list(triples), format=target, prefixes=declared))  # type: ignore[arg-type]
    if target == ox.RdfFormat.JSON_LD:
        return compact_json_ld(body, prefixes or PREFIXES)
    return body


def compact_json_ld(expanded: bytes, prefixes: dict[str, str]) -> bytes:
    """Oxigraph's expanded JSON-LD as `{"@context": prefixes, "@graph": …}`, its IRIs written
    as compact IRIs (`skos:prefLabel`, `fgd:organisation/…`): readable, and the same graph to
    any JSON-LD processor, which expands them with the context. Literal values are left as
    they are; an IRI no prefix fits stays whole."""
    by_length = sorted(prefixes.items(), key=lambda item: len(item[1]), reverse=True)

    def iri(value: str) -> str:
        for prefix, namespace in by_length:
            local = value[len(namespace) :]
            if value.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return value

    def node(item: object) -> object:
        if isinstance(item, list):
            return [node(x) for x in item]
        if not isinstance(item, dict):
            return item
        compacted: dict[str, object] = {}
        for key, value in item.items():
            if key in ("@id", "@type"):
                compacted[key] = [iri(v) for v in value] if isinstance(value, list) else iri(value)
            elif key.startswith("@"):
                compacted[key] = value if key == "@value" else node(value)
            else:
                compacted[iri(key)] = node(value)
        return compacted

    graph = node(json.loads(expanded))
    document = {"@context": dict(prefixes), "@graph": graph}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()

"""Every RDF and SPARQL-results format the project reads, writes or serves, in one table.

The dumps (foerdergraph.publish.dumps, `foerdergraph export --format NAME`), the command line's
query output (foerdergraph.query.engine) and the server's content negotiation
(foerdergraph.serve.results) all derive their tables from these two.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax."""

    name: str
    """Its name on the command line (`export --format`) and in the manifest."""
    extension: str
    """File suffix, also the server's short name (`?format=ttl`, `/id/x.ttl`)."""
    media_type: str
    rdf_format: ox.RdfFormat
    """pyoxigraph's name for it."""
    named_graphs: bool
    """Whether it keeps named graphs (else the union is written)."""
    aliases: tuple[str, ...] = ()
    """Further media types the server accepts for it."""
    rdflib: str = ""
    """rdflib's parser/serialiser name."""
    names: tuple[str, ...] = ()
    """Further `format=` values the server takes for it in graph answers: SPARQLWrapper asks
    for its default return format with `format=xml`, for N3 with `format=n3` (a Turtle
    document is N3) and for JSON with `format=json`, as an Oxigraph server answers them."""


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat(
        "turtle",
        "ttl",
        "text/turtle",
        ox.RdfFormat.TURTLE,
        False,
        ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3"),
        "turtle",
        ("n3",),
    ),
    RdfFormat(
        "nt", "nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, False, ("text/plain",), "nt"
    ),
    RdfFormat("trig", "trig", "application/trig", ox.RdfFormat.TRIG, True, (), "trig"),
    RdfFormat("nquads", "nq", "application/n-quads", ox.RdfFormat.N_QUADS, True, (), "nquads"),
    RdfFormat(
        "jsonld",
        "jsonld",
        "application/ld+json",
        ox.RdfFormat.JSON_LD,
        True,
        ("application/json",),
        "json-ld",
        ("json",),
    ),
    RdfFormat(
        "rdfxml",
        "rdf",
        "application/rdf+xml",
        ox.RdfFormat.RDF_XML,
        False,
        ("application/xml", "text/xml"),
        "xml",
        ("xml",),
    ),
)
"""Every RDF syntax, in the order the dumps are listed."""

RDF_BY_EXTENSION: dict[str, RdfFormat] = {f.extension: f for f in RDF_FORMATS}


@dataclass(frozen=True)
class ResultsFormat:
    """One SPARQL query results syntax (answers of SELECT and ASK)."""

    name: str
    media_type: str
    results_format: ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()


RESULT_FORMATS: tuple[ResultsFormat, ...] = (
    ResultsFormat(
        "json",
        "application/sparql-results+json",
        ox.QueryResultsFormat.JSON,
        ("application/json",),
    ),
    ResultsFormat(
        "xml",
        "application/sparql-results+xml",
        ox.QueryResultsFormat.XML,
        ("application/xml", "text/xml"),
    ),
    ResultsFormat("csv", "text/csv", ox.QueryResultsFormat.CSV),
    ResultsFormat("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
)
"""Every results syntax; the first is the server's default for `*/*`."""


def written(serialised: bytes | None) -> bytes:
    """The bytes a pyoxigraph serialiser returns when it is given no output to write to (its
    signature says `bytes | None` for both cases)."""
    if serialised is None:
        raise TypeError("the serialiser wrote to an output instead of returning bytes")
    return serialised

"""The SPARQL 1.1 Protocol at /sparql: reading requests and the service description.

Query by GET `?query=`, POST form-encoded, or POST `application/sparql-query`; graphs by
`default-graph-uri` / `named-graph-uri`; `drafts=exclude` leaves the machine-extracted graphs out
(`query/drafts.py`). `update=` and `application/sparql-update` are refused with 400: this is a
query service only. The request is turned into a `QueryRequest` here; all
evaluation happens in the worker pool.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request

from foerdergraph.core import namespaces as ns
from foerdergraph.core.namespaces import FORMATS as FORMATS_NS
from foerdergraph.core.namespaces import SD, VOID
from foerdergraph.query import drafts
from foerdergraph.serve.release import Release
from foerdergraph.serve.workers import QueryRequest

RDF_TYPE = ox.NamedNode(ns.RDF_TYPE)
XSD_INTEGER = ox.NamedNode(ns.XSD_INTEGER)
DCTERMS_TITLE = ox.NamedNode(ns.DCTERMS + "title")

RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "TriG",
)


class ProtocolError(Exception):
    """A request the protocol does not allow; carries the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


UPDATE_REFUSED = "SPARQL Update is not accepted: this endpoint is read-only"


def _collect(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


async def read_request(request: Request) -> QueryRequest | None:
    """The query a protocol request asks for, or None when it asks for none (GET /sparql)."""
    params = _collect(request.query_params.multi_items())
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError as error:
                raise ProtocolError(400, "the form body is not UTF-8") from error
            for key, values in _collect(form).items():
                params.setdefault(key, []).extend(values)
        elif content_type == "application/sparql-query":
            try:
                params.setdefault("query", []).append(body.decode("utf-8"))
            except UnicodeDecodeError as error:
                raise ProtocolError(400, "the query body is not UTF-8") from error
        elif content_type == "application/sparql-update":
            raise ProtocolError(400, UPDATE_REFUSED)
        else:
            raise ProtocolError(
                415,
                "POST a query as application/x-www-form-urlencoded (query=…) "
                "or as application/sparql-query",
            )
    if "update" in params:
        raise ProtocolError(400, UPDATE_REFUSED)
    queries = params.get("query", [])
    if not queries:
        return None
    if len(queries) > 1:
        raise ProtocolError(400, "give exactly one query parameter")
    formats = params.get("format") or params.get("output") or []
    choices = params.get(drafts.PARAMETER, [])
    if len(choices) > 1:
        raise ProtocolError(400, f"give the parameter {drafts.PARAMETER!r} at most once")
    try:
        exclude_drafts = drafts.excludes(choices[0] if choices else None)
    except drafts.BadDrafts as error:
        raise ProtocolError(400, str(error)) from error
    return QueryRequest(
        query=queries[0],
        accept=request.headers.get("accept"),
        format=formats[0] if formats else None,
        default_graph_uris=tuple(params.get("default-graph-uri", [])),
        named_graph_uris=tuple(params.get("named-graph-uri", [])),
        exclude_drafts=exclude_drafts,
    )


def service_description(endpoint: str, release: Release) -> list[ox.Triple]:
    """sd:Service for the endpoint: languages, formats, features and the named graphs."""
    service = ox.NamedNode(endpoint)
    dataset = ox.BlankNode()
    default_graph = ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        # No sd:BasicFederatedQuery: SERVICE is refused on purpose.
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, DCTERMS_TITLE, ox.Literal(f"foerdergraph build {release.build_id}")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
    ]
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name))
        for name in RESULT_FORMAT_IRIS
    ]
    for entry in release.graph_entries():
        named = ox.BlankNode()
        graph = ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(entry["iri"])),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
        ]
        if entry.get("triples") is not None:
            count = ox.Literal(str(entry["triples"]), datatype=XSD_INTEGER)
            triples.append(ox.Triple(graph, ox.NamedNode(VOID + "triples"), count))
    return triples

"""What the SPARQL 1.1 protocol leaves to each server: where its endpoints are, how to log in,
what its default graph holds, and whether it cuts answers silently.

One `Server` per kind of triple store. The kind is named by a prefix on the store URL
(`virtuoso+http://host:8890`, `oxigraph+http://…`); a plain `http://` URL is an Oxigraph server,
the reference the project is tested against first.

- Oxigraph (started with `--union-default-graph`): `/query`, `/update`, `/store`; the default
  graph is exactly the union of the data's named graphs; no row cap.
- Virtuoso: one `/sparql` endpoint for anonymous queries, updates only on `/sparql-auth` and
  the Graph Store Protocol only on `/sparql-graph-crud-auth` (both digest auth); its default
  graph is the union of *all* graphs, its own system graphs included, so every query names
  its dataset (the release's graphs) explicitly; answers are cut without notice at the
  server's `ResultSetMaxRows`, so an answer that long is flagged as possibly cut; a Graph
  Store PUT commits in parts, so graphs are staged and moved; its JSON results are rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

VIRTUOSO_DEFAULT_MAX_ROWS = 10_000
"""`ResultSetMaxRows` of the virtuoso.ini Virtuoso ships (override: FOERDERGRAPH_STORE_MAX_ROWS)."""


@dataclass(frozen=True)
class Server:
    """The protocol details one kind of SPARQL server decides for itself."""

    name: str
    query_path: str
    update_path: str
    gsp_path: str
    union_default_graph: bool
    """True when the server's default graph is exactly the union of the data's named graphs;
    otherwise every query carries the release's graphs as its dataset."""
    digest_auth: bool = False
    """True when the server's write endpoints take only digest authentication."""
    max_rows: int | None = None
    """Rows (or triples) after which the server cuts an answer without saying so."""
    passthrough: bool = True
    """True when the server's answers follow the W3C result formats and may be streamed to
    clients unchanged; otherwise each is read, checked and re-serialised (Virtuoso writes
    "typed-literal" into SPARQL JSON and answers ASK as a one-column SELECT)."""
    atomic_put: bool = True
    """True when a Graph Store PUT replaces a graph in one step; otherwise readers would see
    the graph half-loaded, so a new graph is loaded beside it and moved in one update."""


OXIGRAPH = Server("oxigraph", "/query", "/update", "/store", union_default_graph=True)
VIRTUOSO = Server(
    "virtuoso",
    "/sparql",
    "/sparql-auth",
    "/sparql-graph-crud-auth",
    union_default_graph=False,
    digest_auth=True,
    max_rows=VIRTUOSO_DEFAULT_MAX_ROWS,
    passthrough=False,
    atomic_put=False,
)
SERVERS = {server.name: server for server in (OXIGRAPH, VIRTUOSO)}


def split_url(url: str) -> tuple[Server, str]:
    """The server kind named by the URL's prefix (`virtuoso+http://…`) and the plain URL."""
    scheme, sep, rest = url.partition("://")
    kind, plus, transport = scheme.rpartition("+")
    if not sep or not plus:
        return OXIGRAPH, url
    server = SERVERS.get(kind.lower())
    if server is None:
        known = ", ".join(f"{name}+http://" for name in SERVERS)
        raise ValueError(f"unknown SPARQL server kind {kind!r} in {url!r}; known: {known}")
    return server, f"{transport}://{rest}"


def possibly_cut(rows: int, server: Server) -> bool:
    """True when an answer of `rows` rows may have been cut at the server's cap: a server that
    cuts silently sends exactly `max_rows`, so that many rows cannot be told from a cut."""
    return server.max_rows is not None and rows >= server.max_rows

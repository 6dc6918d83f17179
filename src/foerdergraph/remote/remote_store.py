"""Read access to a remote SPARQL server with the slice of pyoxigraph's Store API that the
linked-data pages, search and ontology page use (`quads_for_pattern`, `contains_named_graph`,
`named_graphs`, `query`).

So the page code stays one implementation for both backends: every pattern lookup becomes one
small SELECT. Blocking on purpose: the server calls these from its thread pool, never on the
event loop. Blank nodes cannot be named in a query to another server, so a pattern with a
blank node finds nothing remotely (our data uses blank nodes only inside the ontology's OWL
axioms).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from foerdergraph.remote import RemoteStoreError
from foerdergraph.remote.endpoints import Endpoints, unreachable
from foerdergraph.remote.replicas import FAILED_STATUS, Probe, Replicas
from foerdergraph.remote.servers import possibly_cut
from foerdergraph.remote.substitute import with_bindings

SPARQL_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
FIRST_PAGE = 500
"""Rows fetched first for a pattern: most lookups need one (`next(iter(…))`) or a few."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class QuadSource(Protocol):
    """What the page code needs from a store: pyoxigraph's Store, or `RemoteStore`."""

    def quads_for_pattern(
        self, subject: Any, predicate: Any, object: Any, graph_name: Any = None
    ) -> Iterator[ox.Quad]: ...

    def contains_named_graph(self, graph_name: Any) -> bool: ...

    def named_graphs(self) -> Iterator[Any]: ...

    def query(
        self,
        query: str,
        *,
        use_default_graph_as_union: bool = ...,
        substitutions: dict[ox.Variable, Term | ox.Triple] | None = ...,
    ) -> Any: ...


def ask_value(answer: ox.QuerySolutions | ox.QueryBoolean) -> bool:
    """The truth of an ASK answer, also from a server that sends it as a one-column SELECT
    (Virtuoso: no row for false, a row of 1 for true)."""
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    return any(row[0] is not None and row[0].value != "0" for row in answer)


def _slot(term: object, variable: str) -> str:
    return variable if term is None else str(term)


class RemoteStore:
    """A read-only view of the data on the remote server: the union of its named graphs under
    `endpoints.graphs_under`, whatever else the server holds."""

    def __init__(
        self,
        endpoints: Endpoints,
        timeout_s: float,
        replicas: Replicas | None = None,
        probe: Probe | None = None,
    ) -> None:
        self.endpoints = endpoints
        self._client = endpoints.client(timeout_s)
        self._graphs: frozenset[str] | None = None
        self.replicas = replicas
        self._probe = probe
        self._clients = {
            r.base: r.endpoints.client(timeout_s) for r in (replicas.replicas if replicas else [])
        }

    def close(self) -> None:
        self._client.close()
        for client in self._clients.values():
            client.close()

    def _post(self, body: bytes) -> httpx.Response:
        """POST a form to the server, or to the first replica in service that answers; a
        replica that fails is taken out and the next one asked."""
        headers = {"Accept": SPARQL_JSON, "Content-Type": FORM}
        if self.replicas is None:
            try:
                return self._client.post(self.endpoints.query, content=body, headers=headers)
            except httpx.TransportError as error:
                raise unreachable(self.endpoints, error) from error
        if self._probe is not None and self.replicas.any_due():
            self.replicas.probe_due(self._probe)
        for replica in self.replicas.order():
            try:
                response = self._clients[replica.base].post(
                    replica.endpoints.query, content=body, headers=headers
                )
            except httpx.TransportError as error:
                self.replicas.take_out(replica, str(unreachable(replica.endpoints, error)))
                continue
            if response.status_code in FAILED_STATUS:
                self.replicas.take_out(replica, f"answered {response.status_code}")
                continue
            self.replicas.served(replica)
            return response
        raise self.replicas.none_left()

    def select(
        self, query: str, scoped: bool = True, dataset: list[tuple[str, str]] | None = None
    ) -> ox.QuerySolutions | ox.QueryBoolean:
        """Run a SELECT or ASK on the data's graphs (all graphs when not `scoped`, the protocol
        parameters `dataset` when given) and parse the JSON results into pyoxigraph terms. An
        answer as long as the server's silent cap is an error: it may be cut, and a page built
        from it would be wrong without saying so."""
        form = [("query", query)]
        if dataset is not None:
            form += dataset
        elif scoped:
            if self._graphs is None:
                self.named_graphs()
            assert self._graphs is not None
            form += self.endpoints.dataset(self._graphs)
        response = self._post(urlencode(form).encode("ascii"))
        if response.status_code != 200:
            raise RemoteStoreError(
                f"the SPARQL store at {self.endpoints.query} answered "
                f"{response.status_code}: {response.text[:500]}"
            )
        answer = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QuerySolutions) and self.endpoints.server.max_rows is not None:
            rows = list(answer)
            if possibly_cut(len(rows), self.endpoints.server):
                raise RemoteStoreError(
                    f"the SPARQL store at {self.endpoints.base} answered with "
                    f"{len(rows)} rows, its cap (ResultSetMaxRows): the answer may be cut; "
                    "raise the cap on the server and FOERDERGRAPH_STORE_MAX_ROWS with it"
                )
            return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        return answer

    def query(
        self,
        query: str,
        use_default_graph_as_union: bool = True,
        substitutions: Mapping[ox.Variable, Term | ox.Triple] | None = None,
        default_graph: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean:
        """Like `Store.query` for SELECT/ASK; the server's default graph must be the union of
        its named graphs (docs/scaling.md), substitutions travel as VALUES. `default_graph` and
        `named_graphs` (both or neither) become the protocol's default-graph-uri and
        named-graph-uri, as pyoxigraph's arguments of the same names choose the dataset."""
        bindings = {variable.value: str(term) for variable, term in (substitutions or {}).items()}
        dataset = None
        if default_graph is not None and named_graphs is not None:
            dataset = [("default-graph-uri", g.value) for g in default_graph]
            dataset += [("named-graph-uri", g.value) for g in named_graphs]
        return self.select(with_bindings(query, bindings), dataset=dataset)

    def quads_for_pattern(
        self, subject: Any, predicate: Any, object: Any, graph_name: Any = None
    ) -> Iterator[ox.Quad]:
        """The quads matching the pattern: a first page, then (only when a caller wants more)
        the rest, each quad once."""
        if any(isinstance(t, ox.BlankNode) for t in (subject, predicate, object, graph_name)):
            return
        s, p, o = _slot(subject, "?s"), _slot(predicate, "?p"), _slot(object, "?o")
        g = _slot(graph_name, "?g")
        text = f"SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}"
        seen: set[ox.Quad] = set()
        first = list(
            self._quads(text + f" LIMIT {FIRST_PAGE + 1}", subject, predicate, object, graph_name)
        )
        for quad in first[:FIRST_PAGE]:
            seen.add(quad)
            yield quad
        if len(first) <= FIRST_PAGE:
            return
        for quad in self._quads(text, subject, predicate, object, graph_name):
            if quad not in seen:
                yield quad

    def _quads(
        self, text: str, subject: Any, predicate: Any, object: Any, graph_name: Any
    ) -> Iterator[ox.Quad]:
        solutions = self.select(text)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            yield ox.Quad(
                subject or row["s"],
                predicate or row["p"],
                object if object is not None else row["o"],
                graph_name or row["g"],
            )

    def contains_named_graph(self, graph_name: Any) -> bool:
        """Whether the data has this graph: looked up among the graphs `named_graphs` found,
        not asked (Virtuoso answers `ASK { GRAPH <g> … }` true for graphs outside the
        dataset it was given)."""
        if self._graphs is None:
            self.named_graphs()
        assert self._graphs is not None
        return isinstance(graph_name, ox.NamedNode) and graph_name.value in self._graphs

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The data's graphs on the server; remembered as the dataset of later queries."""
        under = ox.Literal(self.endpoints.graphs_under)
        solutions = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), {under})) }}",
            scoped=False,
        )
        assert isinstance(solutions, ox.QuerySolutions)
        graphs = [row["g"] for row in solutions if isinstance(row["g"], ox.NamedNode)]
        self._graphs = frozenset(g.value for g in graphs)
        return iter(graphs)

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

import httpx
import pyoxigraph as ox

from foerdergraph.remote import RemoteStoreError
from foerdergraph.remote.endpoints import Endpoints, unreachable
from foerdergraph.remote.substitute import with_bindings

SPARQL_JSON = "application/sparql-results+json"
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


def _slot(term: object, variable: str) -> str:
    return variable if term is None else str(term)


class RemoteStore:
    """A read-only view of the remote server's dataset (union of its named graphs)."""

    def __init__(self, endpoints: Endpoints, timeout_s: float) -> None:
        self.endpoints = endpoints
        self._client = endpoints.client(timeout_s)

    def close(self) -> None:
        self._client.close()

    def select(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean:
        """Run a SELECT or ASK on the server and parse its JSON results into pyoxigraph terms."""
        try:
            response = self._client.post(
                self.endpoints.query, data={"query": query}, headers={"Accept": SPARQL_JSON}
            )
        except httpx.TransportError as error:
            raise unreachable(self.endpoints, error) from error
        if response.status_code != 200:
            raise RemoteStoreError(
                f"the SPARQL store at {self.endpoints.query} answered "
                f"{response.status_code}: {response.text[:500]}"
            )
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)

    def query(
        self,
        query: str,
        use_default_graph_as_union: bool = True,
        substitutions: Mapping[ox.Variable, Term | ox.Triple] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean:
        """Like `Store.query` for SELECT/ASK; the server's default graph must be the union of
        its named graphs (docs/scaling.md), substitutions travel as VALUES."""
        bindings = {variable.value: str(term) for variable, term in (substitutions or {}).items()}
        return self.select(with_bindings(query, bindings))

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
        if not isinstance(graph_name, ox.NamedNode):
            return False
        return bool(self.select(f"ASK {{ GRAPH {graph_name} {{ ?s ?p ?o }} }}"))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        solutions = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            if isinstance(row["g"], ox.NamedNode):
                yield row["g"]

"""Answering one query inside a worker: the safety check (remembered for short texts), format
negotiation, evaluation on the release's store and serialisation under the row cap.

`prepare` is shared with the remote proxy (`serve/remote.py`), so a query refused here is
refused there too."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from foerdergraph.core.iri import draft_graphs
from foerdergraph.query.drafts import HiddenGraphNamed, QueryDataset, query_dataset
from foerdergraph.serve import negotiation, results, safety
from foerdergraph.serve.safety import CheckedQuery, QueryRefused, check_graphs
from foerdergraph.serve.workers.messages import (
    TRUNCATED_HEADER,
    QueryRequest,
    QueryResponse,
    decode_term,
)


@dataclass(frozen=True)
class Prepared:
    """A query that passed the safety checks, with the answer format negotiated for it."""

    checked: CheckedQuery
    fmt: results.Format
    native: Any
    """pyoxigraph's QueryResultsFormat or RdfFormat for `fmt`."""
    dataset: QueryDataset
    """The graphs the query reads (without the drafts when the request leaves them out)."""

    @property
    def media_type(self) -> str:
        """The response's media type, with the charset for text formats."""
        media_type = self.fmt.media_type
        if media_type.startswith("text/") or media_type.endswith(("json", "xml", "turtle", "trig")):
            media_type += "; charset=utf-8"
        return media_type


def prepare(
    request: QueryRequest, graphs: frozenset[str], base_iri: str
) -> Prepared | QueryResponse:
    """Safety checks, the dataset and format negotiation, shared by the local workers and the
    remote proxy; an error response when the query is refused or no format fits. The checked
    query's text (codepoint escapes expanded) is the one to run."""
    try:
        checked = _check(request.query, graphs)
        protocol = (request.default_graph_uris, request.named_graph_uris)
        check_graphs([*protocol[0], *protocol[1]], graphs, "default-graph-uri/named-graph-uri")
        hidden = draft_graphs(graphs, base_iri) if request.exclude_drafts else frozenset()
        dataset = query_dataset(
            graphs, hidden, protocol, (checked.from_graphs, checked.from_named_graphs)
        )
    except (QueryRefused, HiddenGraphNamed) as refused:
        return QueryResponse.error(400, str(refused))

    table: dict[str, tuple[results.Format, Any]] = (
        results.SOLUTION_FORMATS if checked.form in ("SELECT", "ASK") else results.GRAPH_FORMATS
    )
    chosen = _choose_format(table, request)
    if chosen is None:
        return QueryResponse.error(
            406,
            f"no acceptable format for a {checked.form} answer; offered: "
            + ", ".join(results.offers(table)),
        )
    return Prepared(checked, *chosen, dataset)


CHECKED_CACHE_TEXT = 20_000
"""Longest query text whose check result is remembered (canned queries are 1–2 KB)."""


def _check(text: str, graphs: frozenset[str]) -> CheckedQuery:
    """`check_query`, remembered for the last 64 short texts per process.

    A canned query's text never changes, so its check need not be repeated. The check is a
    pure function of the text and the store's graphs, so a remembered result is the same
    verdict; refusals are not remembered (they raise), and long texts are checked anew so the
    cache stays small."""
    if len(text) > CHECKED_CACHE_TEXT:
        return _check_query(text, graphs)
    return _check_cached(text, graphs)


def _check_query(text: str, graphs: frozenset[str]) -> CheckedQuery:
    return safety.check_query(text, graphs)


_check_cached = functools.lru_cache(maxsize=64)(_check_query)


def execute(
    store: ox.Store, graphs: frozenset[str], request: QueryRequest, max_rows: int, base_iri: str
) -> QueryResponse:
    """Check, evaluate and serialise one query. Runs inside a worker (and in unit tests)."""
    prepared = prepare(request, graphs, base_iri)
    if isinstance(prepared, QueryResponse):
        return prepared
    checked, native = prepared.checked, prepared.native

    kwargs = prepared.dataset.store_arguments()
    if request.substitutions:
        kwargs["substitutions"] = {
            ox.Variable(name): decode_term(value) for name, value in request.substitutions.items()
        }

    try:
        answer = store.query(checked.text, **kwargs)
        headers: dict[str, str] = {}
        if isinstance(answer, ox.QueryBoolean):
            body = results.boolean_result(bool(answer), native)
        elif isinstance(answer, ox.QuerySolutions):
            body, truncated = results.capped_solutions(answer, native, max_rows)
            if truncated:
                headers[TRUNCATED_HEADER] = str(max_rows)
        else:
            triples: list[ox.Triple] = []
            for triple in answer:
                if len(triples) >= max_rows:
                    headers[TRUNCATED_HEADER] = str(max_rows)
                    break
                triples.append(triple)
            body = results.graph_bytes(triples, native, results.data_prefixes(base_iri))
    except SyntaxError as error:
        return QueryResponse.error(400, f"malformed query: {_syntax_message(error)}")
    except PermissionError as error:  # only the no-network filter denies anything here
        return QueryResponse.error(
            400,
            "the query tried to open a network connection (SERVICE), which this endpoint "
            f"never does: {error}",
        )
    except (OSError, ValueError, TypeError) as error:
        return QueryResponse.error(400, f"the query failed: {error}")

    return QueryResponse(200, prepared.media_type, body, headers)


def _syntax_message(error: SyntaxError) -> str:
    """pyoxigraph's "error at 2:3: expected …" as "line 2, column 3: expected …"."""
    text = str(error)
    match = re.match(r"error at (\d+):(\d+): ", text)
    return f"line {match[1]}, column {match[2]}: {text[match.end() :]}" if match else text


def _choose_format(
    table: dict[str, tuple[results.Format, Any]], request: QueryRequest
) -> tuple[results.Format, Any] | None:
    if request.format:
        return results.lookup(table, request.format)
    media_type = negotiation.choose(request.accept, results.offers(table))
    return results.lookup(table, media_type) if media_type else None

"""What the web process and a query worker say to each other: a request, an answer, and the
terms of a canned query's parameters in between (N-Triples text: pickled pyoxigraph terms
cannot cross the pipe)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

TRUNCATED_HEADER = "Foerdergraph-Result-Truncated"
"""Set (to the row cap) when an answer was cut at `max_result_rows`."""


@dataclass(frozen=True)
class QueryRequest:
    """What a worker needs to answer one query; plain data, so it pickles across processes."""

    query: str
    accept: str | None = None
    format: str | None = None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    substitutions: dict[str, str] = field(default_factory=dict)
    """Variable name -> term in N-Triples syntax (see `encode_term`)."""
    exclude_drafts: bool = False
    """Leave the machine-extracted (draft) graphs out of the dataset (`query.drafts`)."""


@dataclass(frozen=True)
class QueryResponse:
    """An HTTP-ready answer: status, media type, body and extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str) -> QueryResponse:
        return cls(status, "text/plain; charset=utf-8", message.encode("utf-8"))


def encode_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A pyoxigraph term in N-Triples syntax, the form substitutions cross processes in."""
    return str(term)


def decode_term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The inverse of `encode_term`, by parsing a one-triple N-Triples document."""
    document = f"<urn:x:s> <urn:x:p> {text} .\n".encode()
    return next(iter(ox.parse(input=document, format=ox.RdfFormat.N_TRIPLES))).object


COPIED = "copied"
"""Message kind a worker sends, unasked, once it answers from its in-memory copy of a release."""

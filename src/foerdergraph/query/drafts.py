"""Machine-extracted facts in a query's dataset: included (the default) or left out.

Drafts (`core.iri.DRAFT_GRAPH_KIND`) are unreviewed, so a researcher must be able to ask the same
question without them. Leaving them out has to hold for every way a query reaches data: the
default graph, `GRAPH ?g` and `GRAPH <draft>` patterns, FROM clauses and the protocol's
`default-graph-uri` / `named-graph-uri`. So the query does not get a filter; it gets a dataset
without the draft graphs: its default graph is the union of the other graphs, and those are its
only named graphs. A dataset the request declares itself (FROM, protocol graphs) is kept as it
is, but may not name a left-out graph: that contradiction is refused rather than answered empty.

The endpoint, the canned queries and `foerdergraph query --drafts` all use `query_dataset`, so
the switch means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

PARAMETER = "drafts"
"""The request parameter (and `foerdergraph query` option) of the switch."""
INCLUDE = "include"
EXCLUDE = "exclude"
CHOICES = (INCLUDE, EXCLUDE)
DEFAULT = INCLUDE
"""Researchers see everything, machine-extracted facts flagged, and may leave them out."""


class BadDrafts(ValueError):
    """A value of the `drafts` parameter that is neither `include` nor `exclude`."""


class HiddenGraphNamed(ValueError):
    """A declared dataset (FROM, protocol graphs) names a graph the switch leaves out."""


def excludes(value: str | None) -> bool:
    """Whether a `drafts` value leaves the draft graphs out; BadDrafts for an unknown value."""
    if value is None or value == "":
        return DEFAULT == EXCLUDE
    if value not in CHOICES:
        raise BadDrafts(
            f"parameter {PARAMETER!r}: {value!r} is not allowed; use {INCLUDE} (the default: "
            f"machine-extracted facts are included and flagged) or {EXCLUDE} (left out)"
        )
    return value == EXCLUDE


@dataclass(frozen=True)
class QueryDataset:
    """The graphs a query reads: `union` (the default graph is every graph; nothing declared
    and nothing left out), the query's own FROM clauses (`default` and `named` None), or the
    listed graphs as default graph and named graphs."""

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None
    union: bool = False

    def store_arguments(self) -> dict[str, Any]:
        """The keyword arguments of pyoxigraph's `Store.query` for this dataset."""
        if self.union:
            return {"use_default_graph_as_union": True}
        if self.default is None or self.named is None:
            return {}
        return {
            "default_graph": [ox.NamedNode(g) for g in self.default],
            "named_graphs": [ox.NamedNode(g) for g in self.named],
        }


def query_dataset(
    graphs: Collection[str],
    hidden: Collection[str],
    protocol: tuple[Sequence[str], Sequence[str]] = ((), ()),
    declared: tuple[Sequence[str], Sequence[str]] = ((), ()),
) -> QueryDataset:
    """The dataset of a query over a store holding `graphs`, with the `hidden` graphs left out.

    `protocol` are the request's default-graph-uri and named-graph-uri (they override the
    query's FROM, as the SPARQL protocol says), `declared` the query's FROM and FROM NAMED."""
    named_by_request = [*protocol[0], *protocol[1]] or [*declared[0], *declared[1]]
    refused = sorted({g for g in named_by_request if g in hidden})
    if refused:
        raise HiddenGraphNamed(
            f"the query's dataset names machine-extracted (draft) graphs that {PARAMETER}="
            f"{EXCLUDE} leaves out: {', '.join(refused)}; use {PARAMETER}={INCLUDE} to read them"
        )
    if protocol[0] or protocol[1]:
        return QueryDataset(tuple(protocol[0]), tuple(protocol[1]))
    if declared[0] or declared[1]:
        return QueryDataset()
    if not hidden:
        return QueryDataset(union=True)
    kept = tuple(sorted(g for g in graphs if g not in hidden))
    return QueryDataset(kept, kept)

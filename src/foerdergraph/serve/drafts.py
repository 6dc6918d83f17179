"""The drafts switch on the site's pages: which graphs a page may read, and the control.

Linked-data pages, browse lists and search read the store directly (pattern lookups and their
own queries), not through the query workers. With `drafts=exclude` they get `WithoutGraphs`, a
view of the store in which the draft graphs do not exist: lookups skip their quads and queries
run over the dataset of `query.drafts.query_dataset`. With the default (`include`) and on a
release without drafts they get the store itself, so nothing changes for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request

from foerdergraph.core.iri import draft_graphs
from foerdergraph.query import drafts
from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve.release import Release


class WithoutGraphs:
    """A store (local or remote) as if the `hidden` graphs were not in it."""

    def __init__(self, store: QuadSource, graphs: frozenset[str], hidden: frozenset[str]) -> None:
        self.store = store
        self.hidden = hidden
        self.dataset = drafts.query_dataset(graphs, hidden)

    def quads_for_pattern(
        self, subject: Any, predicate: Any, object: Any, graph_name: Any = None
    ) -> Iterator[ox.Quad]:
        if isinstance(graph_name, ox.NamedNode) and graph_name.value in self.hidden:
            return
        for quad in self.store.quads_for_pattern(subject, predicate, object, graph_name):
            if getattr(quad.graph_name, "value", None) not in self.hidden:
                yield quad

    def contains_named_graph(self, graph_name: Any) -> bool:
        if isinstance(graph_name, ox.NamedNode) and graph_name.value in self.hidden:
            return False
        return self.store.contains_named_graph(graph_name)

    def named_graphs(self) -> Iterator[Any]:
        hidden = self.hidden
        return (g for g in self.store.named_graphs() if getattr(g, "value", None) not in hidden)

    def query(
        self,
        query: str,
        *,
        use_default_graph_as_union: bool = True,
        substitutions: dict[ox.Variable, Any] | None = None,
    ) -> Any:
        """The query over every graph but the hidden ones (the page code's own queries declare
        no dataset and read the union); `RemoteStore.query` takes the same dataset arguments
        as pyoxigraph's `Store.query`."""
        arguments = self.dataset.store_arguments()
        return self.store.query(query, substitutions=substitutions, **arguments)


@dataclass(frozen=True)
class DraftSwitch:
    """What a request asked of the drafts, and what the release holds of them."""

    exclude: bool
    graphs: frozenset[str]
    """The release's draft graphs (machine-extracted facts), whether shown or not."""
    explicit: bool
    """The request named the parameter (links then keep it)."""
    toggle: str
    """This page's URL with the switch turned the other way, every other parameter kept
    (relative: only the query string, so it holds behind any base path)."""

    @property
    def hidden(self) -> frozenset[str]:
        return self.graphs if self.exclude else frozenset()

    @property
    def variant(self) -> str:
        """The cache key part of what a page shows: only a difference when something is hidden."""
        return drafts.EXCLUDE if self.hidden else ""

    def store(self, release: Release) -> QuadSource:
        """The release's store as this request may read it."""
        if not self.hidden:
            return release.store
        return WithoutGraphs(release.store, release.graphs, self.hidden)

    @property
    def carry(self) -> str:
        """What a link to another page appends to keep the switch: `?drafts=…` when the request
        named it (an entity page opened from a list shows what the list showed)."""
        return "?" + self.keep[1:] if self.keep else ""

    @property
    def keep(self) -> str:
        """What a link to another page of the same view appends to keep the switch."""
        if not self.explicit:
            return ""
        return f"&{drafts.PARAMETER}={drafts.EXCLUDE if self.exclude else drafts.INCLUDE}"


def draft_switch(request: Request, release: Release, base_iri: str) -> DraftSwitch:
    """The switch a request sets; `drafts.BadDrafts` (a 400) for a value it does not take."""
    values = request.query_params.getlist(drafts.PARAMETER)
    if len(values) > 1:
        raise drafts.BadDrafts(f"give the parameter {drafts.PARAMETER!r} at most once")
    exclude = drafts.excludes(values[0] if values else None)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != drafts.PARAMETER]
    params.append((drafts.PARAMETER, drafts.INCLUDE if exclude else drafts.EXCLUDE))
    return DraftSwitch(
        exclude=exclude,
        graphs=draft_graphs(release.graphs, base_iri),
        explicit=bool(values),
        toggle="?" + urlencode(params),
    )

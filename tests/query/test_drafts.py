"""The dataset of a query with the draft graphs left out (`query/drafts.py`), on a store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from foerdergraph.core.iri import DRAFT_GRAPH_KIND, draft_graphs, graph_iri
from foerdergraph.query.drafts import (
    BadDrafts,
    HiddenGraphNamed,
    QueryDataset,
    excludes,
    query_dataset,
)
from foerdergraph.query.engine import run_query

BASE = "https://example.org/fg/"
CURATED = str(graph_iri("document", "a", base=BASE))
DRAFT = str(graph_iri(DRAFT_GRAPH_KIND, "b", base=BASE))
GRAPHS = frozenset({CURATED, DRAFT})


def store() -> ox.Store:
    s = ox.Store()
    thing = ox.NamedNode(BASE + "id/x")
    for graph, value in ((CURATED, "curated"), (DRAFT, "draft")):
        s.add(ox.Quad(thing, thing, ox.Literal(value), ox.NamedNode(graph)))
    return s


def values(dataset: QueryDataset, query: str = "SELECT ?o WHERE { ?s ?p ?o }") -> list[str]:
    answer = run_query(store(), query, dataset=dataset)
    assert isinstance(answer, ox.QuerySolutions)
    return sorted(row[0].value for row in answer)


def test_draft_graphs_are_the_extracted_kind_under_the_base() -> None:
    other_base = "https://elsewhere.org/" + "graph/extracted/b"
    assert draft_graphs([CURATED, DRAFT, other_base], BASE) == {DRAFT}


def test_the_switch_reads_include_exclude_and_nothing_else() -> None:
    assert (excludes(None), excludes(""), excludes("include"), excludes("exclude")) == (
        False,
        False,
        False,
        True,
    )
    with pytest.raises(BadDrafts, match="parameter 'drafts': 'yes' is not allowed"):
        excludes("yes")


def test_left_out_graphs_are_out_of_the_default_graph_and_of_graph_patterns() -> None:
    hidden = query_dataset(GRAPHS, {DRAFT})
    assert values(query_dataset(GRAPHS, set())) == ["curated", "draft"]
    assert values(hidden) == ["curated"]
    assert values(hidden, "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }") == ["curated"]
    assert values(hidden, f"SELECT ?o WHERE {{ GRAPH <{DRAFT}> {{ ?s ?p ?o }} }}") == []


def test_a_declared_dataset_is_kept_unless_it_names_a_left_out_graph() -> None:
    assert query_dataset(GRAPHS, {DRAFT}, declared=([CURATED], [])) == QueryDataset()
    assert query_dataset(GRAPHS, {DRAFT}, protocol=([CURATED], [])) == QueryDataset((CURATED,), ())
    with pytest.raises(HiddenGraphNamed, match=DRAFT):
        query_dataset(GRAPHS, {DRAFT}, declared=([], [DRAFT]))
    with pytest.raises(HiddenGraphNamed, match=DRAFT):
        query_dataset(GRAPHS, {DRAFT}, protocol=([DRAFT], []))

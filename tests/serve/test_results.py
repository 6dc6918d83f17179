"""Capped SPARQL results are pyoxigraph's own serialisation, byte for byte, in every format:
the detour through TSV loses nothing (languages, datatypes, blank nodes, quoted triples,
unbound values, tabs and newlines inside literals) and stops at the cap."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from foerdergraph.serve.results import SOLUTION_FORMATS, capped_solutions

EX = "http://example.org/"
DATA = f"""
PREFIX ex: <{EX}>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
ex:a ex:p "Zuwendung für\\tdas \\"Projekt\\"\\nZeile zwei"@de ;
     ex:q 0 , 0.0 , false , "2020-01-01"^^xsd:date , "x"^^ex:type .
ex:b ex:p _:blank ; ex:r << ex:a ex:p ex:b >> .
_:blank ex:p "ü é ß 漢字 \\u0001" .
"""
QUERIES = {
    "terms": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "unbound": (
        f"SELECT ?s ?x WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}none> ?x }} }} ORDER BY ?s"
    ),
    "empty": f"SELECT ?s WHERE {{ ?s <{EX}none> ?o }}",
    "no variables": "SELECT * WHERE { }",
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    return store


@pytest.mark.parametrize("fmt", list(SOLUTION_FORMATS))
@pytest.mark.parametrize("query", list(QUERIES))
def test_below_the_cap_the_answer_is_pyoxigraphs_own(store: ox.Store, query: str, fmt: str) -> None:
    native = SOLUTION_FORMATS[fmt][1]
    direct = store.query(QUERIES[query]).serialize(format=native)
    capped, truncated = capped_solutions(store.query(QUERIES[query]), native, 100)
    assert capped == direct
    assert not truncated


@pytest.mark.parametrize("cap", [0, 1, 5])
def test_the_cap_keeps_the_first_rows_and_says_so(store: ox.Store, cap: int) -> None:
    native = ox.QueryResultsFormat.JSON
    every = list(store.query(QUERIES["terms"]))
    assert len(every) > cap
    body, truncated = capped_solutions(store.query(QUERIES["terms"]), native, cap)
    kept = list(ox.parse_query_results(body, format=native))
    assert truncated
    assert [str(s["o"]) for s in kept] == [str(s["o"]) for s in every[:cap]]


def test_exactly_the_cap_is_not_truncated(store: ox.Store) -> None:
    rows = len(list(store.query(QUERIES["terms"])))
    _, truncated = capped_solutions(store.query(QUERIES["terms"]), ox.QueryResultsFormat.CSV, rows)
    assert not truncated

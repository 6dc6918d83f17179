"""Counting each grant once, on the real build: the `grants` canned query against the sums the
EU beneficiary lists state themselves (one case per imported list, read straight from the source
file beside the project, not through the importer)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from foerdergraph.core.config import Settings
from foerdergraph.query.canned import load_canned_queries
from foerdergraph.query.engine import as_rows, run_query
from foerdergraph.workflows.build import BuildResult

ROOT = Path(__file__).resolve().parents[2]
LISTS = ROOT.parent / "shared" / "data" / "eu-beneficiary-lists-nrw"
GRAPH = "https://w3id.org/foerdergraph/graph/import/"


def _german(text: str) -> Decimal:
    """'1.387.266' or '48.219,50': dots group thousands, the comma is the decimal mark."""
    return Decimal(text.replace(".", "").replace(",", "."))


def _english(text: str) -> Decimal:
    """'€ 833851.95': a euro sign, then the amount with a decimal point."""
    return Decimal(text.replace("€", "").strip())


SOURCES = {
    "erdf-2007-2013": (
        "erdf-2007-2013/ERDF_NRW_2007-2013.json",
        "allocated_public_funding",
        _german,
    ),
    "erdf-2014-2020": (
        "erdf-2014-2020/ERDF_NRW_2014-2020.json",
        "bewilligte förderfähige Gesamtinvestition",
        _english,
    ),
}


def test_every_imported_list_has_a_counting_case() -> None:
    imported = {
        p.name.removesuffix(".trig.gz") for p in (ROOT / "data" / "imports").glob("*.trig.gz")
    }
    assert imported == set(SOURCES)


@pytest.fixture(scope="module")
def grant_rows(built: BuildResult, settings: Settings) -> list[dict[str, str]]:
    query = load_canned_queries(settings.queries_dir)["grants"]
    store = ox.Store.read_only(str(built.path / "store"))
    columns, values = as_rows(run_query(store, query.text, query.substitutions({})))  # type: ignore[arg-type]
    return [dict(zip(columns, row, strict=True)) for row in values]


def _grants_of(built: BuildResult, name: str) -> set[str]:
    store = ox.Store.read_only(str(built.path / "store"))
    text = (
        "SELECT ?g WHERE { GRAPH <" + GRAPH + name + "> "
        "{ ?g a <https://w3id.org/foerdergraph/ontology#Grant> } }"
    )
    return {solution["g"].value for solution in store.query(text)}  # type: ignore[union-attr]


def test_grants_lists_each_grant_once(grant_rows: list[dict[str, str]]) -> None:
    assert len(grant_rows) == len({r["grant"] for r in grant_rows})


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_grants_of_a_list_sum_to_the_source_files_own_total(
    name: str, built: BuildResult, grant_rows: list[dict[str, str]]
) -> None:
    path, column, parse = SOURCES[name]
    records = json.loads((LISTS / path).read_text(encoding="utf-8"))
    expected = sum((parse(record[column]) for record in records), Decimal(0))
    ours = _grants_of(built, name)
    listed = [r for r in grant_rows if r["grant"] in ours]
    assert len(listed) == len(records)
    assert sum((Decimal(r["amount"]) for r in listed), Decimal(0)) == expected


RWTH = "https://w3id.org/foerdergraph/id/organisation/rwth-aachen"
FG = "https://w3id.org/foerdergraph/ontology#"


def _select(store: ox.Store, text: str) -> list[dict[str, str]]:
    prefixes = f"PREFIX fg: <{FG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    solutions = store.query(prefixes + text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return [
        {v.value: s[v].value for v in solutions.variables if s[v] is not None} for s in solutions
    ]  # type: ignore[union-attr]


def test_the_rwth_units_of_the_eu_lists_roll_up_to_rwth_aachen(
    built: BuildResult, settings: Settings
) -> None:
    store = ox.Store.read_only(str(built.path / "store"))
    units = _select(
        store,
        "SELECT DISTINCT ?unit ?label ?rule WHERE { ?unit skos:prefLabel ?label . "
        'FILTER (STRSTARTS(?label, "RWTH Aachen ")) '
        "OPTIONAL { ?unit fg:subOrganisationOf ?parent ; fg:linkExplanation/fg:linkRule ?rule } }",
    )
    vetoed = {"RWTH Aachen - DWI e. V.", "RWTH Aachen Universitätsklinikum Aachen"}
    assert len(units) > 50
    assert {u["label"] for u in units if "rule" not in u} == vetoed
    assert {u["rule"] for u in units if "rule" in u} == {"rwth-unit"}
    # the roll-up: RWTH's own grants and those of every unit, each grant once
    labels = ", ".join(f'"{label}"@de' for label in vetoed)
    expected = _select(
        store,
        "SELECT (COUNT(?g) AS ?n) (SUM(?a) AS ?sum) WHERE { SELECT DISTINCT ?g ?a WHERE { "
        "?g fg:grantRecipient ?r ; fg:amount ?a . ?r skos:prefLabel ?l . "
        f"FILTER (?r = <{RWTH}> || "
        f'(STRSTARTS(?l, "RWTH Aachen ") && ?l NOT IN ({labels}))) }} }}',
    )[0]
    query = load_canned_queries(settings.queries_dir)["actor-totals"]
    columns, values = as_rows(run_query(store, query.text, query.substitutions({"actor": RWTH})))  # type: ignore[arg-type]
    (row,) = [dict(zip(columns, v, strict=True)) for v in values]
    assert (row["grants"], Decimal(row["amount"])) == (expected["n"], Decimal(expected["sum"]))
    assert int(row["own_grants"]) < int(row["grants"])

"""Running SPARQL on the store and writing results for people (table) and programs (CSV, JSON).

The default graph is the union of all named graphs unless the query names its own dataset, so a
researcher sees curated facts, reference data and inferences together and can still narrow the
view with GRAPH or FROM.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pyoxigraph as ox

from foerdergraph.core.formats import RESULT_FORMATS
from foerdergraph.query.drafts import QueryDataset

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

TABULAR_FORMATS = {f.name: f.results_format for f in RESULT_FORMATS}
EVERY_GRAPH = QueryDataset(union=True)
"""The default dataset: the union of all graphs unless the query names its own."""


def run_query(
    store: ox.Store,
    text: str,
    substitutions: Mapping[ox.Variable, Term] | None = None,
    dataset: QueryDataset = EVERY_GRAPH,
) -> Result:
    """Evaluate one query over the union of the store's graphs, or over `dataset` (the union
    without the draft graphs, `query.drafts`)."""
    return store.query(text, substitutions=dict(substitutions or {}), **dataset.store_arguments())


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    return str(term)


def as_rows(result: ox.QuerySolutions) -> tuple[list[str], list[list[str]]]:
    """Column names and plain cell values (IRIs and literal lexical forms)."""
    columns = [v.value for v in result.variables]
    return columns, [[_cell(solution[c]) for c in columns] for solution in result]


def render_table(columns: list[str], rows: list[list[str]]) -> str:
    """A fixed-width text table for the terminal (white space in cells folded)."""

    rows = [[" ".join(cell.split()) for cell in row] for row in rows]  # one line per row
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]

    def fmt(cells: list[str]) -> str:
        return " | ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True))

    out = [fmt(columns), "-+-".join("-" * w for w in widths)]
    out += [fmt(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _text(serialised: bytes | None) -> str:
    """pyoxigraph returns the bytes when given no output to write to."""
    assert serialised is not None
    return serialised.decode("utf-8")


def format_result(result: Result, fmt: str) -> str:
    """The result as text in `fmt`: table, csv, tsv, json, xml; graphs as Turtle."""
    if isinstance(result, ox.QueryTriples):
        return _text(result.serialize(format=ox.RdfFormat.TURTLE))
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return "true" if bool(result) else "false"
        return _text(result.serialize(format=TABULAR_FORMATS[fmt]))
    if fmt == "table":
        return render_table(*as_rows(result))
    buffer = io.BytesIO()
    result.serialize(buffer, format=TABULAR_FORMATS[fmt])
    return buffer.getvalue().decode("utf-8")

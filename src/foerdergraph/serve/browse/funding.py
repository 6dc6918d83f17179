"""Funding per region as a browse table: the canned query `queries/funding-by-region.rq` run with
the page's parameters (level, basis, programme, fund, years), its rows sorted as asked and
offered as HTML, CSV and JSON.

The query does the counting (each grant once per level, the rest in bins); this module only
checks the parameters, sorts the regions and keeps the bins apart, so a reader always sees how
many grants no region of the level could take beside the regional figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from foerdergraph.query.canned import CannedQuery, ParameterError
from foerdergraph.query.engine import as_rows, run_query
from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve.browse.table import BadParameter
from foerdergraph.serve.search import fold

QUERY = "funding-by-region"
LEVELS = {"regierungsbezirk": "Regierungsbezirke", "kreis": "Kreise and kreisfreie Städte"}
BASES = {
    "project": "where the project takes place",
    "recipient": "where the recipients sit (or the recipient itself, a Kreis or city)",
}
BINS = {
    "several": "in several regions of this level (counted once)",
    "coarser": "placed only more coarsely (the Land, a Regierungsbezirk, a place without key)",
    "unlocated": "no place",
}
"""The grants no single region of the level takes, in the order the page lists them."""
FILTERS = ("programme", "fund", "from_year", "to_year")
SORTABLE = ("label", "ags", "grants", "amount")
CONTROLS = ("level", "basis", *FILTERS, "_sort", "_sort_desc")


@dataclass(frozen=True)
class FundingParams:
    """The page's parameters, checked: the query's own and the sort column."""

    values: dict[str, str]
    """What goes to the query (level and basis always, filters when given)."""
    sort: str
    descending: bool

    @property
    def level(self) -> str:
        return self.values["level"]

    @property
    def basis(self) -> str:
        return self.values["basis"]

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> FundingParams:
        for name in params:
            if name not in CONTROLS:
                raise BadParameter(name, f"unknown here; the page takes {', '.join(CONTROLS)}")
        level = params.get("level") or "regierungsbezirk"
        if level not in LEVELS:
            raise BadParameter("level", f"{level!r} is not one of {', '.join(LEVELS)}")
        basis = params.get("basis") or "project"
        if basis not in BASES:
            raise BadParameter("basis", f"{basis!r} is not one of {', '.join(BASES)}")
        if "_sort" in params and "_sort_desc" in params:
            raise BadParameter("_sort_desc", "give either _sort or _sort_desc, not both")
        sort = params.get("_sort") or params.get("_sort_desc") or "amount"
        if sort not in SORTABLE:
            name = "_sort" if "_sort" in params else "_sort_desc"
            raise BadParameter(
                name, f"{sort!r} is not a column; sortable are {', '.join(SORTABLE)}"
            )
        values = {"level": level, "basis": basis}
        values.update({k: params[k] for k in FILTERS if params.get(k)})
        return cls(values, sort, "_sort" not in params)


@dataclass(frozen=True)
class RegionRow:
    """One row of the answer: a region of the level, or one of the bins (`iri` empty)."""

    bin: str
    iri: str
    label: str
    ags: str
    grants: int
    amount: Decimal

    def record(self) -> dict[str, object]:
        return {
            "bin": self.bin,
            "iri": self.iri or None,
            "label": self.label,
            "ags": self.ags or None,
            "grants": self.grants,
            "amount": float(self.amount),
        }


@dataclass(frozen=True)
class FundingTable:
    """The regions of a level, sorted, and the bins, with the totals of both."""

    params: FundingParams
    regions: list[RegionRow]
    rest: list[RegionRow]

    @property
    def rows(self) -> list[RegionRow]:
        return [*self.regions, *self.rest]

    @property
    def grants(self) -> int:
        return sum(r.grants for r in self.rows)

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal(0))

    @property
    def in_regions(self) -> int:
        return sum(r.grants for r in self.regions)

    def as_json(self) -> dict[str, object]:
        return {
            "query": QUERY,
            "parameters": self.params.values,
            "sort": self.params.sort,
            "descending": self.params.descending,
            "grants": self.grants,
            "amount": float(self.amount),
            "regions": [r.record() for r in self.regions],
            "rest": [r.record() for r in self.rest],
        }

    def as_csv(self) -> str:
        """Every row, regions first; the bins have no IRI and no key."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["bin", "iri", "label", "ags", "grants", "amount"])
        for row in self.rows:
            writer.writerow([row.bin, row.iri, row.label, row.ags, row.grants, row.amount])
        return out.getvalue()


def funding_table(store: QuadSource, query: CannedQuery, params: FundingParams) -> FundingTable:
    """Run the query (under a second on the project's build) and sort its regions; `store` is
    the release's store or, with the drafts left out, its view without them."""
    try:
        bindings = query.substitutions(params.values)
    except ParameterError as error:
        name = next((k for k in params.values if f"parameter {k!r}: " in str(error)), "?")
        raise BadParameter(name, str(error).removeprefix(f"parameter {name!r}: ")) from error
    columns, values = as_rows(run_query(store, query.text, bindings))  # type: ignore[arg-type]
    records = [dict(zip(columns, row, strict=True)) for row in values]
    rows = [
        RegionRow(
            bin=r["bin"],
            iri=r["region"],
            label=r["label"] if r["bin"] == "region" else BINS.get(r["bin"], r["bin"]),
            ags=r["ags"],
            grants=int(r["grants"]),
            amount=Decimal(r["amount"]),
        )
        for r in records
    ]
    regions = [r for r in rows if r.bin == "region"]
    regions.sort(key=lambda r: fold(r.label))  # ties stay in name order
    if params.sort != "label" or params.descending:
        regions.sort(key=lambda r: _key(r, params.sort), reverse=params.descending)
    rest = sorted((r for r in rows if r.bin != "region"), key=lambda r: list(BINS).index(r.bin))
    return FundingTable(params, regions, rest)


def _key(row: RegionRow, column: str) -> str | int | Decimal:
    if column == "label":
        return fold(row.label)
    if column == "ags":
        return row.ags
    return row.grants if column == "grants" else row.amount

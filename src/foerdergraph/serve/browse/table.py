"""One view of a browse list, as its query string asks (Datasette's table view is the model):
facet filters (`type=<IRI>`), a name filter (`q`), sorting (`_sort` / `_sort_desc`), paging
(`_page`, `_size`); and the same rows as CSV (every matching row) or JSON (the page).

Parameters are checked before any work: a bad one is a `BadParameter` naming it (→ 400).
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from foerdergraph.serve.browse.lists import Catalogue, Item
from foerdergraph.serve.search import fold

DEFAULT_SIZE = 50
MAX_SIZE = 500
FACET_VALUES = 30
"""Facet values shown per facet (the most frequent); the JSON has them all."""
CONTROLS = ("q", "_sort", "_sort_desc", "_page", "_size")


class BadParameter(ValueError):
    """A query-string parameter a list does not take, or a value it cannot use."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"parameter {name!r}: {problem}")
        self.name = name


@dataclass(frozen=True)
class ListParams:
    """A list view's parameters, checked."""

    filters: dict[str, str]
    text: str
    sort: str
    descending: bool
    page: int
    size: int

    @classmethod
    def parse(cls, catalogue: Catalogue, params: Mapping[str, str]) -> ListParams:
        spec = catalogue.spec
        for name in params:
            if name not in CONTROLS and name not in spec.facets:
                known = ", ".join([*CONTROLS, *spec.facets])
                raise BadParameter(name, f"unknown here; {spec.name} takes {known}")
        if "_sort" in params and "_sort_desc" in params:
            raise BadParameter("_sort_desc", "give either _sort or _sort_desc, not both")
        columns = sortable(catalogue)
        first = next(iter(spec.measures), "label")
        descending = "_sort" not in params
        sort = params.get("_sort") or params.get("_sort_desc") or first
        if sort not in columns:
            name = "_sort" if "_sort" in params else "_sort_desc"
            raise BadParameter(name, f"{sort!r} is not a column; sortable are {', '.join(columns)}")
        return cls(
            filters={k: v for k, v in params.items() if k in spec.facets},
            text=fold(params.get("q", "")),
            sort=sort,
            descending=descending,
            page=_positive(params, "_page", 1, None),
            size=_positive(params, "_size", DEFAULT_SIZE, MAX_SIZE),
        )


def _positive(params: Mapping[str, str], name: str, default: int, most: int | None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (most is not None and int(raw) > most):
        upper = f" up to {most}" if most else ""
        raise BadParameter(name, f"{raw!r} is not a whole number from 1{upper}")
    return int(raw)


def sortable(catalogue: Catalogue) -> list[str]:
    """Columns a list sorts by: the name, each measure's count, each summed measure's total."""
    return ["label", *catalogue.spec.measures, *(f"{m}_amount" for m in catalogue.summed)]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class View:
    """What a list page shows: the matching items (all, sorted), this page of them, facets."""

    catalogue: Catalogue
    params: ListParams
    matching: list[Item]
    facets: dict[str, list[FacetValue]]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.matching) / self.params.size))

    @property
    def rows(self) -> list[Item]:
        start = (self.params.page - 1) * self.params.size
        return self.matching[start : start + self.params.size]

    def record(self, item: Item) -> dict[str, object]:
        """One item as a flat record: the columns of the CSV and the JSON rows."""
        record: dict[str, object] = {"iri": item.iri, "label": item.label}
        for measure in self.catalogue.spec.measures:
            record[measure] = item.count(measure)
        for measure in self.catalogue.summed:
            total = item.total(measure)
            record[f"{measure}_amount"] = None if total is None else float(total)
        for facet in self.catalogue.spec.facets:
            record[facet] = sorted(self.label(v) for v in item.facets.get(facet, ()))
        return record

    def label(self, value: str) -> str:
        return self.catalogue.value_labels.get(value, value)

    def as_json(self) -> dict[str, object]:
        return {
            "list": self.catalogue.spec.name,
            "title": self.catalogue.spec.title,
            "total": len(self.matching),
            "page": self.params.page,
            "pages": self.pages,
            "size": self.params.size,
            "sort": self.params.sort,
            "descending": self.params.descending,
            "filters": self.params.filters,
            "rows": [self.record(item) for item in self.rows],
            "facets": {
                facet: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
                for facet, values in self.facets.items()
            },
        }

    def as_csv(self) -> str:
        """Every matching row (not only this page), facet values joined by " | "."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns())
        for item in self.matching:
            record = self.record(item)
            writer.writerow(
                [
                    " | ".join(v) if isinstance(v, list) else "" if v is None else v
                    for v in record.values()
                ]
            )
        return out.getvalue()

    def columns(self) -> list[str]:
        spec = self.catalogue.spec
        summed = [f"{m}_amount" for m in self.catalogue.summed]
        return ["iri", "label", *spec.measures, *summed, *spec.facets]


def view(catalogue: Catalogue, params: ListParams) -> View:
    """Filter, count the facets of what is left, sort."""
    matching = [
        item
        for item in catalogue.items
        if all(value in item.facets.get(f, ()) for f, value in params.filters.items())
        and (not params.text or params.text in item.folded)
    ]
    facets = {}
    for facet in catalogue.spec.facets:
        counts = Counter(v for item in matching for v in item.facets.get(facet, ()))
        facets[facet] = [
            FacetValue(v, catalogue.value_labels.get(v, v), n, params.filters.get(facet) == v)
            for v, n in sorted(counts.items(), key=lambda vn: (-vn[1], vn[0]))
        ]
    # by name first: a stable sort (also with reverse=True) keeps ties in name order
    matching.sort(
        key=lambda item: item.folded, reverse=params.sort == "label" and params.descending
    )
    if params.sort != "label":
        matching.sort(key=lambda item: _sort_key(item, params.sort), reverse=params.descending)
    return View(catalogue, params, matching, facets)


def _sort_key(item: Item, column: str) -> Decimal:
    if column.endswith("_amount"):
        return item.total(column.removesuffix("_amount")) or Decimal(0)
    return Decimal(item.count(column))

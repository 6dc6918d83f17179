"""How well `match` decides: precision and recall on a table of name variants.

The table (TSV: variant, expected_id, kind, unambiguous) names, for each way a spreadsheet may
write an actor, the actor meant and whether the variant names it unambiguously (a sub-unit such as
"Bezirksregierung Münster, Dezernat 34" does not: it must find its body first, but not as a
certain match). A `match: true` is right when its candidate is the expected actor and the variant
is unambiguous; recall is over the unambiguous variants.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from foerdergraph.core.errors import InputError, InputProblem
from foerdergraph.reconcile.index import Index
from foerdergraph.reconcile.matching import Query, reconcile

COLUMNS = ["variant", "expected_id", "kind", "unambiguous"]


@dataclass(frozen=True)
class Variant:
    text: str
    expected_id: str
    kind: str
    unambiguous: bool


@dataclass
class Report:
    """The counts behind precision and recall, and the variants whose actor was not first."""

    variants: int = 0
    first: int = 0
    true_matches: int = 0
    false_matches: int = 0
    unambiguous: int = 0
    not_first: list[tuple[Variant, str | None]] = field(default_factory=list)
    wrong_matches: list[Variant] = field(default_factory=list)

    @property
    def precision(self) -> float:
        answered = self.true_matches + self.false_matches
        return self.true_matches / answered if answered else 1.0

    @property
    def recall(self) -> float:
        return self.true_matches / self.unambiguous if self.unambiguous else 1.0


def read_variants(path: Path) -> list[Variant]:
    """The variant table; a wrong header or a row without its four cells is an InputError."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or rows[0] != COLUMNS:
        raise InputError([InputProblem(path, "line 1", f"the header must be {COLUMNS}")])
    variants = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS) or row[3] not in ("yes", "no"):
            raise InputError(
                [InputProblem(path, f"line {number}", f"expected 4 cells, last yes/no: {row!r}")]
            )
        variants.append(Variant(row[0], row[1], row[2], row[3] == "yes"))
    return variants


def evaluate(index: Index, variants: list[Variant]) -> Report:
    """Reconcile every variant alone (no type, no properties) and count the outcomes."""
    report = Report()
    for variant in variants:
        found = reconcile(index, Query(variant.text, limit=5))
        top = found[0] if found else None
        report.variants += 1
        report.unambiguous += variant.unambiguous
        if top is not None and top.entity.id == variant.expected_id:
            report.first += 1
        else:
            report.not_first.append((variant, top.entity.id if top else None))
        if top is not None and top.match:
            if top.entity.id == variant.expected_id and variant.unambiguous:
                report.true_matches += 1
            else:
                report.false_matches += 1
                report.wrong_matches.append(variant)
    return report

"""`foerdergraph eval` (`make eval`): score the extractor and show what it misses and invents.

Sets: the shared devset (`../shared/devset/docs` + `gold`), reported as a whole and as its five
original texts and its ten later ones apart; and the five seeds (`../shared/seeds` + the
project's own `tests/gold/seeds`). Figures come from the shared scorer itself (`score_doc`,
imported from `../shared/tools/score_extraction.py`), so they are the figures everyone reports;
the lists of missed and spurious items are computed here with the scorer's own name matching.
The registry in data/ is the gazetteer, as `extract` uses it; `--no-registry` scores the rules
alone.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from foerdergraph.core.config import Settings
from foerdergraph.extract.contract import to_json
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.pipeline import extract_file

SCORER = Path("tools") / "score_extraction.py"
ORIGINAL = ("02_", "04_", "08_", "11_", "14_")
"""The devset's first five texts; the extractor's rules were first written on them."""
KINDS = ("organisations", "persons", "programmes", "projects")


@dataclass
class DocReport:
    """One document's score (the scorer's `Score`) and the items behind it."""

    slug: str
    score: Any
    missed: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)
    mistyped: list[str] = field(default_factory=list)
    failed: bool = False


@dataclass
class EvalSet:
    label: str
    gold: Path
    docs: Path
    groups: tuple[tuple[str, tuple[str, ...] | None, bool], ...] = (("all", None, False),)
    """(label, slug prefixes or None for all, exclude those prefixes instead)."""


def load_scorer(shared: Path) -> ModuleType:
    """The shared scorer as a module (its matching rules are the measure)."""
    spec = importlib.util.spec_from_file_location("score_extraction", shared / SCORER)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(shared / SCORER)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_extraction", module)
    spec.loader.exec_module(module)
    return module


def eval_sets(settings: Settings, shared: Path) -> list[EvalSet]:
    devset_groups = (
        ("all", None, False),
        ("devset, original five", ORIGINAL, False),
        ("devset, new ten", ORIGINAL, True),
    )
    return [
        EvalSet("devset", shared / "devset" / "gold", shared / "devset" / "docs", devset_groups),
        EvalSet("seeds", settings.home / "tests" / "gold" / "seeds", shared / "seeds"),
    ]


def _name(item: Any) -> str:
    return item.get("name", "") if isinstance(item, dict) else str(item)


def explain(scorer: ModuleType, gold: dict, pred: dict) -> DocReport:
    """Score one document with the scorer and list missed, spurious and mistyped items.

    The lists follow the scorer's loop exactly (first unmatched gold item wins, optional items
    neither count nor show), so their lengths are the scorer's fn and fp."""
    score = scorer.Score()
    scorer.score_doc(gold, pred, score)
    report = DocReport(gold.get("doc", ""), score)
    entities = scorer.gold_entities(gold)
    for kind in KINDS:
        wanted = [e for e in entities if e.kind == kind]
        found: set[int] = set()
        spurious = []
        for item in pred.get(kind) or []:
            name = _name(item)
            hit = next(
                (
                    i
                    for i, e in enumerate(wanted)
                    if i not in found and scorer.matches(name, e.forms)
                ),
                None,
            )
            if hit is None:
                if not any(e.optional and scorer.matches(name, e.forms) for e in entities):
                    spurious.append(name)
                continue
            found.add(hit)
            want = wanted[hit]
            typed = kind == "organisations" and want.type and not want.optional
            if typed and item.get("type") != want.type:
                report.mistyped.append(f"{name}: {item.get('type')} (gold {want.type})")
        report.spurious[kind] = spurious
        report.missed[kind] = [
            e.forms[0] for i, e in enumerate(wanted) if i not in found and not e.optional
        ]
    gold_rels = gold.get("relations") or []
    used: set[int] = set()
    spurious = []
    for rel in pred.get("relations") or []:
        s = scorer.resolve(rel.get("subject", ""), entities)
        o = scorer.resolve(rel.get("object", ""), entities)
        hit = None
        if rel.get("predicate") in scorer.PREDICATES and s and o:
            for i, g in enumerate(gold_rels):
                if i in used or g["predicate"] != rel["predicate"]:
                    continue
                if scorer.matches(g["subject"], s.forms) and scorer.matches(g["object"], o.forms):
                    hit = i
                    break
        if hit is None:
            spurious.append(_triple(rel) + f"  [{rel.get('cue', '')}]")
        else:
            used.add(hit)
    report.spurious["relations"] = spurious
    report.missed["relations"] = [
        _triple(g) for i, g in enumerate(gold_rels) if i not in used and not g.get("optional")
    ]
    return report


def _triple(rel: dict) -> str:
    return f"{rel.get('subject')} --{rel.get('predicate')}-> {rel.get('object')}"


def predict(doc: Path, gazetteer: Gazetteer, base: str) -> dict | None:
    try:
        return to_json(extract_file(doc, gazetteer, base))
    except Exception as err:  # a failing document scores as nothing found
        print(f"FAILED {doc.name}: {err}", file=sys.stderr)
        return None


def score_set(
    scorer: ModuleType,
    eval_set: EvalSet,
    gazetteer: Gazetteer,
    base: str,
    only: tuple[str, ...] = (),
) -> list[DocReport]:
    reports = []
    for gold_file in sorted(eval_set.gold.glob("*.yaml")):
        if only and not gold_file.stem.startswith(only):
            continue
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
        gold.setdefault("doc", gold_file.stem)
        pred = predict(eval_set.docs / f"{gold_file.stem}.txt", gazetteer, base)
        report = explain(scorer, gold, pred or {})
        report.slug = gold_file.stem
        report.failed = pred is None
        reports.append(report)
    return reports


def _prf(c: Any) -> str:
    p, r, f = c.prf()
    return f"{p:6.2f}{r:6.2f}{f:6.2f}{c.tp:5}{c.fp:5}{c.fn:5}"


def total(scorer: ModuleType, reports: list[DocReport]) -> Any:
    result = scorer.Score()
    for report in reports:
        for kind in scorer.SCORED_KINDS:
            result.by_kind[kind].add(report.score.by_kind[kind])
        result.relations.add(report.score.relations)
        result.types_right += report.score.types_right
        result.types_total += report.score.types_total
    return result


def print_table(scorer: ModuleType, label: str, reports: list[DocReport]) -> None:
    """The scorer's table for a group of documents, then one summary line to grep."""
    score = total(scorer, reports)
    print(f"-- {label} ({len(reports)} documents)")
    print(f"{'kind':<15}{'P':>6}{'R':>6}{'F1':>6}{'tp':>5}{'fp':>5}{'fn':>5}")
    entities = scorer.Counts()
    for kind in scorer.SCORED_KINDS:
        entities.add(score.by_kind[kind])
        print(f"{kind:<15}{_prf(score.by_kind[kind])}")
    print(f"{'ENTITIES':<15}{_prf(entities)}")
    print(f"{'RELATIONS':<15}{_prf(score.relations)}")
    acc = score.types_right / score.types_total if score.types_total else 0.0
    print(f"organisation type accuracy {acc:.2f} ({score.types_right}/{score.types_total})")
    failed = sum(r.failed for r in reports)
    print(
        f"summary {label.replace(' ', '_').replace(',', '')}: entity_f1={entities.prf()[2]:.3f} "
        f"relation_f1={score.relations.prf()[2]:.3f} type_acc={acc:.3f} failed_docs={failed}"
    )


def print_document(scorer: ModuleType, report: DocReport) -> None:
    """Per kind P/R/F1 of one document, then what it missed and what it invented."""
    score = report.score
    parts = []
    for kind in scorer.SCORED_KINDS:
        p, r, f = score.by_kind[kind].prf()
        parts.append(f"{kind[:5]} {p:.2f}/{r:.2f}/{f:.2f}")
    p, r, f = score.relations.prf()
    parts.append(f"rel {p:.2f}/{r:.2f}/{f:.2f}")
    print(f"{report.slug}{'  FAILED' if report.failed else ''}")
    print("   P/R/F1  " + "  ".join(parts))
    for label, lists in (("missed", report.missed), ("spurious", report.spurious)):
        for kind, items in lists.items():
            for item in items:
                print(f"   {label:<8} {kind[:-1] if kind.endswith('s') else kind}: {item}")
    for item in report.mistyped:
        print(f"   mistyped organisation: {item}")


def run_eval(
    settings: Settings,
    shared: Path | None = None,
    use_registry: bool = True,
    only: tuple[str, ...] = (),
    details: bool = True,
) -> int:
    shared = shared or settings.home.parent / "shared"
    if not (shared / SCORER).is_file():
        print(f"eval: scorer not found at {shared / SCORER}", file=sys.stderr)
        return 3
    scorer = load_scorer(shared)
    gazetteer = Gazetteer.from_data_dir(settings.data_dir) if use_registry else Gazetteer([])
    mode = "rules + registry gazetteer" if use_registry else "rules only (no registry)"
    for eval_set in eval_sets(settings, shared):
        if not eval_set.gold.is_dir() or not eval_set.docs.is_dir():
            print(f"eval: {eval_set.label}: {eval_set.gold} or {eval_set.docs} missing")
            continue
        reports = score_set(scorer, eval_set, gazetteer, settings.base_iri, only)
        if not reports:
            continue
        print(f"== {eval_set.label} ({len(reports)} documents, {mode})")
        if details:
            for report in reports:
                print_document(scorer, report)
            print()
        for label, prefixes, exclude in eval_set.groups:
            group = [
                r for r in reports if prefixes is None or r.slug.startswith(prefixes) != exclude
            ]
            if group:
                label = eval_set.label if label == "all" else label
                print_table(scorer, label, group)
        print()
    return 0

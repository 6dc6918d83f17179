"""`foerdergraph eval` (`make eval`): score the extractor and show what it misses and invents.

Sets: the shared devset (`../shared/devset/docs` + `gold`), reported as a whole and as its five
original texts and its ten later ones apart; and the five seeds (`../shared/seeds` + the
project's own `tests/gold/seeds`). Figures come from the shared scorer itself (`score_doc`,
imported from `../shared/tools/score_extraction.py`), so they are the figures everyone reports;
the lists of missed and spurious items are computed here with the scorer's own name matching.
The registry in data/ is the gazetteer, as `extract` uses it; `--no-registry` scores the rules
alone.

Every set is printed with what it may say (`EvalSet.status`): the seeds and the devset are TUNED
ON (the rules were written while reading them), so their figures show what the extractor does on
known text, not on new text. The learned relation model (`learned.py`) is scored by leave-one-
document-out cross-validation over the devset (`cross_validated`), so it is never scored on a
text it was trained on. Texts nobody working on the extractor has read are scored with
`--held-out DIR` (`DIR/docs/*.txt`, `DIR/gold/*.yaml`): nothing is tuned or trained on them, and
a text that is also in the devset or the seeds is refused.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from foerdergraph.core.config import Settings
from foerdergraph.extract.contract import to_json
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.learned import RelationModel, propose
from foerdergraph.extract.model import Extraction
from foerdergraph.extract.pipeline import extract_file
from foerdergraph.extract.training import cross_validate, fit, training_doc

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
    end_not_found: int = 0
    """Missed relations with an end no extracted entity matches: an entity miss, which no
    relation rule or model can make up for."""
    failed: bool = False


@dataclass
class EvalSet:
    label: str
    gold: Path
    docs: Path
    groups: tuple[tuple[str, tuple[str, ...] | None, bool], ...] = (("all", None, False),)
    """(label, slug prefixes or None for all, exclude those prefixes instead)."""
    status: str = "TUNED ON"
    """What the figures may claim: TUNED ON (rules written while reading these texts) or
    HELD OUT (nobody working on the extractor has read them)."""
    note: str = ""


TUNED_DEVSET = (
    "the rules were changed while reading all 15 texts with their gold (02-14 first, then 21-29; "
    "31-39 were held out until their first score, then read); these figures are not a measure "
    "of unseen text"
)
TUNED_SEEDS = "the rules were written on these texts and their gold"
HISTORY = (
    "held-out figures from before reading (docs/extraction.md): 31-39 entity F1 0.72-0.73, "
    "relation F1 0.00; the issue's unseen texts: entity F1 0.74-0.77, relation F1 0.10-0.18"
)


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
    devset = shared / "devset"
    return [
        EvalSet("devset", devset / "gold", devset / "docs", devset_groups, note=TUNED_DEVSET),
        EvalSet(
            "seeds", settings.home / "tests" / "gold" / "seeds", shared / "seeds", note=TUNED_SEEDS
        ),
    ]


def held_out_set(folder: Path, known: list[EvalSet]) -> EvalSet:
    """The held-out set in `folder`; refused (ValueError) when one of its texts is also a text
    of a tuned-on set, which would make it no held-out text at all."""
    seen = {_digest(p): p.name for k in known if k.docs.is_dir() for p in k.docs.glob("*.txt")}
    clashes = [
        f"{p.name} = {seen[_digest(p)]}"
        for p in sorted(folder.glob("docs/*.txt"))
        if _digest(p) in seen
    ]
    if clashes:
        raise ValueError("held-out texts that are tuned-on texts: " + ", ".join(clashes))
    note = "nobody working on the extractor has read these texts; nothing is tuned on them"
    return EvalSet("held-out", folder / "gold", folder / "docs", status="HELD OUT", note=note)


def _digest(path: Path) -> str:
    """A text's fingerprint with white space collapsed, so a re-wrapped copy is the same text."""
    return hashlib.sha256(
        " ".join(path.read_text(encoding="utf-8", errors="replace").split()).encode()
    ).hexdigest()


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
    missed = [g for i, g in enumerate(gold_rels) if i not in used and not g.get("optional")]
    report.missed["relations"] = [_triple(g) for g in missed]
    names = [_name(item) for kind in scorer.ENTITY_KINDS for item in pred.get(kind) or []]
    report.end_not_found = sum(
        not (
            _found(scorer, g["subject"], entities, names)
            and _found(scorer, g["object"], entities, names)
        )
        for g in missed
    )
    return report


def _found(scorer: ModuleType, gold_name: str, entities: list, names: list[str]) -> bool:
    """Whether some extracted entity (of any kind) matches the gold entity named `gold_name`."""
    entity = scorer.resolve(gold_name, entities)
    forms = entity.forms if entity else [gold_name]
    return any(scorer.matches(name, forms) for name in names)


def _triple(rel: dict) -> str:
    return f"{rel.get('subject')} --{rel.get('predicate')}-> {rel.get('object')}"


def predict(
    doc: Path, gazetteer: Gazetteer, base: str, model: RelationModel | None = None
) -> Extraction | None:
    try:
        return extract_file(doc, gazetteer, base, model)
    except Exception as err:  # a failing document scores as nothing found
        print(f"FAILED {doc.name}: {err}", file=sys.stderr)
        return None


@dataclass
class Scored:
    """One document of a set: its gold, the extraction scored, and the report."""

    gold: dict
    extraction: Extraction | None
    report: DocReport


def score_set(
    scorer: ModuleType,
    eval_set: EvalSet,
    gazetteer: Gazetteer,
    base: str,
    only: tuple[str, ...] = (),
    model: RelationModel | None = None,
) -> list[Scored]:
    scored = []
    for gold_file in sorted(eval_set.gold.glob("*.yaml")):
        if only and not gold_file.stem.startswith(only):
            continue
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
        gold.setdefault("doc", gold_file.stem)
        extraction = predict(eval_set.docs / f"{gold_file.stem}.txt", gazetteer, base, model)
        report = explain(scorer, gold, to_json(extraction) if extraction else {})
        report.slug = gold_file.stem
        report.failed = extraction is None
        scored.append(Scored(gold, extraction, report))
    return scored


def cross_validated(scorer: ModuleType, scored: list[Scored]) -> dict[str, list[DocReport]]:
    """Leave-one-document-out reports of the relation model: each document scored with a model
    trained on all the others, added to the rules ("rules + model") and on its own ("model
    alone"). The extractions must be the rules' own (no model applied)."""
    docs = [
        training_doc(scorer, s.report.slug, s.gold, s.extraction) for s in scored if s.extraction
    ]
    models = cross_validate(docs)
    golds = {s.report.slug: s.gold for s in scored}
    out: dict[str, list[DocReport]] = {"rules+model": [], "model alone": []}
    for doc in docs:
        ex = doc.extraction
        learned = propose(models[doc.slug], ex.text, ex.entities, ex.relations)
        alone = propose(models[doc.slug], ex.text, ex.entities, [])
        for label, relations in (("rules+model", ex.relations + learned), ("model alone", alone)):
            report = explain(scorer, golds[doc.slug], to_json(replace(ex, relations=relations)))
            report.slug = doc.slug
            out[label].append(report)
    return out


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
    lost = sum(r.end_not_found for r in reports)
    print(f"relations missed because an end entity was not found: {lost} of {score.relations.fn}")
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


@dataclass
class EvalOptions:
    """What `foerdergraph eval` scores and how."""

    shared: Path | None = None
    use_registry: bool = True
    only: tuple[str, ...] = ()
    details: bool = True
    held_out: Path | None = None
    """A folder of texts nobody here has read (docs/ and gold/), scored apart."""
    model: RelationModel | None = None
    """A trained relation model applied to every set (its training texts are flagged)."""


def run_eval(settings: Settings, options: EvalOptions | None = None) -> int:
    options = options or EvalOptions()
    shared = options.shared or settings.home.parent / "shared"
    if not (shared / SCORER).is_file():
        print(f"eval: scorer not found at {shared / SCORER}", file=sys.stderr)
        return 3
    scorer = load_scorer(shared)
    gazetteer = (
        Gazetteer.from_data_dir(settings.data_dir) if options.use_registry else Gazetteer([])
    )
    sets = eval_sets(settings, shared)
    if options.held_out is not None:
        try:
            sets.append(held_out_set(options.held_out, sets))
        except ValueError as err:
            print(f"eval: {err}", file=sys.stderr)
            return 1
    mode = "rules + registry gazetteer" if options.use_registry else "rules only (no registry)"
    if options.model is not None:
        mode += " + relation model"
    for eval_set in sets:
        if not eval_set.gold.is_dir() or not eval_set.docs.is_dir():
            print(f"eval: {eval_set.label}: {eval_set.gold} or {eval_set.docs} missing")
            continue
        scored = score_set(
            scorer, eval_set, gazetteer, settings.base_iri, options.only, options.model
        )
        if scored:
            _print_set(scorer, eval_set, scored, mode, options)
        if scored and eval_set.label == "devset" and len(scored) > 2:
            rules_only = (
                scored
                if options.model is None
                else score_set(scorer, eval_set, gazetteer, settings.base_iri, options.only)
            )
            _print_cross_validated(scorer, rules_only)
    if options.held_out is None:
        print("== held-out: none given (--held-out DIR); the project holds no annotated text")
        print(f"   that nobody here has read. {HISTORY}")
    return 0


def train_on_devset(settings: Settings, shared: Path) -> RelationModel:
    """The relation model trained on every devset text (rules and registry as `extract` runs)."""
    scorer = load_scorer(shared)
    devset = eval_sets(settings, shared)[0]
    gazetteer = Gazetteer.from_data_dir(settings.data_dir)
    scored = score_set(scorer, devset, gazetteer, settings.base_iri)
    return fit(
        [training_doc(scorer, s.report.slug, s.gold, s.extraction) for s in scored if s.extraction]
    )


def _print_set(
    scorer: ModuleType,
    eval_set: EvalSet,
    scored: list[Scored],
    mode: str,
    options: EvalOptions,
) -> None:
    reports = [s.report for s in scored]
    print(f"== {eval_set.label} ({len(reports)} documents, {mode})")
    print(f"   {eval_set.status}: {eval_set.note}")
    trained = sorted(
        {r.slug for r in reports} & set(options.model.trained_on if options.model else [])
    )
    if trained:
        print(f"   the relation model was trained on {len(trained)} of these: {', '.join(trained)}")
    if options.details:
        for report in reports:
            print_document(scorer, report)
        print()
    for label, prefixes, exclude in eval_set.groups:
        group = [r for r in reports if prefixes is None or r.slug.startswith(prefixes) != exclude]
        if group:
            print_table(scorer, eval_set.label if label == "all" else label, group)
    print()


def _print_cross_validated(scorer: ModuleType, scored: list[Scored]) -> None:
    print(
        f"== devset, relation model CROSS-VALIDATED (leave one document out, {len(scored)} folds)"
    )
    print("   each text scored by a model trained on the other texts; the rules and entities in")
    print("   'rules+model' are still tuned on all of them, 'model alone' shows what was learned")
    for label, reports in cross_validated(scorer, scored).items():
        print_table(scorer, f"devset cv {label}", reports)
    print()

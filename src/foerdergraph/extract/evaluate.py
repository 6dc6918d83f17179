"""`foerdergraph eval` (`make eval`): score the extractor with the shared scorer.

Two sets: the shared devset (`../shared/devset/docs` + `gold`) and the five seeds
(`../shared/seeds` + the project's own `tests/gold/seeds`). Predictions are made in-process and
written as `<slug>.json` for the scorer's `--pred` mode, which is the same scoring as its
`--cmd` mode without starting one process per document. The registry in data/ is used as the
gazetteer, as `extract` does; `--no-registry` scores the rules alone (the seeds' entities are
all in the registry, so only that figure says how the rules do on the seeds).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from foerdergraph.core.config import Settings
from foerdergraph.extract.contract import to_json
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.pipeline import extract_file

SCORER = Path("tools") / "score_extraction.py"


def eval_sets(settings: Settings, shared: Path) -> list[tuple[str, Path, Path]]:
    """(label, gold dir, docs dir) of each evaluation set."""
    return [
        ("devset", shared / "devset" / "gold", shared / "devset" / "docs"),
        ("seeds", settings.home / "tests" / "gold" / "seeds", shared / "seeds"),
    ]


def predict(gold: Path, docs: Path, out: Path, gazetteer: Gazetteer, base: str) -> int:
    """Write one prediction per gold file; returns how many documents failed."""
    failed = 0
    for gold_file in sorted(gold.glob("*.yaml")):
        doc = docs / f"{gold_file.stem}.txt"
        try:
            result = to_json(extract_file(doc, gazetteer, base))
        except Exception as err:  # a failing document scores as nothing found
            print(f"FAILED {doc.name}: {err}", file=sys.stderr)
            failed += 1
            continue
        (out / f"{gold_file.stem}.json").write_text(json.dumps(result, ensure_ascii=False))
    return failed


def run_eval(settings: Settings, shared: Path | None = None, use_registry: bool = True) -> int:
    shared = shared or settings.home.parent / "shared"
    scorer = shared / SCORER
    if not scorer.is_file():
        print(f"eval: scorer not found at {scorer}", file=sys.stderr)
        return 3
    gazetteer = Gazetteer.from_data_dir(settings.data_dir) if use_registry else Gazetteer([])
    mode = "rules + registry gazetteer" if use_registry else "rules only (no registry)"
    for label, gold, docs in eval_sets(settings, shared):
        if not gold.is_dir() or not docs.is_dir():
            print(f"eval: {label}: {gold} or {docs} missing", file=sys.stderr)
            return 3
        with tempfile.TemporaryDirectory() as tmp:
            predict(gold, docs, Path(tmp), gazetteer, settings.base_iri)
            print(f"== {label} ({len(list(gold.glob('*.yaml')))} documents, {mode})")
            sys.stdout.flush()
            proc = subprocess.run(
                [sys.executable, str(scorer), "--gold", str(gold), "--pred", tmp, "--per-doc"],
                check=False,
            )
            if proc.returncode != 0:
                return 1
        print()
    return 0

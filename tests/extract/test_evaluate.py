"""The evaluation protocol: tuned-on sets say so, the learned model is scored only on texts it was
not trained on, a held-out folder is scored apart and refused when it repeats a tuned-on text."""

from __future__ import annotations

from pathlib import Path

import pytest

from foerdergraph.cli import main
from foerdergraph.extract.evaluate import EvalSet, held_out_set

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
needs_devset = pytest.mark.skipif(
    not (SHARED / "devset").is_dir(), reason="../shared/devset is not beside the project"
)


def folder(root: Path, texts: dict[str, str]) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "gold").mkdir()
    for slug, text in texts.items():
        (root / "docs" / f"{slug}.txt").write_text(text, encoding="utf-8")
        (root / "gold" / f"{slug}.yaml").write_text(f"doc: {slug}\n", encoding="utf-8")
    return root


def test_a_held_out_text_that_is_a_tuned_on_text_is_refused(tmp_path: Path) -> None:
    tuned = folder(tmp_path / "devset", {"a": "Der Kreis Musterland fördert das Projekt."})
    known = [EvalSet("devset", tuned / "gold", tuned / "docs")]
    copy = folder(tmp_path / "new", {"x": "Der Kreis  Musterland fördert\ndas Projekt."})
    with pytest.raises(ValueError, match=r"x\.txt = a\.txt"):
        held_out_set(copy, known)
    fresh = folder(tmp_path / "fresh", {"y": "Die Stadt Beispielstadt erhält 1 Mio. Euro."})
    held = held_out_set(fresh, known)
    assert held.status == "HELD OUT" and held.docs == fresh / "docs"


@needs_devset
def test_eval_labels_tuned_on_sets_and_cross_validates_the_model(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    held = folder(tmp_path / "held", {"z": "Die Bezirksregierung Arnsberg fördert den Kreis Olpe."})
    assert main(["eval", "--brief", "--held-out", str(held)]) == 0
    out = capfd.readouterr().out
    assert "TUNED ON: the rules were changed while reading all 15 texts" in out
    assert "== devset, relation model CROSS-VALIDATED (leave one document out, 15 folds)" in out
    assert "summary devset_cv_model_alone:" in out and "summary devset_cv_rules+model:" in out
    assert "HELD OUT: nobody working on the extractor has read these texts" in out
    assert "summary held-out:" in out
    assert "relations missed because an end entity was not found:" in out


@needs_devset
def test_a_trained_model_names_its_training_texts_and_eval_flags_them(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "model.json"
    assert main(["train-relations", "--out", str(model)]) == 0
    assert "trained on 15 texts" in capfd.readouterr().out
    assert main(["eval", "--brief", "--only", "02_", "--relation-model", str(model)]) == 0
    out = capfd.readouterr().out
    assert "the relation model was trained on 1 of these: 02_" in out
    with pytest.raises(SystemExit) as stop:
        main(["eval", "--brief", "--relation-model", str(tmp_path / "none.json")])
    assert stop.value.code == 3
    assert "no such relation model" in capfd.readouterr().err

"""The project's own gold annotations for the seeds are well-formed and quote the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from foerdergraph.extract.model import ORG_TYPES, PREDICATES

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
GOLD = ROOT / "tests" / "gold" / "seeds"
GOLD_FILES = sorted(GOLD.glob("*.yaml"))


def test_there_is_a_gold_file_for_every_seed() -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    assert {p.stem for p in GOLD_FILES} == {p.stem for p in SEEDS.glob("*.txt")}


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file(path: Path) -> None:
    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert gold["doc"] == path.stem
    names = set()
    for kind in (
        "organisations",
        "persons",
        "programmes",
        "projects",
        "funding_sources",
        "regions",
    ):
        for item in gold.get(kind) or []:
            names.update([item["name"], *(item.get("aliases") or [])])
            if item.get("short_name"):
                names.add(item["short_name"])
    for org in gold["organisations"]:
        assert org["type"] in ORG_TYPES, org
    text = (SEEDS / f"{path.stem}.txt").read_text(encoding="utf-8") if SEEDS.is_dir() else None
    for rel in gold["relations"]:
        assert rel["predicate"] in PREDICATES, rel
        assert rel["subject"] in names and rel["object"] in names, rel
        if text is not None:
            assert rel["evidence"] in text, f"evidence not verbatim: {rel['evidence']!r}"

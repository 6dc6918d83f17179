"""YAML aliases cannot blow a small file up: every reader of the project's YAML refuses a
document whose aliases would expand it beyond a small bound, naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from foerdergraph.cli import main
from foerdergraph.core.config import Settings
from foerdergraph.core.errors import EXIT_INVALID, BuildError, InputError
from foerdergraph.core.yamlfile import read_mapping, read_yaml
from foerdergraph.workflows.build import check_inputs

ROOT = Path(__file__).resolve().parents[2]
FACTS = "001_514295b5d009b54a.yaml"


def alias_bomb(levels: int, width: int = 9) -> str:
    """A "billion laughs": each level lists the one below `width` times, so the last level
    stands for width**levels strings; nine levels of nine are 740 bytes."""
    lols = ", ".join(['"lol"'] * width)
    lines = [f"l0: &l0 [{lols}]"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def nodes(value: object) -> int:
    """How many values a walk over the loaded structure visits (what a consumer pays)."""
    count, todo = 0, [value]
    while todo:
        item = todo.pop()
        count += 1
        if isinstance(item, dict):
            todo += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            todo += item
    return count


def test_a_small_alias_bomb_is_refused_naming_the_file(tmp_path: Path) -> None:
    text = alias_bomb(5)  # 9**5 = 59,049 strings at the last level
    assert len(text) < 400
    assert nodes(yaml.safe_load(text)) > 60_000  # what PyYAML hands on unchecked
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(path)
    message = str(err.value)
    assert message.startswith(f"{path}:") and "alias" in message
    assert len(err.value.problems) == 1


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("a: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"facts\.yaml: .*refers to itself"):
        read_mapping(path)


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(
        "shared: &s {currency: EUR, amount: 5}\na: *s\nb: *s\nc: [*s, *s]\n", encoding="utf-8"
    )
    assert read_mapping(path)["c"] == [{"currency": "EUR", "amount": 5}] * 2


def test_validate_refuses_a_billion_laughs_facts_file(
    project_copy: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project_copy.data_dir / "facts" / FACTS
    text = alias_bomb(9)  # 9**9 = 387,420,489 strings
    assert len(text) <= 740
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError, match=rf"{FACTS}: .*alias"):
        check_inputs(project_copy)
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(project_copy.home))
    assert main(["validate"]) == EXIT_INVALID
    assert FACTS in capsys.readouterr().err


def test_an_import_refuses_an_alias_bomb_beside_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The description beside a list is read by the same bounded loader."""
    home = tmp_path / "project"
    (home / "data").mkdir(parents=True)
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(home))
    folder = tmp_path / "list"
    folder.mkdir()
    (folder / "list.csv").write_bytes(
        (ROOT / "tests" / "fixtures" / "eu_lists" / "esf07" / "list.csv").read_bytes()
    )
    (folder / "source.description.yaml").write_text(alias_bomb(9), encoding="utf-8")
    assert main(["import", str(folder / "list.csv")]) == EXIT_INVALID
    assert "source.description.yaml" in capsys.readouterr().err
    assert not (home / "data" / "imports").exists()

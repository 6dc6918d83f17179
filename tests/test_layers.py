"""The import contracts of pyproject.toml ([tool.importlinter]) hold, and they do catch a
forbidden import: a copy of the package whose core imports the server must fail them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = "Layers: cli on top, then the meeting places, then the stages, then core"


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the package under project/src with project/pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "COLUMNS": "200"}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())",
            "--config",
            str(project / "pyproject.toml"),
            "--no-cache",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_its_layers(tmp_path: Path) -> None:
    result = lint_imports(copy_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_core_module_importing_the_server_breaks_the_layers(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    errors = project / "src" / "foerdergraph" / "core" / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8") + "\nimport foerdergraph.serve\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert f"{LAYERS} BROKEN" in result.stdout
    assert "foerdergraph.core.errors -> foerdergraph.serve" in result.stdout


def test_a_stage_importing_another_stage_breaks_their_independence(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    engine = project / "src" / "foerdergraph" / "query" / "engine.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\nimport foerdergraph.ingest.dataset\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "Stages are independent of each other BROKEN" in result.stdout

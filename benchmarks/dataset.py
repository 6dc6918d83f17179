"""A benchmark installation: the project's ontology, shapes, queries and curated data plus one
synthetic import of N triples (`foerdergraph synth`), built into its own folder.

The real EU imports are left out so that the size is the synthetic one; the five curated
documents stay (they are what the shapes and the reasoner see in production too).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Built:
    home: Path
    build_dir: Path
    synth_seconds: float
    build_seconds: float
    build_peak_mb: float
    triples: int

    def env(self) -> dict[str, str]:
        return {
            "FOERDERGRAPH_HOME": str(self.home),
            "FOERDERGRAPH_BUILD_DIR": str(self.build_dir),
            "SOURCE_DATE_EPOCH": "0",
        }


def make_home(root: Path) -> Path:
    """A project folder of links to the real one, with only the synthetic import."""
    home = root / "home"
    (home / "data" / "imports").mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        (home / name).symlink_to(PROJECT / name)
    for entry in (PROJECT / "data").iterdir():
        if entry.name != "imports":
            (home / "data" / entry.name).symlink_to(entry)
    return home


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command; its wall seconds and peak resident memory in MB (from wait4)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{errors.decode(errors='replace')[-3000:]}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def build(root: Path, triples: int, seed: int = 1) -> Built:
    home = make_home(root)
    env = {
        "FOERDERGRAPH_HOME": str(home),
        "FOERDERGRAPH_BUILD_DIR": str(root / "build"),
        "SOURCE_DATE_EPOCH": "0",
    }
    synth_s, _ = run_measured(
        [
            str(BIN / "foerdergraph"),
            "synth",
            "--triples",
            str(triples),
            "--seed",
            str(seed),
            "-o",
            str(home / "data" / "imports" / f"synth-{seed}.trig.gz"),
        ],
        env,
    )
    build_s, peak = run_measured([str(BIN / "foerdergraph"), "build", "--quiet"], env)
    manifest = json.loads((root / "build" / "current" / "manifest.json").read_text("utf-8"))
    return Built(home, root / "build", synth_s, build_s, peak, int(manifest["triples"]))

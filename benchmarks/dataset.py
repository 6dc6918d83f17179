"""A benchmark installation: the project's ontology, shapes, queries and curated data plus one
synthetic import of N triples (`foerdergraph synth`), built into its own folder.

The real EU imports are left out so that the size is the synthetic one; the five curated
documents stay (they are what the shapes and the reasoner see in production too).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
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
    """Run a command; its wall seconds and peak resident memory in MB. The build runs worker
    processes, so the peak is of the summed RSS of the whole process tree, sampled every
    0.1 s (wait4 would report only the largest single process); without /proc, wait4's."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    peak = [0]
    sampler = threading.Thread(target=_sample_tree, args=(proc.pid, peak), daemon=True)
    sampler.start()
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{errors.decode(errors='replace')[-3000:]}")
    return time.perf_counter() - started, max(peak[0], usage.ru_maxrss) / 1024


def _sample_tree(root: int, peak: list[int]) -> None:
    while Path(f"/proc/{root}").exists():
        peak[0] = max(peak[0], tree_rss_kb(root))
        time.sleep(0.1)


def tree_rss_kb(root: int) -> int:
    """Summed VmRSS (kB) of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


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

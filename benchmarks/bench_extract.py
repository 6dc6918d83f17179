"""Extraction of one very long press text: wall time and peak memory of `foerdergraph extract`
on 1 MB and 10 MB of German text (issue 4: very long files in bounded time and memory; the tests
check only what comes out, on 1 MB).

Run: `.venv/bin/python -m benchmarks.bench_extract`. Not run by the tests.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.dataset import BIN, run_measured

PARAGRAPH = (
    "Die Bezirksregierung Köln hat der Zukunftsagentur Rheinisches Revier (ZRR) einen "
    "Zuwendungsbescheid in Höhe von 7.944.264,86 Euro überreicht. Für das Projekt „Gamma“ "
    "erhalten die Alpha GmbH 12.000 Euro und die Beta AG 13.000 Euro.\n\n"
)


def main() -> None:
    print("| text | wall s | peak RSS MB |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="fg-extract-") as tmp:
        for megabytes in (1, 10):
            path = Path(tmp) / f"long-{megabytes}mb.txt"
            path.write_text(PARAGRAPH * (megabytes * 1_000_000 // len(PARAGRAPH)), "utf-8")
            args = [str(BIN / "foerdergraph"), "extract", str(path), "--format", "json"]
            wall, peak = run_measured(args, {})
            print(f"| {megabytes} MB | {wall:.1f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()

"""Import all three EU beneficiary lists and report wall time and peak memory per list.

Run: `.venv/bin/python -m benchmarks.bench_import` (needs ../shared beside the project). Not run
by the tests. Peak memory is the process's maximum RSS (resource.getrusage) after each import.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

from foerdergraph.core.config import load_settings
from foerdergraph.workflows.eu_import import run_import

LISTS = (
    "erdf-2014-2020/ERDF_NRW_2014-2020.json",
    "erdf-2007-2013/ERDF_NRW_2007-2013.json",
    "esf-2007-2013/ESF_NRW_2007-2013.csv",
)


def main() -> None:
    settings = load_settings()
    shared = settings.home.parent / "shared" / "data" / "eu-beneficiary-lists-nrw"
    print("| list | rows read | imported | rejected | merged | triples | wall s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|")
    for rel in LISTS:
        started = time.perf_counter()
        result = run_import(Path(shared, rel), settings)
        wall = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"| {result.name} | {result.rows_read} | {result.imported} | "
            f"{len(result.rejected)} | {len(result.merges)} | {result.triples} | "
            f"{wall:.1f} | {peak:.0f} |"
        )


if __name__ == "__main__":
    main()

"""Browse lists and search over the build `build/current` names (the real project after
`foerdergraph build`): the one-off reading of each list and of the search index per build, and
the time of one list view and one search afterwards (the goal: a page in well under 300 ms).

Run: `.venv/bin/python -m benchmarks.bench_browse`. Not run by the tests.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from foerdergraph.serve.browse import lists, table
from foerdergraph.serve.search import LabelIndex

CURRENT = Path("build/current")
ROUNDS = 20


def timed(func: Callable[[], object]) -> float:
    """Milliseconds of one call."""
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def bench_list(spec: lists.ListSpec, store: ox.Store) -> str:
    """One table row: read the list once, then view its second page sorted by name."""
    started = time.perf_counter()
    catalogue = lists.read_catalogue(spec, store)
    read = (time.perf_counter() - started) * 1000
    asked = table.ListParams.parse(catalogue, {"_sort": "label", "_page": "2"})
    view = statistics.median(timed(lambda: table.view(catalogue, asked)) for _ in range(ROUNDS))
    return f"| /browse/{spec.name} | {len(catalogue.items):,} | {read:.0f} | {view:.1f} |"


def bench_search(store: ox.Store) -> str:
    """One table row: read the label index once, then search `aachen`."""
    started = time.perf_counter()
    index = LabelIndex(store)
    read = (time.perf_counter() - started) * 1000
    search = statistics.median(timed(lambda: index.search("aachen", 20)) for _ in range(ROUNDS))
    return f"| search `aachen` | {len(index.labels):,} labels | {read:.0f} | {search:.1f} |"


def main() -> None:
    store = ox.Store.read_only(str(CURRENT / "store"))
    print(f"build {CURRENT.resolve().name}, {len(store):,} quads")
    print("| what | entries | read once per build, ms | one view, median ms |")
    print("|---|---|---|---|")
    for spec in lists.SPECS.values():
        print(bench_list(spec, store), flush=True)
    print(bench_search(store))


if __name__ == "__main__":
    main()

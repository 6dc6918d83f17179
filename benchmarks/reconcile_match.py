"""Reconciliation: precision and recall of `match` on the name-variant table, and the time of a
batch of 10 queries over the project's real build.

Run: `.venv/bin/python -m benchmarks.reconcile_match` after `foerdergraph build` (reads the build
`build/current` names, or FOERDERGRAPH_BUILD_DIR). Prints the figures the README quotes. Not run
by the tests (tests/reconcile/test_service.py checks the same table without timing).
"""

from __future__ import annotations

import statistics
import time

import pyoxigraph as ox

from foerdergraph.core.config import load_settings
from foerdergraph.reconcile.evaluation import evaluate, read_variants
from foerdergraph.reconcile.index import build_index
from foerdergraph.reconcile.matching import Query, reconcile

TABLE = "tests/fixtures/reconcile/name-variants.tsv"
ROUNDS = 20


def main() -> None:
    settings = load_settings()
    store = ox.Store.read_only(str(settings.current_build / "store"))
    started = time.perf_counter()
    index = build_index(store, settings.base_iri, "benchmark")
    print(
        f"index: {len(index.entities)} agents, {len(index.labels)} names, "
        f"built in {time.perf_counter() - started:.2f} s"
    )
    variants = read_variants(settings.home / TABLE)
    report = evaluate(index, variants)
    print(f"variants: {report.variants} ({report.unambiguous} unambiguous)")
    print(f"expected actor first: {report.first}/{report.variants}")
    print(
        f"match: precision {report.precision:.3f}, recall {report.recall:.3f} "
        f"({report.true_matches} right, {report.false_matches} wrong)"
    )
    for variant, top in report.not_first:
        print(f"  not first: {variant.text!r} ({variant.kind}) -> {top}")
    for variant in report.wrong_matches:
        print(f"  wrong match: {variant.text!r} ({variant.kind})")
    batch = [Query(v.text) for v in variants[:: max(1, len(variants) // 10)][:10]]
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for query in batch:
            reconcile(index, query)
        times.append(time.perf_counter() - started)
    print(
        f"batch of 10 queries: median {statistics.median(times) * 1000:.0f} ms over {ROUNDS} rounds"
    )


if __name__ == "__main__":
    main()

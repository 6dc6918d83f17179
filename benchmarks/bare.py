"""One canned query on bare pyoxigraph, in its own process so the benchmark can stop it.

Run: python -m benchmarks.bare STORE QUERY.rq RUNS [--memory] [name=IRI ...]; prints the
seconds of each run as JSON (query, iterate, serialise as SPARQL JSON — what a server does too).
With --memory the release is first copied into memory the way a query worker copies it, and the
runs use the copy (the copying time is not counted).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from foerdergraph.serve.memory_copy import ReleaseStore


def main() -> None:
    store_path, query_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rest = sys.argv[4:]
    memory = "--memory" in rest
    pairs = (a.split("=", 1) for a in rest if a != "--memory")
    subs = {ox.Variable(k): ox.NamedNode(v) for k, v in pairs}
    release = ReleaseStore(store_path, sys.maxsize if memory else 0)
    release.start_copy()
    if memory and not release.wait_for_copy():
        raise SystemExit(f"could not copy {store_path} into memory")
    store = release.store
    text = Path(query_path).read_text(encoding="utf-8")
    for _ in range(runs):
        began = time.perf_counter()
        answer = store.query(text, use_default_graph_as_union=True, substitutions=subs)
        answer.serialize(format=ox.QueryResultsFormat.JSON)
        print(json.dumps(time.perf_counter() - began), flush=True)


if __name__ == "__main__":
    main()

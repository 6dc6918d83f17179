"""One canned query on bare pyoxigraph, in its own process so the benchmark can stop it.

Run: python -m benchmarks.bare STORE QUERY.rq RUNS [name=IRI ...]; prints the seconds of each
run as JSON (query, iterate, serialise as SPARQL JSON — what a server does too).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox


def main() -> None:
    store_path, query_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    subs = {ox.Variable(k): ox.NamedNode(v) for k, v in (a.split("=", 1) for a in sys.argv[4:])}
    store = ox.Store.read_only(store_path)
    text = Path(query_path).read_text(encoding="utf-8")
    for _ in range(runs):
        began = time.perf_counter()
        answer = store.query(text, use_default_graph_as_union=True, substitutions=subs)
        answer.serialize(format=ox.QueryResultsFormat.JSON)
        print(json.dumps(time.perf_counter() - began), flush=True)


if __name__ == "__main__":
    main()

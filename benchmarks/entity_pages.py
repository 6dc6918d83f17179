"""Entity summary pages over the build `build/current` names (the real project after
`foerdergraph build`): the one-off reading of the funding index per build, then the time of
whole HTML answers (route, view, template) for the entities with the most incoming links of
each page kind, in both languages. The goal: every page of an entity with 1,000 or more
incoming links in under 300 ms.

The pages are rendered through the app in-process (FastAPI's test client on 127.0.0.1); each
request carries a query parameter of its own, which the rendered-document cache keys on, so
every figure is a first rendering, not an answer from the cache.

Run: `.venv/bin/python -m benchmarks.entity_pages`. Not run by the tests.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pyoxigraph as ox
from fastapi.testclient import TestClient

from foerdergraph.core.config import load_settings
from foerdergraph.serve.app import create_app

CURRENT = Path("build/current")
ROUNDS = 15
HUBS = """
PREFIX fg: <https://w3id.org/foerdergraph/ontology#>
SELECT ?entity (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { fg:Organisation fg:FundingProgramme fg:Place }
  ?entity a ?class . ?s ?p ?entity .
}
GROUP BY ?entity ORDER BY DESC(?n) LIMIT 40
"""
"""Entities of each summary kind by the number of resources linking to them."""
WANTED = {
    "organisation (RWTH)": "id/organisation/rwth-aachen",
    "fund (EFRE)": "id/fund/efre",
    "fund, statements view": "id/fund/efre?view=statements",
    "programme, incoming page 20": "id/programme/2007de162po007"
    "?in=https%3A%2F%2Fw3id.org%2Ffoerdergraph%2Fontology%23partOf&in_page=20",
    "programme, statements view": "id/programme/2007de162po007?view=statements",
}
"""Besides each kind's hub: the organisation the browser tests read, the EFRE fund (3,276
incoming links) as a summary and as its statements, and two pages of the programme hub."""
ROUND = iter(range(1_000_000))


def timed(client: TestClient, path: str) -> float:
    """Milliseconds of one whole HTML answer, rendered anew (a new `_round` misses the cache)."""
    url = f"{path}{'&' if '?' in path else '?'}_round={next(ROUND)}"
    started = time.perf_counter()
    response = client.get(url, headers={"Accept": "text/html"})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    settings = load_settings().with_(build_dir_override=CURRENT.parent, query_workers=1)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        store = ox.Store.read_only(str(CURRENT / "store"))
        rows = list(store.query(HUBS, use_default_graph_as_union=True))  # type: ignore[arg-type]
        del store
        base = settings.base_iri
        started = time.perf_counter()
        hubs: dict[str, tuple[str, int]] = {}
        for row in rows:
            iri, links = row["entity"].value, int(row["n"].value)
            page = client.get("/" + iri.removeprefix(base), headers={"Accept": "text/html"})
            kind = page.text.split('class="summary summary-', 1)[-1].split('"', 1)[0]
            if kind in ("organisation", "programme", "place") and kind not in hubs:
                hubs[kind] = (iri, links)
        print(
            f"build {CURRENT.resolve().name}; index and hubs found in "
            f"{time.perf_counter() - started:.1f} s"
        )
        shown = {iri for iri, _ in hubs.values()}
        for name, local in WANTED.items():
            if base + local not in shown:
                hubs[name] = (base + local, 0)
        print("| page | entity | incoming links | p50 ms | p95 ms |")
        print("|---|---|---|---|---|")
        for kind, (iri, links) in hubs.items():
            path = "/" + iri.removeprefix(base)
            for lang in ("de", "en"):
                times = [
                    timed(client, f"{path}{'&' if '?' in path else '?'}lang={lang}")
                    for _ in range(ROUNDS)
                ]
                print(
                    f"| {kind} ({lang}) | {path} | {links or ''} | "
                    f"{statistics.median(times):.0f} | {percentile(times, 0.95):.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()

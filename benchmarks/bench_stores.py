"""`make bench`, the stores: one synthetic release served from the embedded store, from the
Oxigraph server and from Virtuoso (`serve --store`), side by side in one run — upload time,
every canned query through our server, and HTTP throughput of a linked-data page and of
recurring-partners at concurrency 8, with ratios to the embedded store.

Run: `.venv/bin/python -m benchmarks.bench_stores [--size 1000000]`. Needs the `oxigraph`
binary (dev extra) and Virtuoso (`sh tests/serve/ensure_virtuoso.sh`). Never part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pyoxigraph as ox
from tests.serve.oxigraph_server import running_oxigraph
from tests.serve.virtuoso_server import PASSWORD, USER, running_virtuoso

from benchmarks.__main__ import QUERY_RUNS, QUERY_SECONDS, TIMEOUT_S, sample_iris
from benchmarks.dataset import BIN, PROJECT, Built, build
from benchmarks.http_wrk import JSON_RESULTS
from benchmarks.load import run_load
from benchmarks.servers import foerdergraph_server, free_port, process, wait_until
from foerdergraph.core.config import DEFAULT_BASE_IRI
from foerdergraph.query.canned import load_canned_queries
from foerdergraph.remote.upload import upload_build

BACKENDS = ("embedded", "oxigraph server", "virtuoso")
SAMPLE_VALUES = {"date": "2015-06-30", "integer": "2015"}
"""A value for a required parameter of each type but IRIs (those get the sampled partner)."""
SECONDS = 10.0
"""Seconds of load per throughput measurement."""
VIRTUOSO_MAX_ROWS = 1_000_000
"""Virtuoso's ResultSetMaxRows here: above every answer of the benchmark."""
VIRTUOSO_BUFFERS = 170_000
"""Virtuoso's page cache (8 kB pages, about 1.4 GB): its guide's size for a machine with 2 GB
to spare, enough to hold a 10^6 release, as the other stores hold theirs in memory or the OS's
page cache."""


@contextmanager
def served(built: Built, backend: str, workdir: Path) -> Iterator[tuple[str, float | None]]:
    """Our server on `backend`; yields its URL and the upload's seconds (None: embedded)."""
    env = {**built.env(), "FOERDERGRAPH_QUERY_TIMEOUT": str(TIMEOUT_S)}
    if backend == "embedded":
        with foerdergraph_server(env) as ours:
            yield ours.url, None
        return
    with ExitStack() as stack:
        if backend == "virtuoso":
            store = stack.enter_context(
                running_virtuoso(
                    workdir / "virtuoso",
                    VIRTUOSO_MAX_ROWS,
                    buffers=VIRTUOSO_BUFFERS,
                    query_seconds=int(TIMEOUT_S),
                )
            )
            env |= {
                "FOERDERGRAPH_STORE_USER": USER,
                "FOERDERGRAPH_STORE_PASSWORD": PASSWORD,
                "FOERDERGRAPH_STORE_MAX_ROWS": str(VIRTUOSO_MAX_ROWS),
            }
            os.environ.update(env)  # the upload below runs in this process
        else:
            store = stack.enter_context(running_oxigraph(workdir / "oxigraph"))
        began = time.perf_counter()
        upload_build(built.build_dir / "current", store, DEFAULT_BASE_IRI, lambda _m: None)
        upload_s = time.perf_counter() - began
        port = free_port()
        args = [str(BIN / "foerdergraph"), "serve", "--port", str(port), "--store", store]
        proc = stack.enter_context(process(args, env))
        url = f"http://127.0.0.1:{port}/"
        wait_until(url + "health", proc, 300)
        yield url, upload_s


def measure(url: str, entity_page: str, partner: str) -> dict[str, object]:
    """p50 of every canned query (c=1) and requests/s of a page and recurring-partners (c=8)."""
    canned = {}
    for name, query in load_canned_queries(PROJECT / "queries").items():
        params = {
            p.name: SAMPLE_VALUES.get(p.type, partner) for p in query.parameters if p.required
        }
        target = f"{url}queries/{name}"
        load = run_load(
            lambda c, t=target, p=params: c.get(t, params={**p, "format": "json"}),
            1,
            QUERY_RUNS,
            QUERY_SECONDS,
            TIMEOUT_S + 5,
        )
        canned[name] = {"p50_ms": load.percentile(50) * 1000, "errors": load.errors}
    recurring = (PROJECT / "queries" / "recurring-partners.rq").read_text("utf-8")
    page = url + entity_page.lstrip("/")
    workloads = {
        "linked-data page": lambda c: c.get(page, headers={"Accept": "text/turtle"}),
        "recurring-partners": lambda c: c.get(
            url + "sparql", params={"query": recurring}, headers={"Accept": JSON_RESULTS}
        ),
    }
    http = {}
    for workload, request in workloads.items():
        load = run_load(request, 8, 100_000, SECONDS, TIMEOUT_S + 5)
        http[workload] = {"rps": load.per_second, "errors": load.errors}
    return {"canned": canned, "http": http}


def report(size: int, results: dict[str, dict[str, object]]) -> str:
    """A markdown table, one column per backend, ratios to the embedded store."""
    base = results["embedded"]
    head = "| measure | " + " | ".join(BACKENDS) + " |"
    lines = [f"### Stores, {size:,} triples", "", head, "|---" * (len(BACKENDS) + 1) + "|"]

    def row(label: str, values: list[float | None], unit: str, ratio_of: float | None) -> None:
        cells = []
        for v in values:
            if v is None:
                cells.append("–")
            elif ratio_of:
                cells.append(f"{v:.1f} {unit} ({v / ratio_of:.2f}×)")
            else:
                cells.append(f"{v:.1f} {unit}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("upload", [results[b]["upload_s"] for b in BACKENDS], "s", None)  # type: ignore[misc]
    for name, first in base["canned"].items():  # type: ignore[attr-defined]
        values = [results[b]["canned"][name]["p50_ms"] for b in BACKENDS]  # type: ignore[index]
        row(f"{name} p50", values, "ms", first["p50_ms"])
    for workload, first in base["http"].items():  # type: ignore[attr-defined]
        values = [results[b]["http"][workload]["rps"] for b in BACKENDS]  # type: ignore[index]
        row(f"{workload} c=8", values, "req/s", first["rps"])
    errors = {b: _errors(results[b]) for b in BACKENDS}
    lines += ["", "Errors (timeouts, non-200): " + ", ".join(f"{b} {n}" for b, n in errors.items())]
    return "\n".join(lines)


def _errors(result: dict[str, object]) -> int:
    parts = [*result["canned"].values(), *result["http"].values()]  # type: ignore[attr-defined]
    return sum(int(p["errors"]) for p in parts)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_stores")
    parser.add_argument("--size", type=int, default=1_000_000, help="triples (%(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fg-stores-") as tmp:
        workdir = Path(tmp)
        built = build(workdir, args.size)
        store = ox.Store.read_only(str((built.build_dir / "current").resolve() / "store"))
        entity, partner = sample_iris(store)
        del store
        entity_page = "/" + entity.split("/", 3)[3].split("/", 1)[1]
        results: dict[str, dict[str, object]] = {}
        for backend in BACKENDS:
            with served(built, backend, workdir) as (url, upload_s):
                print(f"  {backend}: upload {upload_s} s", flush=True)
                results[backend] = {"upload_s": upload_s, **measure(url, entity_page, partner)}
    out_dir = PROJECT / "build" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"stores-{args.size}.json").write_text(json.dumps(results, indent=1))
    text = report(built.triples, results)
    (out_dir / f"stores-{args.size}.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()

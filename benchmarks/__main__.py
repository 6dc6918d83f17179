"""`make bench`: build synthetic graphs of each size and measure the build, every canned query,
HTTP throughput against rdflib-endpoint and the Oxigraph server, dump export and serve start.

Run: `.venv/bin/python -m benchmarks [--sizes 100000,1000000]`. Prints markdown tables (the
README's "Benchmarks" section) and writes them as JSON to build/bench/. Everything runs on
127.0.0.1 in one run, side by side, so ratios hold on noisy machines. Never part of the tests.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import pyoxigraph as ox

from benchmarks.dataset import BIN, PROJECT, Built, build, tree_rss_kb
from benchmarks.http_wrk import ratio_table, wrk_comparison
from benchmarks.load import median, percentile, run_load
from benchmarks.servers import (
    COPY_S,
    foerdergraph_server,
    free_port,
    process,
    wait_until,
)
from foerdergraph.publish.dumps import FORMATS, serialise
from foerdergraph.query.canned import load_canned_queries

FG = "https://w3id.org/foerdergraph/ontology#"
QUERY_RUNS, QUERY_SECONDS = 5, 20.0
TIMEOUT_S = 60
"""Longest a single query may take anywhere in the benchmark (servers' limit, client timeout,
bare runs); slower answers count as errors in the tables."""


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    packages = (
        "pyoxigraph",
        "oxigraph",
        "rdflib",
        "rdflib-endpoint",
        "fastapi",
        "uvicorn",
        "httpx",
    )
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024 / 1024:.0f} GB",
        "python": platform.python_version(),
        **{name: version(name) for name in packages},
        "wrk": wrk_version(),
    }


def wrk_version() -> str:
    """`wrk -v` names its version on the first line (and exits 1)."""
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return " ".join(done.stdout.split()[:2])


def sample_iris(store: ox.Store) -> tuple[str, str]:
    """An organisation of middling prominence (entity lookups) and a partner with facts."""
    rows = list(
        store.query(
            f"SELECT ?o WHERE {{ ?o a <{FG}Organisation> }} ORDER BY ?o LIMIT 1 OFFSET 25",
            use_default_graph_as_union=True,
        )
    )
    part = list(
        store.query(
            f"SELECT ?a WHERE {{ ?p <{FG}participant> ?a }} LIMIT 1",
            use_default_graph_as_union=True,
        )
    )
    return rows[0]["o"].value, part[0]["a"].value


def bare_runs(store_dir: Path, query: Path, params: dict[str, str], memory: bool) -> list[float]:
    """Seconds per run of bare pyoxigraph on the on-disk store or on a copy in memory, in a
    child process stopped at TIMEOUT_S (plus COPY_S for making the copy)."""
    args = [str(BIN / "python"), "-m", "benchmarks.bare", str(store_dir), str(query)]
    args += [str(QUERY_RUNS), *(["--memory"] if memory else [])]
    args += [f"{k}={v}" for k, v in params.items()]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, stdout=out, cwd=PROJECT)
        try:
            proc.wait(TIMEOUT_S + (COPY_S if memory else 0))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.seek(0)
        return [float(line) for line in out.read().split()]


def canned_latency(url: str, store_dir: Path, partner: str) -> list[dict[str, object]]:
    """p50/p95 of every canned query: through our server (HTTP, worker, JSON; its workers
    answer from memory) and bare pyoxigraph in-process (query, iterate, JSON) on a copy in
    memory and on the same on-disk store."""
    rows = []
    for name, query in load_canned_queries(PROJECT / "queries").items():
        params = {p.name: partner for p in query.parameters if p.required}

        def served(
            client: httpx.Client, name: str = name, params: dict[str, str] = params
        ) -> httpx.Response:
            return client.get(f"{url}queries/{name}", params={**params, "format": "json"})

        in_memory = bare_runs(store_dir, query.path, params, memory=True)
        on_disk = bare_runs(store_dir, query.path, params, memory=False)
        load = run_load(served, 1, QUERY_RUNS, QUERY_SECONDS, TIMEOUT_S + 5)
        print(
            f"  {name}: ours {load.percentile(50):.3f} s, bare in memory "
            f"{median(in_memory):.3f} s, on disk {median(on_disk):.3f} s",
            flush=True,
        )
        rows.append(
            {
                "query": name,
                "ours_p50_ms": load.percentile(50) * 1000,
                "ours_p95_ms": load.percentile(95) * 1000,
                "bare_p50_ms": median(in_memory) * 1000,
                "bare_p95_ms": percentile(in_memory, 95) * 1000,
                "bare_disk_p50_ms": median(on_disk) * 1000,
                "errors": load.errors + (0 if in_memory and on_disk else QUERY_RUNS),
            }
        )
    return rows


def dump_times(store: ox.Store) -> dict[str, float]:
    """Seconds to write each format from the store (the union is computed per triple format)."""
    times = {}
    for name, fmt in FORMATS.items():
        began = time.perf_counter()
        serialise(store, fmt, {"fg": str(FG)}, io.BytesIO())
        times[name] = time.perf_counter() - began
    return times


def serve_start(built: Built, entity_path: str) -> dict[str, float]:
    """Seconds from process start to the first answer: a page (no worker needed) and a SPARQL
    query (waits for the first query worker)."""
    out = {}
    for label, path in (
        ("first page", entity_path.lstrip("/")),
        ("first SPARQL answer", "sparql?query=ASK%7B%7D"),
    ):
        port = free_port()
        started = time.perf_counter()
        with process([str(BIN / "foerdergraph"), "serve", "--port", str(port)], built.env()) as p:
            wait_until(f"http://127.0.0.1:{port}/{path}", p, 120)
            out[label] = time.perf_counter() - started
    return out


def bench_size(triples: int, workdir: Path) -> dict[str, object]:
    print(f"== {triples} triples", flush=True)
    built = build(workdir, triples)
    print(f"  build {built.build_seconds:.1f} s, peak {built.build_peak_mb:.0f} MB", flush=True)
    release = (built.build_dir / "current").resolve()
    nquads = workdir / "all.nq"
    with gzip.open(release / "dumps" / "foerdergraph.nq.gz") as src, nquads.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    store = ox.Store.read_only(str(release / "store"))
    entity, partner = sample_iris(store)
    entity_path = "/" + entity.split("/", 3)[3].split("/", 1)[1]
    start = serve_start(built, entity_path)
    print(f"  serve start {start}", flush=True)
    env = {**built.env(), "FOERDERGRAPH_QUERY_TIMEOUT": str(TIMEOUT_S)}
    with foerdergraph_server(env) as served:
        start["all workers answering from memory"] = served.in_memory_s or float("nan")
        serve_rss_mb = tree_rss_kb(served.pid) / 1024
        canned = canned_latency(served.url, release / "store", partner)
    print("  canned queries done", flush=True)
    dumps = dump_times(store)
    http = wrk_comparison(built, store, entity, nquads)
    return {
        "triples": built.triples,
        "synth_s": built.synth_seconds,
        "build_s": built.build_seconds,
        "build_peak_mb": built.build_peak_mb,
        "serve_start_s": start,
        "serve_rss_mb": serve_rss_mb,
        "canned": canned,
        "dumps_s": dumps,
        "http": http,
    }


def report(results: list[dict[str, object]], info: dict[str, str]) -> str:
    """Markdown tables for the README."""
    lines = [
        f"Machine: {info['cpu']}, {info['nproc']} CPUs, {info['memory']} RAM; Python "
        f"{info['python']}, pyoxigraph {info['pyoxigraph']}, oxigraph server {info['oxigraph']}, "
        f"rdflib {info['rdflib']}, rdflib-endpoint {info['rdflib-endpoint']}, fastapi "
        f"{info['fastapi']}, uvicorn {info['uvicorn']}; load generator {info['wrk']}.",
        "",
    ]
    for r in results:
        lines += [
            f"### {r['triples']:,} triples",
            "",
            f"Build (synth data → store, dumps): **{r['build_s']:.1f} s**, peak RSS (process tree) "
            f"**{r['build_peak_mb']:.0f} MB**. Serve start to first answer: "
            + ", ".join(f"{k} {v:.2f} s" for k, v in r["serve_start_s"].items())
            + f"; the server's RSS then (process tree) {r['serve_rss_mb']:.0f} MB.",
            "",
            "| canned query | ours p50 / p95 ms | bare pyoxigraph in memory p50 / p95 ms "
            "| ratio p50 | bare on disk p50 ms | ratio p50 |",
            "|---|---|---|---|---|---|",
        ]
        for c in r["canned"]:
            ratio = c["ours_p50_ms"] / c["bare_p50_ms"] if c["bare_p50_ms"] else 0
            disk = c["ours_p50_ms"] / c["bare_disk_p50_ms"] if c["bare_disk_p50_ms"] else 0
            lines.append(
                f"| {c['query']} | {c['ours_p50_ms']:.1f} / {c['ours_p95_ms']:.1f} | "
                f"{c['bare_p50_ms']:.1f} / {c['bare_p95_ms']:.1f} | {ratio:.2f}× | "
                f"{c['bare_disk_p50_ms']:.1f} | {disk:.2f}× |"
            )
        lines += [
            "",
            "| server | workload | c | req/s | p50 ms | p99 ms | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        for h in r["http"]:
            lines.append(
                f"| {h['server']} | {h['workload']} | {h['concurrency']} | {h['rps']:.2f} | "
                f"{h['p50_ms']:.1f} | {h['p99_ms']:.1f} | {h['errors']} |"
            )
        lines += ["", "Ratios (medians of interleaved wrk rounds):", "", *ratio_table(r["http"])]
        lines += ["", "| dump | seconds |", "|---|---|"]
        lines += [f"| {k} | {v:.2f} |" for k, v in r["dumps_s"].items()]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "--sizes",
        default="100000,1000000",
        help="comma-separated triple counts (default %(default)s)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.replace(" ", "").split(",") if s]
    info = machine()
    results = []
    out_dir = PROJECT / "build" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="fg-bench-") as tmp:
            result = bench_size(size, Path(tmp))
        results.append(result)
        (out_dir / f"{size}.json").write_text(json.dumps({"machine": info, **result}, indent=1))
    text = report(results, info)
    (out_dir / "report.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()

"""HTTP throughput of the three servers side by side, measured with `wrk` (benchmarks/wrk.py).

All servers run at once and every (workload, server, concurrency) cell is measured once per
round, rounds interleaved, so a noisy neighbour on a shared machine slows every cell alike; the
tables give the medians over the rounds and the ratios ours / Oxigraph server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from benchmarks.dataset import PROJECT, Built
from benchmarks.servers import foerdergraph_server, oxigraph_server, rdflib_endpoint_server
from benchmarks.wrk import WrkRun, medians, run_wrk

FG = "https://w3id.org/foerdergraph/ontology#"
JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
ROUNDS = 3
LOOKUP_SECONDS, HEAVY_SECONDS, TIMEOUT_S = 4.0, 10.0, 60.0
CONCURRENCY = (1, 8)
OURS, OXIGRAPH, RDFLIB = "foerdergraph", "oxigraph server", "rdflib-endpoint"
TYPICAL_PAGE = "typical entity, linked data (ours) / CONSTRUCT (others)"
TYPICAL_SPARQL = "typical entity, SPARQL CONSTRUCT"
HUB_PAGE = "hub entity, linked data first page (ours) / full CONSTRUCT (others)"
RECURRING = "recurring-partners"


@dataclass(frozen=True)
class Target:
    """One request as wrk repeats it."""

    url: str
    accept: str


def hub_iri(store: ox.Store) -> str:
    """The organisation taking part in the most projects: the largest description."""
    rows = store.query(
        f"SELECT ?a (COUNT(*) AS ?n) WHERE {{ ?p <{FG}participant> ?a }} "
        "GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 1",
        use_default_graph_as_union=True,
    )
    return next(iter(rows))["a"].value  # type: ignore[index]


def local_path(iri: str) -> str:
    """The path of a minted IRI below the base (`https://w3id.org/foerdergraph/id/…` → `id/…`)."""
    return iri.split("/", 3)[3].split("/", 1)[1]


def construct(entity: str) -> str:
    return f"CONSTRUCT {{ <{entity}> ?p ?o }} WHERE {{ <{entity}> ?p ?o }}"


def workloads(urls: dict[str, str], entity: str, hub: str) -> dict[str, dict[str, Target]]:
    """Workload → server → request. The others answer linked-data lookups by CONSTRUCT."""
    recurring = (PROJECT / "queries" / "recurring-partners.rq").read_text("utf-8")
    endpoints = {OURS: urls[OURS] + "sparql", OXIGRAPH: urls[OXIGRAPH] + "query"}
    endpoints[RDFLIB] = urls[RDFLIB]

    def sparql(text: str, accept: str, servers: tuple[str, ...]) -> dict[str, Target]:
        return {s: Target(f"{endpoints[s]}?query={quote(text)}", accept) for s in servers}

    others = (OXIGRAPH, RDFLIB)
    return {
        TYPICAL_PAGE: {
            OURS: Target(urls[OURS] + local_path(entity), TURTLE),
            **sparql(construct(entity), TURTLE, others),
        },
        TYPICAL_SPARQL: sparql(construct(entity), TURTLE, (OURS, *others)),
        HUB_PAGE: {
            OURS: Target(urls[OURS] + local_path(hub), TURTLE),
            **sparql(construct(hub), TURTLE, (OXIGRAPH,)),
        },
        RECURRING: sparql(recurring, JSON_RESULTS, (OURS, OXIGRAPH)),
    }


def cells(table: dict[str, dict[str, Target]]) -> Iterator[tuple[str, str, int, Target]]:
    for workload, targets in table.items():
        for server, target in targets.items():
            for concurrency in CONCURRENCY:
                yield workload, server, concurrency, target


def wrk_comparison(
    built: Built, store: ox.Store, entity: str, nquads: Path
) -> list[dict[str, object]]:
    """Medians over ROUNDS interleaved rounds of every cell; one row per cell."""
    hub = hub_iri(store)
    env = {**built.env(), "FOERDERGRAPH_QUERY_TIMEOUT": str(int(TIMEOUT_S))}
    with ExitStack() as stack:
        urls = {
            OURS: stack.enter_context(foerdergraph_server(env)).url,
            OXIGRAPH: stack.enter_context(oxigraph_server(nquads)),
            RDFLIB: stack.enter_context(rdflib_endpoint_server(nquads)),
        }
        table = workloads(urls, entity, hub)
        runs: dict[tuple[str, str, int], list[WrkRun]] = {}
        for round_ in range(1, ROUNDS + 1):
            for workload, server, concurrency, target in cells(table):
                seconds = HEAVY_SECONDS if workload == RECURRING else LOOKUP_SECONDS
                run = run_wrk(
                    target.url, concurrency, seconds, {"Accept": target.accept}, TIMEOUT_S
                )
                runs.setdefault((workload, server, concurrency), []).append(run)
                print(
                    f"  round {round_} {server} {workload} c={concurrency}: {run.rps:.1f} req/s",
                    flush=True,
                )
    rows: list[dict[str, object]] = []
    for (workload, server, concurrency), measured in runs.items():
        m = medians(measured)
        rows.append(
            {
                "server": server,
                "workload": workload,
                "concurrency": concurrency,
                "rps": m.rps,
                "p50_ms": m.p50_ms,
                "p99_ms": m.p99_ms,
                "requests": m.requests,
                "errors": m.errors,
            }
        )
    return rows


def ratio_table(http: list[dict[str, object]]) -> list[str]:
    """Ours / Oxigraph server per workload and concurrency: throughput and p50."""

    def cell(server: str, workload: str, concurrency: int) -> dict[str, object] | None:
        return next(
            (
                h
                for h in http
                if h["server"] == server
                and h["workload"] == workload
                and h["concurrency"] == concurrency
            ),
            None,
        )

    lines = [
        "| workload | c | ours / Oxigraph req/s | ours / Oxigraph p50 |",
        "|---|---|---|---|",
    ]
    for workload in (TYPICAL_PAGE, TYPICAL_SPARQL, HUB_PAGE, RECURRING):
        for concurrency in CONCURRENCY:
            ours, theirs = cell(OURS, workload, concurrency), cell(OXIGRAPH, workload, concurrency)
            if ours is None or theirs is None:
                continue
            rps = float(ours["rps"]) / float(theirs["rps"]) if theirs["rps"] else float("nan")
            p50 = float(ours["p50_ms"]) / float(theirs["p50_ms"]) if theirs["p50_ms"] else 0.0
            lines.append(f"| {workload} | {concurrency} | {rps:.3f} | {p50:.2f}× |")
    return lines

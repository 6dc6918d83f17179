"""`foerdergraph network`: co-participation and two-mode networks, or their metrics per actor."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from foerdergraph.core.config import load_settings
from foerdergraph.core.errors import (
    EXIT_INVALID,
    EXIT_MISSING,
    EXIT_OK,
    EXIT_USAGE,
    InputError,
    named_disk_full,
)
from foerdergraph.network.build import KINDS
from foerdergraph.network.export import (
    LEVELS,
    QUERY,
    WEIGHT_CHOICES,
    NetworkOptionError,
    NetworkRequest,
    network_file,
)
from foerdergraph.network.formats import FORMATS
from foerdergraph.network.metrics import METRIC_FORMATS
from foerdergraph.publish.store import open_store
from foerdergraph.query.canned import ParameterError, load_canned_queries
from foerdergraph.query.engine import as_rows, run_query

FILTER_HELP = {
    "programme": "only undertakings in this programme or call (IRI), at any level",
    "fund": "only undertakings or grants financed by this fund (IRI, e.g. …/id/fund/efre)",
    "role": "only participations in this role or a narrower one (name, e.g. partner, or IRI)",
    "region": "only actors or undertakings located in this place (IRI of a Regierungsbezirk, "
    "Kreis or Gemeinde)",
    "from": "only participations of this year or later",
    "to": "only participations of this year or earlier",
}


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _request(args: argparse.Namespace) -> NetworkRequest:
    filters = {name: getattr(args, name) for name in FILTER_HELP if getattr(args, name)}
    return NetworkRequest(
        kind=args.kind,
        weight=args.weight,
        level=args.level,
        format=args.format,
        metrics=args.metrics,
        filters=filters,
    ).checked()


def _write(data: bytes, output: str | None) -> None:
    """To standard output, or to a file written beside its name and renamed when complete."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        raise named_disk_full(exc, target) from exc
    finally:
        tmp.unlink(missing_ok=True)


def cmd_network(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        request = _request(args)
        query = load_canned_queries(settings.queries_dir)[QUERY]
        bindings = query.substitutions(request.query_values())
    except (NetworkOptionError, ParameterError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    except (KeyError, InputError) as exc:
        _err(f"the canned query {QUERY} is missing or invalid in {settings.queries_dir}: {exc}")
        return EXIT_MISSING
    try:
        store = open_store(settings)
    except OSError as exc:
        _err(str(exc))
        return EXIT_MISSING
    started = time.perf_counter()
    try:
        # the network query is a SELECT, so its answer is solutions
        columns, rows = as_rows(run_query(store, query.text, bindings))  # type: ignore[arg-type]
    except (RuntimeError, OSError) as exc:
        _err(f"query failed: {exc}")
        return EXIT_INVALID
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    data, nodes, edges = network_file(records, request)
    _write(data, args.output)
    what = "metrics of" if request.metrics else request.output_format
    _err(
        f"{what} {request.kind} network: {nodes} nodes, {edges} edges from {len(rows)} rows "
        f"in {time.perf_counter() - started:.2f} s" + (f" -> {args.output}" if args.output else "")
    )
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "network",
        help="co-participation and two-mode networks (GraphML, GEXF, Pajek, CSV, JSON), "
        "or centrality and communities per actor",
        description="Build the network of the last build's participations: actors joined by "
        "shared projects, calls or programmes (co-participation), or actors with their "
        "projects or programmes (two-mode). CSV is one zip of nodes.csv and edges.csv. "
        "With --metrics, a table per actor of the co-participation network. See the README "
        "section 'Network exports'.",
    )
    p.add_argument("--kind", choices=KINDS, default="co-participation", help="which network")
    p.add_argument(
        "--weight",
        choices=WEIGHT_CHOICES,
        default="projects",
        help="co-participation: what an edge weight counts, each once (default %(default)s)",
    )
    p.add_argument(
        "--level",
        choices=sorted(LEVELS),
        default=None,
        help="the programme level units are: operational programme or call/competition "
        "(default programme; call with --weight calls)",
    )
    p.add_argument(
        "--format",
        choices=sorted({*FORMATS, *METRIC_FORMATS}),
        default=None,
        help="graphml (default), gexf, pajek, csv (zip), json; with --metrics csv (default), "
        "tsv, json",
    )
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    p.add_argument(
        "--metrics",
        action="store_true",
        help="degree, weighted degree, betweenness, eigenvector centrality and Louvain "
        "community per actor instead of the network",
    )
    for name, text in FILTER_HELP.items():
        p.add_argument(
            f"--{name}", dest=name, metavar="YEAR" if name in ("from", "to") else None, help=text
        )
    p.set_defaults(handler=cmd_network)

"""`foerdergraph reconcile`: match names (arguments, or one per line of a file) to the actors of
the last build, as `/reconcile` does for OpenRefine, for scripts and spreadsheets."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from foerdergraph.core.config import load_settings
from foerdergraph.core.errors import EXIT_MISSING, EXIT_OK, EXIT_USAGE
from foerdergraph.publish.store import open_store
from foerdergraph.reconcile.index import build_index
from foerdergraph.reconcile.matching import Candidate, parse_query, reconcile

COLUMNS = ("query", "rank", "id", "name", "score", "match")
"""One row per candidate; `id` is the actor's IRI."""


def _names(args: argparse.Namespace) -> list[str]:
    """The names to match: the arguments, then the lines of --file (`-`: standard input)."""
    names = list(args.names)
    if args.file:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        names += [line.strip() for line in text.splitlines() if line.strip()]
    return names


def _row(name: str, rank: int, candidate: Candidate) -> dict[str, object]:
    entity = candidate.entity
    return {
        "query": name,
        "rank": rank,
        "id": entity.iri,
        "name": entity.name,
        "score": round(candidate.score, 2),
        "match": candidate.match,
    }


def cmd_reconcile(args: argparse.Namespace) -> int:
    names = _names(args)
    if not names:
        print("no names given: pass them as arguments or with --file", file=sys.stderr)
        return EXIT_USAGE
    settings = load_settings()
    try:
        store = open_store(settings)
    except OSError as exc:
        print(exc, file=sys.stderr)
        return EXIT_MISSING
    index = build_index(store, settings.base_iri, "cli")
    rows = []
    for name in names:
        raw: dict[str, object] = {"query": name, "limit": args.limit}
        if args.type:
            raw["type"] = args.type
        for rank, candidate in enumerate(reconcile(index, parse_query(raw)), 1):
            rows.append(_row(name, rank, candidate))
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        writer = csv.DictWriter(
            sys.stdout,
            COLUMNS,
            delimiter="\t" if args.format == "tsv" else ",",
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "reconcile",
        help="match organisation and person names to the graph's actors (as /reconcile does)",
        description="Match names to the actors of the last build: candidates ranked by score, "
        "with match=true only where the name is unambiguous (docs/serving.md, Reconciliation).",
    )
    p.add_argument("names", nargs="*", help="names to match")
    p.add_argument("--file", help="a file with one name per line (- for standard input)")
    p.add_argument("--type", help="only candidates of this type (e.g. Organisation, Person)")
    p.add_argument("--limit", type=int, default=3, help="candidates per name (default 3)")
    p.add_argument("--format", choices=("csv", "tsv", "json"), default="csv")
    p.set_defaults(handler=cmd_reconcile)

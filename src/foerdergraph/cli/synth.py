"""The `foerdergraph synth` command: write a synthetic funding graph for benchmarks."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from foerdergraph.core.config import load_settings
from foerdergraph.core.errors import EXIT_OK
from foerdergraph.ingest.rebase import CANONICAL_BASE
from foerdergraph.ingest.synth import write_synthetic


def cmd_synth(args: argparse.Namespace) -> int:
    settings = load_settings()
    base = args.base or CANONICAL_BASE  # like every import; the build moves it under the base
    path = (
        Path(args.output)
        if args.output
        else settings.data_dir / "imports" / f"synth-{args.seed}.trig.gz"
    )
    started = time.perf_counter()
    stats = write_synthetic(path, args.triples, args.seed, base)
    print(
        f"wrote {stats.triples} triples ({stats.projects} projects, {stats.documents} documents, "
        f"{stats.programmes} programmes, {stats.organisations} organisations, "
        f"{stats.participations} participations) to {path} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add synth."""
    p = subparsers.add_parser(
        "synth", help="write a synthetic funding graph (gzipped TriG) for benchmarks"
    )
    p.add_argument("--triples", type=int, required=True, help="about how many triples to write")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same output)")
    p.add_argument(
        "--output", "-o", help="file to write (default: data/imports/synth-SEED.trig.gz)"
    )
    p.add_argument(
        "--base",
        help="base namespace for minted IRIs (default: the canonical one imports are written in, "
        "which the build moves under FOERDERGRAPH_BASE)",
    )
    p.set_defaults(handler=cmd_synth)

"""The `foerdergraph` command line.

One module per command group adds its sub-commands through `register(subparsers)`; COMMAND_GROUPS
lists them, so this file stays a table of contents. Exit codes scripts can rely on (defined in
foerdergraph.core.errors): 0 success, 1 invalid data or failed validation, 2 wrong usage, 3 missing
build or input, 4 no space left on device (one line naming the path and the free space; nothing
changed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from foerdergraph import __version__
from foerdergraph.cli import eu_lists, extract, graph, network, reconcile, serve, synth
from foerdergraph.core.errors import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_MISSING,
    EXIT_NO_SPACE,
    EXIT_OK,
    EXIT_USAGE,
    disk_full_message,
    is_disk_full,
)

__all__ = ["EXIT_INVALID", "EXIT_MISSING", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

COMMAND_GROUPS: tuple[ModuleType, ...] = (
    graph,
    eu_lists,
    network,
    reconcile,
    serve,
    extract,
    synth,
)
"""Modules whose `register(subparsers)` adds sub-commands, in the order --help lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="foerdergraph",
        description="A linked-open-data knowledge graph of public funding in NRW.",
    )
    parser.add_argument("--version", action="version", version=f"foerdergraph {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or EXIT_OK)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `foerdergraph query … | head`
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        print(disk_full_message(exc), file=sys.stderr)
        return EXIT_NO_SPACE


if __name__ == "__main__":
    sys.exit(main())

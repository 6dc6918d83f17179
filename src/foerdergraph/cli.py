"""The `foerdergraph` command line.

Each feature package contributes its sub-commands through a `register(subparsers)` function in a
module listed in COMMAND_MODULES, so this file stays a table of contents. Exit codes scripts can
rely on: 0 success, 1 invalid data or failed validation, 2 wrong usage, 3 missing build or input,
4 no space left on device (one line naming the path and the free space; nothing changed).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from foerdergraph import __version__
from foerdergraph.errors import EXIT_NO_SPACE, disk_full_message, is_disk_full

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_MISSING = 3

COMMAND_MODULES: tuple[str, ...] = (
    "foerdergraph.commands",
    "foerdergraph.ingest.eu_lists_commands",
    "foerdergraph.serve.commands",
    "foerdergraph.extract.commands",
    "foerdergraph.synth_commands",
)
"""Modules whose `register(subparsers)` adds sub-commands, in the order --help lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="foerdergraph",
        description="A linked-open-data knowledge graph of public funding in NRW.",
    )
    parser.add_argument("--version", action="version", version=f"foerdergraph {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or EXIT_OK)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
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

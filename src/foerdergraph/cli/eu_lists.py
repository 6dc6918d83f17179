"""`foerdergraph import PATH`: import an official EU beneficiary list as its own named graph."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from foerdergraph.core.config import load_settings
from foerdergraph.core.errors import EXIT_INVALID, EXIT_MISSING, EXIT_OK, EXIT_USAGE, InputError
from foerdergraph.ingest.eu.lists import FormatError
from foerdergraph.workflows.eu_import import (
    ImportConflictError,
    InvalidImportError,
    StrictError,
    replacement_note,
    run_import,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import an EU beneficiary list (ERDF 2014-2020, ERDF/ESF 2007-2013)",
        description="Recognise the list by its columns and write data/imports/<name>.trig.gz "
        "plus <name>.report.json (rows read, imported, rejected, duplicates, merges). An import "
        "made from another file is not replaced without --replace (exit 2).",
    )
    parser.add_argument("path", type=Path, help="the list file (JSON or CSV)")
    parser.add_argument("--source-name", help="the import's name (default: the file's folder)")
    parser.add_argument(
        "--strict", action="store_true", help="fail without writing anything when any row is bad"
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace an import of the same name made from another file (says how many rows "
        "the old and the new import have)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not args.path.is_file():
        print(f"no such file: {args.path}", file=sys.stderr)
        return EXIT_MISSING
    started = time.perf_counter()
    try:
        result = run_import(
            args.path, load_settings(), args.source_name, args.strict, replace=args.replace
        )
    except ImportConflictError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except (FormatError, InvalidImportError, InputError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except StrictError as exc:
        for item in exc.result.rejected:
            print(f"{args.path}: row {item['row']}: {item['reason']}", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    for item in result.rejected:
        print(f"{args.path}: row {item['row']}: {item['reason']}", file=sys.stderr)
    for duplicate in result.duplicates:
        print(
            f"{args.path}: row {duplicate['row']}: duplicate of row {duplicate['same_as']} "
            "(both imported)",
            file=sys.stderr,
        )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.replaced is not None:
        print(replacement_note(result.name, result.replaced, result.imported), file=sys.stderr)
    print(
        f"{result.name} ({result.format}): {result.rows_read} rows read, {result.imported} "
        f"imported, {len(result.rejected)} rejected, {len(result.duplicates)} duplicate(s), "
        f"{len(result.merges)} entities merged, "
        f"{len(result.links)} linked to the registry, {result.triples} triples "
        f"-> {result.trig_path} ({time.perf_counter() - started:.1f} s)"
    )
    return EXIT_OK

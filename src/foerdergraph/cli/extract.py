"""CLI: `foerdergraph extract`, `ingest`, `eval` and `train-relations`.

Exit codes follow foerdergraph.cli: 0 success, 1 invalid data, 2 wrong usage, 3 missing input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from foerdergraph.core.config import load_settings
from foerdergraph.core.errors import EXIT_INVALID, EXIT_MISSING, EXIT_OK
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.reading import ReadError

if TYPE_CHECKING:
    from foerdergraph.extract.learned import RelationModel


def _gazetteer(args: argparse.Namespace) -> Gazetteer:
    from foerdergraph.core.errors import InputError

    if getattr(args, "no_registry", False):
        return Gazetteer([])
    try:
        return Gazetteer.from_data_dir(load_settings().data_dir)
    except InputError as err:  # a broken registry file is named, never an empty gazetteer
        print(f"{args.command}: the registry in data/ is invalid:\n{err}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from err


def cmd_extract(args: argparse.Namespace) -> int:
    from foerdergraph.extract.contract import to_json
    from foerdergraph.extract.pipeline import extract_file

    settings = load_settings()
    path = Path(args.path)
    if not path.is_file():
        print(f"extract: no such file: {path}", file=sys.stderr)
        return EXIT_MISSING
    gazetteer = _gazetteer(args)
    try:
        result = extract_file(path, gazetteer, settings.base_iri, _relation_model(args))
    except ReadError as err:
        print(f"extract: {err}", file=sys.stderr)
        return EXIT_INVALID
    for warning in result.warnings:
        print(f"extract: {path.name}: {warning}", file=sys.stderr)
    if args.format == "turtle":
        from foerdergraph.core.errors import InputError
        from foerdergraph.workflows.draft_rdf import to_graph

        try:
            graph = to_graph(result, settings, gazetteer)
        except InputError as err:
            print(f"extract: the extraction does not translate to RDF:\n{err}", file=sys.stderr)
            return EXIT_INVALID
        sys.stdout.write(graph.serialize(format="turtle"))
    else:
        json.dump(to_json(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from foerdergraph.workflows.draft import IngestError, ingest

    settings = load_settings()
    try:
        written = ingest(
            Path(args.path),
            settings,
            doc_id=args.id,
            title=args.title,
            publisher=args.publisher,
            url=args.url,
            gazetteer=_gazetteer(args),
        )
    except FileNotFoundError as err:
        print(f"ingest: {err}", file=sys.stderr)
        return EXIT_MISSING
    except (IngestError, ReadError) as err:
        print(f"ingest: {err}", file=sys.stderr)
        return EXIT_INVALID
    for path in written:
        print(path)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from foerdergraph.extract.evaluate import EvalOptions, run_eval

    only = tuple(p for p in (args.only or "").split(",") if p)
    options = EvalOptions(
        shared=args.shared,
        use_registry=not args.no_registry,
        only=only,
        details=not args.brief,
        held_out=args.held_out,
        model=_relation_model(args),
    )
    return run_eval(load_settings(), options)


def _relation_model(args: argparse.Namespace) -> RelationModel | None:
    """The model named by --relation-model, or None (the rules alone)."""
    from foerdergraph.extract.learned import load_model

    path: Path | None = getattr(args, "relation_model", None)
    if path is None:
        return None
    model = load_model(path)
    if model is None:
        print(f"{args.command}: no such relation model: {path}", file=sys.stderr)
        raise SystemExit(EXIT_MISSING)
    return model


def cmd_train_relations(args: argparse.Namespace) -> int:
    from foerdergraph.extract.evaluate import train_on_devset

    settings = load_settings()
    shared = args.shared or settings.home.parent / "shared"
    model = train_on_devset(settings, shared)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"{args.out}: {len(model.weights)} features, trained on {len(model.trained_on)} texts")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "extract", help="extract organisations, persons, programmes, relations from one text"
    )
    p.add_argument("path", help="a German text (UTF-8, cp1252, Latin-1 or HTML)")
    p.add_argument("--format", choices=("json", "turtle"), default="json")
    p.add_argument(
        "--no-registry", action="store_true", help="do not use data/ as gazetteer (rules only)"
    )
    p.add_argument("--relation-model", type=Path, help=RELATION_MODEL_HELP)
    p.set_defaults(handler=cmd_extract)

    p = subparsers.add_parser(
        "ingest", help="add a document to data/sources with its extracted facts as a draft"
    )
    p.add_argument("path", help="the document to add")
    p.add_argument("--id", help="document id (default: from the file name)")
    p.add_argument("--title", help="title for the metadata (default: first line)")
    p.add_argument("--publisher", help="publisher for the metadata")
    p.add_argument("--url", help="source URL for the metadata")
    p.add_argument("--no-registry", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_ingest)

    p = subparsers.add_parser("eval", help="score the extractor on the devset and the seeds")
    p.add_argument(
        "--shared",
        type=Path,
        default=None,
        help="the shared folder (default: ../shared beside the project)",
    )
    p.add_argument(
        "--no-registry",
        action="store_true",
        help="score the rules alone, without data/ as gazetteer",
    )
    p.add_argument(
        "--only",
        metavar="PREFIXES",
        help="score only documents whose name starts with one of these (comma-separated)",
    )
    p.add_argument(
        "--brief", action="store_true", help="tables only, without the per-document lists"
    )
    p.add_argument(
        "--held-out",
        type=Path,
        metavar="DIR",
        help="also score DIR/docs/*.txt against DIR/gold/*.yaml: texts nobody here has read",
    )
    p.add_argument("--relation-model", type=Path, help=RELATION_MODEL_HELP)
    p.set_defaults(handler=cmd_eval)

    p = subparsers.add_parser(
        "train-relations", help="train the relation model on the devset gold (../shared)"
    )
    p.add_argument("--shared", type=Path, default=None, help="the shared folder")
    p.add_argument(
        "--out", type=Path, default=Path("build") / "relation_model.json", help="model file"
    )
    p.set_defaults(handler=cmd_train_relations)


RELATION_MODEL_HELP = (
    "add the relations a model from `train-relations` proposes (docs/extraction.md: it does "
    "not beat the rules under cross-validation, so it is not used by default)"
)

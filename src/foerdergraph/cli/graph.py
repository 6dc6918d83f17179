"""The core sub-commands: build, validate, query, export, stats."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from foerdergraph.core.config import Settings, load_settings
from foerdergraph.core.errors import (
    EXIT_INVALID,
    EXIT_MISSING,
    EXIT_OK,
    EXIT_USAGE,
    BuildError,
    InputError,
    named_disk_full,
)
from foerdergraph.core.iri import draft_graphs
from foerdergraph.publish.dumps import FORMATS, gzip_writer, serialise
from foerdergraph.publish.store import open_store
from foerdergraph.publish.void import class_partitions
from foerdergraph.query import drafts
from foerdergraph.query.canned import CannedQuery, ParameterError, load_canned_queries, parse_canned
from foerdergraph.query.drafts import QueryDataset
from foerdergraph.query.engine import EVERY_GRAPH, format_result, run_query
from foerdergraph.serve.safety import QueryRefused, check_query

QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml")


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    if getattr(args, "base", None):
        settings = settings.with_(base_iri=args.base)
    if getattr(args, "store", None):
        settings = settings.with_(store_url=args.store)
    return settings


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from foerdergraph.workflows.build import build  # pyshacl: not on the path of `serve`

    settings = _settings(args)
    started = time.perf_counter()
    progress = (lambda _m: None) if args.quiet else (lambda m: _err(f"build: {m}"))
    try:
        result = build(settings, progress)
    except BuildError as exc:
        _err(f"build failed; the previous build is untouched.\n{exc}")
        return EXIT_INVALID
    if result.warnings and not args.quiet:
        _err(result.warnings)
    graphs = result.manifest["graphs"]
    assert isinstance(graphs, list)  # the manifest lists one entry per named graph
    print(
        f"built {result.manifest['triples']} quads in {len(graphs)} graphs "
        f"in {time.perf_counter() - started:.1f} s"
    )
    print(f"store and dumps: {result.path} (linked as {settings.current_build})")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    if args.document is not None:
        return _validate_document(args)
    from foerdergraph.workflows.build import check_inputs  # pyshacl: not on the path of `serve`

    try:
        checked = check_inputs(_settings(args), engine=args.engine)
    except BuildError as exc:
        _err(str(exc))
        return EXIT_INVALID
    report = checked.report
    print(
        report.text()
        if not report.conforms
        else f"valid: {len(checked.graphs())} graphs conform to the SHACL shapes"
    )
    return EXIT_OK if report.conforms else EXIT_INVALID


def _validate_document(args: argparse.Namespace) -> int:
    """`validate --document ID`: one document against the last build, without loading the rest."""
    from foerdergraph.validate.sparql import UnsupportedShapes
    from foerdergraph.workflows.document import check_document

    if args.engine != "sparql":
        _err("--document validates with the SPARQL engine only; drop --engine")
        return EXIT_USAGE
    started = time.perf_counter()
    try:
        checked = check_document(_settings(args), args.document)
    except FileNotFoundError as exc:
        _err(str(exc))
        return EXIT_MISSING
    except InputError as exc:
        _err(f"invalid input ({len(exc.problems)} problems):\n{exc}")
        return EXIT_INVALID
    except UnsupportedShapes as exc:
        _err(str(exc))
        return EXIT_USAGE
    if checked.build is None:
        _err("note: no build yet, so only the ontology and the registry were the context")
    elif checked.stale:
        names = ", ".join(p.name for p in checked.stale[:5])
        _err(
            f"note: {len(checked.stale)} input file(s) changed since the build ({names}"
            f"{', …' if len(checked.stale) > 5 else ''}); their built version was the context"
        )
    report, affected = checked.report, checked.affected
    if report.violations:
        print(report.text(), end="\n\n" if affected.violations else "\n")
    if affected.violations:
        print(
            "Caused by this edit: results on nodes of OTHER documents and graphs "
            f"({len(checked.rechecked)} re-checked because their checks read a triple the edit "
            f"removed or added):\n{affected.text()}"
        )
    conforms = report.conforms and affected.conforms
    if conforms:
        print(
            f"valid: document {checked.document} conforms to the SHACL shapes "
            f"({checked.context_quads} context triples from the last build, "
            f"{len(checked.rechecked)} nodes of other graphs re-checked, "
            f"{time.perf_counter() - started:.2f} s)"
        )
    return EXIT_OK if conforms else EXIT_INVALID


def _open(settings: Settings) -> ox.Store | None:
    try:
        return open_store(settings)
    except (FileNotFoundError, OSError) as exc:
        _err(f"{exc}")
        return None


def _resolve_query(args: argparse.Namespace, settings: Settings) -> CannedQuery | str:
    if args.query is not None:
        return args.query
    path = Path(args.file)
    if not path.is_file():
        canned = load_canned_queries(settings.queries_dir)
        if args.file in canned:
            return canned[args.file]
        raise FileNotFoundError(
            f"{args.file}: no such file or canned query (canned: {', '.join(canned)})"
        )
    text = path.read_text(encoding="utf-8")
    return parse_canned(path) if text.startswith("#+") else text


def _params(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ParameterError(f"--param {pair!r}: write name=value")
        values[name.strip()] = value
    return values


def cmd_query(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if (args.file is None) == (args.query is None):
        _err("give either a query file / canned query name or --query TEXT")
        return EXIT_USAGE
    try:
        query = _resolve_query(args, settings)
        values = _params(args.param)
        if isinstance(query, CannedQuery):
            text, bindings = query.text, query.substitutions(values)
        elif values:
            raise ParameterError("--param needs a canned query with a #+ params header")
        else:
            text, bindings = query, {}
    except (FileNotFoundError, InputError) as exc:
        _err(str(exc))
        return EXIT_MISSING
    except ParameterError as exc:
        _err(str(exc))
        return EXIT_USAGE
    store = _open(settings)
    if store is None:
        return EXIT_MISSING
    try:
        dataset = _dataset(store, text, settings.base_iri, drafts.excludes(args.drafts))
        result = run_query(store, text, bindings, dataset)
        print(format_result(result, args.format))
    except (QueryRefused, drafts.HiddenGraphNamed) as exc:
        _err(str(exc))
        return EXIT_USAGE
    except SyntaxError as exc:
        _err(f"query syntax error: {exc}")
        return EXIT_INVALID
    except (RuntimeError, OSError) as exc:
        _err(f"query failed: {exc}")
        return EXIT_INVALID
    return EXIT_OK


def _dataset(store: ox.Store, text: str, base: str, exclude: bool) -> QueryDataset:
    """The query's dataset: every graph, or — with the drafts excluded — every graph but the
    draft graphs, the query's FROM read as the endpoint reads it (`serve.safety`), so the
    switch means the same here as at /sparql (`query/drafts.py`)."""
    graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    hidden = draft_graphs(graphs, base) if exclude else frozenset()
    if not hidden:
        return EVERY_GRAPH
    checked = check_query(text, graphs)
    return drafts.query_dataset(
        graphs, hidden, declared=(checked.from_graphs, checked.from_named_graphs)
    )


def cmd_export(args: argparse.Namespace) -> int:
    from foerdergraph.workflows.build import prefixes  # pyshacl: not on the path of `serve`

    settings = _settings(args)
    store = _open(settings)
    if store is None:
        return EXIT_MISSING
    fmt = FORMATS[args.format]
    target = Path(args.output) if args.output else None
    # a file is written beside its name and renamed when complete: a failure (a full disk)
    # leaves no half-written file, and an existing one as it was
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp") if target else None
    try:
        with contextlib.ExitStack() as stack:
            out: IO[bytes] = stack.enter_context(tmp.open("wb")) if tmp else sys.stdout.buffer
            if args.gzip:
                # a GzipFile is a binary file; typeshed types it as BufferedIOBase only
                out = cast(IO[bytes], stack.enter_context(gzip_writer(out)))
            serialise(store, fmt, prefixes(settings.base_iri), out)
        if tmp and target:
            os.replace(tmp, target)
    except OSError as exc:
        raise named_disk_full(exc, target or Path("-")) from exc
    finally:
        if tmp:
            tmp.unlink(missing_ok=True)
    if args.output:
        _err(f"wrote {Path(args.output).stat().st_size} bytes to {args.output}")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    settings = _settings(args)
    manifest_path = settings.current_build / "manifest.json"
    store = _open(settings)
    if store is None or not manifest_path.is_file():
        return EXIT_MISSING
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tables: dict[str, dict[str, int]] = {
        "graphs": {g["iri"]: g["triples"] for g in manifest["graphs"]},
        "classes": dict(class_partitions(store)),
        "dumps": {d["file"]: d["bytes"] for d in manifest["dumps"]},
    }
    stats: dict[str, object] = {
        "build_id": manifest["build_id"],
        "triples": manifest["triples"],
        **tables,
    }
    if args.format == "json":
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"build {stats['build_id']}: {stats['triples']} quads")
    for title, table in tables.items():
        print(f"\n{title}:")
        for key, value in table.items():
            print(f"  {value:>8}  {key}")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add build, validate, query, export and stats."""
    p = subparsers.add_parser("build", help="validate, reason, write the store and the dumps")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--base", help="base namespace for minted IRIs (default FOERDERGRAPH_BASE)")
    p.add_argument(
        "--store",
        metavar="URL[,URL…]",
        help="also upload the named graphs to this SPARQL 1.1 server, or to each of several "
        "read replicas (virtuoso+http://… for Virtuoso; default FOERDERGRAPH_STORE; "
        "docs/scaling.md)",
    )
    p.set_defaults(handler=cmd_build)

    p = subparsers.add_parser("validate", help="check data/ against the shapes; write nothing")
    p.add_argument("--base", help="base namespace for minted IRIs")
    p.add_argument(
        "--engine",
        choices=("sparql", "pyshacl"),
        default="sparql",
        help="SHACL engine: our shapes as SPARQL on Oxigraph (fast), or pyshacl (the reference)",
    )
    p.add_argument(
        "--document",
        metavar="ID",
        help="validate only data/sources/ID.* and data/facts/ID.yaml, against the last build "
        "(docs/scaling.md)",
    )
    p.set_defaults(handler=cmd_validate)

    p = subparsers.add_parser("query", help="run SPARQL over all named graphs of the last build")
    p.add_argument("file", nargs="?", help="a .rq file or the name of a canned query")
    p.add_argument("--query", help="the query text instead of a file")
    p.add_argument("--format", choices=QUERY_FORMATS, default="table")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a canned query parameter (repeatable); bound as an RDF term",
    )
    p.add_argument(
        "--drafts",
        choices=drafts.CHOICES,
        default=drafts.DEFAULT,
        help="include (default) or exclude the machine-extracted facts of draft graphs, "
        "as the endpoint's drafts= parameter does",
    )
    p.set_defaults(handler=cmd_query)

    p = subparsers.add_parser("export", help="write the last build in an RDF format")
    p.add_argument("--format", choices=sorted(FORMATS), default="turtle")
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    p.add_argument("--gzip", action="store_true", help="gzip the output")
    p.set_defaults(handler=cmd_export)

    p = subparsers.add_parser("stats", help="counts per graph, class and dump of the last build")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_stats)

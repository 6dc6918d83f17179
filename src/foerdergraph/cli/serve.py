"""`foerdergraph serve`: the SPARQL endpoint, linked data, dumps and the web UI over HTTP."""

from __future__ import annotations

import argparse
import sys

from foerdergraph.core.config import load_settings
from foerdergraph.core.errors import EXIT_MISSING


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the last build over HTTP (SPARQL, linked data, dumps, web UI)",
        description="Serve build/current: SPARQL 1.1 endpoint at /sparql, linked data under the "
        "served base, dumps, ontology and the researcher's UI. See docs/serving.md.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default %(default)s)")
    parser.add_argument(
        "--base-url",
        default=None,
        help="public URL the server is reached at (e.g. https://graph.example.org/); the "
        "configured base namespace FOERDERGRAPH_BASE maps to it. Default: "
        "FOERDERGRAPH_PUBLIC_URL, else the URL each request arrived at.",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="query worker processes kept for quick queries; long ones get workers of their "
        "own besides (default FOERDERGRAPH_QUERY_WORKERS, else CPUs, at least 2)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="query time limit in seconds (default FOERDERGRAPH_QUERY_TIMEOUT or 10)",
    )
    parser.add_argument(
        "--store",
        metavar="URL[,URL…]",
        default=None,
        help="answer SPARQL and linked-data lookups from this SPARQL 1.1 server instead of the "
        "local store, or spread them over several read replicas (virtuoso+http://… for "
        "Virtuoso; default FOERDERGRAPH_STORE; docs/scaling.md)",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log a line per request (off by default: at thousands of lookups a second the "
        "log line costs more than the lookup; a proxy in front usually logs anyway)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from foerdergraph.remote import RemoteStoreError
    from foerdergraph.serve.app import create_app
    from foerdergraph.serve.header_timeout import header_timeout_protocol
    from foerdergraph.serve.release import NoBuild

    settings = load_settings()
    changes: dict[str, object] = {}
    if args.base_url:
        changes["public_url"] = (
            args.base_url if args.base_url.endswith("/") else args.base_url + "/"
        )
    if args.workers:
        changes["query_workers"] = args.workers
    if args.timeout:
        changes["query_timeout_s"] = args.timeout
    if args.store:
        changes["store_url"] = args.store
    if changes:
        settings = settings.with_(**changes)
    try:
        app = create_app(settings)
    except (NoBuild, RemoteStoreError) as error:
        print(error, file=sys.stderr)
        return EXIT_MISSING
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="info",
        proxy_headers=False,
        access_log=args.access_log,
        http=header_timeout_protocol(settings.header_timeout_s),
    )
    return 0

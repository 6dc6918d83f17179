"""OpenLink Virtuoso (Debian `virtuoso-opensource-7-bin`, installed by ensure_virtuoso.sh) on
127.0.0.1 for the remote-backend tests: a generated virtuoso.ini in a throw-away folder, free
ports, a small `ResultSetMaxRows` so the silent cap can be tested, stopped after."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import free_port
from .processes import answers, started

USER = "dba"
PASSWORD = "dba"
"""The account a fresh Virtuoso database has; the server listens on loopback only."""
START_TIMEOUT_S = 120

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = {db}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {query_seconds}
MaxQueryCostEstimationTime = 0
"""


def virtuoso_binary() -> str:
    """`virtuoso-t` on PATH (Debian installs it to /usr/bin)."""
    found = shutil.which("virtuoso-t")
    if found is None:
        raise RuntimeError("Virtuoso is missing: run tests/serve/ensure_virtuoso.sh (make test)")
    return found


@contextmanager
def running_virtuoso(
    location: Path, max_rows: int, *, buffers: int = 10_000, query_seconds: int = 60
) -> Iterator[str]:
    """A Virtuoso server with its data in `location` that cuts answers at `max_rows`; yields
    its store URL (`virtuoso+http://…`). `buffers` are 8 kB pages of cache (the default, 80 MB,
    suits the tests' small graphs; a benchmark at 10^6 gives it more), `query_seconds` its
    own limit per query."""
    location.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = location / "virtuoso.ini"
    ini.write_text(
        INI.format(
            db=location,
            sql_port=free_port(),
            http_port=http_port,
            max_rows=max_rows,
            buffers=buffers,
            dirty=buffers * 3 // 4,
            query_seconds=query_seconds,
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [virtuoso_binary(), "+configfile", str(ini), "+foreground"],
        cwd=location,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}"
    log = location / "virtuoso.log"
    with started(
        process,
        lambda: answers(url + "/sparql", {"query": "ASK {}"}, timeout=2),
        what="virtuoso",
        seconds=START_TIMEOUT_S,
        output=lambda: log.read_text(errors="replace")[-2000:] if log.exists() else "",
        stop_wait=30,
    ):
        yield "virtuoso+" + url

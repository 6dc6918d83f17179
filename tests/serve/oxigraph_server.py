"""The real Oxigraph server (PyPI package `oxigraph`, binary `oxigraph`) on 127.0.0.1 for the
remote-backend tests: started on a free port with a throw-away data folder, stopped after."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import free_port
from .processes import answers, started


def oxigraph_binary() -> str:
    """The `oxigraph` executable beside this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the Oxigraph server is missing: pip install oxigraph (dev extra)")
    return found


@contextmanager
def running_oxigraph(location: Path) -> Iterator[str]:
    """An Oxigraph server whose default graph is the union of its named graphs; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    with started(
        process,
        lambda: answers(url + "/query", {"query": "ASK {}"}),
        what="oxigraph",
        seconds=30,
        output=lambda: process.stderr.read().decode() if process.stderr else "",
    ):
        yield url

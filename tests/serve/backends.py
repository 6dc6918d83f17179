"""The SPARQL servers the remote-backend suite runs against, each started the same way: one
name per server, a context manager that yields its store URL with the environment the store
client needs (credentials, the server's row cap) set while it runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .oxigraph_server import running_oxigraph
from .virtuoso_server import PASSWORD, USER, running_virtuoso

SERVERS = ("oxigraph", "virtuoso")
VIRTUOSO_MAX_ROWS = 60
"""Small enough that a query over the whole test release (93 triples) hits it, large enough
for every page lookup and canned query of the suite."""


@contextmanager
def running_store(kind: str, location: Path) -> Iterator[str]:
    """The server `kind` with its data in `location`; yields the URL for `--store`."""
    if kind == "oxigraph":
        with running_oxigraph(location) as url:
            yield url
        return
    with (
        running_virtuoso(location, VIRTUOSO_MAX_ROWS) as url,
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv("FOERDERGRAPH_STORE_USER", USER)
        env.setenv("FOERDERGRAPH_STORE_PASSWORD", PASSWORD)
        env.setenv("FOERDERGRAPH_STORE_MAX_ROWS", str(VIRTUOSO_MAX_ROWS))
        yield url

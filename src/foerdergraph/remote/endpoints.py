"""Where a remote SPARQL server takes queries, updates and graph uploads, and how to log in.

Servers lay their endpoints out differently (Oxigraph `/query` `/update` `/store`, Fuseki
`/ds/query` `/ds/update` `/ds/data`, Virtuoso one `/sparql` plus `/sparql-graph-crud`), so the
defaults follow the server kind the URL names (`virtuoso+http://…`, remote/servers.py; Oxigraph
otherwise) and every URL can be set on its own. Credentials come only from the environment,
never from command lines (which other users of the machine can read).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import httpx

from foerdergraph.remote import RemoteStoreError
from foerdergraph.remote.servers import OXIGRAPH, Server, split_url

NO_GSP = ("", "none", "off")
"""FOERDERGRAPH_STORE_GSP values that switch the Graph Store Protocol off (Update only)."""


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one remote SPARQL server and the credentials to use there."""

    base: str
    query: str
    update: str
    gsp: str | None
    auth: httpx.Auth | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    server: Server = OXIGRAPH
    graphs_under: str = ""
    """Only named graphs whose IRI starts with this are the data's (the build's `<base>graph/`);
    the server's own graphs (Virtuoso's system graphs) are never part of an answer."""

    @classmethod
    def from_url(
        cls, url: str, env: Mapping[str, str] | None = None, graphs_under: str = ""
    ) -> Endpoints:
        """Endpoints for `url`: the layout of the server kind it names unless
        FOERDERGRAPH_STORE_QUERY, _UPDATE or _GSP say otherwise; auth from
        FOERDERGRAPH_STORE_USER/_PASSWORD (Basic, or Digest with FOERDERGRAPH_STORE_AUTH=digest
        or on a server that only takes digest) or FOERDERGRAPH_STORE_TOKEN (Bearer); the
        server's silent row cap from FOERDERGRAPH_STORE_MAX_ROWS."""
        env = os.environ if env is None else env
        try:
            server, plain = split_url(url)
        except ValueError as error:
            raise RemoteStoreError(str(error)) from error
        if rows := env.get("FOERDERGRAPH_STORE_MAX_ROWS"):
            server = replace(server, max_rows=int(rows))
        root = plain.rstrip("/")
        gsp = env.get("FOERDERGRAPH_STORE_GSP", root + server.gsp_path)
        auth: httpx.Auth | None = None
        headers: dict[str, str] = {}
        if user := env.get("FOERDERGRAPH_STORE_USER"):
            password = env.get("FOERDERGRAPH_STORE_PASSWORD", "")
            digest = "digest" if server.digest_auth else "basic"
            if env.get("FOERDERGRAPH_STORE_AUTH", digest).lower() == "digest":
                auth = httpx.DigestAuth(user, password)
            else:
                auth = httpx.BasicAuth(user, password)
        elif token := env.get("FOERDERGRAPH_STORE_TOKEN"):
            headers["Authorization"] = f"Bearer {token}"
        return cls(
            base=root,
            query=env.get("FOERDERGRAPH_STORE_QUERY", root + server.query_path),
            update=env.get("FOERDERGRAPH_STORE_UPDATE", root + server.update_path),
            gsp=None if gsp.lower() in NO_GSP else gsp,
            auth=auth,
            headers=headers,
            server=server,
            graphs_under=graphs_under,
        )

    def dataset(self, graphs: frozenset[str]) -> list[tuple[str, str]]:
        """Protocol parameters that make `graphs` a query's whole dataset (default graph = their
        union, GRAPH ?g ranging over them) on a server whose default graph is more than that;
        none on a server whose default graph is already the union of the data."""
        if self.server.union_default_graph:
            return []
        ordered = sorted(graphs)
        return [("default-graph-uri", g) for g in ordered] + [
            ("named-graph-uri", g) for g in ordered
        ]

    def client(self, timeout: float) -> httpx.Client:
        """A blocking client for lookups and uploads (run in threads, never on an event loop)."""
        return httpx.Client(auth=self.auth, headers=dict(self.headers), timeout=timeout)

    def async_client(self, timeout: float, connections: int = 32) -> httpx.AsyncClient:
        """An asynchronous client for the query proxy of `serve`."""
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        return httpx.AsyncClient(
            auth=self.auth, headers=dict(self.headers), timeout=timeout, limits=limits
        )


def store_urls(store: str) -> list[str]:
    """The servers `--store` names: one URL, or several comma-separated read replicas."""
    return [url.strip() for url in store.split(",") if url.strip()]


def unreachable(endpoints: Endpoints, error: Exception) -> RemoteStoreError:
    """The error every caller shows when the server cannot be reached at all."""
    return RemoteStoreError(
        f"the SPARQL store at {endpoints.base} is unreachable ({type(error).__name__}: {error}); "
        "is it running, and are FOERDERGRAPH_STORE and its endpoint URLs right?"
    )

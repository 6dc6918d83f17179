"""Upload a finished release's named graphs to a remote SPARQL 1.1 server.

Runs after the local release is complete and current, so the remote server only ever receives
a graph that passed validation. Each named graph is replaced as a whole: by the Graph Store
HTTP Protocol (one `PUT ?graph=<iri>` of N-Triples, which Oxigraph applies as one replacement),
or — when the server commits a PUT in parts (Virtuoso) or has no GSP endpoint — by loading a
staging graph (PUT, or `INSERT DATA` in chunks) and `MOVE`-ing it over the old graph, so
readers never see a graph missing or half-written. Graphs under our base that the release no
longer has are dropped, and the triple counts on the server are checked against the local store
afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from foerdergraph.core.errors import BuildError
from foerdergraph.core.formats import written
from foerdergraph.remote import RemoteStoreError
from foerdergraph.remote.endpoints import Endpoints, store_urls, unreachable
from foerdergraph.remote.remote_store import RemoteStore

CHUNK_TRIPLES = 20_000
"""Triples per INSERT DATA request: small enough for any server's request limit."""
GSP_UNSUPPORTED = {404, 405, 406, 415, 501}
"""GSP answers meaning "no Graph Store Protocol here", after which SPARQL Update is used."""
UPLOAD_TIMEOUT_S = 600.0
MOVE_ATTEMPTS = 6
STAGING = "urn:x-foerdergraph:staging:"
"""Prefix of the graph a new graph is loaded into before it is moved over the old one: outside
the data's graphs, so no query sees it half-loaded."""

Progress = Callable[[str], None]


@dataclass
class UploadReport:
    """What went to the server: triples per graph, the method, dropped stale graphs."""

    method: str = "gsp"
    graphs: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def upload_release(
    store_dir: Path,
    endpoints: Endpoints,
    base_iri: str,
    progress: Progress = lambda _msg: None,
) -> UploadReport:
    """Replace every named graph of the store at `store_dir` on the server; raise
    RemoteStoreError naming the server and the graph when anything fails."""
    started = time.perf_counter()
    store = ox.Store.read_only(str(store_dir))
    report = UploadReport(method="gsp" if endpoints.gsp else "update")
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    with endpoints.client(UPLOAD_TIMEOUT_S) as client:
        uploader = _Uploader(client, endpoints, report)
        for iri in graphs:
            body = written(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri)))
            report.graphs[iri] = body.count(b"\n")
            uploader.replace(iri, body)
        reader = RemoteStore(endpoints, UPLOAD_TIMEOUT_S)
        try:
            stale = [
                g.value
                for g in reader.named_graphs()
                if g.value.startswith(base_iri + "graph/") and g.value not in report.graphs
            ]
            for iri in stale:
                uploader.drop(iri)
            report.dropped = stale
            _check_counts(reader, report.graphs)
        finally:
            reader.close()
    report.seconds = round(time.perf_counter() - started, 3)
    progress(
        f"uploaded {len(report.graphs)} graphs ({report.triples} triples) to {endpoints.base} "
        f"by {report.method}; dropped {len(report.dropped)} stale"
    )
    return report


class _Uploader:
    """Replaces graphs by GSP until the server shows it has none, then by SPARQL Update."""

    def __init__(self, client: httpx.Client, endpoints: Endpoints, report: UploadReport) -> None:
        self.client = client
        self.endpoints = endpoints
        self.report = report

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.client.request(method, url, **kwargs)
        except httpx.TransportError as error:
            raise unreachable(self.endpoints, error) from error

    def _check(self, response: httpx.Response, what: str) -> None:
        if response.status_code >= 300:
            raise RemoteStoreError(
                f"{what} failed at {response.request.url}: {response.status_code} "
                f"{response.text[:500]}"
            )

    def replace(self, iri: str, ntriples: bytes) -> None:
        """Replace the graph so that readers see it whole, old or new: by one GSP PUT where
        the server applies that in one step, else by loading a staging graph beside it and
        moving that over it in one update."""
        staged = STAGING + iri
        if self.report.method == "gsp" and self.endpoints.gsp:
            atomic = self.endpoints.server.atomic_put
            response = self._send(
                "PUT",
                self.endpoints.gsp,
                params={"graph": iri if atomic else staged},
                content=ntriples,
                headers={"Content-Type": "application/n-triples"},
            )
            if response.status_code not in GSP_UNSUPPORTED:
                self._check(response, f"uploading <{iri}>")
                if not atomic:
                    self._move(staged, iri)
                return
            self.report.method = "update"
        self._update(f"DROP SILENT GRAPH <{staged}>", f"clearing <{staged}>")
        for chunk in _chunks(ntriples):
            self._update(
                f"INSERT DATA {{ GRAPH <{staged}> {{\n{chunk}\n}} }}", f"inserting into <{iri}>"
            )
        self._move(staged, iri)

    def _move(self, staged: str, iri: str) -> None:
        """One update that swaps the graph; retried when the server gives up on it as a
        transaction in conflict with readers (Virtuoso: SR171 "Transaction timed out")."""
        text = f"MOVE SILENT GRAPH <{staged}> TO GRAPH <{iri}>"
        for attempt in range(MOVE_ATTEMPTS):
            response = self._send("POST", self.endpoints.update, data={"update": text})
            if response.status_code < 500 or attempt == MOVE_ATTEMPTS - 1:
                break
            time.sleep(0.5 * (attempt + 1))
        self._check(response, f"moving <{iri}> in place")

    def drop(self, iri: str) -> None:
        if self.report.method == "gsp" and self.endpoints.gsp:
            response = self._send("DELETE", self.endpoints.gsp, params={"graph": iri})
            if response.status_code != 404:  # 404: already gone
                self._check(response, f"deleting <{iri}>")
            return
        self._update(f"DROP SILENT GRAPH <{iri}>", f"dropping <{iri}>")

    def _update(self, text: str, what: str) -> None:
        """Form-encoded, the one POST form every server takes (Virtuoso hangs on a direct
        POST of the query text)."""
        response = self._send("POST", self.endpoints.update, data={"update": text})
        self._check(response, what)


def _chunks(ntriples: bytes) -> Iterator[str]:
    """N-Triples lines in INSERT DATA-sized chunks. Lines with blank nodes all go into the
    last chunk: each INSERT DATA request mints its own blank nodes, so a blank node split
    across two requests would become two nodes."""
    plain: list[str] = []
    blank: list[str] = []
    for line in ntriples.decode("utf-8").splitlines():
        if not line.strip():
            continue
        (blank if "_:" in line else plain).append(line)
        if len(plain) >= CHUNK_TRIPLES:
            yield "\n".join(plain)
            plain = []
    if plain:
        yield "\n".join(plain)
    if blank:
        yield "\n".join(blank)


def _counts(reader: RemoteStore) -> dict[str, int]:
    under = ox.Literal(reader.endpoints.graphs_under)
    solutions = reader.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), {under})) }} GROUP BY ?g",
        scoped=False,
    )
    assert isinstance(solutions, ox.QuerySolutions)
    return {row["g"].value: int(row["n"].value) for row in solutions}


def _check_counts(reader: RemoteStore, expected: dict[str, int]) -> None:
    """Every uploaded graph must hold exactly as many triples on the server as locally."""
    remote = _counts(reader)
    wrong = {g: (n, remote.get(g, 0)) for g, n in expected.items() if remote.get(g, 0) != n}
    if wrong:
        listed = "; ".join(f"<{g}> local {a}, remote {b}" for g, (a, b) in sorted(wrong.items()))
        raise RemoteStoreError(f"the server holds other triple counts after the upload: {listed}")


def remote_graph_counts(endpoints: Endpoints, timeout_s: float = 60.0) -> dict[str, int]:
    """Triples per named graph on the server (tests, benchmarks)."""
    reader = RemoteStore(endpoints, timeout_s)
    try:
        return _counts(reader)
    finally:
        reader.close()


def upload_build(release_dir: Path, store_url: str, base_iri: str, progress: Progress) -> None:
    """The build's last step with `--store`: upload to each server named (several, comma-
    separated, are read replicas), or fail with a BuildError that says the local release is
    fine and only that server is behind."""
    for url in store_urls(store_url):
        try:
            endpoints = Endpoints.from_url(url, graphs_under=base_iri + "graph/")
            upload_release(release_dir / "store", endpoints, base_iri, progress)
        except RemoteStoreError as error:
            raise BuildError(
                f"the build is complete and current locally ({release_dir.name}), but the "
                f"upload to {url} failed: {error}"
            ) from error

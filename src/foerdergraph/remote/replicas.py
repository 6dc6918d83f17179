"""Read replicas: several SPARQL servers holding the same release, queries spread over them.

`--store URL1,URL2,…` names them (each uploaded by `build --store` in turn). Every request goes
to the next replica in turn that is in service; one that cannot be reached or answers 5xx is
taken out at once and the request goes to the next, so a client sees an error only when no
replica is left. A replica is also taken out when it holds another release than the one being
served: the release is recognised by its graphs and their triple counts, which the local
build's manifest states and one COUNT query on the replica shows. Taken-out replicas are
probed again after `RETRY_S` and come back when they answer with the right release.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from foerdergraph.remote import RemoteStoreError
from foerdergraph.remote.endpoints import Endpoints, store_urls

log = logging.getLogger(__name__)

RETRY_S = 5.0
"""Seconds a replica stays out before it is probed again."""
FAILED_STATUS = frozenset({502, 503, 504})
"""Answers that say the replica (or a proxy before it) is down, not that the query is wrong."""

Probe = Callable[[Endpoints], dict[str, int]]
"""Triples per data graph on one replica (raises RemoteStoreError when it cannot tell)."""


@dataclass
class Replica:
    """One server of the set and what is known about it."""

    endpoints: Endpoints
    out_until: float = 0.0
    reason: str = ""
    served: int = 0
    failures: int = 0

    @property
    def base(self) -> str:
        return self.endpoints.base


class Replicas:
    """The replica set: round-robin over those in service, out on failure or lag, back after
    a successful probe. Thread-safe; the probe itself runs outside the lock."""

    def __init__(self, endpoints: Sequence[Endpoints], retry_s: float | None = None) -> None:
        if not endpoints:
            raise ValueError("at least one store URL is needed")
        self.replicas = [Replica(e) for e in endpoints]
        self.retry_s = RETRY_S if retry_s is None else retry_s
        self.expected: dict[str, int] | None = None
        self.release = ""
        self._turn = itertools.count()
        self._lock = threading.Lock()

    @classmethod
    def from_store(cls, store: str, graphs_under: str) -> Replicas:
        """The replica set `--store` names (one URL is a set of one)."""
        return cls([Endpoints.from_url(u, graphs_under=graphs_under) for u in store_urls(store)])

    def order(self) -> Iterator[Replica]:
        """The replicas in service, starting with the next in turn (callers try them in this
        order until one answers)."""
        with self._lock:
            now = time.monotonic()
            live = [r for r in self.replicas if r.out_until <= now]
            if not live:
                return iter(())
            start = next(self._turn) % len(live)
            return iter(live[start:] + live[:start])

    def served(self, replica: Replica) -> None:
        with self._lock:
            replica.served += 1

    def take_out(self, replica: Replica, reason: str) -> None:
        """Out of service for `retry_s`; the next probe after that decides whether it returns."""
        with self._lock:
            replica.out_until = time.monotonic() + self.retry_s
            replica.reason = reason
            replica.failures += 1
        log.warning("replica %s taken out: %s", replica.base, reason)

    def expect(self, release: str, counts: dict[str, int] | None, probe: Probe) -> None:
        """Serve `release` (triples per graph from its manifest; None when this machine has no
        build to compare with): probe every replica now and take out those that differ."""
        self.expected = counts
        self.release = release
        for replica in self.replicas:
            self.check(replica, probe)

    def any_due(self) -> bool:
        """Whether a taken-out replica's time out is over (cheap; checked before requests)."""
        now = time.monotonic()
        return any(r.reason and r.out_until <= now for r in self.replicas)

    def probe_due(self, probe: Probe) -> None:
        """Probe the replicas whose time out is over; they return when the probe passes."""
        now = time.monotonic()
        for replica in self.replicas:
            if replica.reason and replica.out_until <= now:
                self.check(replica, probe)

    def none_left(self) -> RemoteStoreError:
        """The error when every replica is out, with each one's reason."""
        return RemoteStoreError(
            "no SPARQL store is in service: "
            + "; ".join(f"{r.base}: {r.reason}" for r in self.replicas)
        )

    def check(self, replica: Replica, probe: Probe) -> bool:
        """Ask the replica for its graphs; in service only when it can answer and holds the
        release being served."""
        try:
            counts = probe(replica.endpoints)
        except RemoteStoreError as error:
            self.take_out(replica, str(error))
            return False
        if self.expected is not None and counts != self.expected:
            self.take_out(
                replica,
                f"holds another release than {self.release} ({_difference(self.expected, counts)})",
            )
            return False
        with self._lock:
            if replica.reason:
                log.info("replica %s back in service", replica.base)
            replica.out_until, replica.reason = 0.0, ""
        return True

    def status(self) -> list[dict[str, object]]:
        """Per replica: URL, in service or why not, requests served (for /health)."""
        with self._lock:
            return [
                {
                    "store": r.base,
                    "in_service": not r.reason,
                    "reason": r.reason,
                    "served": r.served,
                }
                for r in self.replicas
            ]


def _difference(expected: dict[str, int], found: dict[str, int]) -> str:
    """The first graph whose triple count differs, for the log."""
    for graph in sorted(set(expected) | set(found)):
        if expected.get(graph) != found.get(graph):
            held, wanted = found.get(graph, 0), expected.get(graph, 0)
            return f"<{graph}>: {held} triples, the release has {wanted}"
    return "same graphs"


def manifest_counts(current: Path) -> tuple[str, dict[str, int] | None]:
    """The build id and triples per graph the local build's manifest states (None when this
    machine has no build: replicas are then only checked for being reachable)."""
    path = current.resolve() / "manifest.json"
    if not path.is_file():
        return current.name, None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    counts = {g["iri"]: int(g["triples"]) for g in manifest.get("graphs", [])}
    return str(manifest.get("build_id", current.resolve().name)), counts

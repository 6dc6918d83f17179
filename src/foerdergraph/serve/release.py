"""The build the server answers from: its folder, manifest and a read-only store handle.

`build/current` is a symlink the build switches atomically. `ReleaseWatcher` reads the link on
every request (one readlink, about a microsecond) and, when it points elsewhere, opens the new
release in a thread and switches to it; requests already running keep the `Release` object they
started with, so a page never mixes two builds, and a half-written build is never visible (the
link only ever names complete releases).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool

from foerdergraph.serve.memory_copy import store_graphs

if TYPE_CHECKING:  # httpx stays out of a local server's start-up
    from foerdergraph.remote.remote_store import QuadSource, RemoteStore

log = logging.getLogger(__name__)


class NoBuild(Exception):
    """There is no usable build to serve (run `foerdergraph build`)."""


@dataclass
class Release:
    """One build: `store/`, `dumps/`, `manifest.json`."""

    path: Path
    manifest: dict[str, Any]
    store: QuadSource = field(repr=False)
    graphs: frozenset[str]

    @property
    def store_path(self) -> Path:
        return self.path / "store"

    @property
    def dumps_dir(self) -> Path:
        return self.path / "dumps"

    @property
    def build_id(self) -> str:
        return str(self.manifest.get("build_id", self.path.name))

    def graph_entries(self) -> list[dict[str, Any]]:
        """The manifest's graph list, falling back to the store's graphs."""
        listed = self.manifest.get("graphs") or []
        if listed:
            return sorted(listed, key=lambda g: g.get("iri", ""))
        return [{"iri": g, "kind": "", "triples": None} for g in sorted(self.graphs)]

    def dump_entries(self) -> list[dict[str, Any]]:
        return list(self.manifest.get("dumps") or [])


def open_release(current: Path) -> Release:
    """Resolve `current` (a release folder or a link to one) and open its store read-only."""
    path = current.resolve()
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file() or not (path / "store").is_dir():
        raise NoBuild(
            f"no build at {current} (expected manifest.json and store/); run `foerdergraph build`"
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    store = ox.Store.read_only(str(path / "store"))
    return Release(path=path, manifest=manifest, store=store, graphs=store_graphs(store))


def open_remote_release(current: Path, store: RemoteStore) -> Release:
    """A release answered by a remote SPARQL server: its graphs are the server's; manifest and
    dumps come from the local build when this machine has one (else there are none)."""
    path = current.resolve()
    manifest_path = path / "manifest.json"
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    )
    graphs = frozenset(g.value for g in store.named_graphs())
    return Release(path=path, manifest=manifest, store=store, graphs=graphs)


def link_target(current: Path) -> str | None:
    """Where the `current` link points (None when it is no link): the cheap change check."""
    try:
        return os.readlink(current)
    except OSError:
        return None


class ReleaseWatcher:
    """The release `build/current` names now; `get()` switches to a new one when the link moves.

    `opener` opens a release (local store or remote); `on_switch` tells the query service. While
    a new release is being opened, requests keep getting the old one rather than waiting."""

    def __init__(
        self,
        current: Path,
        release: Release,
        opener: Callable[[Path], Release],
        on_switch: Callable[[Release], None],
    ) -> None:
        self.current = current
        self.release = release
        self._opener = opener
        self._on_switch = on_switch
        self._target = link_target(current)
        self._lock = asyncio.Lock()

    async def get(self) -> Release:
        target = link_target(self.current)
        if target is None or target == self._target or self._lock.locked():
            return self.release
        async with self._lock:
            try:
                release = await run_in_threadpool(self._opener, self.current)
            except Exception as error:  # a broken link or release: keep serving the last one
                log.error("cannot switch to the build at %s: %s", target, error)
                self._target = target
                return self.release
            self._target = target
            self.release = release
            self._on_switch(release)
            log.info("switched to build %s at %s", release.build_id, release.path)
        return self.release

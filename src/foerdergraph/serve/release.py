"""The build the server answers from: its folder, manifest and a read-only store handle.

`build/current` is a symlink the build switches atomically; the server resolves it once at start
and keeps serving that release, so a build finishing mid-request never changes the data under
a page. Restart the server to serve a newer build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox


class NoBuild(Exception):
    """There is no usable build to serve (run `foerdergraph build`)."""


@dataclass
class Release:
    """One build: `store/`, `dumps/`, `manifest.json`."""

    path: Path
    manifest: dict[str, Any]
    store: ox.Store = field(repr=False)
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
    graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return Release(path=path, manifest=manifest, store=store, graphs=graphs)

"""The one reader of the entity registry files (data/entities.yaml, data/reference/*.yaml and the
`entities:` block of a facts file): kind → key → entry, read with the safe YAML reader, so a
syntax error is an InputError naming the file and line wherever the registry is read.

The build turns the entries into entities and triples (foerdergraph.ingest.registry); the
extractor's gazetteer and the EU import read their names from the same entries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from foerdergraph.core.yamlfile import read_mapping

ENTITIES_FILE = "entities.yaml"
"""The curated registry inside data/."""
REFERENCE_DIR = "reference"
"""Reference data (regions, ministries) inside data/, one YAML file per source."""


def registry_files(data_dir: Path) -> list[tuple[str, Path]]:
    """The existing registry files of a data folder as (graph kind, path), in the build's order:
    the reference files (sorted), then entities.yaml."""
    files = [("reference", p) for p in sorted((data_dir / REFERENCE_DIR).glob("*.yaml"))]
    files.append(("entities", data_dir / ENTITIES_FILE))
    return [(kind, path) for kind, path in files if path.is_file()]


def read_registry_file(path: Path, block: str | None = None) -> dict[str, Any]:
    """The registry mapping of one file (kind → key → entry), optionally the one under a
    top-level `block`; raises InputError on invalid YAML."""
    content = read_mapping(path)
    if block is not None:
        inner = content.get(block) or {}
        return inner if isinstance(inner, dict) else {}
    return content


def registry_items(content: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, key, entry) for every entry given as a mapping; `provenance` and entries of
    another shape are left to the build's checks."""
    for kind, items in content.items():
        if kind == "provenance" or not isinstance(items, dict):
            continue
        for key, entry in items.items():
            if isinstance(entry, dict):
                yield str(kind), str(key), entry

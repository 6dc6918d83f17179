"""What an EU list import reads besides the list: its description file, the registry entries
it resolves beneficiaries against, the curated vetoes and links, and the labels other imports
already give to shared entities (so two imports never disagree on a label)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import URIRef

from foerdergraph.core.ontology import OntologyIndex
from foerdergraph.core.registry import read_registry
from foerdergraph.core.vocab import FG
from foerdergraph.core.yamlfile import read_mapping, read_yaml
from foerdergraph.ingest.eu.beneficiaries import (
    RegistryEntry,
    Veto,
)


def as_list(value: object) -> list[Any]:
    """A list from a description, or [] for anything else: descriptions are free-form."""
    return value if isinstance(value, list) else []


def read_description(path: Path) -> dict[str, object]:
    """The OpenSpending `source.description.yaml` beside the file, or {} when there is none."""
    candidate = path.parent / "source.description.yaml"
    if not candidate.is_file():
        return {}
    content = read_yaml(candidate)
    return content if isinstance(content, dict) else {}


def load_registry(data_dir: Path, ontology: OntologyIndex) -> list[RegistryEntry]:
    """Entities of data/entities.yaml and data/reference/*.yaml with every surface form, read
    (and checked) by the registry's reader; an AGS becomes the name `ags:<key>`."""
    entries = []
    for entity in read_registry(data_dir, ontology):
        names = entity.alt + ((f"ags:{entity.ags}",) if entity.ags else ())
        entries.append(RegistryEntry(entity.kind, entity.key, entity.label, names))
        object.__setattr__(entries[-1], "cls", str(entity.cls).removeprefix(str(FG)))
    return entries


@dataclass(frozen=True)
class Curation:
    vetoes: list[Veto]
    links: dict[str, str]
    part_of: list[tuple[str, str, str]]


def load_curation(data_dir: Path) -> Curation:
    """data/curation/merge-vetoes.yaml and beneficiary-links.yaml (both optional)."""
    folder = data_dir / "curation"
    vetoes, links, part_of = [], {}, []
    if (path := folder / "merge-vetoes.yaml").is_file():
        for item in read_mapping(path).get("vetoes") or []:
            a, b = item["names"]
            vetoes.append(Veto((str(a), str(b)), str(item.get("reason", ""))))
    if (path := folder / "beneficiary-links.yaml").is_file():
        for item in read_mapping(path).get("links") or []:
            links[str(item["name"])] = str(item["entity"])
            if item.get("part_of_name"):
                part_of.append(
                    (str(item["name"]), str(item["part_of_name"]), str(item.get("note", "")))
                )
    return Curation(vetoes, links, part_of)


# -- the graph --------------------------------------------------------------------------------


_PREF_LABEL_LINE = re.compile(
    r"^<([^>]+/id/(?:organisation|programme|call)/import/[^>]+)> "
    r'<http://www\.w3\.org/2004/02/skos/core#prefLabel> "((?:[^"\\]|\\.)*)"@de \.$'
)


def labels_in_other_imports(imports_dir: Path, own_name: str) -> dict[URIRef, str]:
    """The German prefLabels the other imports (data/imports/*.trig.gz) gave to imported
    entities. The same beneficiary has one IRI in every list but may be spelt differently
    ("Forschungszentrum Jülich" / "… GmbH"); reusing the label already chosen keeps one
    prefLabel per IRI, and re-importing converges (the label that exists elsewhere wins)."""
    labels: dict[URIRef, str] = {}
    for path in sorted(imports_dir.glob("*.trig.gz")):
        if path.name == f"{own_name}.trig.gz":
            continue
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if (m := _PREF_LABEL_LINE.match(line.rstrip("\n"))) is not None:
                    text = json.loads(f'"{m[2]}"')
                    labels.setdefault(URIRef(m[1]), text)
    return labels


@dataclass(frozen=True)
class ImportedFrom:
    """What an existing import was made from, read from its report (or, for reports written
    before the source was recorded there, from the dataset description in its graph)."""

    file: str
    sha256: str
    rows: int | None

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "sha256": self.sha256, "rows": self.rows}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()

"""Importing an EU beneficiary list: parse it, build its graph (`eu_graph`), validate it in the
context of the current build, and write the import and its report atomically, refusing to
replace another file's import unasked. The written files are deterministic (sorted N-Triples
in one TriG block, gzip without a timestamp), so a re-import of an unchanged file gives
byte-identical files."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF

from foerdergraph.core.config import Settings
from foerdergraph.core.iri import graph_iri, slugify
from foerdergraph.core.rdf import Triple, fill_store, statement_quad
from foerdergraph.core.vocab import FG
from foerdergraph.ingest.dataset import load_inputs
from foerdergraph.ingest.eu.lists import parse_list
from foerdergraph.ingest.rebase import CANONICAL_BASE
from foerdergraph.validate.engine import ValidationReport, load_shapes, validate_store
from foerdergraph.workflows.eu_graph import ImportResult, build_graph
from foerdergraph.workflows.eu_inputs import (
    ImportedFrom,
    read_description,
    sha256_of,
)


def serialise(graph: URIRef, triples: Iterable[Triple]) -> bytes:
    """One TriG graph block of sorted N-Triples lines: stable bytes for unchanged input."""
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
    return (f"{graph.n3()} {{\n" + "\n".join(lines) + "\n}\n").encode("utf-8")


def _atomic_write(files: list[tuple[Path, bytes]]) -> None:
    """Write every file to a temporary file beside it first, then rename them all into place:
    a failure while writing (a full disk) leaves the old files as they were and no temporary
    file behind."""
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            written.append((tmp, path))
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        for tmp, path in written:
            os.replace(tmp, path)
    except OSError as exc:
        for tmp, _path in written:
            Path(tmp).unlink(missing_ok=True)
        if exc.filename is None:  # a write names no file: name the one being written
            target = written[-1][1] if written else files[0][0]
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise
    except BaseException:
        for tmp, _path in written:
            Path(tmp).unlink(missing_ok=True)
        raise


def gzip_bytes(data: bytes) -> bytes:
    """gzip with mtime 0 and no file name in the header, so the bytes depend on content only."""
    import io

    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    return buffer.getvalue()


class ImportConflictError(Exception):
    """The import would replace the import of another file, and --replace was not given."""

    def __init__(self, path: Path, name: str, target: Path, old: ImportedFrom, rows: int) -> None:
        self.old = old
        super().__init__(
            f"{path}: the import {name!r} ({target}) was made from another file, "
            f"{old.file or 'unknown'} (sha256 {old.sha256[:12] or 'unknown'}, "
            f"{_rows(old.rows)}); this file ({_rows(rows)}) would replace it. Nothing written. "
            f"Pass --replace to replace it, or --source-name NAME to import this file beside it."
        )


def _rows(count: int | None) -> str:
    if count is None:
        return "an unknown number of rows"
    return f"{count:,} row{'' if count == 1 else 's'}"


def replacement_note(name: str, old: ImportedFrom, rows: int) -> str:
    """ "replacing erdf-2007-2013: 3,109 rows → 1 row (3,108 fewer)"."""
    lost = (old.rows or 0) - rows
    tail = f" ({lost:,} fewer)" if old.rows is not None and lost > 0 else ""
    return f"replacing {name}: {_rows(old.rows)} → {_rows(rows)}{tail}"


_DATASET_LINE = re.compile(r'^<[^>]+/id/dataset/[^>]+> <(?P<p>[^>]+)> "(?P<o>(?:[^"\\]|\\.)*)" \.$')
_FG_SHA256 = str(FG.sha256)
_DCT_IDENTIFIER = str(DCTERMS.identifier)
_RECORD_TYPE = f"> <{RDF.type}> <{FG.DataRecord}> ."


def existing_import(out: Path, name: str) -> ImportedFrom | None:
    """What data/imports/<name>.* was made from, or None when there is no such import."""
    trig, report_path = out / f"{name}.trig.gz", out / f"{name}.report.json"
    if not trig.is_file() and not report_path.is_file():
        return None
    report: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(report_path.read_text(encoding="utf-8"))
        report = loaded if isinstance(loaded, dict) else {}
    source = report.get("source")
    source = source if isinstance(source, dict) else {}
    file, sha = str(source.get("file") or ""), str(source.get("sha256") or "")
    rows: int | None = report.get("imported") if isinstance(report.get("imported"), int) else None
    if (not sha or rows is None) and trig.is_file():
        records = 0
        with gzip.open(trig, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.endswith(_RECORD_TYPE + "\n"):
                    records += 1
                elif (m := _DATASET_LINE.match(line.rstrip("\n"))) is not None:
                    if m["p"] == _FG_SHA256:
                        sha = sha or json.loads(f'"{m["o"]}"')
                    elif m["p"] == _DCT_IDENTIFIER:
                        file = file or json.loads(f'"{m["o"]}"')
        rows = records if rows is None else rows
    return ImportedFrom(file, sha, rows)


class StrictError(Exception):
    """--strict and at least one bad row: nothing was written."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        super().__init__(f"{len(result.rejected)} bad row(s); nothing written (--strict)")


class InvalidImportError(Exception):
    """The import graph fails the SHACL shapes: nothing was written."""

    def __init__(self, path: Path, report: ValidationReport) -> None:
        self.report = report
        super().__init__(
            f"{path}: the imported graph does not conform to the shapes; nothing written\n"
            + report.text()
        )


def validate_import(
    graph: URIRef, triples: Iterable[Triple], settings: Settings
) -> ValidationReport:
    """Validate what this import changes: its own graph, with the curated graphs (ontology,
    registry, reference data, documents) it links to as context, not the whole project (other
    imports are left out; the build validates everything together)."""
    store = ox.Store()
    fill_store(store, [(p.iri, p.graph) for p in load_inputs(settings).parts])
    name = ox.NamedNode(str(graph))
    store.bulk_extend(statement_quad(*triple, name) for triple in triples)
    shapes = load_shapes(settings.shapes_file)
    return validate_store(store, shapes=shapes)


def default_name(path: Path, description: dict[str, object], format_name: str) -> str:
    """The import's name: the folder name when a description sits beside the file, else the
    detected format's name."""
    return slugify(path.parent.name) if description else format_name


def run_import(
    path: Path,
    settings: Settings,
    name: str | None = None,
    strict: bool = False,
    replace: bool = False,
) -> ImportResult:
    """Import one list into data/imports/<name>.trig.gz and <name>.report.json. An existing
    import of another file (by SHA-256) is only replaced with `replace`; the result then
    says what it replaced. Nothing is written unless the whole import succeeds."""
    # Imports are written in the canonical namespace whatever the configured base: the build
    # moves them under it (ingest/rebase.py), so the committed files serve every publisher.
    settings = settings.with_(base_iri=CANONICAL_BASE)
    parsed = parse_list(path)
    description = read_description(path)
    name = slugify(name) if name else default_name(path, description, parsed.format.name)
    out = settings.data_dir / "imports"
    sha256 = sha256_of(path)
    old = existing_import(out, name)
    if old is not None and old.sha256 == sha256:
        old = None  # the same file again: a re-import, not a replacement
    if old is not None and not replace:
        raise ImportConflictError(path, name, out / f"{name}.trig.gz", old, len(parsed.operations))
    triples, result = build_graph(parsed, name, path, settings, description)
    result.source = {"file": path.name, "sha256": sha256}
    result.duplicates = [{"row": row, "same_as": first} for row, first in parsed.duplicates]
    result.replaced = old
    if not description:
        result.warnings.append(
            "no source.description.yaml beside the file: publisher and publication date are unknown"
        )
    result.triples = len(triples)
    if strict and result.rejected:
        raise StrictError(result)
    report = validate_import(import_graph_iri(name, settings), triples, settings)
    if not report.conforms:
        raise InvalidImportError(path, report)
    result.trig_path = out / f"{name}.trig.gz"
    result.report_path = out / f"{name}.report.json"
    text = json.dumps(result.report(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    _atomic_write(
        [
            (result.trig_path, gzip_bytes(serialise(import_graph_iri(name, settings), triples))),
            (result.report_path, text.encode("utf-8")),
        ]
    )
    return result


def import_graph_iri(name: str, settings: Settings) -> URIRef:
    return graph_iri("import", name, base=settings.base_iri)


__all__ = [
    "ImportConflictError",
    "ImportResult",
    "InvalidImportError",
    "StrictError",
    "date",
    "run_import",
]

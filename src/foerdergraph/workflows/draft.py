"""`foerdergraph ingest`: add a new document to data/ with its extracted facts as a draft.

Writes `data/sources/<id>.txt` (the text as read: UTF-8, NFC, "\\n" line ends — the text every
offset refers to), `data/sources/<id>.yaml` (metadata) and `data/facts/<id>.yaml` (the draft).
Nothing is overwritten, and nothing is written unless the draft passes the same loader the
build uses (keys, roles, verbatim quotes) and the SHACL shapes on the document's graph in the
context of the last build (foerdergraph.validate.scoped), so an ingested draft always loads
in the next build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from foerdergraph.core.config import Settings
from foerdergraph.extract.clutter import find_clutter
from foerdergraph.extract.draft import build_draft, dump_draft
from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.normalise import find_dates
from foerdergraph.extract.pipeline import extract_text
from foerdergraph.extract.reading import read_document


class IngestError(ValueError):
    """The document cannot be ingested; the message lists why."""


def document_id(path: Path) -> str:
    """A document id from a file name: letters, digits, "_" and "-" only."""
    doc_id = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-")
    if not doc_id:
        raise IngestError(f"cannot derive a document id from {path.name!r}; pass --id")
    return doc_id


def metadata(text: str, path: Path, title: str | None, publisher: str | None,
             url: str | None, encoding: str, warnings: list[str]) -> dict[str, Any]:  # fmt: skip
    """The sources/<id>.yaml mapping. A crawler's header ("source: …", "date: …") gives the URL
    and date; otherwise the first date near the top is taken. The title defaults to the first
    line that is not page clutter."""
    header = dict(_HEADER.findall(text[:2000]))
    clutter = find_clutter(text)
    first_line = path.stem
    position = 0
    for line in text.split("\n"):
        inside = any(c.start <= position < c.end for c in clutter)
        position += len(line) + 1
        if line.strip() and not inside:
            first_line = line.strip()
            break
    date = header.get("date", "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        dates = [d for _s, _e, d in find_dates(text[:600]) if d.day]
        date = dates[0].iso if dates else None
    note = f"Added by `foerdergraph ingest` from {path.name} (read as {encoding}"
    note += "; " + "; ".join(warnings) + ")." if warnings else ")."
    found_url = header.get("source") if re.match(r"https?://", header.get("source", "")) else None
    return {
        "title": title or first_line[:200],
        "publisher": publisher,
        "date": date,
        "place": None,
        "url": url or found_url,
        "language": "de",
        "kind": "press_release",
        "note": note + " Facts are a machine-extracted draft awaiting review.",
    }


_HEADER = re.compile(r"^(source|date|title|url):\s*(\S.*?)\s*$", re.M)


def ingest(
    path: Path,
    settings: Settings,
    *,
    doc_id: str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[Path]:
    """Ingest `path`; returns the three files written."""
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    doc_id = doc_id or document_id(path)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", doc_id):
        raise IngestError(f"document id {doc_id!r}: use letters, digits, '_' and '-' only")
    data = settings.data_dir
    text_path = data / "sources" / f"{doc_id}.txt"
    meta_path = data / "sources" / f"{doc_id}.yaml"
    facts_path = data / "facts" / f"{doc_id}.yaml"
    existing = [p for p in (text_path, meta_path, facts_path) if p.exists()]
    if existing:
        names = ", ".join(str(p) for p in existing)
        raise IngestError(f"refusing to overwrite {names}; choose another --id")
    decoded = read_document(path)
    gazetteer = gazetteer if gazetteer is not None else Gazetteer.from_data_dir(data)
    result = extract_text(decoded.text, doc_id, gazetteer, settings.base_iri)
    draft, skipped = build_draft(result, gazetteer)
    meta = metadata(decoded.text, path, title, publisher, url, decoded.encoding,
                    decoded.warnings)  # fmt: skip
    facts_text = dump_draft(draft, skipped, f"Source file: {path.name}")
    problems = validate_draft(settings, doc_id, decoded.text, meta, facts_text)
    if problems:
        raise IngestError("the draft would not load:\n  " + "\n  ".join(problems))
    for target in (text_path, meta_path, facts_path):
        target.parent.mkdir(parents=True, exist_ok=True)
    _write(text_path, decoded.text)
    _write(meta_path, yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100))
    _write(facts_path, facts_text)
    return [text_path, meta_path, facts_path]


def _write(path: Path, text: str) -> None:
    """Write via a temporary file so a crash never leaves half a file behind."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    tmp.replace(path)


def validate_draft(
    settings: Settings, doc_id: str, text: str, meta: dict[str, Any], facts_text: str
) -> list[str]:
    """Problems the build would report for this document (loader and SHACL); [] if none.

    SHACL runs on the draft's graph in the context of the last build (the registry from the
    current files, the other documents and imports from the build's store): fast at any graph
    size, and equal to what a full validation says about the draft's own nodes."""
    from foerdergraph.core.errors import InputError
    from foerdergraph.workflows.document import check_document

    try:
        checked = check_document(settings, doc_id, text=text, meta=meta, facts_text=facts_text)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return [v.line() for v in checked.report.violations if v.is_error]

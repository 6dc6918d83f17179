"""Source documents: the verbatim text and its metadata, kept in separate files.

The text is the thing evidence offsets point into, so it is read exactly as stored (UTF-8, no
newline translation) and its SHA-256 goes into the graph: anyone can check that a quote still sits
at its offsets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from foerdergraph.core.errors import InputError, InputProblem
from foerdergraph.core.iri import mint
from foerdergraph.core.rdf import Triple
from foerdergraph.core.vocab import FG, SCHEMA
from foerdergraph.core.yamlfile import read_mapping


@dataclass(frozen=True)
class SourceDocument:
    """One source document as stored in data/sources/."""

    id: str
    text: str
    meta: dict[str, Any] = field(hash=False)
    text_path: Path
    meta_path: Path

    def iri(self, base: str) -> URIRef:
        return mint("document", self.id, base=base)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def read_text(path: Path) -> str:
    """The document text exactly as stored; must be UTF-8 and NFC so offsets are unambiguous."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise InputError([InputProblem(path, f"byte {exc.start}", "not UTF-8")]) from exc
    if unicodedata.normalize("NFC", text) != text:
        raise InputError([InputProblem(path, "", "text is not in Unicode NFC; normalise it first")])
    return text


def load_sources(sources_dir: Path) -> list[SourceDocument]:
    """Every `<id>.txt` with its `<id>.yaml`, sorted by id so builds are reproducible."""
    documents: list[SourceDocument] = []
    problems: list[InputProblem] = []
    for text_path in sorted(sources_dir.glob("*.txt")):
        meta_path = text_path.with_suffix(".yaml")
        if not meta_path.is_file():
            problems.append(InputProblem(text_path, "", f"metadata file {meta_path.name} missing"))
            continue
        try:
            documents.append(
                SourceDocument(
                    id=text_path.stem,
                    text=read_text(text_path),
                    meta=read_mapping(meta_path),
                    text_path=text_path,
                    meta_path=meta_path,
                )
            )
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return documents


def _date_literal(value: object) -> Literal:
    """YAML gives dates as date objects; '2014' or '2014-10' become gYear / gYearMonth."""
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value)
    if len(text) == 4:
        return Literal(text, datatype=XSD.gYear)
    if len(text) == 7:
        return Literal(text, datatype=XSD.gYearMonth)
    return Literal(text, datatype=XSD.date)


def document_triples(doc: SourceDocument, base: str) -> Iterator[Triple]:
    """The document's own description: metadata, text and checksum."""
    s = doc.iri(base)
    meta = doc.meta
    yield s, RDF.type, FG.SourceDocument
    yield s, DCTERMS.identifier, Literal(doc.id)
    language = meta.get("language") or "de"
    yield s, DCTERMS.language, Literal(language)
    if title := meta.get("title"):
        yield s, DCTERMS.title, Literal(str(title), lang=language)
        yield s, RDFS.label, Literal(str(title), lang=language)
    if publisher_key := meta.get("publisher_entity"):
        yield s, DCTERMS.publisher, mint("organisation", publisher_key, base=base)
    if publisher := meta.get("publisher"):
        yield s, SCHEMA.publisher, Literal(str(publisher))
    if date := meta.get("date"):
        yield s, DCTERMS.date, _date_literal(date)
    if place := meta.get("place"):
        yield s, DCTERMS.spatial, Literal(str(place))
    if url := meta.get("url"):
        yield s, SCHEMA.url, Literal(str(url), datatype=XSD.anyURI)
    if related := meta.get("related_url"):
        yield s, RDFS.seeAlso, URIRef(str(related))
    if kind := meta.get("kind"):
        yield s, DCTERMS.type, Literal(str(kind))
    if author := meta.get("author"):
        yield s, DCTERMS.creator, Literal(str(author))
    if note := meta.get("note"):
        yield s, RDFS.comment, Literal(str(note), lang="en")
    yield s, FG.text, Literal(doc.text)
    yield s, FG.sha256, Literal(doc.sha256)

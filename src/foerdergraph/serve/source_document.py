"""A source document's page: its text with every quote marked, its metadata, and the facts
each quote supports (`/documents/{identifier}`, and the link from a document's resource page).

Apart from `linked_data.py` (one resource and its statements) because a document is read the
other way round: from the quotes in it to the facts citing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import pyoxigraph as ox

from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve.linked_data import (
    DC_IDENTIFIER,
    FG_EVIDENCE,
    FG_IN_DOCUMENT,
    FG_MENTION,
    FG_TEXT,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    Evidence,
    PropertyValues,
    checked_iri,
    evidence,
    label_of,
    term_text,
    view,
)


@dataclass
class Citation:
    """One evidence in a document and the facts that cite it."""

    evidence: Evidence
    anchor: str
    facts: list[tuple[object, str, str, bool]]
    """(node, label, how, draft): the node citing the evidence, whether as evidence or mention,
    and whether only a draft graph (machine-extracted facts) says so."""


@dataclass
class DocumentView:
    iri: str
    identifier: str
    title: str
    metadata: list[PropertyValues]
    segments: list[tuple[str, list[str], list[str]]]
    """The text cut at quote boundaries: (text, anchors of the quotes covering it, anchors of
    the quotes starting here — these get the fragment ids)."""
    citations: list[Citation]


def find_document(store: QuadSource, identifier: str, base_iri: str) -> ox.NamedNode | None:
    """The source document with this dcterms:identifier (or minted from it); NotAnIri when no
    document IRI can end in `identifier` and no document has it as its identifier."""
    for literal in (ox.Literal(identifier),):
        for quad in store.quads_for_pattern(None, DC_IDENTIFIER, literal, None):
            if isinstance(quad.subject, ox.NamedNode) and next(
                iter(store.quads_for_pattern(quad.subject, FG_TEXT, None, None)), None
            ):
                return quad.subject
    candidate = ox.NamedNode(checked_iri(base_iri + "id/document/" + identifier))
    if next(iter(store.quads_for_pattern(candidate, FG_TEXT, None, None)), None):
        return candidate
    return None


def document_identifier(store: QuadSource, iri: str) -> str | None:
    """The identifier of `iri` if it is a source document (it has fg:text), else None."""
    node = ox.NamedNode(iri)
    if next(iter(store.quads_for_pattern(node, FG_TEXT, None, None)), None) is None:
        return None
    ident = next(iter(store.quads_for_pattern(node, DC_IDENTIFIER, None, None)), None)
    return term_text(ident.object) if ident else iri.rstrip("/").rsplit("/", 1)[-1]


def anchor_for(ev: Evidence) -> str:
    """The fragment id of a quote on its document page."""
    return f"ev-{ev.start}-{ev.end}"


def document_view(
    store: QuadSource, document: ox.NamedNode, drafts: frozenset[str] = frozenset()
) -> DocumentView:
    """The document page: text with every quote marked, metadata, and the facts it supports;
    a fact cited only from one of the `drafts` graphs is marked as machine-extracted."""
    text_quad = next(iter(store.quads_for_pattern(document, FG_TEXT, None, None)))
    text = term_text(text_quad.object)
    resource = view(store, document.value)
    metadata = [p for p in resource.properties if p.predicate != FG_TEXT.value]
    identifier = next(iter(store.quads_for_pattern(document, DC_IDENTIFIER, None, None)), None)

    citations: list[Citation] = []
    for quad in store.quads_for_pattern(None, FG_IN_DOCUMENT, document, None):
        if isinstance(quad.subject, ox.Triple):
            continue  # an RDF-star statement cites nothing here
        ev = evidence(store, quad.subject)
        stated: dict[tuple[object, str], set[str]] = {}
        for how, predicate in (("evidence", FG_EVIDENCE), ("mention", FG_MENTION)):
            for cited in store.quads_for_pattern(None, predicate, quad.subject, None):
                graph = getattr(cited.graph_name, "value", "")
                stated.setdefault((cited.subject, how), set()).add(graph)
        facts = [
            (node, _fact_label(store, node), how, bool(drafts) and graphs <= drafts)
            for (node, how), graphs in stated.items()
        ]
        citations.append(Citation(ev, anchor_for(ev), facts))
    citations.sort(key=lambda c: (c.evidence.start or 0, c.evidence.end or 0))
    return DocumentView(
        iri=document.value,
        identifier=term_text(identifier.object) if identifier else document.value,
        title=resource.label,
        metadata=metadata,
        segments=segment_text(text, citations),
        citations=citations,
    )


def _fact_label(store: QuadSource, node: object) -> str:
    """A reified statement reads as 'subject – predicate – object'; anything else by label."""
    if isinstance(node, ox.NamedNode | ox.BlankNode):
        parts = [
            next(iter(store.quads_for_pattern(node, p, None, None)), None)
            for p in (RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT)
        ]
        if all(parts):
            return " – ".join(label_of(store, q.object) for q in parts if q)
    return label_of(store, node)


def segment_text(text: str, citations: list[Citation]) -> list[tuple[str, list[str], list[str]]]:
    """Cut `text` at every quote start and end (code-point offsets, end exclusive), so that
    overlapping quotes highlight correctly; each piece lists the quotes covering it."""
    spans = [
        (c.evidence.start, c.evidence.end, c.anchor)
        for c in citations
        if c.evidence.start is not None
        and c.evidence.end is not None
        and 0 <= c.evidence.start < c.evidence.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments: list[tuple[str, list[str], list[str]]] = []
    started: set[str] = set()
    for left, right in pairwise(cuts):
        covering = [a for s, e, a in spans if s <= left and right <= e]
        starting = [a for a in covering if a not in started]
        started.update(starting)
        segments.append((text[left:right], covering, starting))
    return segments

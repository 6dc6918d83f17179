"""Evidence: where in a document's text a fact or a mention is stated.

Offsets are Python string indices (Unicode code points), the same unit as SPARQL's SUBSTR, so the
SHACL shape that re-checks every quote and any reader can verify them without conversion.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from foerdergraph.core.iri import mint
from foerdergraph.core.rdf import Triple
from foerdergraph.core.vocab import FG


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class QuoteNotFound(ValueError):
    """The quote is absent from the text, or ambiguous without an explicit start."""


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def occurrences(text: str, needle: str, *, whole_words: bool = False) -> list[int]:
    """Start offsets of every occurrence of `needle`, optionally only on word boundaries."""
    found = []
    position = text.find(needle)
    while position != -1:
        end = position + len(needle)
        left_ok = position == 0 or not _is_word_char(text[position - 1])
        right_ok = end == len(text) or not _is_word_char(text[end])
        if not whole_words or (left_ok and right_ok):
            found.append(position)
        position = text.find(needle, position + 1)
    return found


def locate_quote(text: str, quote: str, start: int | None = None) -> Span:
    """The span of a quote; `start` is required only when the quote occurs more than once."""
    if not quote:
        raise QuoteNotFound("the quote is empty")
    if start is not None:
        if text[start : start + len(quote)] != quote:
            found = occurrences(text, quote)
            hint = f"; it occurs at {found}" if found else ""
            raise QuoteNotFound(f"the quote is not at offset {start}{hint}")
        return Span(start, start + len(quote))
    found = occurrences(text, quote)
    if not found:
        raise QuoteNotFound("the quote does not occur verbatim in the document text")
    if len(found) > 1:
        raise QuoteNotFound(f"the quote occurs {len(found)} times (at {found}); add `start:`")
    return Span(found[0], found[0] + len(quote))


def locate_mentions(text: str, forms_by_key: Mapping[str, Sequence[str]]) -> dict[str, list[Span]]:
    """Mentions of each entity: every whole-word occurrence of its surface forms, longest form
    first, skipping occurrences inside a longer mention already taken (so 'IHK' inside
    'IHK Nord Westfalen' belongs to the longer name)."""
    candidates = sorted(
        ((len(form), form, key) for key, forms in forms_by_key.items() for form in forms),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    taken: list[Span] = []
    result: dict[str, list[Span]] = {key: [] for key in forms_by_key}
    for length, form, key in candidates:
        for start in occurrences(text, form, whole_words=True):
            span = Span(start, start + length)
            if any(span.start < t.end and t.start < span.end for t in taken):
                continue
            taken.append(span)
            result[key].append(span)
    return {key: sorted(spans, key=lambda s: s.start) for key, spans in result.items()}


def evidence_iri(doc_id: str, span: Span, base: str) -> URIRef:
    return mint("evidence", doc_id, f"{span.start}-{span.end}", base=base)


def evidence_triples(
    doc_iri: URIRef, doc_id: str, text: str, span: Span, base: str
) -> Iterator[Triple]:
    """The evidence node: the quote and its offsets in the document."""
    node = evidence_iri(doc_id, span, base)
    yield node, RDF.type, FG.Evidence
    yield node, FG.inDocument, doc_iri
    yield node, FG.quote, Literal(text[span.start : span.end])
    yield node, FG.start, Literal(span.start, datatype=XSD.integer)
    yield node, FG.end, Literal(span.end, datatype=XSD.integer)

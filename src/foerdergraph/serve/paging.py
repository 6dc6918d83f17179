"""Pages of a large linked-data description, linked with Hydra and HTTP `Link` headers.

A hub (an organisation in thousands of projects) has a description of megabytes; sending it
whole makes every client wait for the last triple. Its document is cut into pages of about
`page_triples` triples, never splitting a statement from the blank nodes below it or a reified
statement: `?page=1` (also what the IRI itself answers) comes after reading just that much of
the store, and each page names the next. All pages together are exactly the description
(docs/serving.md, "Paged descriptions").
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve import linked_data

HYDRA = "http://www.w3.org/ns/hydra/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class BadPage(ValueError):
    """`page=` is not a page number."""


def page_number(text: str | None) -> int:
    """The page a request asks for: `page=N` with N ≥ 1 (1 without it)."""
    if text is None:
        return 1
    if not text.isdigit() or int(text) < 1:
        raise BadPage(f"page must be a whole number from 1 on, not {text!r}")
    return int(text)


@dataclass(frozen=True)
class Page:
    """One page of the description of `iri`; `number` counts from 1."""

    iri: str
    number: int
    triples: list[ox.Triple]
    has_next: bool

    @property
    def paged(self) -> bool:
        """Whether the description spans more than this one page."""
        return self.number > 1 or self.has_next


def page_of(
    store: QuadSource, iri: str, number: int, size: int, max_quads: int | None = None
) -> Page | None:
    """Page `number` of the description of `iri` (None past the last page). Units are read
    until the page is full and one more unit shows whether a next page exists."""
    current: list[ox.Triple] = []
    index = 1
    for unit in linked_data.description_units(store, iri, max_quads):
        if len(current) >= size:
            if index == number:
                return Page(iri, number, current, has_next=True)
            index, current = index + 1, []
        current.extend(unit)
    return Page(iri, number, current, has_next=False) if index == number else None


def first_page(
    store: QuadSource, candidates: list[str], number: int, size: int, max_quads: int | None = None
) -> tuple[str, Page | None] | None:
    """The first candidate IRI the store knows, with its page `number` (None past the last);
    None when the store knows none of them."""
    for iri in candidates:
        page = page_of(store, iri, number, size, max_quads)
        if (page is not None and page.triples) or linked_data.exists(store, iri):
            return iri, page
    return None


def page_url(document_url: str, number: int) -> str:
    return f"{document_url}?page={number}"


def links(page: Page, document_url: str) -> dict[str, str]:
    """The `Link` header of a paged answer (first, prev, next; RFC 8288), else nothing."""
    if not page.paged:
        return {}
    rels = [("first", 1)]
    if page.number > 1:
        rels.append(("prev", page.number - 1))
    if page.has_next:
        rels.append(("next", page.number + 1))
    return {"Link": ", ".join(f'<{page_url(document_url, n)}>; rel="{r}"' for r, n in rels)}


def hydra_triples(page: Page, document_url: str) -> list[ox.Triple]:
    """The page as a `hydra:PartialCollectionView` of the description, with its neighbours;
    nothing when the description fits on one page."""
    if not page.paged:
        return []
    view = ox.NamedNode(page_url(document_url, page.number))

    def link(predicate: str, number: int) -> ox.Triple:
        return ox.Triple(
            view, ox.NamedNode(HYDRA + predicate), ox.NamedNode(page_url(document_url, number))
        )

    out = [
        ox.Triple(ox.NamedNode(page.iri), ox.NamedNode(HYDRA + "view"), view),
        ox.Triple(view, RDF_TYPE, ox.NamedNode(HYDRA + "PartialCollectionView")),
        link("first", 1),
    ]
    if page.number > 1:
        out.append(link("previous", page.number - 1))
    if page.has_next:
        out.append(link("next", page.number + 1))
    return out

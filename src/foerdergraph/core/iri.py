"""Minting IRIs: the one function every part of foerdergraph uses.

An IRI is `{base}id/{kind}/{slug}` for things and `{base}graph/{slug}` for named graphs. The slug is
derived from the name alone (German umlauts transliterated, everything else reduced to ASCII
letters, digits and hyphens), so the same input always gives the same IRI and a person can read
it. Labels keep the original spelling; only IRIs are ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rdflib import URIRef

KINDS = frozenset(
    {
        "organisation",
        "person",
        "post",
        "membership",
        "place",
        "fund",
        "programme",
        "call",
        "initiative",
        "project",
        "grant",
        "participation",
        "statement",
        "evidence",
        "document",
        "concept",
        "dataset",
        "event",
        "name",
        "citation",
    }
)
"""The kinds of thing that get IRIs under `{base}id/`."""

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"}
)
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """Readable ASCII slug: 'Bezirksregierung Münster' -> 'bezirksregierung-muenster'."""
    text = unicodedata.normalize("NFC", name).translate(_GERMAN)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", text.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot mint an IRI from {name!r}: it has no letters or digits")
    return slug


def mint(kind: str, *names: str | int, base: str) -> URIRef:
    """`{base}id/{kind}/{slug(name)}[/{slug(name2)}…]` — the IRI of a thing of that kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(KINDS)}")
    if not names:
        raise ValueError("mint() needs at least one name")
    return URIRef(base + "id/" + kind + "/" + "/".join(slugify(str(n)) for n in names))


def graph_iri(*names: str, base: str) -> URIRef:
    """`{base}graph/{slug}[/{slug}…]` — the IRI of a named graph, e.g. graph_iri('document', id)."""
    if not names:
        raise ValueError("graph_iri() needs at least one name")
    return URIRef(base + "graph/" + "/".join(slugify(n) for n in names))


DRAFT_GRAPH_KIND = "extracted"
"""The kind of named graph that holds machine-extracted facts: a facts file with `status: draft`
loads into `{base}graph/extracted/<doc-id>` (manifest kind `extracted`) instead of
`{base}graph/document/<doc-id>`. The one definition of a draft graph: the build names the graph
with this kind, and the server, the query workers and the command line recognise drafts by it,
also on a remote store that has no manifest."""


def draft_graphs(graphs: Iterable[str], base: str) -> frozenset[str]:
    """The graphs among `graphs` that hold machine-extracted (unreviewed) facts."""
    prefix = f"{base}graph/{DRAFT_GRAPH_KIND}/"
    return frozenset(g for g in graphs if g.startswith(prefix))

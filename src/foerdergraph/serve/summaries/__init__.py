"""Summary pages of entities, one module per kind (as Datasette has one view per page kind):
`organisation`, `programme`, `place`. The kind follows from the resource's rdf:type; every other
resource keeps the generic statements page (`serve/linked_data.py`), which stays reachable from
every summary with `?view=statements`.

A summary reads the release's `FundingIndex` (every grant with its one most specific programme,
every participation; `funding.py`) and bounded store look-ups for the one resource; labels and the
page's own words come in the reader's language (`language.py`). docs/pages.md describes the
pages and their parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from foerdergraph.core.namespaces import FG
from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve.summaries import organisation, parts, place, programme
from foerdergraph.serve.summaries.funding import FundingIndex
from foerdergraph.serve.summaries.language import Labeller


@dataclass(frozen=True)
class Kind:
    """A page kind: the classes that select it, its view function and template."""

    name: str
    classes: tuple[str, ...]
    view: Callable[..., Any]
    template: str


KINDS = (
    # a territorial authority is a place and an organisation: its page says who is funded there
    Kind("place", (FG + "Place",), place.summary, "summary_place.html"),
    Kind("organisation", (FG + "Organisation",), organisation.summary, "summary_organisation.html"),
    Kind("programme", programme.PROGRAMME_CLASSES, programme.summary, "summary_programme.html"),
)


def kind_of(store: QuadSource, iri: str) -> Kind | None:
    """The first kind whose classes the resource has (inferred types included), else None."""
    types = parts.types_of(store, iri)
    return next((k for k in KINDS if types.intersection(k.classes)), None)


def summarise(
    store: QuadSource,
    index: FundingIndex,
    kind: Kind,
    iri: str,
    lang: str,
    params: Mapping[str, str],
) -> Any:
    """The summary of `iri` as `kind` in `lang` (one of language.LANGUAGES)."""
    titles = parts.Titler(store, index, Labeller(store, lang))
    return kind.view(store, index, iri, titles, params)

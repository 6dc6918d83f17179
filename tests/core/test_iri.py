from __future__ import annotations

import pytest

from foerdergraph.core.iri import graph_iri, mint, slugify

BASE = "https://example.org/fg/"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Bezirksregierung Münster", "bezirksregierung-muenster"),
        ("NRW.BANK", "nrw-bank"),
        ("In|Die RegionRuhr 4.0", "in-die-regionruhr-4-0"),
        ("Straße der Ökonomie", "strasse-der-oekonomie"),
        ("Umbau 21 – Smart Region", "umbau-21-smart-region"),
        ("Düsseldorf", "duesseldorf"),
        ("Du\u0308sseldorf", "duesseldorf"),  # decomposed ü (NFD) gives the same slug
    ],
)
def test_slugify_is_readable_ascii(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_mint_is_stable_and_under_the_base() -> None:
    first = mint("organisation", "Bezirksregierung Münster", base=BASE)
    assert first == mint("organisation", "Bezirksregierung Münster", base=BASE)
    assert str(first) == BASE + "id/organisation/bezirksregierung-muenster"
    assert (
        str(mint("evidence", "000_abc", "10-42", base=BASE)) == BASE + "id/evidence/000-abc/10-42"
    )


def test_graph_iri() -> None:
    assert str(graph_iri("document", "000_abc", base=BASE)) == BASE + "graph/document/000-abc"


@pytest.mark.parametrize(("kind", "name"), [("widget", "x"), ("organisation", "–")])
def test_mint_rejects_unknown_kinds_and_empty_slugs(kind: str, name: str) -> None:
    with pytest.raises(ValueError):
        mint(kind, name, base=BASE)

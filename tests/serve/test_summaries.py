"""The summary views (serve/summaries/) on a small funding graph (tests/fixtures/summaries):
which kind a resource gets, grants counted once with sub-units rolled up, programme and region
totals, titles built from content, labels and words in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from foerdergraph.query.canned import parse_canned
from foerdergraph.serve import summaries
from foerdergraph.serve.summaries import language, partners, parts
from foerdergraph.serve.summaries.funding import FundingIndex, read_index

ROOT = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/foerdergraph/id/"
UNI, INSTITUTE, COMPANY = (ID + f"organisation/{n}" for n in ("uni", "institute", "company"))
OP, CONTEST = ID + "programme/op", ID + "programme/contest"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    graph = ox.Store()
    graph.load(path=str(ROOT / "tests/fixtures/summaries/graph.trig"), format=ox.RdfFormat.TRIG)
    return graph


@pytest.fixture(scope="module")
def index(store: ox.Store) -> FundingIndex:
    return read_index(store, parse_canned(ROOT / "queries/grants.rq"))


def summary(store: ox.Store, index: FundingIndex, iri: str, lang: str = "de", **params: str):
    kind = summaries.kind_of(store, iri)
    assert kind is not None
    return summaries.summarise(store, index, kind, iri, lang, params)


def test_kinds_follow_the_types(store: ox.Store) -> None:
    assert [summaries.kind_of(store, i).name for i in (UNI, OP, ID + "place/town")] == [  # type: ignore[union-attr]
        "organisation",
        "programme",
        "place",
    ]
    assert summaries.kind_of(store, ID + "grant/a") is None  # keeps the statements page


def test_index_gives_each_grant_its_most_specific_programme(index: FundingIndex) -> None:
    assert {g: index.grants[ID + f"grant/{g}"].programme for g in "abc"} == {
        "a": CONTEST,
        "b": CONTEST,
        "c": OP,  # project p3 lies directly in the operational programme
    }
    assert index.grants[ID + "grant/a"].year == 2019  # the project's start: no approval year
    assert index.grants[ID + "grant/a"].graphs == {
        "https://w3id.org/foerdergraph/graph/import/test"
    }


def test_organisation_rolls_up_its_units_and_counts_a_shared_grant_once(
    store: ox.Store, index: FundingIndex
) -> None:
    page = summary(store, index, UNI)
    assert page.units == 1 and [c.label for c in page.header.children] == ["Institut für Beispiele"]
    assert (page.grants.count, page.grants.amount) == (2, Decimal(150))
    assert [(t.label, t.grants) for t in page.grants.by_programme] == [("Wettbewerb Test", 2)]
    assert [(t.key, t.amount) for t in page.grants.by_year] == [("2019", 100), ("2020", 50)]
    assert page.header.type is not None and page.header.type.label == "Hochschule"
    assert [a.label for a in page.header.alignments] == ["org:Organization"]
    assert page.header.identifiers == ["UB-1"] and page.header.alt_labels == ["UB"]
    (lead,) = page.participations
    assert lead.role.label == "federführend" and lead.undertaking.label == "Projekt Eins"
    assert lead.sources[0].quote is not None
    assert "leitet Projekt Eins" in lead.sources[0].quote.quote
    assert [m.document.label for m in page.mentions] == ["Pressemitteilung Projekt Eins"]


def test_titles_are_built_from_content_in_the_readers_language(
    store: ox.Store, index: FundingIndex
) -> None:
    german = summary(store, index, UNI).grants.rows[0].title
    assert german == (
        "Zuwendung an Institut für Beispiele, Universität Beispiel für Projekt Eins (2019)"
    )
    english = summary(store, index, UNI, "en")
    assert english.header.label == "University of Example"
    assert english.grants.rows[0].title.startswith("Grant to Institut für Beispiele, Univ")
    assert english.header.type.label == "university"  # type: ignore[union-attr]


def test_programme_totals_add_up_over_its_sub_programmes(
    store: ox.Store, index: FundingIndex
) -> None:
    page = summary(store, index, OP)
    assert (page.grants.count, page.grants.amount) == (3, Decimal(157))
    assert sum(t.amount for t in page.grants.by_programme) == page.grants.amount
    assert [s.label for s in page.sub_programmes] == ["Wettbewerb Test"]
    assert sorted((r.role.label, r.actors) for r in page.roles) == [
        ("Partner", 1),
        ("federführend", 1),
    ]
    part_of = next(g for g in page.incoming if g.predicate.endswith("#partOf"))
    assert part_of.count == 4  # the competition and three projects, each once


def test_a_fund_counts_the_grants_of_the_programmes_it_finances(
    store: ox.Store, index: FundingIndex
) -> None:
    fund = ID + "fund/test"
    assert summaries.kind_of(store, fund) is not None
    page, op = summary(store, index, fund), summary(store, index, OP)
    assert (page.grants.count, page.grants.amount) == (op.grants.count, op.grants.amount)
    assert [s.label for s in page.sub_programmes] == ["Operationelles Programm Test"]
    assert [f.label for f in op.funds] == ["Testfonds"]


def test_incoming_links_are_paged_per_property(
    store: ox.Store, index: FundingIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parts, "PREVIEW", 1)
    monkeypatch.setattr(parts, "PAGE_SIZE", 3)
    part_of = "https://w3id.org/foerdergraph/ontology#partOf"
    preview = next(g for g in summary(store, index, OP).incoming if g.predicate == part_of)
    assert (len(preview.links), preview.pages) == (1, 4)
    chosen = summary(store, index, OP, **{"in": part_of, "in_page": "2"})
    group = next(g for g in chosen.incoming if g.predicate == part_of)
    assert (group.page, group.pages, len(group.links)) == (2, 2, 1)
    assert not {link.iri for link in group.links} & {link.iri for link in preview.links}
    assert group.graphs[group.links[0].iri]  # each link knows the graphs that state it


def test_region_counts_grants_to_organisations_and_projects_there(
    store: ox.Store, index: FundingIndex
) -> None:
    page = summary(store, index, ID + "place/region")
    # grant a (to the university in the town) and b (for project p2 located there), once each
    assert (page.grants.count, page.grants.amount) == (2, Decimal(150))
    assert [(f.actor.label, f.amount) for f in page.funded] == [("Universität Beispiel", 100)]
    assert page.organisations == 1 and [p.label for p in page.places_within] == ["Teststadt"]


def test_partner_network_joins_actors_sharing_an_undertaking(
    store: ox.Store, index: FundingIndex
) -> None:
    graph = partners.organisation_network(index, UNI, language.Labeller(store, "de"))
    assert set(graph.nodes) == {UNI, COMPANY} and graph.edges[UNI, COMPANY]["weight"] == 1
    programme = partners.programme_network(index, index.below(OP), language.Labeller(store, "de"))
    assert set(programme.nodes) == {UNI, COMPANY}


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ({}, None, "de"),
        ({}, "en-GB,en;q=0.9", "en"),
        ({}, "fr, en;q=0.5, de;q=0.8", "de"),
        ({"lang": "en"}, "de", "en"),
        ({"lang": "xx"}, "en;q=0", "de"),
    ],
)
def test_language_from_parameter_then_header(
    query: dict[str, str], header: str | None, expected: str
) -> None:
    assert language.choose(query, header) == expected


def test_both_languages_have_the_same_words() -> None:
    assert language.STRINGS["de"].keys() == language.STRINGS["en"].keys()
    assert language.money(Decimal("1234567"), "de") == "1\u202f234\u202f567\u00a0€"
    assert language.money(Decimal("1234.5"), "en") == "EUR\u00a01,234.50"

"""The canned queries answer the competency questions on the seed documents."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from foerdergraph.core.config import Settings
from foerdergraph.query.canned import CannedQuery, ParameterError, load_canned_queries
from foerdergraph.query.engine import as_rows, run_query
from foerdergraph.query.history import HISTORY_QUERY, actor_timeline
from foerdergraph.remote.substitute import with_bindings
from foerdergraph.workflows.build import BuildResult

ID = "https://w3id.org/foerdergraph/id/"
MINISTRY = ID + "organisation/wirtschaftsministerium-nrw"


@pytest.fixture(scope="module")
def canned(settings: Settings) -> dict[str, CannedQuery]:
    return load_canned_queries(settings.queries_dir)


@pytest.fixture(scope="module")
def store(built: BuildResult) -> ox.Store:
    return ox.Store.read_only(str(built.path / "store"))


def rows(store: ox.Store, query: CannedQuery, **params: str) -> list[dict[str, str]]:
    result = run_query(store, query.text, query.substitutions(params))
    columns, values = as_rows(result)  # type: ignore[arg-type]
    assert set(query.columns) <= set(columns), "the header's columns are the query's columns"
    return [dict(zip(columns, row, strict=True)) for row in values]


def test_every_canned_query_has_a_header_and_bindable_parameters(
    canned: dict[str, CannedQuery], store: ox.Store
) -> None:
    assert {
        "recurring-partners",
        "programme-actors",
        "grants",
        "approvals",
        "people-posts",
        "fact-sources",
    } <= set(canned)
    samples = {
        "iri": MINISTRY,
        "string": "x",
        "langstring": "x",
        "integer": "1",
        "decimal": "1.5",
        "date": "2020-01-01",
    }
    for query in canned.values():
        assert query.title and query.description and query.columns
        values = {p.name: samples[p.type] for p in query.parameters}
        run_query(store, query.text, query.substitutions(values))  # binds without error


def test_recurring_partners_finds_the_ministry_in_regio_nrw_and_umbau_21(
    canned: dict[str, CannedQuery], store: ox.Store
) -> None:
    found = {r["partner"]: r for r in rows(store, canned["recurring-partners"])}
    ministry = found[MINISTRY]
    assert ministry["programmes"] == "2"
    assert set(ministry["programme_names"].split(" | ")) == {"Regio.NRW", "Umbau 21 – Smart Region"}
    assert all(int(r["programmes"]) > 1 for r in found.values())


def test_programme_actors_with_roles(canned: dict[str, CannedQuery], store: ox.Store) -> None:
    result = rows(store, canned["programme-actors"], programme=ID + "programme/regio-nrw")
    roles = {(r["actorLabel"], r["roleLabel"]) for r in result}
    assert ("Wirtschaftsförderung Dortmund", "federführend") in roles
    assert any(
        actor.startswith("Projektträger ETN") and role == "Projektträger" for actor, role in roles
    )
    assert {r["programme"] for r in result} == {ID + "programme/regio-nrw"}


def test_grants_by_programme_and_project(canned: dict[str, CannedQuery], store: ox.Store) -> None:
    result = rows(store, canned["grants"], programme=ID + "programme/umbau-21-smart-region")
    assert {r["programme"] for r in result} == {ID + "programme/umbau-21-smart-region"}
    procheck = [r for r in result if r["project"] == ID + "project/procheck"]
    assert len(procheck) == 1
    assert procheck[0]["amount"] == "769560.68"
    assert procheck[0]["currency"] == "EUR"
    assert procheck[0]["recipients"] == "Handwerkskammer Münster"


def test_who_approves_what_in_which_regierungsbezirk(
    canned: dict[str, CannedQuery], store: ox.Store
) -> None:
    result = rows(store, canned["approvals"])
    assert {
        (r["authorityLabel"], r["regierungsbezirkLabel"], r["undertakingLabel"]) for r in result
    } >= {("Bezirksregierung Münster", "Regierungsbezirk Münster", "ProCheck")}


def test_people_and_their_posts(canned: dict[str, CannedQuery], store: ox.Store) -> None:
    posts = {
        (r["name"], r["post"], r["organisationLabel"]) for r in rows(store, canned["people-posts"])
    }
    assert ("Dorothee Feller", "Regierungspräsidentin", "Bezirksregierung Münster") in posts
    assert ("Thomas Westphal", "Geschäftsführer", "Wirtschaftsförderung Dortmund") in posts
    assert any(
        name == "Garrelt Duin" and org.startswith("Ministerium für Wirtschaft")
        for name, _post, org in posts
    )


def test_where_a_fact_comes_from(canned: dict[str, CannedQuery], store: ox.Store) -> None:
    result = rows(store, canned["fact-sources"], resource=ID + "project/procheck")
    quotes = {(r["document"], r["quote"]) for r in result}
    assert ("001_514295b5d009b54a", "wird mit 769.560,68 Euro gefördert") in quotes
    assert all(int(r["end"]) > int(r["start"]) for r in result)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"resource": "x> } DROP ALL #"}, "not a valid iri"),
        ({"resource": ""}, "is required"),
        ({}, "is required"),
        ({"resource": ID, "limit": "3"}, "unknown parameter"),
    ],
)
def test_bad_parameters_are_refused_never_pasted(
    canned: dict[str, CannedQuery], params: dict[str, str], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        canned["fact-sources"].substitutions(params)


def test_string_parameters_are_bound_as_literals(store: ox.Store, tmp_path: Path) -> None:
    from foerdergraph.query.canned import parse_canned

    path = tmp_path / "echo.rq"
    path.write_text(
        "#+ title: Echo\n#+ description: echo\n#+ columns: [q]\n"
        "#+ params:\n#+   - {name: q, type: string}\nSELECT ?q WHERE {}\n",
        encoding="utf-8",
    )
    query = parse_canned(path)
    hostile = '" } ; DROP ALL ; SELECT * { "'
    assert rows(store, query, q=hostile) == [{"q": hostile}]


def fixture_store(name: str) -> ox.Store:
    """A small graph of tests/fixtures/queries/ that pins one subtlety of a canned query."""
    store = ox.Store()
    store.load(path=str(Path(__file__).parents[1] / "fixtures" / "queries" / name))
    return store


def test_recurring_partners_counts_each_nearest_funding_line_once_never_the_umbrella(
    canned: dict[str, CannedQuery],
) -> None:
    found = rows(fixture_store("recurring-partners.trig"), canned["recurring-partners"])
    assert len(found) == len({r["partner"] for r in found}), "one row per partner"
    counted = {r["label"]: (r["programmes"], set(r["programme_names"].split(" | "))) for r in found}
    assert counted == {
        "Akteur A": ("2", {"Programm Eins", "Programm Zwei"}),
        "Akteur C": ("2", {"Programm Eins", "Teilprogramm Drei"}),
        "Akteur D": ("2", {"Programm Zwei", "Initiative"}),
        "Akteur E": ("2", {"Wettbewerb", "Projektaufruf"}),
    }


def test_grants_are_listed_once_under_their_most_specific_programme(
    canned: dict[str, CannedQuery],
) -> None:
    store = fixture_store("grants-and-facts.trig")
    grants = [
        (r["grant"].rsplit("/", 1)[-1], r["programmeLabel"], r["recipients"])
        for r in rows(store, canned["grants"])
    ]
    assert sorted(grants) == [
        ("g1", "Programm Zwei", "Akteur"),  # stated on the grant wins over the project's P1
        ("g2", "", ""),  # no programme: still listed, unlabelled
        ("g3", "Wettbewerb", ""),  # the project's nearest programme, not the OP above it
        ("g4", "Wettbewerb", ""),  # of two stated programmes, the one inside the other
    ]
    # bound to a programme, the grants of that programme only
    only = rows(store, canned["grants"], programme="https://example.org/P2")
    assert [(r["grant"].rsplit("/", 1)[-1], r["programmeLabel"]) for r in only] == [
        ("g1", "Programm Zwei")
    ]
    assert rows(store, canned["grants"], programme="https://example.org/OP") == []
    # g1 names :org as recipient and funder, in two graphs: one row, one fact.
    facts = rows(store, canned["fact-sources"], resource="https://example.org/org")
    assert [(r["fact"], r["document"], r["start"]) for r in facts] == [
        ("https://example.org/g1", "doc-1", "3")
    ]


K = "https://example.org/k"


def test_name_at_date_follows_the_renamings_and_gives_both_inside_an_open_interval(
    canned: dict[str, CannedQuery],
) -> None:
    store = fixture_store("org-history.trig")

    def names(day: str) -> list[str]:
        return [r["name"] for r in rows(store, canned["name-at-date"], date=day, actor=K)]

    assert names("2009-12-31") == ["Alte Kammer"]
    assert names("2010-03-01") == ["Neue Kammer"]  # the renaming's own day has the new name
    assert names("2014-08-01") == ["Neue Kammer", "Neueste Kammer"]
    assert names("2015-01-01") == ["Neueste Kammer"]
    # without an actor: every organisation with a recorded history (:a and :b have none)
    assert {r["actor"] for r in rows(store, canned["name-at-date"], date="2012-01-01")} == {K}


def test_documents_show_their_actors_under_the_names_of_their_dates(
    canned: dict[str, CannedQuery],
) -> None:
    store = fixture_store("org-history.trig")
    found = {
        (r["document"], r["label"], r["name_then"])
        for r in rows(store, canned["document-actor-names"])
    }
    assert found == {
        ("d1", "Neueste Kammer", "Neue Kammer"),
        ("d1", "Kammer A", "Kammer A"),  # no recorded history: its label
        ("d2", "Neueste Kammer", "Neue Kammer"),
        ("d2", "Neueste Kammer", "Neueste Kammer"),
        ("d3", "Neueste Kammer", "Neueste Kammer"),  # no date: its label
    }
    only = rows(store, canned["document-actor-names"], document="d1")
    assert {r["document"] for r in only} == {"d1"}


def test_actor_history_lists_events_and_names_with_periods_and_sources(
    canned: dict[str, CannedQuery],
) -> None:
    found = rows(fixture_store("org-history.trig"), canned["actor-history"], actor=K)
    table = [
        (
            r["kind"],
            r["label"],
            r["from"][:10],
            r["until"][:10],
            r["type"],
            set(r["sources"].split(" | ")),
        )
        for r in found
    ]
    amtsblatt, chronik = "Amtsblatt 2010 <https://example.org/amtsblatt>", "Chronik"
    assert table == [
        ("name", "Alte Kammer", "", "2010-03-01", "", {amtsblatt}),
        ("event", "Zusammenlegung", "2000-01-01", "2000-01-01", "Zusammenlegung", {chronik}),
        ("event", "Erste Umbenennung", "2010-03-01", "2010-03-01", "Umbenennung", {amtsblatt}),
        ("name", "Neue Kammer", "2010-03-01", "2015-01-01", "", {amtsblatt, chronik}),
        (
            "event",
            "Zweite Umbenennung",
            "2014-06-01",
            "2015-01-01",
            "Umbenennung",
            {amtsblatt, chronik},
        ),
        ("name", "Neueste Kammer", "2014-06-01", "", "", {amtsblatt, chronik}),
    ]
    merger = found[1]
    assert set(merger["original"].split(" | ")) == {"Kammer A", "Kammer B"}
    assert merger["resulting"] == "Neueste Kammer"


def test_the_timeline_of_an_entity_page_pairs_citations_with_their_addresses(
    canned: dict[str, CannedQuery],
) -> None:
    store = fixture_store("org-history.trig")
    timeline = actor_timeline(store, K, canned[HISTORY_QUERY])
    assert [(e.kind, e.start, e.end) for e in timeline][:3] == [
        ("name", "", "2010-03-01"),
        ("event", "2000-01-01", "2000-01-01"),
        ("event", "2010-03-01", "2010-03-01"),
    ]
    assert set(timeline[4].sources) == {
        ("Amtsblatt 2010", "https://example.org/amtsblatt"),
        ("Chronik", ""),
    }
    merged_away = actor_timeline(store, "https://example.org/a", canned[HISTORY_QUERY])
    assert [(e.kind, e.label) for e in merged_away] == [("event", "Zusammenlegung")]
    assert actor_timeline(store, "https://example.org/nobody", canned[HISTORY_QUERY]) == []


def _by_region(found: list[dict[str, str]]) -> dict[str, tuple[int, float]]:
    """{region name or bin: (grants, amount)} of a funding-by-region answer."""
    return {
        (r["label"] if r["bin"] == "region" else r["bin"]): (int(r["grants"]), float(r["amount"]))
        for r in found
    }


def test_funding_by_region_counts_each_grant_once_per_level_and_reports_the_rest(
    canned: dict[str, CannedQuery],
) -> None:
    store = fixture_store("regions.trig")
    query = canned["funding-by-region"]
    assert _by_region(rows(store, query)) == {
        "Bezirk Eins": (3, 600.0),  # g1 in a town of a Kreis, g2 in a city, g3 by its key
        "Bezirk Zwei": (1, 700.0),
        "several": (1, 500.0),  # g5 lies in both: counted once, in neither
        "coarser": (1, 400.0),  # g4: the Land only
        "unlocated": (2, 1400.0),  # g6, and g8 whose project has no place
    }
    assert _by_region(rows(store, query, level="kreis")) == {
        "Kreis Eins": (2, 400.0),
        "Stadt": (2, 700.0),  # g2, and g5: its other place is no Kreis-level region
        "Kreis Zwei": (0, 0.0),  # every region of the level is a row
        "coarser": (2, 1100.0),  # g4 (Land), g7 (a Regierungsbezirk only)
        "unlocated": (2, 1400.0),
    }
    assert _by_region(rows(store, query, basis="recipient")) == {
        "Bezirk Eins": (1, 800.0),  # g8's recipient sits in K1
        "Bezirk Zwei": (0, 0.0),
        "unlocated": (7, 2800.0),
    }


REGION_PARAMETERS = (
    {},
    {"level": "kreis"},
    {"basis": "recipient"},
    {"fund": "https://example.org/fundA"},
    {"programme": "https://example.org/OP"},
    {"from_year": "2010", "to_year": "2010", "level": "kreis"},
)


def test_funding_by_region_bound_as_on_a_remote_server_answers_the_same() -> None:
    """A remote server gets the parameters as VALUES blocks in the query text; run by pyoxigraph
    without substitutions, that text must answer as the substituted query does (its
    sub-SELECTs filter on ?level and ?basis: one block at the top alone left them unbound)."""
    store = fixture_store("regions.trig")
    query = load_canned_queries(Path(__file__).parents[2] / "queries")["funding-by-region"]
    for params in REGION_PARAMETERS:
        bound = query.substitutions(params)
        text = with_bindings(query.text, {v.value: str(term) for v, term in bound.items()})
        answers = [
            as_rows(run_query(store, query.text, bound)),  # type: ignore[arg-type]
            as_rows(run_query(store, text, {})),  # type: ignore[arg-type]
        ]
        assert answers[0] == answers[1] and answers[0][1], params


def test_funding_by_region_filters_by_fund_programme_and_year(
    canned: dict[str, CannedQuery],
) -> None:
    store = fixture_store("regions.trig")
    query = canned["funding-by-region"]

    def totals(**params: str) -> dict[str, tuple[int, float]]:
        return {k: v for k, v in _by_region(rows(store, query, **params)).items() if v[0]}

    assert totals(fund="https://example.org/fundA") == {"Bezirk Eins": (1, 100.0)}
    assert totals(programme="https://example.org/OP") == {"Bezirk Eins": (1, 300.0)}
    assert totals(from_year="2011") == {"Bezirk Eins": (1, 200.0)}  # g2; no year: left out
    assert totals(from_year="2010", to_year="2010", level="kreis") == {"Kreis Eins": (1, 100.0)}
    assert totals(level="gemeinde") == {"unlocated": (2, 1400.0), "coarser": (6, 2200.0)}

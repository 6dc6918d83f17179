"""Browse lists and search over HTTP: counts, facets, sorting and paging agree with the
generated data (`browse_data.py`), the CSV and JSON twins agree with the HTML, and a bad
parameter is a 400 that names it."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.config import Settings
from foerdergraph.serve.app import create_app

from .browse_data import (
    FG,
    FIXTURE_ORGANISATIONS,
    GOVERNMENT_REGION,
    ORGANISATIONS,
    PLACES,
    Generated,
    browse_build,
)
from .conftest import BASE, FIXTURES


@pytest.fixture(scope="module")
def generated_client(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, Generated]]:
    build_dir, generated = browse_build(tmp_path_factory.mktemp("browse"))
    settings = Settings(
        home=FIXTURES,
        base_iri=BASE,
        build_dir_override=build_dir,
        query_timeout_s=3.0,
        max_result_rows=1000,
        query_workers=1,
        public_url=None,
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        yield client, generated


@pytest.fixture()
def client(generated_client: tuple[TestClient, Generated]) -> TestClient:
    return generated_client[0]


@pytest.fixture()
def data(generated_client: tuple[TestClient, Generated]) -> Generated:
    return generated_client[1]


def html_total(html: str) -> int:
    match = re.search(r'data-total="(\d+)"', html)
    assert match, "the list page shows no count"
    return int(match.group(1))


def test_organisations_count_and_csv_json_agree_with_html(client: TestClient) -> None:
    page = client.get("/browse/organisations")
    assert page.status_code == 200
    expected = ORGANISATIONS + FIXTURE_ORGANISATIONS
    assert html_total(page.text) == expected
    listed = client.get("/browse/organisations.json").json()
    assert listed["total"] == expected
    rows = list(csv.DictReader(io.StringIO(client.get("/browse/organisations.csv").text)))
    assert len(rows) == expected
    assert {r["iri"] for r in rows} >= {r["iri"] for r in listed["rows"]}
    index = client.get("/browse")
    assert f'data-list="organisations">{expected}<' in index.text


def test_type_facet_counts_and_filters(client: TestClient, data: Generated) -> None:
    universities = [o for o in data.orgs if o.university]
    listed = client.get("/browse/organisations.json").json()
    counts = {f["value"]: f["count"] for f in listed["facets"]["type"]}
    assert counts[FG + "University"] == len(universities)
    assert counts[FG + "Organisation"] == ORGANISATIONS + FIXTURE_ORGANISATIONS
    params = {"type": FG + "University", "_size": "500"}
    filtered = client.get("/browse/organisations.json", params=params).json()
    assert filtered["total"] == len(universities)
    assert {r["iri"] for r in filtered["rows"]} == {o.iri for o in universities}
    html = client.get("/browse/organisations", params={"type": FG + "University"}).text
    assert html_total(html) == len(universities)
    csv_rows = list(
        csv.DictReader(io.StringIO(client.get("/browse/organisations.csv", params=params).text))
    )
    assert len(csv_rows) == len(universities)


def test_region_and_programme_facets(client: TestClient, data: Generated) -> None:
    listed = client.get("/browse/organisations.json").json()
    in_koeln = sum(1 for o in data.orgs if o.place.endswith("p1"))
    kreise = {f["label"]: f["count"] for f in listed["facets"]["kreis"]}
    assert kreise == {
        p: sum(1 for o in data.orgs if o.place.endswith(f"p{i}")) for i, p in enumerate(PLACES)
    }
    regions = {f["label"]: f["count"] for f in listed["facets"]["regierungsbezirk"]}
    assert regions == {GOVERNMENT_REGION: in_koeln}
    programmes = {f["label"]: f["count"] for f in listed["facets"]["programme"]}
    alpha = BASE + "id/programme/p0"
    assert programmes["Programm Alpha"] == sum(1 for o in data.orgs if alpha in o.programmes)


def test_sorted_by_total_amount_and_paged(client: TestClient, data: Generated) -> None:
    ranked = sorted(data.orgs, key=data.total, reverse=True)
    params = {"_sort_desc": "grant_amount", "_size": "7", "_page": "2"}
    page = client.get("/browse/organisations.json", params=params).json()
    assert page["pages"] == -(-(ORGANISATIONS + FIXTURE_ORGANISATIONS) // 7)
    assert [r["iri"] for r in page["rows"]] == [o.iri for o in ranked[7:14]]
    assert [Decimal(str(r["grant_amount"])) for r in page["rows"]] == [
        data.total(o) for o in ranked[7:14]
    ]
    assert [r["grant"] for r in page["rows"]] == [len(o.grants) for o in ranked[7:14]]
    ascending = client.get("/browse/organisations.json", params={"_sort": "label"}).json()
    labels = [r["label"] for r in ascending["rows"]]
    assert labels == sorted(labels, key=str.casefold)
    html = client.get("/browse/organisations", params=params).text
    assert html.count("<tr>") - 1 == 7  # the header row and seven rows
    assert 'rel="next"' in html and 'rel="prev"' in html


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"_page": "0"}, "_page"),
        ({"_page": "two"}, "_page"),
        ({"_page": "99"}, "_page"),
        ({"_size": "100000"}, "_size"),
        ({"_sort": "nothing"}, "_sort"),
        ({"_sort_desc": "iri"}, "_sort_desc"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_are_named(client: TestClient, params: dict[str, str], named: str) -> None:
    for path in ("/browse/organisations", "/browse/organisations.json"):
        response = client.get(path, params=params)
        assert response.status_code == 400
        assert f"parameter '{named}'" in response.text.replace("&#39;", "'")


def test_every_list_answers_and_unknown_lists_are_404(client: TestClient) -> None:
    for name in ("programmes", "organisations", "documents", "regions"):
        listed = client.get(f"/browse/{name}.json").json()
        assert listed["total"] == len(
            list(csv.DictReader(io.StringIO(client.get(f"/browse/{name}.csv").text)))
        )
        assert html_total(client.get(f"/browse/{name}").text) == listed["total"]
    programmes = client.get("/browse/programmes.json").json()
    assert {r["label"] for r in programmes["rows"]} >= {"Programm Alpha", "Programm Beta"}
    assert client.get("/browse/nothing").status_code == 404


def test_search_folds_accents_and_case_and_ranks(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "MUNSTER"}).json()
    assert hits[0]["label"] == "Münster" and hits[0]["rank"] == "exact"
    assert set(hits[0]) >= {"iri", "label", "matched", "types"}
    strasse = client.get("/api/search", params={"q": "hauptstrasse", "limit": 100}).json()
    assert len(strasse) == ORGANISATIONS
    assert {h["rank"] for h in strasse} == {"word"}
    verein = client.get("/api/search", params={"q": "verein 0", "limit": 5}).json()
    assert [h["rank"] for h in verein] == ["prefix"] * 5
    ranks = [h["rank"] for h in client.get("/api/search", params={"q": "nrw"}).json()]
    order = ["exact", "prefix", "word", "substring"]
    assert ranks == sorted(ranks, key=order.index)


def test_search_alternative_names_and_type_filter(client: TestClient, data: Generated) -> None:
    alt = client.get("/api/search", params={"q": "v03"}).json()
    assert alt[0]["iri"] == data.orgs[3].iri and alt[0]["matched"] == "V03"
    typed = client.get(
        "/api/search", params={"q": "verein", "type": "fg:University", "limit": 100}
    ).json()
    assert {h["iri"] for h in typed} == {o.iri for o in data.orgs if o.university}
    bad = client.get("/api/search", params={"q": "verein", "type": "nope:X"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "type"


def test_search_page_lists_the_hits(client: TestClient) -> None:
    page = client.get("/search", params={"q": "koln", "type": "fg:Place"})
    assert page.status_code == 200
    assert "Köln" in page.text and "1 result" in page.text
    assert client.get("/search", params={"q": "x", "type": "nope:X"}).status_code == 400


def test_funding_by_region_tables_agree_with_the_generated_grants(
    client: TestClient, data: Generated
) -> None:
    """By the recipients' seat the Regierungsbezirk takes the grants of the organisations in
    Köln; those in the two cities outside any Regierungsbezirk are placed only more coarsely;
    by the project's place (no project here) every grant is unlocated. JSON, CSV and HTML agree."""
    generated = data
    in_koeln = [o for o in generated.orgs if o.place.endswith("/place/p1")]
    expected = (
        sum(len(o.grants) for o in in_koeln),
        sum((generated.total(o) for o in in_koeln), Decimal(0)),
    )
    counted = client.get(
        "/sparql",
        params={"query": f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ ?g a <{FG}Grant> }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    all_grants = int(counted.json()["results"]["bindings"][0]["n"]["value"])
    assert all_grants >= sum(len(o.grants) for o in generated.orgs)  # and the fixture graph's
    answer = client.get("/browse/funding-by-region.json", params={"basis": "recipient"}).json()
    assert [(r["label"], r["grants"], Decimal(str(r["amount"]))) for r in answer["regions"]] == [
        (GOVERNMENT_REGION, *expected)
    ]
    assert {r["bin"]: r["grants"] for r in answer["rest"]} == {"coarser": all_grants - expected[0]}
    assert answer["grants"] == all_grants
    by_project = client.get("/browse/funding-by-region.json").json()
    assert [r["grants"] for r in by_project["regions"]] == [0]
    assert {r["bin"]: r["grants"] for r in by_project["rest"]} == {"unlocated": all_grants}

    text = client.get("/browse/funding-by-region.csv", params={"basis": "recipient"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["bin"], int(r["grants"])) for r in rows] == [
        ("region", expected[0]),
        ("coarser", all_grants - expected[0]),
    ]
    page = client.get("/browse/funding-by-region", params={"basis": "recipient"})
    assert page.status_code == 200 and GOVERNMENT_REGION in page.text
    assert f'data-in-regions="{expected[0]}"' in page.text
    assert 'href="http://127.0.0.1:8000/browse/funding-by-region"' in client.get("/browse").text


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("level=gemeinde", "level"),
        ("basis=anywhere", "basis"),
        ("from_year=soon", "from_year"),
        ("fund=not%20an%20iri", "fund"),
        ("_sort=colour", "_sort"),
        ("colour=blue", "colour"),
    ],
)
def test_funding_by_region_refuses_a_bad_parameter_by_name(
    client: TestClient, query: str, named: str
) -> None:
    for suffix in ("", ".csv", ".json"):
        response = client.get(f"/browse/funding-by-region{suffix}?{query}")
        assert response.status_code == 400, (suffix, query)
        assert f"'{named}'" in html.unescape(response.text)
    assert client.get("/browse/funding-by-region.xml").status_code == 404

"""Machine-extracted facts: flagged on the pages, and the `drafts` switch (include, the
default, or exclude) on the endpoint, the canned queries, `foerdergraph query`, the browse
lists, search and the linked-data pages.

The build is the server fixture plus `drafts.trig`: a curated document (graph document/pm-2)
and a draft (graph extracted/pm-3) with a grant of its own (g3, confidence 0.7), a programme of
its own (Entwurfsprogramm) and a reified statement about a curated organisation (confidence 0.6).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.cli import EXIT_OK, EXIT_USAGE, main
from foerdergraph.core.config import Settings
from foerdergraph.serve import linked_data
from foerdergraph.serve.app import create_app

from .conftest import BASE, FIXTURES, make_release

FG = "https://w3id.org/foerdergraph/ontology#"
DRAFT_GRAPH = BASE + "graph/extracted/pm-3"
CURATED_GRAPH = BASE + "graph/document/pm-2"
MINISTRY = BASE + "id/organisation/wirtschaftsministerium-nrw"
GRANTS = f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ ?g a <{FG}Grant> }}"
BAD_VALUE = "parameter 'drafts': 'some' is not allowed; use include"


@pytest.fixture(scope="module")
def drafts_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    extra = list(ox.parse(path=str(FIXTURES / "drafts.trig"), format=ox.RdfFormat.TRIG))
    return make_release(tmp_path_factory.mktemp("drafts-build"), extra)


@pytest.fixture(scope="module")
def drafts_client(drafts_build: Path) -> Iterator[TestClient]:
    settings = Settings(
        home=FIXTURES,
        base_iri=BASE,
        build_dir_override=drafts_build,
        query_timeout_s=5.0,
        query_workers=1,
        public_url=None,
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        yield client


def count(client: TestClient, query: str, **params: str) -> int:
    response = client.get("/sparql", params={"query": query, "format": "json", **params})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def rows_of(client: TestClient, url: str, **params: str) -> list[dict[str, object]]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    rows: list[dict[str, object]] = response.json()["rows"]
    return rows


def page_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------- the endpoint


def test_the_endpoint_includes_drafts_by_default_and_excludes_them_on_request(
    drafts_client: TestClient,
) -> None:
    assert count(drafts_client, GRANTS) == 3  # g1 (entities), g2 (curated), g3 (draft)
    assert count(drafts_client, GRANTS, drafts="include") == 3
    assert count(drafts_client, GRANTS, drafts="exclude") == 2
    posted = drafts_client.post(
        "/sparql",
        data={"query": GRANTS, "drafts": "exclude"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert posted.json()["results"]["bindings"][0]["n"]["value"] == "2"


def test_excluded_graphs_are_invisible_to_graph_patterns(drafts_client: TestClient) -> None:
    in_draft = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DRAFT_GRAPH}> {{ ?s ?p ?o }} }}"
    assert count(drafts_client, in_draft) > 10
    assert count(drafts_client, in_draft, drafts="exclude") == 0
    graphs = "SELECT ?g WHERE { GRAPH ?g { } }"
    answer = drafts_client.get("/sparql", params={"query": graphs, "drafts": "exclude"})
    named = {b["g"]["value"] for b in answer.json()["results"]["bindings"]}
    assert CURATED_GRAPH in named and DRAFT_GRAPH not in named
    # the draft statement about a curated organisation goes, its curated ones stay
    funds = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{MINISTRY}> <{FG}funds> ?p }}"
    assert (count(drafts_client, funds), count(drafts_client, funds, drafts="exclude")) == (2, 1)


def test_a_dataset_naming_a_draft_graph_is_refused_when_excluding(
    drafts_client: TestClient,
) -> None:
    from_draft = f"SELECT * FROM <{DRAFT_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert drafts_client.get("/sparql", params={"query": from_draft}).status_code == 200
    refused = drafts_client.get("/sparql", params={"query": from_draft, "drafts": "exclude"})
    assert refused.status_code == 400
    assert DRAFT_GRAPH in refused.text and "drafts=include" in refused.text
    protocol = drafts_client.get(
        "/sparql",
        params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": DRAFT_GRAPH, "drafts": "exclude"},
    )
    assert protocol.status_code == 400 and DRAFT_GRAPH in protocol.text
    # a dataset of curated graphs only is kept as the query declares it
    from_curated = f"SELECT (COUNT(*) AS ?n) FROM <{CURATED_GRAPH}> WHERE {{ ?s a <{FG}Grant> }}"
    assert count(drafts_client, from_curated, drafts="exclude") == 1


@pytest.mark.parametrize(
    "url",
    [
        "/sparql?query=ASK%7B%7D&drafts=some",
        f"/queries/programmes-of-funder?funder={MINISTRY}&drafts=some",
        "/browse/programmes?drafts=some",
        "/browse/programmes.json?drafts=some",
        "/browse?drafts=some",
        "/search?q=EFRE&drafts=some",
        "/api/search?q=EFRE&drafts=some",
        "/id/grant/g3?drafts=some",
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter_and_its_values(
    drafts_client: TestClient, url: str
) -> None:
    response = drafts_client.get(url, headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert BAD_VALUE in response.text and "exclude" in response.text


def test_the_parameter_may_be_given_once(drafts_client: TestClient) -> None:
    response = drafts_client.get(
        "/sparql", params=[("query", GRANTS), ("drafts", "include"), ("drafts", "exclude")]
    )
    assert response.status_code == 400 and "'drafts'" in response.text


# ---------------------------------------------------------------- canned queries and the CLI


def test_canned_queries_take_the_switch(drafts_client: TestClient) -> None:
    def labels(**params: str) -> list[str]:
        response = drafts_client.get(
            "/queries/programmes-of-funder",
            params={"funder": MINISTRY, "format": "json", **params},
        )
        assert response.status_code == 200, response.text
        return [b["label"]["value"] for b in response.json()["results"]["bindings"]]

    # EFRE.NRW's label is stated in a curated graph and, again, in the draft
    assert labels() == ["EFRE.NRW", "EFRE.NRW", "Entwurfsprogramm"]
    assert labels(drafts="exclude") == ["EFRE.NRW"]


def test_foerdergraph_query_takes_the_switch(
    drafts_build: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(FIXTURES))
    monkeypatch.setenv("FOERDERGRAPH_BUILD_DIR", str(drafts_build))
    monkeypatch.setenv("FOERDERGRAPH_BASE", BASE)

    def grants(*options: str) -> tuple[int, str]:
        code = main(["query", "--query", GRANTS, "--format", "csv", *options])
        out, err = capsys.readouterr()
        return code, out.split()[-1] if code == EXIT_OK else err

    assert grants() == (EXIT_OK, "3")
    assert grants("--drafts", "include") == (EXIT_OK, "3")
    assert grants("--drafts", "exclude") == (EXIT_OK, "2")
    funder = ["programmes-of-funder", "--param", f"funder={MINISTRY}", "--format", "csv"]
    code = main(["query", *funder, "--drafts", "exclude"])
    assert code == EXIT_OK and "Entwurfsprogramm" not in capsys.readouterr().out
    code = main(
        ["query", "--query", f"ASK FROM <{DRAFT_GRAPH}> {{ ?s ?p ?o }}", "--drafts", "exclude"]
    )
    assert code == EXIT_USAGE and DRAFT_GRAPH in capsys.readouterr().err


# ---------------------------------------------------------------- browse lists and search


def test_browse_lists_take_the_switch(drafts_client: TestClient) -> None:
    def programmes(**params: str) -> dict[str, dict[str, object]]:
        return {
            str(r["label"]): r for r in rows_of(drafts_client, "/browse/programmes.json", **params)
        }

    included, excluded = programmes(), programmes(drafts="exclude")
    assert "Entwurfsprogramm" in included and "Entwurfsprogramm" not in excluded
    assert (included["EFRE.NRW"]["grant"], excluded["EFRE.NRW"]["grant"]) == (2, 1)
    documents = {str(r["iri"]) for r in rows_of(drafts_client, "/browse/documents.json")}
    kept = {
        str(r["iri"]) for r in rows_of(drafts_client, "/browse/documents.json", drafts="exclude")
    }
    assert documents - kept == {BASE + "id/document/pm-3"}
    # the other parameters still work beside the switch, and the CSV twin takes it too
    assert rows_of(drafts_client, "/browse/programmes.json", drafts="exclude", q="entwurf") == []
    csv = drafts_client.get("/browse/programmes.csv", params={"drafts": "exclude"})
    assert csv.status_code == 200 and "EFRE.NRW" in csv.text and "Entwurfsprogramm" not in csv.text


def test_search_takes_the_switch(drafts_client: TestClient) -> None:
    def hits(**params: str) -> list[str]:
        response = drafts_client.get("/api/search", params={"q": "entwurf", **params})
        assert response.status_code == 200, response.text
        return [hit["label"] for hit in response.json()]

    assert hits() == ["Entwurfsprogramm", "Zuwendung an das Entwurfsprogramm"]
    assert hits(drafts="exclude") == []
    assert hits(q="efre", drafts="exclude") == ["EFRE.NRW"]
    page = drafts_client.get("/search", params={"q": "entwurf", "drafts": "exclude"})
    assert "Entwurfsprogramm" not in page_text(page.text)
    assert 'name="drafts" value="exclude"' in page.text  # the form keeps the switch
    assert "Entwurfsprogramm" in page_text(drafts_client.get("/search?q=entwurf").text)


# ---------------------------------------------------------------- linked-data pages and flags


def statement_rows(html: str) -> list[str]:
    table = html.split('<table class="statements">', 1)[1].split("</table>", 1)[0]
    return table.split("<tr")[2:]


def test_draft_statements_are_flagged_and_curated_ones_are_not(drafts_client: TestClient) -> None:
    html = drafts_client.get("/id/organisation/wirtschaftsministerium-nrw?view=statements").text
    flagged = [row for row in statement_rows(html) if "draft-badge" in row]
    assert len(flagged) == 1
    assert "Entwurfsprogramm" in flagged[0] and "confidence 0.6" in flagged[0]
    assert "machine-extracted" in flagged[0] and "maschinell extrahiert" in flagged[0]
    assert any("EFRE.NRW" in row and "draft-badge" not in row for row in statement_rows(html))
    # a draft fact: every statement flagged, with the fact's own confidence
    grant = statement_rows(drafts_client.get("/id/grant/g3").text)
    assert grant and all("draft-badge" in row and "confidence 0.7" in row for row in grant)
    # stated in a draft and in a curated graph: not machine-extracted only
    programme = statement_rows(drafts_client.get("/id/programme/efre-nrw?view=statements").text)
    assert programme and not any("draft-badge" in row for row in programme)
    curated = statement_rows(drafts_client.get("/id/grant/g2").text)
    assert curated and not any("draft-badge" in row for row in curated)


def test_pages_take_the_switch(drafts_client: TestClient) -> None:
    html = drafts_client.get(
        "/id/organisation/wirtschaftsministerium-nrw?view=statements&drafts=exclude"
    ).text
    assert (
        "Entwurfsprogramm" not in page_text(html)
        and 'draft-badge"' not in html.split('<table class="statements">')[1]
    )
    assert "EFRE.NRW" in page_text(html)
    assert drafts_client.get("/id/grant/g3?drafts=exclude").status_code == 404
    assert drafts_client.get("/id/grant/g3.ttl?drafts=exclude").status_code == 404
    turtle = drafts_client.get("/id/organisation/wirtschaftsministerium-nrw.nt?drafts=exclude")
    assert "entwurfsprogramm" not in turtle.text
    included = drafts_client.get("/id/organisation/wirtschaftsministerium-nrw.nt").text
    assert "entwurfsprogramm" in included


def test_the_control_says_what_is_shown_and_turns_the_switch(drafts_client: TestClient) -> None:
    html = drafts_client.get("/browse/programmes?q=e&_size=10").text
    assert "1 draft graph " in page_text(html) and "included" in page_text(html)
    toggle = unescape(re.search(r'id="drafts-toggle" href="([^"]+)"', html)[1])  # type: ignore[index]
    assert toggle == "?q=e&_size=10&drafts=exclude"
    turned = drafts_client.get("/browse/programmes" + toggle).text
    assert "left out" in page_text(turned)
    back = unescape(re.search(r'id="drafts-toggle" href="([^"]+)"', turned)[1])  # type: ignore[index]
    assert back == "?q=e&_size=10&drafts=include"


def test_a_release_without_drafts_shows_no_control(client: TestClient) -> None:
    html = client.get("/browse/programmes").text
    assert "drafts-toggle" not in html
    assert client.get("/browse/programmes.json?drafts=exclude").status_code == 200


def test_the_view_data_carries_draft_and_confidence(drafts_build: Path) -> None:
    """What other templates (summaries of organisations, programmes) read from the view."""
    store = ox.Store.read_only(str(next((drafts_build / "releases").iterdir()) / "store"))
    view = linked_data.view(store, MINISTRY, drafts=frozenset({DRAFT_GRAPH}))
    funds = next(p for p in view.properties if p.predicate == FG + "funds")
    flags = {v.label: (v.draft, v.confidence) for v in funds.values}
    assert flags == {"EFRE.NRW": (False, None), "Entwurfsprogramm": (True, "0.6")}
    unflagged = linked_data.view(store, MINISTRY)
    assert not any(v.draft for p in unflagged.properties for v in p.values)
    assert (
        json.dumps([v.confidence for p in unflagged.properties for v in p.values]).count("0.6") == 0
    )


def test_funding_by_region_takes_the_switch(drafts_client: TestClient) -> None:
    """The regional figures add up to every grant the switch lets through, drafts included or
    not, and the page's filter form keeps the choice."""
    for params in ({}, {"drafts": "exclude"}):
        response = drafts_client.get("/browse/funding-by-region.json", params=params)
        assert response.status_code == 200, response.text
        assert response.json()["grants"] == count(drafts_client, GRANTS, **params)
    assert count(drafts_client, GRANTS) == count(drafts_client, GRANTS, drafts="exclude") + 1
    page = drafts_client.get("/browse/funding-by-region", params={"drafts": "exclude"}).text
    assert '<input type="hidden" name="drafts" value="exclude">' in page
    bad = drafts_client.get("/browse/funding-by-region.json", params={"drafts": "some"})
    assert bad.status_code == 400 and BAD_VALUE in bad.text


def test_summary_pages_flag_draft_rows_and_take_the_switch(drafts_client: TestClient) -> None:
    """The organisation's summary marks what only a draft states and leaves it out on request;
    its curated rows stay unmarked in both."""
    page = "/id/organisation/wirtschaftsministerium-nrw"
    included = drafts_client.get(page).text
    marked = [row for row in included.split("<tr")[1:] if "draft-badge" in row]
    assert marked and all("Entwurfsprogramm" in row for row in marked)
    assert "EFRE.NRW" in page_text(included)
    excluded = drafts_client.get(page, params={"drafts": "exclude"}).text
    assert "Entwurfsprogramm" not in page_text(excluded) and "draft-badge" not in excluded
    assert "EFRE.NRW" in page_text(excluded)


def test_a_source_document_marks_the_facts_only_a_draft_draws_from_it(
    drafts_client: TestClient,
) -> None:
    drafted = drafts_client.get("/documents/pm-3").text
    facts = drafted.split('id="facts-h"', 1)[1]
    assert facts.count('class="draft-badge"') == facts.count("<li") - facts.count("<li><a") > 0
    curated = drafts_client.get("/documents/pm-2").text.split('id="facts-h"', 1)[1]
    assert "<li" in curated and "draft-badge" not in curated
    # the draft's document is stated only in its draft graph: left out with it
    assert drafts_client.get("/documents/pm-3", params={"drafts": "exclude"}).status_code == 404
    assert drafts_client.get("/documents/pm-2", params={"drafts": "exclude"}).status_code == 200
    bad = drafts_client.get("/documents/pm-2", params={"drafts": "some"})
    assert bad.status_code == 400 and BAD_VALUE in unescape(bad.text)


def test_links_from_lists_and_search_keep_the_switch(drafts_client: TestClient) -> None:
    listed = drafts_client.get("/browse/programmes", params={"drafts": "exclude"}).text
    assert '/id/programme/efre-nrw?drafts=exclude"' in listed
    found = drafts_client.get("/search", params={"q": "efre", "drafts": "exclude"}).text
    assert '/id/programme/efre-nrw?drafts=exclude"' in found
    assert "?drafts=" not in drafts_client.get("/browse/programmes").text.split("<tbody>")[1]

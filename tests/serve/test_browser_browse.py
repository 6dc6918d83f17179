"""Browse, search and the result views in headless Chromium (the same browser as
test_browser.py) against a live server over the generated build of `browse_data.py`: content
visible, no console errors, no request to another host."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from .browse_data import ORGANISATIONS, PROGRAMMES, Generated, browse_build
from .conftest import Watched, running_server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Generated]]:
    build_dir, generated = browse_build(tmp_path_factory.mktemp("browse-live"))
    log = tmp_path_factory.mktemp("browse-log") / "server.log"
    with running_server(build_dir, log) as url:
        yield url, generated


def test_browse_organisations_facet_sort_and_page(
    browser: Browser, served: tuple[str, Generated]
) -> None:
    url, data = served
    watched = Watched(browser, url)
    page = watched.page
    page.goto(url + "browse")
    page.click("text=Organisationen")
    expect(page.locator("h1")).to_have_text("Organisationen")
    universities = sum(1 for o in data.orgs if o.university)
    page.locator(".facet[data-facet=type] a", has_text="fg:University").click()
    expect(page.locator("#list-count strong").first).to_have_text(str(universities))
    expect(page.locator("#list-table tbody tr")).to_have_count(universities)
    page.locator("#list-table th a", has_text="Name").click()
    first = sorted(o.label for o in data.orgs if o.university)[0]
    expect(page.locator("#list-table tbody tr").first).to_contain_text(first)
    page.goto(url + "browse/organisations?_size=25")
    page.click("a[rel=next]")
    expect(page.locator(".pager span")).to_contain_text("page 2 of")
    watched.clean().close()


def test_search_page_folds_accents(browser: Browser, served: tuple[str, Generated]) -> None:
    url, _ = served
    watched = Watched(browser, url)
    page = watched.page
    page.goto(url + "search")
    page.fill("#q", "DUSSELDORF")
    page.click(".search-page button")
    expect(page.locator("#search-table tbody tr").first).to_contain_text("Düsseldorf")
    page.select_option("#type", "fg:Organisation")
    page.fill("#q", "hauptstrasse")
    page.click(".search-page button")
    expect(page.locator("#search-count")).to_have_text(f"{ORGANISATIONS} results")
    watched.clean().close()


GRANTS_QUERY = """SELECT ?org ?orgLabel ?programme ?amount WHERE {
  ?grant fg:grantRecipient ?org ; fg:underProgramme ?programme ; fg:amount ?amount .
  ?org skos:prefLabel ?orgLabel .
}"""


def test_result_table_chart_and_network(browser: Browser, served: tuple[str, Generated]) -> None:
    url, data = served
    grants = sum(len(o.grants) for o in data.orgs)
    watched = Watched(browser, url)
    page = watched.page
    page.goto(url)
    page.fill("#query", GRANTS_QUERY)  # no PREFIX lines: fg: and skos: are predeclared
    page.click("#run")
    rows = page.locator("#results-table tbody tr")
    expect(rows).to_have_count(50)
    expect(page.locator("#results-page")).to_contain_text(f"page 1 of {-(-grants // 50)}")
    # labels instead of IRIs, the label column folded into the IRI column
    expect(page.locator("#results-table thead th")).to_have_count(3)
    expect(rows.first.locator("td").first).to_contain_text("Verein")
    page.fill("#results-filter", "Verein 05 ")
    expect(rows).to_have_count(len(data.orgs[5].grants))
    page.fill("#results-filter", "")
    page.click("#results-table th button[data-column=amount]")
    top = max(a for o in data.orgs for a in o.grants.values())
    expect(rows.first.locator("td").last).to_have_text(str(top))
    expect(page.locator("#download-tsv")).to_be_visible()
    page.click("#view-chart")
    page.select_option("#chart-label", "programme")
    expect(page.locator("#chart rect.bar")).to_have_count(len(PROGRAMMES))
    page.select_option("#chart-kind", "pie")
    expect(page.locator("#chart path.slice")).to_have_count(len(PROGRAMMES))
    page.click("#view-network")
    with_grants = sum(1 for o in data.orgs if o.grants)
    expect(page.locator("#network circle")).to_have_count(with_grants + len(PROGRAMMES))
    watched.clean().close()


def test_canned_query_commentary_is_above_the_editor(
    browser: Browser, served: tuple[str, Generated]
) -> None:
    url, _ = served
    watched = Watched(browser, url)
    page = watched.page
    page.goto(url)
    page.select_option("#examples", "organisations")
    shown = page.locator("#query").input_value()
    assert "SELECT DISTINCT ?org" in shown
    assert not any(line.lstrip().startswith("#") for line in shown.splitlines())
    expect(page.locator("#example-notes")).to_be_visible()
    page.click("#example-notes summary")
    expect(page.locator("#example-notes-text")).to_contain_text("Sorted by label")
    watched.clean().close()


def test_funding_by_region_table_and_map(browser: Browser, served: tuple[str, Generated]) -> None:
    """From the browse index to the regional figures by the recipients' seat: the table sorts,
    the map draws every Regierungsbezirk of the installed boundaries from the page's JSON, with
    no console error and no request to another host."""
    url, _data = served
    watched = Watched(browser, url)
    page = watched.page
    page.goto(url + "browse")
    page.click("#funding-link a")
    expect(page.locator("h1")).to_contain_text("Regierungsbezirke")
    page.click("#funding-switch a:has-text('recipients')")
    expect(page.locator("#funding-table tbody:not(.rest) tr")).to_have_count(1)
    expect(page.locator("#funding-table tbody.rest tr[data-bin=coarser]")).to_have_count(1)
    expect(page.locator("#region-map")).to_have_attribute("data-drawn", "5")
    expect(page.locator("#region-map svg path")).to_have_count(5)
    page.locator("#funding-table th a", has_text="Region").click()
    expect(page.locator("#funding-table th[aria-sort=ascending]")).to_contain_text("Region")
    watched.clean().close()

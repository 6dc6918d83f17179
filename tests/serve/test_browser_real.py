"""The site's pages in headless Chromium over a fresh build of the project's own data: the
start page's canned queries and its result views, the browse lists, search, the funding map, a
source document and the API docs — each with content the build holds, no console error and no
request to another host. (The summaries of organisations, programmes and places have their own
module; the drafts switch needs a build with drafts, which the real project does not have.)"""

from __future__ import annotations

import csv
import io

import httpx
from playwright.sync_api import Browser, expect

from .conftest import Watched

RECIPIENTS_AND_COMPETITIONS = """SELECT DISTINCT ?recipient ?recipientLabel ?competition
  ?competitionLabel WHERE {
  ?grant fg:grantRecipient ?recipient ; fg:underProgramme ?competition .
  ?competition a fg:Competition ; skos:prefLabel ?competitionLabel .
  ?recipient skos:prefLabel ?recipientLabel .
  FILTER (lang(?recipientLabel) = "de" && lang(?competitionLabel) = "de")
} LIMIT 60"""


def test_a_canned_query_as_table_chart_and_network(browser: Browser, real_server: str) -> None:
    url = real_server
    watched = Watched(browser, url)
    page = watched.page
    answer = httpx.get(url + "queries/grants", params={"format": "json"}, timeout=120)
    assert answer.status_code == 200, answer.text
    grants = len(answer.json()["results"]["bindings"])
    page.goto(url)
    page.select_option("#examples", "grants")
    page.click("#run")
    expect(page.locator("#results-page")).to_contain_text(f"of {grants} rows", timeout=60_000)
    expect(page.locator("#results-table tbody tr")).to_have_count(50)
    page.click("#view-chart")
    expect(page.locator("#chart rect.bar").first).to_be_visible()
    page.select_option("#examples", "")
    page.fill("#query", RECIPIENTS_AND_COMPETITIONS)
    page.click("#run")
    page.click("#view-network")
    expect(page.locator("#network circle").first).to_be_visible()
    assert page.locator("#network circle").count() > 10
    watched.clean().close()


def test_browse_lists_and_search(browser: Browser, real_server: str) -> None:
    url = real_server
    watched = Watched(browser, url)
    page = watched.page
    for name in ("programmes", "organisations", "documents", "regions"):
        listed = list(csv.DictReader(io.StringIO(httpx.get(f"{url}browse/{name}.csv").text)))
        page.goto(f"{url}browse/{name}")
        expect(page.locator("main table tbody tr").first).to_be_visible()
        expect(page.locator("main")).to_contain_text(f"{len(listed):,}".replace(",", "\u202f"))
    page.goto(url + "search?q=munster")
    expect(page.locator("main")).to_contain_text("Münster")
    watched.clean().close()


def test_funding_map_source_document_and_api_docs(browser: Browser, real_server: str) -> None:
    url = real_server
    watched = Watched(browser, url)
    page = watched.page
    page.goto(url + "browse/funding-by-region?level=kreis&basis=recipient")
    expect(page.locator("#region-map svg path").first).to_be_visible()
    assert page.locator("#region-map svg path").count() >= 53  # every Kreis and kreisfreie Stadt
    page.goto(url + "documents/000_2f9c4f1f6fc4135f")
    expect(page.locator("mark").first).to_be_visible()
    page.goto(url + "api/docs")
    expect(page.locator(".swagger-ui")).to_contain_text("/reconcile", timeout=30_000)
    watched.clean().close()


def test_every_page_of_the_site_header(browser: Browser, real_server: str) -> None:
    """Each page the header links to opens with its heading, in the browser, from the server
    alone (the VoID description is Turtle, which a browser downloads: read over HTTP)."""
    url = real_server
    watched = Watched(browser, url)
    page = watched.page
    page.goto(url)
    links = page.locator("header nav a")
    targets = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert len(targets) >= 8
    for target in targets:
        assert target.startswith(url), target
        if target.endswith("void"):
            assert "void:Dataset" in httpx.get(target, timeout=30).text
            continue
        page.goto(target)
        if target.endswith("api/docs"):
            expect(page.locator(".swagger-ui")).to_contain_text("/sparql", timeout=30_000)
        else:
            expect(page.locator("h1, h2").first).to_be_visible()
    watched.clean().close()

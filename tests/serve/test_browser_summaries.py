"""Entity summaries in headless Chromium over a real `foerdergraph build` of data/: an
organisation (RWTH Aachen), a programme and a region, in German and English, with their charts
and partner network drawn, no console errors and no request to another host."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Browser, expect

from .conftest import Watched

ROOT = Path(__file__).resolve().parents[2]
RWTH = "https://w3id.org/foerdergraph/id/organisation/rwth-aachen"


def _actor_totals(url: str) -> dict[str, str]:
    rows = httpx.get(
        url + "queries/actor-totals", params={"actor": RWTH, "format": "json"}, timeout=60
    ).json()["results"]["bindings"]
    return {k: v["value"] for k, v in rows[0].items()}


def test_organisation_summary_in_both_languages(browser: Browser, real_server: str) -> None:
    url = real_server
    totals = _actor_totals(url)
    watched = Watched(browser, url)
    page = watched.page
    page.set_extra_http_headers({"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    page.goto(url + "id/organisation/rwth-aachen")
    expect(page.locator("h1")).to_have_text(totals["label"])
    expect(page.locator(".our-type")).to_have_text("Hochschule")
    expect(page.locator("details.alignments")).not_to_have_attribute("open", "")
    # its 60 units: the first eight in view, the rest folded, so the grants stay near the top
    units = page.locator("dd.children")
    expect(units.locator(":scope > a")).to_have_count(8)
    folded = units.locator("details.more-links a").count()
    assert 8 + folded <= int(totals["units"]) and folded > 0
    expect(units.locator("details.more-links summary")).to_have_text(f"und {folded} weitere")
    expect(units.locator("details.more-links a").first).not_to_be_visible()
    # the grants of the university and its institutes, each once: actor-totals' count
    expect(page.locator("#grant-count")).to_have_text(totals["grants"])
    expect(page.locator("#grant-table tbody tr").first).to_contain_text("Zuwendung an")
    expect(page.locator("#totals-programme tbody tr").first).to_be_visible()
    assert page.locator(".chart svg rect.bar").count() > 0
    expect(page.locator("#participation-table tbody tr").first).to_contain_text("Zuwendungsempf")
    expect(page.locator(".incoming-group h3").first).to_be_visible()
    network = page.locator("#partner-network-svg circle")
    expect(network.first).to_be_visible(timeout=30_000)
    assert network.count() > 1
    page.click("[data-zoom=in]")
    assert page.get_attribute("#partner-network-svg", "viewBox") != "0 0 800 600"
    partner = page.locator("#partner-network-svg a.node").nth(1).get_attribute("href")
    assert partner and partner.startswith(url)
    page.click(".lang-switch a")
    expect(page.locator("#grants-h")).to_have_text("Grants")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("#all-statements")
    expect(page.locator("#props-h")).to_be_visible()
    watched.clean().close()


def test_programme_and_region_summaries(browser: Browser, real_server: str) -> None:
    url = real_server
    watched = Watched(browser, url)
    page = watched.page  # the browser asks for English first: the page follows (and ?lang=de)
    page.goto(url + "id/programme/2007de162po007?lang=de")
    expect(page.locator("h1")).to_have_text("Operationelles Programm EFRE NRW 2007-2013")
    expect(page.locator("#role-table tbody tr").first).to_contain_text("Zuwendungsempf")
    page.click(".sub-programmes details.more-links summary")  # 76 of them: folded after eight
    expect(page.locator(".sub-programmes a", has_text="Hightech.NRW")).to_be_visible()
    assert page.locator("#timeline-h + .chart svg rect.bar").count() > 3
    expect(page.locator("#partner-network-svg circle").first).to_be_visible(timeout=30_000)
    page.locator(".incoming-group a[rel=next]").first.click()
    expect(page.locator(".incoming-group .pager span").first).to_contain_text("Seite 2")
    page.goto(url + "id/place/aachen?lang=en")
    expect(page.locator("#funded-h")).to_have_text("Funded here")
    expect(page.locator("#funded-here tbody tr").first).to_be_visible()
    assert page.locator(".chart svg").count() == 2
    watched.clean().close()

"""The README's screenshots, taken from a running server (`make serve`) with the headless
Chromium the page tests use (`tests/serve/ensure_chromium.sh`).

Run: `.venv/bin/python docs/screenshots.py [http://127.0.0.1:8000/]`; writes docs/img/*.png.
Every page is loaded from the server alone; a request to another host fails the run, as it
fails the page tests.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
OUT = Path(__file__).with_name("img")
RWTH = "id/organisation/rwth-aachen"
PROGRAMME = "id/programme/2007de162po007"
FUNDING_BY_KREIS = "browse/funding-by-region?level=kreis&basis=recipient"
TOP_RECIPIENTS = """SELECT ?recipient (SAMPLE(?name) AS ?recipientLabel) (SUM(?amount) AS ?total)
WHERE {
  { SELECT DISTINCT ?grant ?recipient ?amount WHERE {
      ?grant a fg:Grant ; fg:amount ?amount ; fg:grantRecipient ?recipient } }
  ?recipient skos:prefLabel ?name . FILTER (lang(?name) = "de")
} GROUP BY ?recipient ORDER BY DESC(?total) LIMIT 20"""
"""Each grant once per recipient (a grant under two programme levels is still one grant)."""
RECIPIENTS_AND_COMPETITIONS = """SELECT DISTINCT ?recipient ?recipientLabel ?competition
  ?competitionLabel WHERE {
  ?grant fg:grantRecipient ?recipient ; fg:underProgramme ?competition .
  ?competition a fg:Competition ; skos:prefLabel ?competitionLabel .
  ?recipient skos:prefLabel ?recipientLabel .
  FILTER (lang(?recipientLabel) = "de" && lang(?competitionLabel) = "de")
} LIMIT 120"""


def result_view(query: str, view: str) -> Callable[[Page], None]:
    """Run `query` in the editor and show its answer as a chart (by recipient) or a network."""

    def act(page: Page) -> None:
        page.fill("#query", query)
        page.click("#run")
        page.wait_for_selector("#results-table tbody tr")
        page.click(f"#view-{view}")
        if view == "chart":
            page.select_option("#chart-label", "recipient")
            page.wait_for_selector("#chart rect.bar")
        else:
            page.wait_for_selector("#network circle")
        page.locator(f"#{view}").scroll_into_view_if_needed()

    return act


def scroll_to(selector: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        page.locator(selector).first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)

    return act


SHOTS: list[tuple[str, str, Callable[[Page], None] | None]] = [
    ("entity-organisation", RWTH + "?lang=de", None),
    ("entity-network", RWTH + "?lang=de", scroll_to(".network-svg")),
    ("programme", PROGRAMME + "?lang=de", None),
    ("browse-organisations", "browse/organisations?_sort_desc=grant_amount", None),
    ("funding-map", FUNDING_BY_KREIS, scroll_to(".region-map")),
    ("result-chart", "", result_view(TOP_RECIPIENTS, "chart")),
    ("result-network", "", result_view(RECIPIENTS_AND_COMPETITIONS, "network")),
]


def _note_outside(url: str, host: str, seen: list[str]) -> None:
    if urlsplit(url).netloc != host:
        seen.append(url)


def main(root: str) -> None:
    OUT.mkdir(exist_ok=True)
    host = urlsplit(root).netloc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless"])
        for name, path, act in SHOTS:
            page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="de-DE")
            outside: list[str] = []
            page.on("request", lambda r, seen=outside: _note_outside(r.url, host, seen))
            page.goto(root + path)
            page.wait_for_load_state("networkidle")
            if act is not None:
                act(page)
            if outside:
                raise SystemExit(f"{name}: requests to other hosts: {outside}")
            page.screenshot(path=str(OUT / f"{name}.png"))
            print(OUT / f"{name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/")

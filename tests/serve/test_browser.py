"""The researcher's UI in headless Chromium (Debian's, driven by Playwright): pick a canned
query, run it, see the rows; search an entity and follow the suggestion.

The browser comes from `tests/serve/ensure_chromium.sh` (wired into `make test`); when it is
missing this test fails rather than skips.
"""

from __future__ import annotations

from playwright.sync_api import Browser, expect


def test_run_a_canned_query_and_see_rows(browser: Browser, live_server: str) -> None:
    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server) or request.url.startswith(("blob:", "data:"))
            else outside.append(request.url)
        ),
    )
    page.goto(live_server)
    expect(page.locator(".editor .tok-kw").first).to_be_visible()  # highlighted
    page.select_option("#examples", "organisations")
    assert "fg:Organisation" in page.locator("#query").input_value()
    page.click("#run")
    rows = page.locator("#results-table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#results-table")).to_contain_text("Landesregierung Nordrhein-Westfalen")
    expect(page.locator("#status")).to_contain_text("2 rows")
    expect(page.locator("#download-csv")).to_be_visible()
    assert "format=csv" in page.locator("#download-csv").get_attribute("href")
    assert outside == []
    page.close()


def test_parameterised_example_and_free_query(browser: Browser, live_server: str) -> None:
    page = browser.new_page()
    page.goto(live_server)
    page.select_option("#examples", "programmes-of-funder")
    page.fill(
        "#param-funder",
        "https://w3id.org/foerdergraph/id/organisation/wirtschaftsministerium-nrw",
    )
    page.click("#run")
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    expect(page.locator("#results-table")).to_contain_text("EFRE.NRW")
    # edit the text: now it runs as a plain SPARQL POST
    page.fill("#query", "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }")
    page.click("#run")
    expect(page.locator("#results-table tbody tr")).to_have_count(3)
    page.close()


def test_search_autocomplete_navigates(browser: Browser, live_server: str) -> None:
    page = browser.new_page()
    page.goto(live_server)
    page.fill("#search", "Europäischer")
    option = page.locator("#search-results li").first
    expect(option).to_contain_text("EFRE.NRW")
    option.click()
    expect(page.locator("h1")).to_have_text("EFRE.NRW")
    assert page.url == live_server + "id/programme/efre-nrw"
    page.close()


def test_api_docs_render_offline(browser: Browser, live_server: str) -> None:
    """Swagger UI draws the operations from this host alone, without console errors."""
    page = browser.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server) else outside.append(request.url)
        ),
    )
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server + "api/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/search")).to_be_visible()
    assert outside == [] and errors == []
    page.close()

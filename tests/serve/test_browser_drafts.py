"""The drafts switch in headless Chromium: the toggle on a resource page and the box of the
editor turn machine-extracted facts off and on, with no console error and no request to another
host. The build is the drafts fixture of `test_drafts.py`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import FIXTURES, make_release, running_server

MINISTRY = "id/organisation/wirtschaftsministerium-nrw"


@pytest.fixture(scope="module")
def drafts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    extra = list(ox.parse(path=str(FIXTURES / "drafts.trig"), format=ox.RdfFormat.TRIG))
    build = make_release(tmp_path_factory.mktemp("drafts-browser"), extra)
    with running_server(build, Path(tmp_path_factory.mktemp("log")) / "server.log") as url:
        yield url


def watched(browser: Browser, server: str) -> tuple[Page, list[str], list[str]]:
    """A page that records requests to other hosts and console errors."""
    page = browser.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((server, "blob:", "data:")) else outside.append(r.url),
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, outside, errors


def test_the_toggle_leaves_drafts_out_and_brings_them_back(
    browser: Browser,
    drafts_server: str,
) -> None:
    page, outside, errors = watched(browser, drafts_server)
    page.goto(drafts_server + MINISTRY + "?view=statements")
    statements = page.locator("table.statements")
    expect(statements).to_contain_text("Entwurfsprogramm")
    expect(statements.locator(".draft-badge")).to_have_count(1)
    expect(statements.locator(".draft-badge")).to_contain_text("confidence 0.6")
    page.click("#drafts-toggle")
    expect(page.locator(".drafts-switch")).to_contain_text("left out")
    assert page.url.endswith(MINISTRY + "?view=statements&drafts=exclude")
    expect(statements).not_to_contain_text("Entwurfsprogramm")
    expect(statements).to_contain_text("EFRE.NRW")
    expect(statements.locator(".draft-badge")).to_have_count(0)
    page.click("#drafts-toggle")
    expect(statements.locator(".draft-badge")).to_have_count(1)
    # the organisation's summary has the same control and marks the same draft row
    page.goto(drafts_server + MINISTRY)
    expect(page.locator("tr.draft")).to_contain_text("Entwurfsprogramm")
    page.click("#drafts-toggle")
    expect(page.locator(".drafts-switch")).to_contain_text("left out")
    expect(page.locator("main")).not_to_contain_text("Entwurfsprogramm")
    assert outside == [] and errors == []
    page.close()


def test_the_editor_box_leaves_drafts_out_of_the_answer(
    browser: Browser,
    drafts_server: str,
) -> None:
    page, outside, errors = watched(browser, drafts_server)
    page.goto(drafts_server)
    page.fill("#query", "SELECT ?grant WHERE { ?grant a fg:Grant }")
    page.click("#run")
    expect(page.locator("#results-table tbody tr")).to_have_count(3)
    expect(page.locator("#drafts-note")).to_contain_text("includes the build's 1 draft graph")
    page.check("#drafts-exclude")
    page.click("#run")
    expect(page.locator("#results-table tbody tr")).to_have_count(2)
    expect(page.locator("#drafts-note")).to_contain_text("leaves out the build's 1 draft graph")
    # a canned query takes the box too
    page.select_option("#examples", "programmes-of-funder")
    page.fill("#param-funder", "https://w3id.org/foerdergraph/" + MINISTRY)
    page.click("#run")
    expect(page.locator("#results-table")).not_to_contain_text("Entwurfsprogramm")
    page.uncheck("#drafts-exclude")
    page.click("#run")
    expect(page.locator("#results-table")).to_contain_text("Entwurfsprogramm")
    assert outside == [] and errors == []
    page.close()

"""Accept-header parsing and choice: q-values, wildcards, specificity, 406."""

from __future__ import annotations

from foerdergraph.serve.negotiation import choose, parse_accept, quality

OFFERS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]


def test_q_values_pick_the_preferred_type() -> None:
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"
    assert choose(accept, OFFERS) == "text/csv"


def test_specific_range_overrides_wildcard() -> None:
    ranges = parse_accept("text/*;q=0.3, text/csv;q=0, */*;q=0.2")
    assert quality(ranges, "text/csv") == 0.0
    assert quality(ranges, "text/tab-separated-values") == 0.3
    assert quality(ranges, "application/json") == 0.2


def test_missing_header_takes_first_offer() -> None:
    assert choose(None, OFFERS) == OFFERS[0]
    assert choose("", OFFERS) == OFFERS[0]


def test_nothing_acceptable_gives_none() -> None:
    assert choose("image/png", OFFERS) is None
    assert choose("text/csv;q=0", ["text/csv"]) is None


def test_browser_accept_prefers_html() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert choose(browser, ["text/html", "text/turtle"]) == "text/html"
    assert choose(browser, ["text/turtle", "text/html"]) == "text/html"


def test_malformed_q_counts_as_zero() -> None:
    assert choose("text/csv;q=abc, application/sparql-results+xml", OFFERS) == OFFERS[1]

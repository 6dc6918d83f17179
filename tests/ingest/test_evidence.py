from __future__ import annotations

import pytest

from foerdergraph.ingest.evidence import QuoteNotFound, Span, locate_mentions, locate_quote

TEXT = "Die IHK Nord Westfalen und die IHK zu Düsseldorf. Die IHK hilft. Die IHK hilft."


def test_locate_unique_quote() -> None:
    span = locate_quote(TEXT, "IHK zu Düsseldorf")
    assert TEXT[span.start : span.end] == "IHK zu Düsseldorf"


def test_ambiguous_quote_needs_start_and_lists_candidates() -> None:
    first = TEXT.index("IHK hilft")
    second = TEXT.index("IHK hilft", first + 1)
    with pytest.raises(QuoteNotFound, match=rf"occurs 2 times \(at \[{first}, {second}\]\)"):
        locate_quote(TEXT, "IHK hilft")
    assert locate_quote(TEXT, "IHK hilft", second) == Span(second, second + 9)


def test_wrong_start_and_missing_quote_are_errors() -> None:
    with pytest.raises(QuoteNotFound, match="not at offset 3"):
        locate_quote(TEXT, "IHK hilft", 3)
    with pytest.raises(QuoteNotFound, match="does not occur"):
        locate_quote(TEXT, "Handwerkskammer")


def test_mentions_prefer_longest_form_and_whole_words() -> None:
    spans = locate_mentions(
        TEXT + " IHKs",
        {"ihk-nw": ["IHK Nord Westfalen"], "ihk-d": ["IHK zu Düsseldorf", "IHK"]},
    )
    assert [TEXT[s.start : s.end] for s in spans["ihk-nw"]] == ["IHK Nord Westfalen"]
    # the bare "IHK" twice, never inside the longer names, never inside "IHKs"
    assert [TEXT[s.start : s.end] for s in spans["ihk-d"]] == ["IHK zu Düsseldorf", "IHK", "IHK"]

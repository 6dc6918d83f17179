"""Pairing German, English, straight and mismatched quotation marks."""

from __future__ import annotations

import pytest

from foerdergraph.extract.quotes import find_quoted, looks_like_name


def inner(text: str) -> list[str]:
    return [q.text for q in find_quoted(text)]


def test_german_quotes_nested_in_a_statement() -> None:
    text = (
        "„Dass wir das Programm „Umbau 21 – Smart Region“ fördern können, freut mich“, sagte sie."
    )
    assert "Umbau 21 – Smart Region" in inner(text)
    assert any(t.startswith("Dass wir") for t in inner(text))


def test_mismatched_quotes_as_found_in_press_texts() -> None:
    text = (
        'zu den Säulen „Regio.NRW - Innovation und Transfer" und '
        '"Regio.NRW – Wirtschaftsflächen“ bis'
    )
    assert inner(text) == ["Regio.NRW - Innovation und Transfer", "Regio.NRW – Wirtschaftsflächen"]


def test_single_german_quotes_and_apostrophes() -> None:
    text = "das Projekt ‚ProCheck‘ und Nordrhein-Westfalen's Wirtschaft geht's gut"
    assert inner(text) == ["ProCheck"]


def test_doubled_opening_quote() -> None:
    assert "In|Die RegionRuhr 4.0" in inner("für das Projekt „„In|Die RegionRuhr 4.0“ eingereicht")


def test_a_stray_quote_does_not_swallow_the_next_paragraph() -> None:
    text = "Ein „offenes Zitat ohne Ende.\n\nDas Projekt „Beta“ startet."
    assert inner(text) == ["Beta"]


@pytest.mark.parametrize(
    ("quoted", "is_name"),
    [
        ("Umbau 21 – Smart Region", True),
        ("Regio.NRW", True),
        ("Dafür sind wir sehr dankbar.", False),
        ("Starke Regionen, starkes Land!", False),
        ("die Kammern", False),
        ("x" * 200, False),
    ],
)
def test_looks_like_name(quoted: str, is_name: bool) -> None:
    assert looks_like_name(quoted) is is_name

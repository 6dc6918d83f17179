"""Deadlines of calls from "bis zum <Datum> eingereicht"."""

from __future__ import annotations

from .helpers import run


def test_deadline_of_each_call_in_the_sentence() -> None:
    result = run(
        'Der Projektaufruf "Alpha.NRW" läuft. Projektideen zu den Säulen „Alpha.NRW - Transfer" '
        'und "Alpha.NRW – Flächen“ können bis zum 28. September 2018 eingereicht werden.'
    )
    found = {(f.subject.name, f.value.iso) for f in result.dates}
    assert found == {("Alpha.NRW - Transfer", "2018-09-28"), ("Alpha.NRW – Flächen", "2018-09-28")}


def test_deadline_of_the_call_in_focus() -> None:
    result = run(
        "Minister Max Beispiel hat den Projektaufruf „Smart 21“ gestartet. Bis zum 17. Februar "
        "2017 können sich Kommunen beteiligen."
    )
    assert [(f.subject.name, f.value.iso) for f in result.dates] == [("Smart 21", "2017-02-17")]


def test_no_deadline_from_vague_or_unrelated_dates() -> None:
    result = run(
        "Der Projektaufruf „Smart 21“ wurde am 02.02.2016 veröffentlicht. Die Workshops finden "
        "Ende März statt. Anträge können bis Ende März eingereicht werden."
    )
    assert result.dates == []

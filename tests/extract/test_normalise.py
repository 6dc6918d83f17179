"""German amounts, dates, names and quotation marks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from foerdergraph.extract.normalise import (
    amount_json,
    clean_name,
    find_amounts,
    find_dates,
    fuzzy_key,
    name_key,
    parse_amount,
    parse_date,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("769.560,68 Euro", Decimal("769560.68")),
        ("3.448.758 Euro", Decimal("3448758")),
        ("7.944.264,86 Euro", Decimal("7944264.86")),
        ("1,85 Mio.", Decimal("1850000")),
        ("1,85 Mio. Euro", Decimal("1850000")),
        ("14,8 Mrd. Euro", Decimal("14800000000")),
        ("14,8 Mrd.", Decimal("14800000000")),
        ("50 Mio. Euro", Decimal("50000000")),
        ("5,1 Millionen Euro", Decimal("5100000")),
        ("sechs Millionen Euro", Decimal("6000000")),
        ("eine Millionen Euro", Decimal("1000000")),
        ("eine Milliarde Euro", Decimal("1000000000")),
        ("250 Tsd. Euro", Decimal("250000")),
        ("401.626 €", Decimal("401626")),
        ("12 EUR", Decimal("12")),
        ("5.000", Decimal("5000")),  # a dot before three digits groups thousands
    ],
)
def test_parse_amount(text: str, value: Decimal) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "Euro", "viele Millionen Euro", "1.23.4 Euro", "12,3,4"])
def test_parse_amount_refuses_what_it_cannot_read(text: str) -> None:
    assert parse_amount(text) is None


def test_parse_number_never_reads_a_dot_as_decimal_mark() -> None:
    assert parse_number("1.850") == Decimal("1850")
    assert parse_number("1,850") == Decimal("1.850")


def test_find_amounts_gives_offsets_and_skips_percentages_and_years() -> None:
    text = "Das Land fördert 80 Prozent, 2018 gab es 123.498 Euro und 1,85 Mio. Euro."
    found = find_amounts(text)
    assert [a.value for a in found] == [Decimal("123498"), Decimal("1850000")]
    assert all(text[a.start : a.end] == a.text for a in found)


def test_amount_json_keeps_cents_only_when_there_are_some() -> None:
    assert amount_json(Decimal("3448758")) == 3448758
    assert isinstance(amount_json(Decimal("3448758")), int)
    assert amount_json(Decimal("7944264.86")) == pytest.approx(7944264.86)
    assert amount_json(None) is None


@pytest.mark.parametrize(
    ("text", "iso", "datatype"),
    [
        ("17. Februar 2017", "2017-02-17", "date"),
        ("02.02.2016", "2016-02-02", "date"),
        ("2.2.16", "2016-02-02", "date"),
        ("31.03.2026.", "2026-03-31", "date"),  # the full stop spaCy leaves attached
        ("1. März 2020", "2020-03-01", "date"),
        ("28. September 2018", "2018-09-28", "date"),
        ("September 2018", "2018-09", "gYearMonth"),
    ],
)
def test_parse_date(text: str, iso: str, datatype: str) -> None:
    value = parse_date(text)
    assert value is not None
    assert (value.iso, value.datatype) == (iso, datatype)


def test_vague_dates_keep_their_part_and_need_a_year() -> None:
    value = parse_date("Ende März")
    assert value is not None and value.part == "Ende" and value.month == 3
    assert value.iso is None  # no year stated: nothing is invented
    assert parse_date("Ende März", default_year=2019).iso == "2019-03"
    assert parse_date("Anfang Juli 2019").iso == "2019-07"


@pytest.mark.parametrize("text", ["31.02.2017", "die", "10. Aprill 2018", "13.13.2013"])
def test_impossible_or_non_dates_are_refused(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_prefers_the_long_form() -> None:
    text = "Bis zum 17. Februar 2017 (Meldung vom 02.02.2016) und Ende März."
    found = [(text[s:e], v.iso) for s, e, v in find_dates(text)]
    assert found == [
        ("17. Februar 2017", "2017-02-17"),
        ("02.02.2016", "2016-02-02"),
        ("Ende März", None),
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("„Umbau 21 – Smart Region“", "Umbau 21 – Smart Region"),
        ('"Regio.NRW"', "Regio.NRW"),
        ("‚ProCheck‘", "ProCheck"),
        ("«Erlebnis.NRW»", "Erlebnis.NRW"),
        ("  Hochschule   Ruhr\nWest , ", "Hochschule Ruhr West"),
        ("„„In|Die RegionRuhr 4.0“", "In|Die RegionRuhr 4.0"),
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_name_key_folds_case_dashes_quotes_articles_and_nrw() -> None:
    assert name_key("Die Bezirksregierung Münster") == name_key("bezirksregierung münster")
    assert name_key("Umbau 21 – Smart Region") == name_key("Umbau 21 - Smart Region")
    assert name_key("„Regio.NRW“") == name_key("Regio.NRW")
    assert name_key("Land Nordrhein-Westfalen") == name_key("Land NRW")
    assert fuzzy_key("Regio.NRW") == "regio nrw"

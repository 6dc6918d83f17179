"""The one reader of money amounts shared by the EU lists, the quote check and the extractor."""

from __future__ import annotations

from decimal import Decimal

import pytest

from foerdergraph.core.amounts import AmountError, german_number, parse_amount, scale_of


@pytest.mark.parametrize(
    ("text", "mark", "value"),
    [
        ("€ 833851.95", ".", "833851.95"),
        ("48.219", ",", "48219"),
        ("172.306 €", ",", "172306"),
        ("1.387.266", ",", "1387266"),
        ("0", ",", "0"),
        ("1.234,56", ",", "1234.56"),
    ],
)
def test_amount_forms(text: str, mark: str, value: str) -> None:
    assert parse_amount(text, decimal_mark=mark) == Decimal(value)


@pytest.mark.parametrize("text", ["", "n/a", "12,3,4", "-5", "12.34"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("769.560,68", "769560.68"), ("1,85", "1.85"), ("5.000", "5000"), ("14", "14")],
)
def test_german_numbers(text: str, value: str) -> None:
    assert german_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1.85", "12,3,4", "1.2345", "sechs", ""])
def test_not_german_numbers(text: str) -> None:
    assert german_number(text) is None


@pytest.mark.parametrize(
    ("word", "factor"),
    [("Mio.", 10**6), ("Millionen", 10**6), ("Mrd", 10**9), ("Tsd.", 10**3), (None, 1)],
)
def test_scale_words(word: str | None, factor: int) -> None:
    assert scale_of(word) == Decimal(factor)

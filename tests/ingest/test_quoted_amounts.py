"""Reading the amounts a German quote states, to check a grant's amount against its evidence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from foerdergraph.ingest.quoted_amounts import amount_disagrees, amounts_in_quote


@pytest.mark.parametrize(
    ("quote", "amounts"),
    [
        ("wird mit 769.560,68 Euro gefördert", ["769560.68"]),
        ("rund 1,2 Millionen Euro", ["1200000"]),
        ("3 Mio. € und 2 Mrd. Euro", ["3000000", "2000000000"]),
        ("14 Projekte erhalten 250.000 Euro", ["14", "250000"]),
        ("500 Tsd. Euro Zuschuss", ["500000"]),
        ("ohne Betrag", []),
    ],
)
def test_amounts_in_quote(quote: str, amounts: list[str]) -> None:
    assert amounts_in_quote(quote) == [Decimal(a) for a in amounts]


def test_an_amount_agrees_only_with_a_number_the_quote_states() -> None:
    quote = "wird mit 769.560,68 Euro gefördert"
    assert amount_disagrees(Decimal("769560.68"), quote) is None
    why = amount_disagrees(Decimal("969560.68"), quote)
    assert why is not None and "969560.68" in why and quote in why and "769560.68" in why
    assert "names no number" in (amount_disagrees(Decimal(5), "gefördert") or "")

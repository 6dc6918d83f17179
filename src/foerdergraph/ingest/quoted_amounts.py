"""The money amounts a German quote states, so that a grant's amount can be checked against the
quote that is its evidence: "wird mit 769.560,68 Euro gefördert" supports 769560.68 and refutes
969560.68, a typo nothing else would catch (the shapes only see a well-formed decimal).
"""

from __future__ import annotations

import re
from decimal import Decimal

from foerdergraph.ingest.eu.amounts import AmountError, parse_amount

_SCALES = {
    "mio": Decimal(10) ** 6,
    "million": Decimal(10) ** 6,
    "millionen": Decimal(10) ** 6,
    "mrd": Decimal(10) ** 9,
    "milliarde": Decimal(10) ** 9,
    "milliarden": Decimal(10) ** 9,
}
_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\d])"
    r"(?:\s*(Millionen|Million|Milliarden|Milliarde|Mio|Mrd)\b\.?)?",
    re.IGNORECASE,
)


def amounts_in_quote(quote: str) -> list[Decimal]:
    """Every number of the quote read the German way (dots group thousands, the comma is the
    decimal mark), scaled by a following "Mio."/"Millionen"/"Mrd."/"Milliarden"."""
    found = []
    for match in _NUMBER.finditer(quote):
        try:
            number = parse_amount(match.group(1), decimal_mark=",")
        except AmountError:
            continue
        scale = _SCALES.get((match.group(2) or "").lower(), Decimal(1))
        found.append(number * scale)
    return found


def amount_disagrees(amount: Decimal, quote: str) -> str | None:
    """Why `amount` is not what `quote` states, or None when the quote states it."""
    stated = amounts_in_quote(quote)
    if amount in stated:
        return None
    if not stated:
        return f"amount {amount} is not stated in the quote {quote!r}, which names no number"
    shown = ", ".join(f"{n:f}" for n in stated)
    return f"amount {amount} disagrees with the quote {quote!r}, which states {shown}"

"""The money amounts a German quote states, so that a grant's amount can be checked against the
quote that is its evidence: "wird mit 769.560,68 Euro gefördert" supports 769560.68 and refutes
969560.68, a typo nothing else would catch (the shapes only see a well-formed decimal).
"""

from __future__ import annotations

import re
from decimal import Decimal

from foerdergraph.core.amounts import GERMAN_NUMBER, german_number, scale_of

_NUMBER = re.compile(
    rf"(?<![\d.,])({GERMAN_NUMBER})(?![\d])"
    r"(?:\s*(Tausend|Tsd|Millionen|Million|Milliarden|Milliarde|Mio|Mrd)\b\.?)?",
    re.IGNORECASE,
)


def amounts_in_quote(quote: str) -> list[Decimal]:
    """Every number of the quote read the German way (`core.amounts.german_number`), scaled by a
    following "Tsd."/"Mio."/"Millionen"/"Mrd."/"Milliarden"."""
    found = []
    for match in _NUMBER.finditer(quote):
        number = german_number(match.group(1))
        if number is not None:
            found.append(number * scale_of(match.group(2)))
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

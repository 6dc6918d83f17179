"""An actor's history as a timeline: what an entity page shows of renamings, mergers, splits and
the names the actor bore (the canned query `actor-history`, so the page, the CLI and
`/queries/actor-history` give one answer).

The page needs entries in date order with the period of each as days, the sources as
(citation, address) pairs, and nothing when the actor has no recorded history.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from foerdergraph.query.canned import CannedQuery
from foerdergraph.query.engine import as_rows, run_query

HISTORY_QUERY = "actor-history"
"""The canned query the timeline runs."""


@dataclass(frozen=True)
class TimelineEntry:
    """One event or one name of the actor, with its period as ISO days ("" = not recorded)."""

    kind: str
    """"event" (a renaming, merger, split or re-cut) or "name" (a name with its period)."""
    iri: str
    label: str
    start: str
    end: str
    type: str
    original: str
    resulting: str
    sources: tuple[tuple[str, str], ...]
    """(citation, URL or "") of each source; a name's are those of the events around it."""


def actor_timeline(store: ox.Store, actor: str, query: CannedQuery) -> list[TimelineEntry]:
    """The actor's events and dated names, oldest first; [] when it has no recorded history."""
    result = run_query(store, query.text, query.substitutions({"actor": actor}))
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"{query.name} must be a SELECT query")
    columns, rows = as_rows(result)
    return [_entry(dict(zip(columns, row, strict=True))) for row in rows]


def _day(value: str) -> str:
    """The day of an xsd:dateTime (times in the history are whole days)."""
    return value.split("T", 1)[0]


def _entry(row: dict[str, str]) -> TimelineEntry:
    return TimelineEntry(
        kind=row["kind"],
        iri=row["entry"],
        label=row["label"],
        start=_day(row["from"]),
        end=_day(row["until"]),
        type=row["type"],
        original=row["original"],
        resulting=row["resulting"],
        sources=tuple(_source(s) for s in row["sources"].split(" | ") if s),
    )


def _source(text: str) -> tuple[str, str]:
    """("citation", "URL") from the query's "citation <URL>" (the URL is optional)."""
    if text.endswith(">") and " <" in text:
        citation, url = text[:-1].rsplit(" <", 1)
        return citation, url
    return text, ""

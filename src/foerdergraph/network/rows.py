"""The participations a network is built from, read from the rows of `network-participations`.

The query repeats a participation once per grant (and per label or type stated twice), so rows
are folded here by their keys: a participation is (actor, undertaking, role), a grant its IRI.
That is what lets every weight count a project, a unit and a grant once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

Row = Mapping[str, str]


@dataclass
class Actor:
    """An actor as a node: its label, most specific class and Regierungsbezirk."""

    iri: str
    label: str
    type: str = ""
    district: str = ""
    grants: dict[str, Decimal] = field(default_factory=dict)
    """Grant IRI -> amount: the actor's grants in the selected participations, each once."""

    @property
    def total_grants(self) -> float:
        return float(sum(self.grants.values(), Decimal(0)))


@dataclass
class Participation:
    """One actor in one undertaking in one role, with the unit at the chosen programme level."""

    actor: str
    undertaking: str
    undertaking_label: str
    role: str
    unit: str = ""
    unit_label: str = ""
    years: set[int] = field(default_factory=set)


@dataclass
class Participations:
    """The actors and their participations, keyed so that repeated rows fold into one."""

    actors: dict[str, Actor] = field(default_factory=dict)
    items: dict[tuple[str, str, str], Participation] = field(default_factory=dict)

    def units_of(self, actor: str) -> set[str]:
        return {p.unit for p in self.items.values() if p.actor == actor and p.unit}


def _local_name(iri: str) -> str:
    """`…ontology#University` -> `University`: the class name a node's `type` shows."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _year(raw: str) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _amount(raw: str) -> Decimal | None:
    try:
        return Decimal(raw) if raw else None
    except InvalidOperation:
        return None


def _actor(found: Participations, row: Row) -> Actor:
    actor = found.actors.setdefault(row["actor"], Actor(row["actor"], row.get("actorLabel", "")))
    # two types or districts (an actor in two classes): the smallest name, so every run agrees
    for attr, value in (
        ("type", _local_name(row.get("actorType", ""))),
        ("district", row.get("districtLabel", "")),
    ):
        if value and (not getattr(actor, attr) or value < getattr(actor, attr)):
            setattr(actor, attr, value)
    return actor


def read_participations(rows: Iterable[Row]) -> Participations:
    """Fold the query's rows into actors (with their grants) and participations."""
    found = Participations()
    for row in rows:
        actor = _actor(found, row)
        key = (row["actor"], row["undertaking"], row.get("participationRole", ""))
        item = found.items.get(key)
        if item is None:
            item = found.items[key] = Participation(
                actor=key[0],
                undertaking=key[1],
                undertaking_label=row.get("undertakingLabel", "") or key[1],
                role=key[2],
            )
        unit = row.get("unit", "")
        if unit and (not item.unit or unit < item.unit):  # one nearest unit; ties: stable pick
            item.unit, item.unit_label = unit, row.get("unitLabel", "") or unit
        if (year := _year(row.get("year", ""))) is not None:
            item.years.add(year)
        amount = _amount(row.get("amount", ""))
        if row.get("grant") and amount is not None:
            actor.grants[row["grant"]] = amount
    return found

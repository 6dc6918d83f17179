"""Data extension: the properties a client can pull back for reconciled actors, and their values.

The values come from the index (`index.py`), so extending a column of thousands of rows reads
no store. IndexedActor values carry their id and name, so OpenRefine can keep them reconciled.
"""

from __future__ import annotations

from dataclasses import dataclass

from foerdergraph.reconcile.index import Index, IndexedActor, Ref


@dataclass(frozen=True)
class Property:
    """A property of the service: what clients see, and which facet of the index holds it."""

    id: str
    name: str
    description: str
    kind: str  # "entity", "str", "int" or "float"


PROPERTIES: tuple[Property, ...] = (
    Property("type", "Typ", "Klassen der Ontologie (fg:), zu denen der Akteur gehört", "entity"),
    Property("seat", "Sitz", "Ort, an dem der Akteur seinen Sitz hat (fg:locatedIn)", "entity"),
    Property("regierungsbezirk", "Regierungsbezirk", "Regierungsbezirk des Sitzes", "entity"),
    Property("ags", "AGS", "Amtlicher Gemeindeschlüssel des Sitzes", "str"),
    Property("parent", "Übergeordnete Organisation", "fg:subOrganisationOf", "entity"),
    Property(
        "programme",
        "Programme",
        "Förderprogramme und Initiativen, an denen der Akteur teilnimmt",
        "entity",
    ),
    Property("fund", "Fonds", "Fonds hinter diesen Programmen (EFRE, ESF, …)", "entity"),
    Property("grant_count", "Anzahl Zuwendungen", "Zahl der Zuwendungen an den Akteur", "int"),
    Property(
        "grant_total", "Summe Zuwendungen (EUR)", "Summe der Zuwendungsbeträge in Euro", "float"
    ),
)
"""Every property the service offers, in the order clients list them."""

BY_ID = {p.id: p for p in PROPERTIES}
CONSTRAINABLE = ("type", "seat", "regierungsbezirk", "ags", "parent", "programme", "fund")
"""The properties a reconciliation query may constrain on (the facets of the index)."""


def proposals(type_id: str | None) -> list[Property]:
    """The properties worth proposing for a type: the place facts for the public bodies and
    anything with a seat, the funding facts for every actor."""
    if type_id is None:
        return list(PROPERTIES)
    places = type_id in {"PublicBody", "TerritorialAuthority", "Municipality", "District"}
    return [p for p in PROPERTIES if places or p.id not in {"ags"}]


def values(entity: IndexedActor, property_id: str) -> list[dict[str, object]]:
    """The values of one property of one entity, in the shapes of the data extension response."""
    if property_id == "grant_count":
        return [{"int": len(entity.facets.get("grant", []))}]
    if property_id == "grant_total":
        return [{"float": float(sum(entity.grant_amounts))}] if entity.grant_amounts else []
    if property_id == "type":  # most specific first, as the index orders them
        refs = entity.types
    else:
        refs = sorted(_unique(entity.facets.get(property_id, [])), key=lambda ref: ref.name)
    if BY_ID[property_id].kind == "str":
        return [{"str": ref.name} for ref in refs]
    return [{"id": ref.id, "name": ref.name} for ref in refs]


def _unique(refs: list[Ref]) -> list[Ref]:
    """One ref per id (a programme reached through several projects is listed once)."""
    seen: dict[str, Ref] = {}
    for ref in refs:
        seen.setdefault(ref.id, ref)
    return list(seen.values())


def extend(index: Index, ids: list[str], property_ids: list[str]) -> dict[str, object]:
    """The data extension response for `ids` (unknown ids get empty values) and known
    properties (the caller has rejected unknown ones)."""
    rows: dict[str, dict[str, list[dict[str, object]]]] = {}
    for ident in ids:
        entity = index.entity(ident)
        rows[ident] = {
            pid: values(entity, pid) if entity is not None else [] for pid in property_ids
        }
    meta = [{"id": pid, "name": BY_ID[pid].name} for pid in property_ids]
    return {"meta": meta, "rows": rows}

"""Entity search for the autocomplete box: substring match over preferred and alternative labels.

A SPARQL query with the search text bound by substitution (never pasted into the query; pyoxigraph
only substitutes projected variables, hence ?needle in the SELECT). It scans
the label triples only, which stays well under a second at a million triples; ranking (exact,
then prefix, then substring; preferred before alternative labels; shorter first) happens here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

SEARCH_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?needle ?entity ?matched ?kind ?label ?type WHERE {
  VALUES (?labelProperty ?kind) { (skos:prefLabel "pref") (skos:altLabel "alt") }
  ?entity ?labelProperty ?matched .
  FILTER(CONTAINS(LCASE(STR(?matched)), ?needle))
  OPTIONAL { ?entity skos:prefLabel ?label }
  OPTIONAL { ?entity a ?type }
}
LIMIT 2000
"""


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    matched: str
    types: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "iri": self.iri,
            "label": self.label,
            "matched": self.matched,
            "types": list(self.types),
        }


def search_labels(store: ox.Store, text: str, limit: int) -> list[Hit]:
    """Entities whose prefLabel or altLabel contains `text`, best matches first."""
    needle = " ".join(text.split()).lower()
    if len(needle) < 2:
        return []
    rows = store.query(
        SEARCH_QUERY,
        use_default_graph_as_union=True,
        substitutions={ox.Variable("needle"): ox.Literal(needle)},
    )
    assert isinstance(rows, ox.QuerySolutions)  # a SELECT
    best: dict[str, tuple[tuple[int, int, int], str, str]] = {}
    types: dict[str, set[str]] = {}
    for row in rows:
        entity = row["entity"]
        if not isinstance(entity, ox.NamedNode):
            continue
        matched = row["matched"].value
        lowered = matched.lower()
        rank = (
            0 if lowered == needle else 1 if lowered.startswith(needle) else 2,
            0 if row["kind"].value == "pref" else 1,
            len(matched),
        )
        label = row["label"].value if row["label"] is not None else matched
        if entity.value not in best or rank < best[entity.value][0]:
            best[entity.value] = (rank, label, matched)
        if row["type"] is not None:
            types.setdefault(entity.value, set()).add(row["type"].value)
    ordered = sorted(best.items(), key=lambda item: (item[1][0], item[1][1]))
    return [
        Hit(iri, label, matched, tuple(sorted(types.get(iri, ()))))
        for iri, (_, label, matched) in ordered[:limit]
    ]

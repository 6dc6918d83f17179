"""Places known only by their official key, nested in the regions their key names.

The EU lists name a project's place by its 8-digit Gemeindeschlüssel (AGS); the import links
the key to a reference place when the reference holds it (a kreisfreie Stadt, a Kreis with a
zero tail), and otherwise mints a place of its own (`place/ags/05162024`) that lies nowhere.
Its first five digits are its Kreis, the first three its Regierungsbezirk, the first two the
Land, so the build states the innermost of these the reference holds as `fg:withinArea`: the
browse lists and every per-region figure then count the place's grants where it lies, by the
same nesting as every reference place. Keys retired before the lists were read (05313, 05354:
the city and Kreis of Aachen before the StädteRegion of 2009) reach their Regierungsbezirk.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef

from foerdergraph.core.iri import graph_iri
from foerdergraph.core.vocab import FG, bind_prefixes

_KEYS = """
PREFIX fg: <https://w3id.org/foerdergraph/ontology#>
SELECT DISTINCT ?place ?key (EXISTS { ?place fg:withinArea ?any } AS ?nested) WHERE {
  ?place fg:ags ?key . FILTER (isIRI(?place))
}
"""


def enclosing_keys(key: str) -> list[str]:
    """The keys of the areas an AGS lies in, innermost first: its Kreis (or, for a kreisfreie
    Stadt's district, the city's own key), its Regierungsbezirk, its Land."""
    if len(key) != 8 or not key.isdigit():
        return []
    return [k for k in (key[:5], key[:5] + "000", key[:3], key[:2]) if k != key]


def place_key_graph(store: ox.Store, base: str) -> Graph:
    """`fg:withinArea` for every keyed place of `store` that lies nowhere yet."""
    graph = Graph(identifier=graph_iri("curation", "place-keys", base=base))
    bind_prefixes(graph, base)
    solutions = store.query(_KEYS, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = [(s["place"].value, s["key"].value, s["nested"].value == "true") for s in solutions]
    by_key = {key: place for place, key, nested in rows if nested}
    for place, key, nested in sorted(rows):
        if nested:
            continue
        parent = next((by_key[k] for k in enclosing_keys(key) if k in by_key), None)
        if parent is not None and parent != place:
            graph.add((URIRef(place), FG.withinArea, URIRef(parent)))
    return graph

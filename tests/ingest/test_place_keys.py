"""Places the EU lists know only by their key lie in the Kreis, kreisfreie Stadt or
Regierungsbezirk their key names, so per-region figures reach them."""

from __future__ import annotations

import pyoxigraph as ox

from foerdergraph.ingest.place_keys import enclosing_keys, place_key_graph

BASE = "https://example.org/fg/"
FG = "https://w3id.org/foerdergraph/ontology#"
TRIG = f"""
@prefix fg: <{FG}> .
@prefix : <{BASE}id/place/> .
<{BASE}graph/reference> {{
  :land fg:ags "05" .
  :rbz-koeln fg:ags "053" ; fg:withinArea :land .
  :rbz-duesseldorf fg:ags "051" ; fg:withinArea :land .
  :rhein-kreis-neuss fg:ags "05162" ; fg:withinArea :rbz-duesseldorf .
  :koeln fg:ags "05315000" ; fg:withinArea :rbz-koeln .
}}
<{BASE}graph/import/erdf> {{
  :ags-05162024 fg:ags "05162024" .
  :ags-05313000 fg:ags "05313000" .
  :ags-09162000 fg:ags "09162000" .
}}
"""


def test_the_enclosing_keys_innermost_first() -> None:
    assert enclosing_keys("05162024") == ["05162", "05162000", "051", "05"]
    assert enclosing_keys("05315000") == ["05315", "053", "05"]  # a city: never itself
    assert enclosing_keys("0516") == []


def test_keyed_places_lie_in_the_innermost_region_the_reference_holds() -> None:
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    graph = place_key_graph(store, BASE)
    within = {(str(s).rsplit("/", 1)[1], str(o).rsplit("/", 1)[1]) for s, _, o in graph}
    assert within == {
        ("ags-05162024", "rhein-kreis-neuss"),  # a Gemeinde in its Kreis
        ("ags-05313000", "rbz-koeln"),  # a retired key: its Regierungsbezirk
    }  # reference places keep their own nesting; a key outside the reference stays unplaced

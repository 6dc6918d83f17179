"""Inference rules as SPARQL (data, read by foerdergraph.reason)."""

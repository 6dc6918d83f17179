"""Querying the built graph: canned queries with safely bound parameters, result formatting."""

"""Reconciliation: matching names people write to the actors of the graph, and pulling data back.

A stage of its own (it imports only core): `index` reads the agents of a release into memory,
`names` normalises German organisation names, `matching` scores candidates, `extension` answers
data extension. The HTTP side of the W3C Reconciliation Service API 0.2 is
`serve/routes/reconcile.py`.
"""

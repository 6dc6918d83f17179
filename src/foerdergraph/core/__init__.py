"""Foundations every layer may use: settings and the data layout, errors and exit codes, IRI
minting, the vocabulary, the ontology index, the safe YAML reader. Imports nothing above it."""

"""Ingest: turn the data/ folder (sources, registry, curated facts, imports) into RDF graphs."""

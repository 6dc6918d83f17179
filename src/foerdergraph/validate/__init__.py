"""Validation: the SHACL shapes compiled to SPARQL (sparql), the engines and the report
(engine), and one document checked against the last build (scoped)."""

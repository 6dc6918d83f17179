"""HTTP serving of the foerdergraph build: SPARQL endpoint, linked data, dumps, web UI."""

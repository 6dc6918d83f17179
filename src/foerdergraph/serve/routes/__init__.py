"""One router module per area of the site, each made by `router(served)` (`app.py` joins them).

- `sparql`: the SPARQL 1.1 protocol endpoint, its service description, the canned queries;
- `ui`: the query editor and search page;
- `api`: JSON for applications (search, canned-query list, health);
- `artefacts`: what a build publishes besides the graph: dumps, VoID, ontology, shapes;
- `linked_data`: source documents and every IRI the build minted (matched last).
"""

"""Browse lists and search: the SPARQL files behind them (`*.rq`, data like the canned
queries) and the view logic of each page kind; the routes are in `routes/browse.py`."""

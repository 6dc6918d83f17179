"""Scale-out: a remote SPARQL 1.1 server as the store behind `build` and `serve`.

The local pyoxigraph store stays the reference: every build writes it first. With `--store URL`
(FOERDERGRAPH_STORE) the finished release is also uploaded to a SPARQL server, and the server
answers queries and linked-data lookups from there. See docs/scaling.md.
"""


class RemoteStoreError(Exception):
    """The remote SPARQL server is unreachable or refused a request; the message says which.

    Defined here, without httpx, so the server can handle it without importing the client
    library when it serves the local store (a tenth of a second of start-up)."""

"""Network exports: co-participation and two-mode networks of actors, programmes and projects.

A stage of its own: it receives the rows of the canned query `network-participations` (run by
the command line or the server) and builds, writes and measures networkx graphs; it knows no
store, query or server code. See docs/network.md.
"""

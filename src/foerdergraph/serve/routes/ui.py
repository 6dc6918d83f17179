"""The start page: the SPARQL editor with the canned queries and the search box."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from foerdergraph.serve import linked_data
from foerdergraph.serve.context import Served

EDITOR_PREFIXES = (
    "fg",
    "role",
    "fgd",
    "skos",
    "rdf",
    "rdfs",
    "dcterms",
    "prov",
    "org",
    "schema",
    "xsd",
)
"""Prefixes the editor's first query declares (the ones the canned queries use)."""


async def editor_page(served: Served, request: Request) -> Response:
    """The editor, opened on the canned query `?example=` names or on a small first query."""
    selected = request.query_params.get("example", "")
    example = served.canned.get(selected)
    prologue = "".join(
        f"PREFIX {p}: <{ns}>\n" for p, ns in served.data_prefixes.items() if p in EDITOR_PREFIXES
    )
    initial = (
        example.text
        if example
        else prologue + "\nSELECT ?s ?label WHERE {\n  ?s skos:prefLabel ?label .\n}\nLIMIT 25\n"
    )
    root = served.pages.root(request)
    config = {
        "root": root,
        "namespaces": [
            [ns, root + local]
            for ns, local in linked_data.IriMap(served.settings.base_iri, "").namespaces()
        ],
        "queries": served.canned.summaries(),
        "prologue": prologue,
    }
    return served.pages.render(
        request,
        "index.html",
        queries=served.canned.summaries(),
        selected=selected,
        initial_query=initial,
        config=config,
    )


def router(served: Served) -> APIRouter:
    routes = APIRouter()

    @routes.get("/", include_in_schema=False)
    async def index(request: Request) -> Response:
        return await editor_page(served, request)

    return routes

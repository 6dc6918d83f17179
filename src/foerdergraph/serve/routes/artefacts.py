"""What a build publishes besides the graph itself: dumps, the VoID description, the ontology
and the SHACL shapes, each as a page and as RDF."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from foerdergraph.serve import negotiation
from foerdergraph.serve.context import HTML, Served, vary
from foerdergraph.serve.ontology_doc import ontology_view
from foerdergraph.serve.representations import rdf_document


def _extension(ext: str | None) -> str | None:
    return f".{ext}" if ext else None


def router(served: Served) -> APIRouter:
    routes = APIRouter()
    settings = served.settings

    @routes.get("/dumps", include_in_schema=False)
    @routes.get("/dumps/", include_in_schema=False)
    async def dumps_page(request: Request) -> Response:
        release = await served.current()
        if (
            negotiation.choose(request.headers.get("accept"), [HTML, "application/json"])
            == "application/json"
        ):
            return vary(JSONResponse(release.dump_entries()))
        return vary(served.pages.render(request, "dumps.html", dumps=release.dump_entries()))

    @routes.get("/dumps/{file}", include_in_schema=False)
    async def dump_file(file: str, request: Request) -> Response:
        release = await served.current()
        listed = {d["file"]: d for d in release.dump_entries()}
        extra = {"void.ttl": {"media_type": "text/turtle"}}
        entry = listed.get(file) or extra.get(file)
        path = release.dumps_dir / file
        if entry is None or "/" in file or not path.is_file():
            return served.html_or_text(
                request, 404, "No such dump", f"there is no dump {file!r}; see /dumps/"
            )
        media = (
            "application/gzip"
            if file.endswith(".gz")
            else entry.get("media_type") or "application/octet-stream"
        )
        return FileResponse(path, media_type=media, filename=file)

    @routes.get("/void", include_in_schema=False)
    @routes.get("/void.{ext}", include_in_schema=False)
    async def void(request: Request, ext: str | None = None) -> Response:
        release = await served.current()
        path = release.dumps_dir / "void.ttl"
        if not path.is_file():
            return served.html_or_text(
                request, 404, "No dataset description", "this build has no void.ttl"
            )

        def triples() -> list[ox.Triple]:
            return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]

        return await rdf_document(served, request, triples, _extension(ext), None, "void")

    @routes.get("/ontology", include_in_schema=False)
    @routes.get("/ontology.{ext}", include_in_schema=False)
    async def ontology(request: Request, ext: str | None = None) -> Response:
        store = (await served.current()).store
        graph = ox.NamedNode(settings.base_iri + "graph/ontology")

        def triples() -> list[ox.Triple]:
            return [q.triple for q in store.quads_for_pattern(None, None, None, graph)]

        async def html() -> Response:
            onto = await served.lookup(ontology_view, store, graph)
            return served.pages.render(request, "ontology.html", onto=onto)

        return await rdf_document(served, request, triples, _extension(ext), html, "ontology")

    def shapes_files() -> list[Path]:
        folder = settings.shapes_dir
        return sorted(folder.glob("*.ttl")) if folder.is_dir() else []

    @routes.get("/shapes", include_in_schema=False)
    @routes.get("/shapes.{ext}", include_in_schema=False)
    async def shapes(request: Request, ext: str | None = None) -> Response:
        def triples() -> list[ox.Triple]:
            return [
                q.triple
                for f in shapes_files()
                for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
            ]

        async def html() -> Response:
            files = [f.name for f in shapes_files()]
            return served.pages.render(request, "shapes.html", files=files)

        return await rdf_document(served, request, triples, _extension(ext), html, "shapes")

    @routes.get("/shapes/{file}", include_in_schema=False)
    async def shapes_file(file: str, request: Request) -> Response:
        match = [f for f in shapes_files() if f.name == file]
        if not match:
            return served.html_or_text(
                request, 404, "No such shapes file", f"there is no shapes file {file!r}"
            )
        return FileResponse(match[0], media_type="text/turtle")

    return routes

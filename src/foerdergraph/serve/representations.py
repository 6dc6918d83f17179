"""Which representation of an RDF document to send, and sending it.

Shared by the linked-data and artefact routes: an extension (`.ttl`), `format=` or the Accept
header picks one of the graph formats (or the HTML page where there is one); the answer names
its own URL in Content-Location.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from foerdergraph.serve import negotiation, results
from foerdergraph.serve.context import HTML, Served, vary

EXTENSIONS = {f".{name}": name for name in results.GRAPH_FORMATS} | {".html": "html"}
GRAPH_OFFERS = results.offers(results.GRAPH_FORMATS)
RDF_OFFERS = [HTML, *GRAPH_OFFERS]
"""Media types a linked-data IRI is offered in (HTML first: browsers send `*/*` too)."""


def pick_format(request: Request, ext: str | None, allow_html: bool) -> str | None:
    """Short name of the representation to serve: by extension, `format=`, or Accept."""
    if ext:
        name = EXTENSIONS.get(ext)
        return None if name == "html" and not allow_html else name
    if fmt := request.query_params.get("format"):
        if fmt == "html":
            return "html" if allow_html else None
        found = results.lookup(results.GRAPH_FORMATS, fmt)
        return found[0].name if found else None
    offers = RDF_OFFERS if allow_html else GRAPH_OFFERS
    media = negotiation.choose(request.headers.get("accept"), offers)
    if media == HTML:
        return "html"
    found = results.lookup(results.GRAPH_FORMATS, media) if media else None
    return found[0].name if found else None


async def rdf_document(
    served: Served,
    request: Request,
    triples: Callable[[], list[ox.Triple]],
    ext: str | None,
    html: Callable[[], Awaitable[Response]] | None,
    self_path: str,
) -> Response:
    """Serve a small RDF document by extension, `format=` or Accept; HTML when `html` is
    given. 200 with Content-Location naming the representation's own URL."""
    name = pick_format(request, ext, html is not None)
    if name is None:
        offers = RDF_OFFERS if html else GRAPH_OFFERS
        status = 404 if ext else 406
        return vary(
            PlainTextResponse(
                "no such representation; offered: " + ", ".join(offers), status_code=status
            )
        )
    headers = {"Content-Location": f"{served.pages.root(request)}{self_path}.{name}"}
    if name == "html" and html is not None:
        response = await html()
        response.headers.update(headers)
        return vary(response)
    fmt, native = results.GRAPH_FORMATS[name]
    data = await served.lookup(triples)
    body = results.graph_bytes(data, native, served.data_prefixes)
    return vary(Response(body, media_type=fmt.media_type, headers=headers))

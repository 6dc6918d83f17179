"""Source documents and every IRI the build minted, in each RDF format and as a page.

`resource` matches any path, so this router is joined last; `/id/…`, most of the traffic, is
also answered by a plain Starlette route (`minted_route`) that the app puts first.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.routing import Route

from foerdergraph.query.drafts import BadDrafts
from foerdergraph.query.history import HISTORY_QUERY, TimelineEntry, actor_timeline
from foerdergraph.serve import (
    document_cache,
    linked_data,
    negotiation,
    paging,
    results,
    source_document,
    summaries,
)
from foerdergraph.serve.context import HTML, Served, vary
from foerdergraph.serve.drafts import DraftSwitch, draft_switch
from foerdergraph.serve.release import Release
from foerdergraph.serve.representations import EXTENSIONS, RDF_OFFERS, pick_format, rdf_document
from foerdergraph.serve.summaries import funding, language, parts

log = logging.getLogger(__name__)


def not_found(served: Served, request: Request, iri: str) -> Response:
    """404 with a body in the format the client asked for."""
    media = negotiation.choose(request.headers.get("accept"), RDF_OFFERS) or HTML
    if media == HTML:
        return vary(
            served.pages.render(
                request,
                "error.html",
                status=404,
                title="Not found",
                message="Unknown IRI.",
                iri=iri,
            )
        )
    # `choose` picked `media` from RDF_OFFERS, so it names one of the graph formats
    fmt, native = results.lookup(results.GRAPH_FORMATS, media)  # type: ignore[misc]
    body = results.graph_bytes([], native)
    if native in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES):
        body = f"# {iri} is not in this build\n".encode() + body
    return vary(Response(body, status_code=404, media_type=fmt.media_type))


async def rdf_resource(
    served: Served, request: Request, store: Any, candidates: list[str], stem: str, name: str
) -> Response:
    """The RDF description (or its page `page=`, docs/serving.md) of the first candidate IRI
    the store knows, found, described and serialised in one step (`small_lookup`): the common
    linked-data request, where every hand-off costs more than the lookup itself."""
    fmt, native = results.GRAPH_FORMATS[name]
    number = paging.page_number(request.query_params.get("page"))
    document_url = f"{served.pages.root(request)}{stem}.{name}"
    prefixes = {**served.data_prefixes, "hydra": paging.HYDRA}

    def serialised(max_quads: int | None) -> tuple[paging.Page | None, bytes] | None:
        size = served.settings.page_triples
        found = paging.first_page(store, candidates, number, size, max_quads)
        if found is None or found[1] is None:
            return None if found is None else (None, b"")
        page = found[1]
        triples = page.triples + paging.hydra_triples(page, document_url)
        return page, results.graph_bytes(triples, native, prefixes)

    answer = await served.small_lookup(store, serialised)
    if answer is None:
        return not_found(served, request, candidates[0])
    page, body = answer
    if page is None:
        return vary(PlainTextResponse(f"there is no page {number} of {stem}", status_code=404))
    return vary(Response(body, media_type=fmt.media_type, headers=page_headers(page, document_url)))


def page_headers(page: paging.Page, document_url: str) -> dict[str, str]:
    """Content-Location (the page's own URL when the description is paged) and Link."""
    location = paging.page_url(document_url, page.number) if page.paged else document_url
    return {"Content-Location": location, **paging.links(page, document_url)}


def split_extension(path: str) -> tuple[str, str | None]:
    """`id/org/x.ttl` → (`id/org/x`, `.ttl`); a path without a known extension stays whole."""
    for extension in EXTENSIONS:
        if path.endswith(extension):
            return path[: -len(extension)], extension
    return path, None


async def resource(served: Served, path: str, request: Request) -> Response:
    """Dereference an IRI the build minted: 200 with Content-Location and an ETag
    (docs/serving.md). Documents of a local release are rendered once and then answered
    from `served.documents`; a remote store may change under the same release, so its
    documents are rendered every time."""
    release = await served.current()
    stem, ext = split_extension(path)
    name = pick_format(request, ext, allow_html=True)
    if not isinstance(release.store, ox.Store):
        return await render_resource(served, release, request, stem, ext, name)
    lang = language.choose(request.query_params, request.headers.get("accept-language"))
    key = (served.pages.root(request), stem, ext or "", name or "", request.url.query, lang)
    cached = served.documents.get(str(release.path), key)
    if cached is None:
        response = await render_resource(served, release, request, stem, ext, name)
        cached = served.documents.put(str(release.path), key, response)
        if cached is None:
            return response
    return document_cache.answer(request, cached)


async def render_resource(
    served: Served, release: Release, request: Request, stem: str, ext: str | None, name: str | None
) -> Response:
    """The answer for `stem` in the representation `name` (None: none fits), from the store
    as the drafts switch lets the request read it (`serve/drafts.py`)."""
    pages = served.pages
    candidates = pages.iri_map(request).candidates(stem)
    try:
        drafts = draft_switch(request, release, served.settings.base_iri)
        store = drafts.store(release)
        if name in results.GRAPH_FORMATS:
            return await rdf_resource(served, request, store, candidates, stem, name)
        number = paging.page_number(request.query_params.get("page"))
    except (paging.BadPage, BadDrafts) as error:
        return vary(PlainTextResponse(str(error), status_code=400))
    iri = await served.lookup(linked_data.first_existing, store, candidates)
    if iri is None:
        return not_found(served, request, candidates[0])

    async def html() -> Response:
        if number == 1 and request.query_params.get("view") != "statements":
            summary = await summary_page(served, release, request, stem, iri, drafts)
            if summary is not None:
                return summary
        size = served.settings.page_triples
        page = await served.lookup(paging.page_of, store, iri, number, size)
        if page is None:
            return served.html_or_text(request, 404, "Not found", f"there is no page {number}")
        only = set(page.triples) if page.paged else None
        view = await served.lookup(linked_data.view, store, iri, only, drafts.graphs)
        graph_info = next((g for g in release.graph_entries() if g["iri"] == iri), None)
        document_id = await served.lookup(source_document.document_identifier, store, iri)
        # the history graph is curated: the timeline reads the whole store in either mode
        history = await served.lookup(timeline, served, release.store, iri)
        return pages.render(
            request,
            "resource.html",
            view=view,
            self_url=pages.root(request) + stem,
            alternates=[(f.name, f.media_type) for f, _ in results.GRAPH_FORMATS.values()],
            graph_info=graph_info,
            graph_query=f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}",
            document_id=document_id,
            timeline=history,
            page=page,
            drafts=drafts,
            headers=paging.links(page, pages.root(request) + stem),
        )

    response = await rdf_document(
        served, request, lambda: linked_data.describe(store, iri), ext, html, stem
    )
    if name == "html":  # a summary is in the reader's language
        response.headers["Vary"] = "Accept, Accept-Language"
    return response


async def summary_page(
    served: Served, release: Release, request: Request, stem: str, iri: str, drafts: DraftSwitch
) -> Response | None:
    """The summary of an organisation, programme or place (`serve/summaries/`), in the
    reader's language, read from the store as the drafts switch shows it; None for every other
    resource, and on a remote store (the summaries read the release's funding index, made from
    the local store)."""
    grants = served.canned.get(funding.GRANTS_QUERY)
    if not isinstance(release.store, ox.Store) or grants is None:
        return None
    store = drafts.store(release)
    kind = await served.lookup(summaries.kind_of, store, iri)
    if kind is None:
        return None
    key = (release.path, release.build_id, drafts.variant)
    index = await served.lookup(funding.INDEXES.get, key, store, grants)
    params = dict(request.query_params)
    lang = language.choose(params, request.headers.get("accept-language"))
    view = await served.lookup(summaries.summarise, store, index, kind, iri, lang, params)
    history = (  # the history graph is curated: the timeline reads the whole store
        await served.lookup(timeline, served, release.store, iri)
        if kind.name == "organisation"
        else []
    )
    pages = served.pages
    self_url = pages.root(request) + stem
    words = language.STRINGS[lang]
    response = pages.render(
        request,
        kind.template,
        v=view,
        t=words,
        lang=lang,
        self_url=self_url,
        switch_url=_with(self_url, params, lang="en" if lang == "de" else "de"),
        alternates=[(f.name, f.media_type) for f, _ in results.GRAPH_FORMATS.values()],
        timeline=history,
        drafts=drafts,
        drafted=lambda graphs: bool(graphs) and set(graphs) <= drafts.graphs,
        link=lambda name, group=None: (
            lambda n: _with(self_url, params, **({name: str(n)} | ({"in": group} if group else {})))
        ),
        money=lambda amount, currency="EUR": language.money(amount, lang, currency),
        network_url=pages.root(request) + "network/partners/" + stem.removeprefix("id/") + "?",
        chart_data={
            "by_year": parts.chart_points(view.grants.by_year),
            "by_programme": parts.chart_points(view.grants.by_programme[: parts.PREVIEW * 2]),
            "lang": lang,
            "self": iri,
            "base": pages.base_iri,
            "root": pages.root(request),
        },
    )
    return response


def _with(url: str, params: dict[str, str], **changes: str) -> str:
    """`url` with the request's parameters, `changes` applied."""
    query = urlencode({**params, **changes})
    return url + ("?" + query if query else "")


async def warm(served: Served) -> None:
    """Read the funding index of the current build in the background, so the first summary
    page does not wait for it (about two seconds on the real project)."""
    try:
        release = await served.current()
        grants = served.canned.get(funding.GRANTS_QUERY)
        if isinstance(release.store, ox.Store) and grants is not None:
            key = (release.path, release.build_id)
            await served.lookup(funding.INDEXES.get, key, release.store, grants)
    except Exception:  # warming is an optimisation: the first summary page makes the index
        log.warning("could not prepare the funding index", exc_info=True)


def timeline(served: Served, store: Any, iri: str) -> list[TimelineEntry]:
    """An organisation's renamings, mergers and names with their periods (`actor-history`),
    for its page; none for other resources, or on a remote store."""
    query = served.canned.get(HISTORY_QUERY)
    if query is None or not isinstance(store, ox.Store) or "/id/organisation/" not in iri:
        return []
    return actor_timeline(store, iri, query)


def minted_route(served: Served) -> Route:
    """`/id/…` as a plain Starlette route, without FastAPI's parameter handling (60 µs less
    per lookup); the app matches it before every other route."""

    async def minted_resource(request: Request) -> Response:
        return await resource(served, "id/" + request.path_params["path"], request)

    return Route("/id/{path:path}", minted_resource, methods=["GET"])


def router(served: Served) -> APIRouter:
    routes = APIRouter()

    @routes.get("/documents/{identifier}", include_in_schema=False)
    async def document_page(identifier: str, request: Request) -> Response:
        """A source text with its quotes marked, as the drafts switch shows the facts."""
        release = await served.current()
        try:
            drafts = draft_switch(request, release, served.settings.base_iri)
        except BadDrafts as error:
            return served.html_or_text(request, 400, "Bad request", str(error))
        store = drafts.store(release)
        node = await served.lookup(
            source_document.find_document, store, identifier, served.settings.base_iri
        )
        if node is None:
            return served.html_or_text(
                request, 404, "Unknown document", f"there is no source document {identifier!r}"
            )
        doc = await served.lookup(source_document.document_view, store, node, drafts.graphs)
        highlight = "ev-" + request.query_params.get("highlight", "")
        return served.pages.render(
            request, "document.html", doc=doc, highlight=highlight, lang="de", drafts=drafts
        )

    @routes.get("/{path:path}", include_in_schema=False)
    async def any_resource(path: str, request: Request) -> Response:
        return await resource(served, path, request)

    return routes

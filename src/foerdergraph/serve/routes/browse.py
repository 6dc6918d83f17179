"""Browse and search pages: `/browse` (the lists), `/browse/{list}` with `.csv` and `.json`
twins, `/browse/funding-by-region` (funding per region, with its twins and map), and `/search`
(the HTML results of `/api/search`). View logic lives in
`serve/browse/` (one module per page kind) and `serve/search.py`; this module only parses the
request, runs the lookup in a thread and picks the representation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from foerdergraph.query import drafts as draft_choice
from foerdergraph.serve.browse import funding, lists, table
from foerdergraph.serve.context import Served
from foerdergraph.serve.drafts import DraftSwitch, draft_switch
from foerdergraph.serve.release import Release
from foerdergraph.serve.search import INDEXES, BadType, expand_type, ranked

log = logging.getLogger(__name__)

CATALOGUES = lists.CatalogueCache()
"""One per process: every app of the process reads the same release folders."""
SUFFIXES = {".csv": "csv", ".json": "json"}
STATIC_DIR = Path(__file__).parents[1] / "static"
BOUNDARIES = "geo/nrw-areas.json"
"""The NRW boundaries `make install` derives from a registry package (`serve/boundaries.py`)."""
SEARCH_LIMIT = 100
SEARCH_TYPES = (
    ("fg:Organisation", "Organisation"),
    ("fg:FundingProgramme", "Förderprogramm"),
    ("fg:Project", "Projekt"),
    ("fg:Place", "Ort / Gebiet"),
    ("fg:Person", "Person"),
    ("fg:Fund", "Fonds"),
    ("fg:SourceDocument", "Quelldokument"),
)
"""The type filter's choices on the search page; /api/search takes any class."""


def router(served: Served) -> APIRouter:
    routes = APIRouter()

    @routes.get("/browse", include_in_schema=False)
    async def browse_index(request: Request) -> Response:
        release = await served.current()
        try:
            drafts = draft_switch(request, release, served.settings.base_iri)
        except draft_choice.BadDrafts as error:
            return served.html_or_text(request, 400, "Bad request", str(error))
        catalogues = [
            await _catalogue(served, release, drafts, spec) for spec in lists.SPECS.values()
        ]
        return served.pages.render(
            request, "browse_index.html", catalogues=catalogues, drafts=drafts
        )

    @routes.get("/browse/funding-by-region{suffix:path}")
    async def funding_by_region(suffix: str, request: Request) -> Response:
        """Grants and sums per Regierungsbezirk or Kreis/kreisfreie Stadt as HTML (with the
        map when the boundaries are installed), or every row as CSV or JSON."""
        if suffix not in ("", *SUFFIXES):
            message = f"no page funding-by-region{suffix}; add .csv or .json, or nothing"
            return served.html_or_text(request, 404, "Not found", message)
        query = served.canned.get(funding.QUERY)
        release = await served.current()
        if query is None or not isinstance(release.store, ox.Store):
            message = "funding by region needs the canned query and the local store"
            return PlainTextResponse(message, status_code=503)
        params = {k: v for k, v in request.query_params.items() if k != draft_choice.PARAMETER}
        try:
            drafts = draft_switch(request, release, served.settings.base_iri)
            asked = funding.FundingParams.parse(params)
            shown = await served.lookup(funding.funding_table, drafts.store(release), query, asked)
        except (table.BadParameter, draft_choice.BadDrafts) as error:
            return _bad(served, request, suffix, str(error))
        if suffix == ".csv":
            return Response(shown.as_csv(), media_type="text/csv; charset=utf-8")
        if suffix == ".json":
            return JSONResponse(shown.as_json())
        root = served.pages.root(request)
        return served.pages.render(
            request,
            "browse_funding.html",
            table=shown,
            levels=funding.LEVELS,
            bases=funding.BASES,
            query=params,
            drafts=drafts,
            link=_linker(root + "browse/funding-by-region", request),
            money=_money,
            boundaries=(STATIC_DIR / BOUNDARIES).is_file(),
            boundaries_path=root + "static/" + BOUNDARIES,
        )

    @routes.get("/browse/{name}")
    async def browse_list(name: str, request: Request) -> Response:
        """A browse list (programmes, organisations, documents, regions) as HTML, or as CSV
        (every matching row) or JSON (this page) with the suffix `.csv` / `.json`."""
        stem, suffix = name, ""
        for ending in SUFFIXES:
            if name.endswith(ending):
                stem, suffix = name.removesuffix(ending), ending
        spec = lists.SPECS.get(stem)
        if spec is None:
            message = f"no list {stem!r}; the lists are {', '.join(lists.SPECS)}"
            return served.html_or_text(request, 404, "Not found", message)
        release = await served.current()
        try:
            drafts = draft_switch(request, release, served.settings.base_iri)
        except draft_choice.BadDrafts as error:
            return _bad(served, request, suffix, str(error))
        catalogue = await _catalogue(served, release, drafts, spec)
        params = {k: v for k, v in request.query_params.items() if k != draft_choice.PARAMETER}
        try:
            asked = table.ListParams.parse(catalogue, params)
        except table.BadParameter as error:
            return _bad(served, request, suffix, str(error))
        shown = await served.lookup(table.view, catalogue, asked)
        if asked.page > shown.pages:
            problem = f"parameter '_page': {asked.page} is beyond the last page, {shown.pages}"
            return _bad(served, request, suffix, problem)
        if suffix == ".csv":
            return Response(shown.as_csv(), media_type="text/csv; charset=utf-8")
        if suffix == ".json":
            return JSONResponse(shown.as_json())
        return served.pages.render(
            request,
            "browse_list.html",
            view=shown,
            query=params,
            drafts=drafts,
            columns=_headings(shown),
            link=_linker(served.pages.root(request) + "browse/" + stem, request),
            money=_money,
        )

    @routes.get("/search", include_in_schema=False)
    async def search_page(request: Request, q: str = "", type: str = "") -> Response:
        release = await served.current()
        try:
            kind = expand_type(type, served.data_prefixes)
            drafts = draft_switch(request, release, served.settings.base_iri)
        except (BadType, draft_choice.BadDrafts) as error:
            return served.html_or_text(request, 400, "Bad request", str(error))
        hits = await served.lookup(
            ranked, _key(release), drafts.store(release), q, SEARCH_LIMIT, kind, drafts.variant
        )
        fg = served.data_prefixes["fg"]
        return served.pages.render(
            request,
            "search.html",
            q=q,
            type=type,
            hits=hits,
            limit=SEARCH_LIMIT,
            types=SEARCH_TYPES,
            json_query=urlencode(
                {"q": q, "type": type, "limit": SEARCH_LIMIT}
                | ({draft_choice.PARAMETER: draft_choice.EXCLUDE} if drafts.exclude else {})
            ),
            drafts=drafts,
            type_names=lambda types: ", ".join(
                "fg:" + t.removeprefix(fg) for t in types if t.startswith(fg)
            ),
        )

    return routes


async def warm(served: Served) -> None:
    """Read the search index and the lists of the current build in the background, so the
    first visitor does not wait for them (a few seconds on the real project); a failure only
    means the first request makes them."""
    try:
        release = await served.current()
        await served.lookup(INDEXES.get, _key(release), release.store)
        for spec in lists.SPECS.values():
            await served.lookup(CATALOGUES.get, _key(release), spec, release.store)
    except Exception:  # warming is an optimisation: a request makes what is missing
        log.warning("could not prepare the browse lists and search index", exc_info=True)


def _key(release: Release) -> tuple[Path, str]:
    return (release.path, release.build_id)


async def _catalogue(
    served: Served, release: Release, drafts: DraftSwitch, spec: lists.ListSpec
) -> lists.Catalogue:
    """The list's rows in this release, with or without the draft graphs as the switch says."""
    return await served.lookup(
        CATALOGUES.get, _key(release), spec, drafts.store(release), drafts.variant
    )


def _headings(view: table.View) -> list[tuple[str, str]]:
    spec = view.catalogue.spec
    summed = [(f"{m}_amount", f"{spec.measures[m]} (EUR)") for m in view.catalogue.summed]
    return [("label", "Name"), *spec.measures.items(), *summed]


def _linker(path: str, request: Request) -> Callable[..., str]:
    """`link(_page=2, type=None)`: this list's URL with those parameters changed (None drops
    one); `_suffix` picks the CSV or JSON twin."""
    current = dict(request.query_params)

    def link(_suffix: str = "", **changes: object) -> str:
        params = {k: v for k, v in {**current, **changes}.items() if v is not None}
        query = urlencode(params)
        return path + _suffix + ("?" + query if query else "")

    return link


def _money(amount: Decimal | None) -> str:
    """An amount in whole euros with thin spaces between thousands; empty for none."""
    return "" if amount is None else f"{amount:,.0f}".replace(",", "\u202f")


def _bad(served: Served, request: Request, suffix: str, message: str) -> Response:
    if suffix:
        return PlainTextResponse(message, status_code=400)
    return served.html_or_text(request, 400, "Bad request", message)

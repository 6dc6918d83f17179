"""The W3C Reconciliation Service API 0.2 at /reconcile: manifest, reconciliation queries,
suggest, preview and data extension (docs/serving.md).

Requests are checked here (JSON of the right shape, known properties); matching and data live in
the `reconcile` stage, on an index of the current release that is built in a thread on first use
and rebuilt when `build/current` names a new build. CORS comes from the app's middleware.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from foerdergraph.core.namespaces import FG
from foerdergraph.reconcile import extension
from foerdergraph.reconcile.index import Index, IndexedActor, build_index
from foerdergraph.reconcile.matching import Candidate, parse_query, reconcile
from foerdergraph.serve.context import Served
from foerdergraph.serve.release import Release

PATH = "/reconcile"
DEFAULT_TYPES = ("Organisation", "PublicBody", "University", "Company", "Association", "Person")
"""The types OpenRefine offers first (any of our classes may be asked for)."""
SUGGEST_LIMIT = 20


class BadRequest(Exception):
    """A request the service cannot answer; the message says what is wrong."""


class IndexCache:
    """The index of the current build: built once per build id, in a worker thread."""

    def __init__(self, base_iri: str) -> None:
        self.base_iri = base_iri
        self.index: Index | None = None
        self.lock = threading.Lock()

    def get(self, release: Release) -> Index:
        with self.lock:
            if self.index is None or self.index.build_id != release.build_id:
                self.index = build_index(release.store, self.base_iri, release.build_id)
            return self.index


def _json_param(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(f"`{name}` is not JSON: {error.msg} at character {error.pos}") from None


async def _params(request: Request) -> dict[str, str]:
    """The query string and, for POST, the form body (application/x-www-form-urlencoded)."""
    params = dict(request.query_params)
    if request.method == "POST":
        body = await request.body()
        try:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise BadRequest("the form body is not UTF-8") from None
    return params


def _type_refs(entity: IndexedActor) -> list[dict[str, str]]:
    """An entity's types, most specific (least widely shared) first; Agent last."""
    return [{"id": ref.id, "name": ref.name} for ref in entity.types]


def _candidate(candidate: Candidate) -> dict[str, Any]:
    entity = candidate.entity
    answer: dict[str, Any] = {
        "id": entity.id,
        "name": entity.name,
        "type": _type_refs(entity),
        "score": round(candidate.score, 2),
        "match": candidate.match,
        "features": [{"id": key, "value": value} for key, value in candidate.features.items()],
    }
    if candidate.matched_label != entity.name:
        answer["description"] = f"gefunden als „{candidate.matched_label}“"
    return answer


def answer_batch(index: Index, batch: Any) -> dict[str, Any]:
    """The result batch for a query batch, keyed by the batch's query ids."""
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise BadRequest("`queries` must be a JSON object of query objects, keyed by query id")
    results = {}
    for key, raw in batch.items():
        if "query" not in raw and not raw.get("properties"):
            raise BadRequest(f"query {key!r} has neither `query` nor `properties`")
        for prop in raw.get("properties") or ():
            if not isinstance(prop, dict) or prop.get("pid") not in extension.CONSTRAINABLE:
                raise BadRequest(
                    f"query {key!r}: unknown property {prop!r}; known: "
                    + ", ".join(extension.CONSTRAINABLE)
                )
        try:
            query = parse_query(raw)
        except (TypeError, ValueError, KeyError) as error:
            raise BadRequest(f"query {key!r} is malformed: {error}") from None
        results[key] = {"result": [_candidate(c) for c in reconcile(index, query)]}
    return results


def manifest(served: Served, request: Request, index: Index) -> dict[str, Any]:
    """The service manifest: what this service is and where its parts are."""
    root = served.pages.root(request)
    service = root + PATH.lstrip("/")
    id_root = served.pages.iri_map(request).href(index.identifier_space)
    return {
        "versions": ["0.2"],
        "name": "foerdergraph – Akteure der Förderung in Nordrhein-Westfalen",
        "identifierSpace": index.identifier_space,
        "schemaSpace": FG,
        "documentation": root + "api/docs",
        "view": {"url": id_root + "{{id}}"},
        "preview": {"url": service + "/preview/{{id}}", "width": 400, "height": 200},
        "defaultTypes": [{"id": t, "name": index.type_names.get(t, t)} for t in DEFAULT_TYPES],
        "suggest": {
            kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": service, "service_path": "/extend/propose"},
            "property_settings": [],
        },
    }


def suggest_entities(index: Index, prefix: str, limit: int) -> list[dict[str, Any]]:
    """Entities for an autocomplete box: the best candidates of a query for `prefix`."""
    found = reconcile(index, parse_query({"query": prefix, "limit": limit}))
    return [
        {"id": c.entity.id, "name": c.entity.name, "notable": _type_refs(c.entity)} for c in found
    ]


def _matches(prefix: str, *texts: str) -> bool:
    wanted = prefix.casefold()
    return any(wanted in text.casefold() for text in texts)


def router(served: Served) -> APIRouter:
    routes = APIRouter()
    cache = IndexCache(served.settings.base_iri)

    async def index() -> Index:
        return await served.lookup(cache.get, await served.current())

    def bad(error: BadRequest) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=400)

    @routes.api_route(PATH, methods=["GET", "POST"])
    async def service(request: Request) -> Response:
        """The manifest, or the answers to `queries` (GET or POST form), or to `extend`."""
        try:
            params = await _params(request)
            current = await index()
            if "queries" in params:
                batch = _json_param(params["queries"], "queries")
                return JSONResponse(answer_batch(current, batch))
            if "extend" in params:
                return JSONResponse(_extend(current, _json_param(params["extend"], "extend")))
        except BadRequest as error:
            return bad(error)
        return JSONResponse(manifest(served, request, current))

    @routes.get(PATH + "/suggest/entity")
    async def suggest_entity(prefix: str = "", cursor: int = 0) -> JSONResponse:
        current = await index()
        found = suggest_entities(current, prefix, cursor + SUGGEST_LIMIT)[cursor:]
        return JSONResponse({"result": found})

    @routes.get(PATH + "/suggest/type")
    async def suggest_type(prefix: str = "", cursor: int = 0) -> JSONResponse:
        current = await index()
        found = [
            {"id": ident, "name": name}
            for ident, name in sorted(current.type_names.items(), key=lambda item: item[1])
            if _matches(prefix, ident, name)
        ]
        return JSONResponse({"result": found[cursor : cursor + SUGGEST_LIMIT]})

    @routes.get(PATH + "/suggest/property")
    async def suggest_property(prefix: str = "", cursor: int = 0) -> JSONResponse:
        found = [
            {"id": p.id, "name": p.name, "description": p.description}
            for p in extension.PROPERTIES
            if _matches(prefix, p.id, p.name)
        ]
        return JSONResponse({"result": found[cursor : cursor + SUGGEST_LIMIT]})

    @routes.get(PATH + "/extend/propose")
    async def propose(type: str | None = None, limit: int = 20) -> JSONResponse:
        """The properties worth extending a column of entities of `type` with."""
        proposed = extension.proposals(type.rsplit("#", 1)[-1] if type else None)
        answer: dict[str, Any] = {
            "properties": [{"id": p.id, "name": p.name} for p in proposed[: max(limit, 0)]],
            "limit": limit,
        }
        if type:
            answer["type"] = type
        return JSONResponse(answer)

    @routes.get(PATH + "/preview/{id:path}")
    async def preview(request: Request, id: str) -> Response:
        """An HTML card of one entity, for the client's pop-up."""
        entity = (await index()).entity(id)
        if entity is None:
            return served.html_or_text(request, 404, "Not found", f"no actor with id {id!r}")
        return served.pages.render(
            request, "reconcile_preview.html", entity=entity, rows=_preview_rows(entity)
        )

    return routes


def _preview_rows(entity: IndexedActor) -> list[tuple[str, str]]:
    """The facts a preview card shows, as (label, text) rows; empty facts are left out."""
    rows = []
    for prop in extension.PROPERTIES:
        shown = [_shown(value) for value in extension.values(entity, prop.id)]
        if prop.id == "type":
            shown = shown[:2]
        if prop.id == "programme" and len(shown) > 3:
            shown = [*shown[:3], f"… ({len(shown)} insgesamt)"]
        if any(shown):
            rows.append((prop.name, "; ".join(shown)))
    return rows


def _shown(value: dict[str, object]) -> str:
    """One data extension value as text: a name, a string, a count or a sum in euros."""
    if "float" in value:
        return f"{value['float']:,.0f} €".replace(",", " ")
    return str(value.get("name", value.get("str", value.get("int", ""))))


def _extend(index: Index, query: Any) -> dict[str, Any]:
    """The data extension response for a query {ids: [...], properties: [{id}, ...]}."""
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list):
        raise BadRequest("`extend` must be a JSON object with `ids` and `properties`")
    wanted = [p.get("id") if isinstance(p, dict) else None for p in query.get("properties", [])]
    unknown = [p for p in wanted if p not in extension.BY_ID]
    if unknown or not wanted:
        raise BadRequest(f"unknown properties {unknown!r}; known: " + ", ".join(extension.BY_ID))
    return extension.extend(index, [str(i) for i in query["ids"]], [str(p) for p in wanted])

"""The Reconciliation Service API 0.2 at /reconcile, checked against the specification's own JSON
Schemas and examples in ../shared/specs/reconciliation-api-0.2 and on the project's real build.

Every request the tests send and every answer the service gives is validated against its schema;
the name-variant table (tests/fixtures/reconcile/README.md) checks ranking and `match`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from foerdergraph.core.config import Settings
from foerdergraph.reconcile.evaluation import evaluate, read_variants
from foerdergraph.reconcile.index import build_index
from foerdergraph.serve.app import create_app
from foerdergraph.serve.release import Release
from foerdergraph.serve.routes.reconcile import IndexCache
from foerdergraph.workflows.build import BuildResult

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SPEC = SHARED / "specs" / "reconciliation-api-0.2"
SCHEMAS = "https://reconciliation-api.github.io/specs/0.2/schemas/"
SWAGGER = "http://swagger.io/v2/schema.json"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
VARIANTS = ROOT / "tests" / "fixtures" / "reconcile" / "name-variants.tsv"

SUBSCHEMAS = {
    "data-extension-metadata": "manifest.json#/properties/extend",
    "preview-metadata": "manifest.json#/properties/preview",
    "suggest-metadata": "manifest.json#/properties/suggest",
    "reconciliation-candidate": (
        "reconciliation-result-batch.json#/patternProperties/^.*$/properties/result/items"
    ),
}
"""Example folders whose schema is a part of another schema."""
WITHOUT_SCHEMA = {"security-scheme", "flyout-response", "preview-response"}
"""Example folders the spec gives no local schema for (the security scheme is Swagger's, on the
web; the flyout is optional and has none, and this service offers neither; a preview is HTML,
checked in test_preview)."""


@pytest.fixture(scope="module")
def registry() -> Registry:
    """Every schema of the spec under its $id. Swagger's schema (only the manifest's optional
    `authentication` refers to it) is on the web: a stand-in asks only for an object there, so
    the spec's manifests with authentication are checked in everything else."""
    if not SHARED.exists():
        pytest.skip("../shared is not beside the project")
    assert SPEC.is_dir(), f"{SPEC} is missing from ../shared"
    any_object = {"additionalProperties": {"type": "object"}}
    stand_in = {"definitions": {"securityDefinitions": any_object}}
    resources = [(SWAGGER, DRAFT7.create_resource(stand_in))]
    for path in sorted((SPEC / "schemas").glob("*.json")):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((SCHEMAS + path.name, Resource.from_contents(contents, DRAFT7)))
        resources.append((contents["$id"], Resource.from_contents(contents, DRAFT7)))
    return Registry().with_resources(resources)


def validator(registry: Registry, schema: str) -> Draft7Validator:
    return Draft7Validator({"$ref": SCHEMAS + schema}, registry=registry)


def assert_valid(registry: Registry, schema: str, instance: Any) -> None:
    errors = [e.message for e in validator(registry, schema).iter_errors(instance)]
    assert not errors, (schema, errors[:3])


def example_cases() -> Iterator[tuple[str, Path, bool]]:
    for folder in sorted((SPEC / "examples").iterdir()) if SPEC.is_dir() else ():
        if folder.name in WITHOUT_SCHEMA:
            continue
        schema = SUBSCHEMAS.get(folder.name, folder.name + ".json")
        for verdict in ("valid", "invalid"):
            for path in sorted((folder / verdict).glob("*.json")):
                yield schema, path, verdict == "valid"


def test_every_example_folder_has_a_schema(registry: Registry) -> None:
    """A folder added to the spec is not silently left out."""
    for folder in (SPEC / "examples").iterdir():
        mapped = SUBSCHEMAS.get(folder.name, folder.name + ".json")
        known = (SPEC / "schemas" / mapped.split("#")[0]).exists()
        assert folder.name in WITHOUT_SCHEMA or known, folder.name
    assert len(list(example_cases())) >= 40


@pytest.mark.parametrize(
    ("schema", "path", "valid"), list(example_cases()), ids=lambda v: getattr(v, "name", None)
)
def test_spec_examples(registry: Registry, schema: str, path: Path, valid: bool) -> None:
    """The spec's examples are accepted and rejected as the spec says."""
    instance = json.loads(path.read_text(encoding="utf-8"))
    assert validator(registry, schema).is_valid(instance) is valid, path


@pytest.fixture(scope="module")
def client(settings: Settings, built: BuildResult) -> Iterator[TestClient]:
    with TestClient(
        create_app(settings.with_(query_workers=1)), base_url="http://127.0.0.1:8000"
    ) as client:
        yield client


def reconcile(client: TestClient, registry: Registry, batch: dict[str, Any]) -> dict[str, Any]:
    """POST a query batch as a form (as OpenRefine does); both sides checked by the schemas."""
    assert_valid(registry, "reconciliation-query-batch.json", batch)
    response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_valid(registry, "reconciliation-result-batch.json", answer)
    assert set(answer) == set(batch)
    return answer


def test_manifest(client: TestClient, registry: Registry, settings: Settings) -> None:
    manifest = client.get("/reconcile").json()
    assert_valid(registry, "manifest.json", manifest)
    assert manifest["identifierSpace"] == settings.base_iri + "id/"
    assert manifest["schemaSpace"] == "https://w3id.org/foerdergraph/ontology#"
    assert manifest["view"]["url"] == "http://127.0.0.1:8000/id/{{id}}"
    assert manifest["preview"]["url"] == "http://127.0.0.1:8000/reconcile/preview/{{id}}"
    assert set(manifest["suggest"]) == {"entity", "type", "property"}
    assert "propose_properties" in manifest["extend"]


def test_queries_by_get_and_post_agree(client: TestClient, registry: Registry) -> None:
    batch = {"q0": {"query": "Uni Köln"}, "q1": {"query": "Bezirksregierung Münster"}}
    posted = reconcile(client, registry, batch)
    got = client.get("/reconcile", params={"queries": json.dumps(batch)}).json()
    assert got == posted
    first = posted["q0"]["result"][0]
    assert (first["id"], first["name"], first["match"]) == (
        "organisation/universitaet-koeln",
        "Universität zu Köln",
        True,
    )
    assert first["type"][0] == {"id": "University", "name": "Hochschule"}
    features = {f["id"]: f["value"] for f in first["features"]}
    assert features["name_exact"] is True and features["name_similarity"] == 1.0


def test_type_constraint(client: TestClient, registry: Registry) -> None:
    """ "Köln" is the city; asked for a Bezirksregierung it is the Bezirksregierung Köln."""
    answer = reconcile(
        client,
        registry,
        {"city": {"query": "Köln"}, "body": {"query": "Köln", "type": "DistrictGovernment"}},
    )
    assert answer["city"]["result"][0]["id"] == "place/koeln"
    bodies = answer["body"]["result"]
    assert bodies[0]["id"] == "organisation/bezirksregierung-koeln"
    assert all(any(t["id"] == "DistrictGovernment" for t in c["type"]) for c in bodies)
    should = reconcile(
        client,
        registry,
        {"q": {"query": "Köln", "type": ["DistrictGovernment"], "type_strict": "should"}},
    )["q"]["result"]
    city = next(c for c in should if c["id"] == "place/koeln")
    assert {"id": "type_match", "value": False} in city["features"]
    assert city["score"] < 100 and city["match"] is False


def test_property_constraints(client: TestClient, registry: Registry) -> None:
    """Regierungsbezirk, seat and AGS decide between two Bezirksregierungen; a contradicting
    value costs the candidate its match."""
    batch = {
        "rb": {
            "query": "Bezirksregierung",
            "properties": [{"pid": "regierungsbezirk", "v": "Regierungsbezirk Detmold"}],
        },
        "seat": {
            "query": "Bezirksregierung",
            "properties": [{"pid": "seat", "v": {"id": "place/arnsberg"}}],
        },
        "ags": {"query": "Bezirksregierung", "properties": [{"pid": "ags", "v": "05315"}]},
        "wrong": {
            "query": "Bezirksregierung Köln",
            "properties": [{"pid": "regierungsbezirk", "v": "Regierungsbezirk Münster"}],
        },
        "only": {"properties": [{"pid": "fund", "v": "fund/efre"}], "limit": 3},
        "nothing": {"query": " - "},
    }
    answer = reconcile(client, registry, batch)
    assert answer["rb"]["result"][0]["id"] == "organisation/bezirksregierung-detmold"
    assert answer["seat"]["result"][0]["id"] == "organisation/bezirksregierung-arnsberg"
    assert answer["ags"]["result"][0]["id"] == "organisation/bezirksregierung-koeln"
    wrong = answer["wrong"]["result"]
    assert not any(candidate["match"] for candidate in wrong)
    koeln = next(c for c in wrong if c["id"] == "organisation/bezirksregierung-koeln")
    assert {"id": "property_regierungsbezirk", "value": False} in koeln["features"]
    assert len(answer["only"]["result"]) == 3
    assert answer["nothing"]["result"] == []


def test_bad_requests_are_named(client: TestClient) -> None:
    broken = client.post("/reconcile", data={"queries": "{not json"})
    assert broken.status_code == 400 and "not JSON" in broken.json()["error"]
    unknown = client.post(
        "/reconcile",
        data={"queries": json.dumps({"q": {"query": "x", "properties": [{"pid": "p", "v": 1}]}})},
    )
    assert unknown.status_code == 400 and "unknown property" in unknown.json()["error"]


def test_suggest(client: TestClient, registry: Registry) -> None:
    entities = client.get("/reconcile/suggest/entity", params={"prefix": "Ruhr-Uni"}).json()
    assert_valid(registry, "suggest-entities-response.json", entities)
    assert entities["result"][0]["id"] == "organisation/ruhr-universitaet-bochum"
    types = client.get("/reconcile/suggest/type", params={"prefix": "hochsch"}).json()
    assert_valid(registry, "suggest-types-response.json", types)
    assert {"id": "University", "name": "Hochschule"} in types["result"]
    properties = client.get("/reconcile/suggest/property", params={"prefix": "sitz"}).json()
    assert_valid(registry, "suggest-properties-response.json", properties)
    assert [p["id"] for p in properties["result"]] == ["seat"]


def test_preview(client: TestClient) -> None:
    card = client.get("/reconcile/preview/organisation/bezirksregierung-koeln")
    assert card.status_code == 200 and card.headers["content-type"].startswith("text/html")
    assert "Bezirksregierung Köln" in card.text and "Regierungsbezirk Köln" in card.text
    assert client.get("/reconcile/preview/nothing/here").status_code == 404


def test_data_extension(client: TestClient, registry: Registry) -> None:
    proposed = client.get("/reconcile/extend/propose", params={"type": "PublicBody"}).json()
    assert_valid(registry, "data-extension-property-proposal.json", proposed)
    ids = [p["id"] for p in proposed["properties"]]
    assert {"seat", "regierungsbezirk", "parent", "programme", "grant_count"} <= set(ids)
    query = {
        "ids": ["organisation/bezirksregierung-koeln", "no/such-actor"],
        "properties": [{"id": pid} for pid in ids],
    }
    assert_valid(registry, "data-extension-query.json", query)
    answer = client.post("/reconcile", data={"extend": json.dumps(query)}).json()
    assert_valid(registry, "data-extension-response.json", answer)
    row = answer["rows"]["organisation/bezirksregierung-koeln"]
    assert row["seat"] == [{"id": "place/koeln", "name": "Köln"}]
    assert row["regierungsbezirk"][0]["id"] == "place/regierungsbezirk-koeln"
    assert row["grant_count"][0]["int"] >= 1 and row["grant_total"][0]["float"] > 0
    assert all(values in ([], [{"int": 0}]) for values in answer["rows"]["no/such-actor"].values())


def test_cors(client: TestClient) -> None:
    """Browser clients may read every answer and send the form POST."""
    preflight = client.options(
        "/reconcile",
        headers={"Origin": "http://localhost:3333", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    for path in ("/reconcile", "/reconcile/suggest/type", "/reconcile/extend/propose"):
        answer = client.get(path, headers={"Origin": "http://localhost:3333"})
        assert answer.headers["access-control-allow-origin"] == "*"
    posted = client.post(
        "/reconcile",
        data={"queries": json.dumps({"q": {"query": "NRW.BANK"}})},
        headers={"Origin": "http://localhost:3333"},
    )
    assert posted.status_code == 200 and posted.headers["access-control-allow-origin"] == "*"


def test_name_variants(settings: Settings, built: BuildResult) -> None:
    """The variant table: the expected actor first (two ties with another actor's
    alternative name allowed), and `match` never wrong, mostly given where it may be."""
    store = ox.Store.read_only(str(built.path / "store"))
    index = build_index(store, settings.base_iri, "test")
    variants = read_variants(VARIANTS)
    assert len(variants) >= 100
    report = evaluate(index, variants)
    assert report.first >= report.variants - 2, report.not_first
    assert report.false_matches == 0, report.wrong_matches
    assert report.recall >= 0.95
    assert all(not v.unambiguous for v in variants if v.kind == "sub-unit")


def test_index_follows_the_build(tmp_path: Path) -> None:
    """A new build id means a new index: a new build is served without a restart."""
    base = "https://example.org/"
    stores = []
    for name in ("Alte Stiftung", "Neue Stiftung"):
        store = ox.Store()
        actor = ox.NamedNode(base + "id/organisation/x")
        fg = "https://w3id.org/foerdergraph/ontology#"
        store.add(ox.Quad(actor, ox.NamedNode(RDF_TYPE), ox.NamedNode(fg + "Agent")))
        store.add(ox.Quad(actor, ox.NamedNode(PREF_LABEL), ox.Literal(name, language="de")))
        stores.append(store)
    cache = IndexCache(base)
    first = Release(tmp_path / "a", {"build_id": "a"}, stores[0], frozenset())
    second = Release(tmp_path / "b", {"build_id": "b"}, stores[1], frozenset())
    assert cache.get(first).entities["organisation/x"].name == "Alte Stiftung"
    assert cache.get(first) is cache.get(first)
    assert cache.get(second).entities["organisation/x"].name == "Neue Stiftung"

"""Linked data, documents, ontology, shapes, VoID, dumps, canned queries and search."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.serve import context as context_module
from foerdergraph.serve import linked_data

BASE = "https://w3id.org/foerdergraph/"
MINISTRY = "id/organisation/wirtschaftsministerium-nrw"
HOST = "http://127.0.0.1:8000/"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_entity_rdf_by_negotiation(client: TestClient, accept: str, fmt: ox.RdfFormat) -> None:
    response = client.get("/" + MINISTRY, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    assert "Accept" in response.headers["vary"]
    ext = {
        v: k
        for k, v in {
            "ttl": "text/turtle",
            "jsonld": "application/ld+json",
            "nt": "application/n-triples",
            "rdf": "application/rdf+xml",
        }.items()
    }
    assert response.headers["content-location"] == f"{HOST}{MINISTRY}.{ext[accept]}"
    triples = list(ox.parse(response.content, format=fmt))
    subject = ox.NamedNode(BASE + MINISTRY)
    # IRIs stay canonical (the configured base), not the served host
    assert any(t.subject == subject and t.predicate.value.endswith("#funds") for t in triples)
    # the reified statement with its evidence comes along
    assert any(t.predicate.value.endswith("#evidence") for t in triples)


@pytest.mark.parametrize(
    ("ext", "media"),
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("html", "text/html"),
    ],
)
def test_extension_urls(client: TestClient, ext: str, media: str) -> None:
    response = client.get(f"/{MINISTRY}.{ext}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


def test_entity_html_page(client: TestClient) -> None:
    response = client.get("/" + MINISTRY, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-location"] == f"{HOST}{MINISTRY}.html"
    html = response.text
    assert "<h1>Ministerium für Wirtschaft des Landes Nordrhein-Westfalen</h1>" in html
    # types and properties link to local URLs, labels shown
    assert f'href="{HOST}ontology#Ministry"' in html
    assert f'href="{HOST}id/programme/efre-nrw"' in html and ">EFRE.NRW</a>" in html
    # the evidence quote of the funds statement, linking to the highlighted passage
    assert "Wirtschaftsministerium NRW fördert das Projekt aus EFRE.NRW" in html
    assert f'href="{HOST}documents/pm-1?highlight=4-63#ev-4-63"' in html


def test_incoming_links_on_the_page(client: TestClient) -> None:
    """The statements page lists incoming links; the programme's summary groups them by
    property, headed in the reader's language."""
    html = client.get("/id/programme/efre-nrw?view=statements", headers={"Accept": "text/html"})
    assert "Incoming links" in html.text
    assert f'href="{HOST}{MINISTRY}"' in html.text
    summary = client.get("/id/programme/efre-nrw", headers={"Accept": "text/html"}).text
    section = summary.split('id="in-h"', 1)[1]
    assert "Verweise auf diese Seite" in section and f'href="{HOST}{MINISTRY}"' in section


def test_node_evidence_on_a_grant(client: TestClient) -> None:
    html = client.get("/id/grant/g1", headers={"Accept": "text/html"}).text
    assert "Evidence for this fact" in html and "Die Zuwendung beträgt 0 Euro" in html


def test_describe_budget_refuses_larger_descriptions(build_dir: Path) -> None:
    store = ox.Store.read_only(str(build_dir / "current" / "store"))
    full = linked_data.describe(store, BASE + MINISTRY)
    assert linked_data.describe(store, BASE + MINISTRY, max_quads=len(full) + 10) == full
    with pytest.raises(linked_data.DescriptionTooLarge):
        linked_data.describe(store, BASE + MINISTRY, max_quads=2)


def test_descriptions_over_the_inline_budget_are_served_whole(
    client: TestClient, build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event loop gives up on a description after INLINE_QUADS quads; the thread pool then
    serves all of it."""
    store = ox.Store.read_only(str(build_dir / "current" / "store"))
    expected = set(linked_data.describe(store, BASE + MINISTRY))
    assert len(expected) > 3
    monkeypatch.setattr(context_module, "INLINE_QUADS", 3)
    response = client.get("/" + MINISTRY, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    served = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)}
    assert served == expected


def test_unknown_iri_404_by_accept(client: TestClient) -> None:
    html = client.get("/id/organisation/nobody", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")
    turtle = client.get("/id/organisation/nobody", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404 and turtle.headers["content-type"].startswith("text/turtle")
    assert list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)) == []


def test_graph_iris_dereference(client: TestClient) -> None:
    html = client.get("/graph/document/pm-1", headers={"Accept": "text/html"}).text
    assert "Named graph" in html and "triples" in html


def test_role_and_ontology_terms_dereference(client: TestClient) -> None:
    assert client.get("/role/funder", headers={"Accept": "text/turtle"}).status_code == 200


def test_document_page_highlights_quotes(client: TestClient) -> None:
    response = client.get("/documents/pm-1", params={"highlight": "4-63"})
    assert response.status_code == 200
    html = response.text
    assert '<span id="ev-4-63" class="anchor"></span><mark class="current">' in html
    assert "Wirtschaftsministerium NRW fördert das Projekt aus EFRE.NRW</mark>" in html
    assert "<mark>Die Zuwendung beträgt 0 Euro</mark>" in html
    # the facts drawn from it
    assert "Facts drawn from this document" in html
    assert "fördert – EFRE.NRW" in html or "funds" in html
    assert client.get("/documents/nope").status_code == 404


def test_source_document_resource_links_its_text(client: TestClient) -> None:
    html = client.get("/id/document/pm-1", headers={"Accept": "text/html"}).text
    assert f'href="{HOST}documents/pm-1"' in html


def test_ontology_html_and_turtle(client: TestClient) -> None:
    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert 'id="Ministry"' in html and "Object properties" in html
    turtle = client.get("/ontology.ttl")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) > 10


def test_shapes_void_and_dumps(client: TestClient, build_dir) -> None:
    assert "grant.ttl" in client.get("/shapes", headers={"Accept": "text/html"}).text
    shapes = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert "NodeShape" in shapes.text
    void = client.get("/void", headers={"Accept": "text/turtle"})
    assert "void:Dataset" in void.text or "rdfs.org/ns/void#Dataset" in void.text
    listing = client.get("/dumps/", headers={"Accept": "text/html"}).text
    for name in ("foerdergraph.ttl", "foerdergraph.nq.gz", "foerdergraph.jsonld"):
        assert f">{name}</a>" in listing
    entries = client.get("/dumps/", headers={"Accept": "application/json"}).json()
    entry = next(e for e in entries if e["file"] == "foerdergraph.trig.gz")
    assert entry["sha256"] in listing
    body = client.get("/dumps/foerdergraph.trig.gz").content
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    assert client.get("/dumps/../manifest.json").status_code == 404
    assert client.get("/dumps/nothing.ttl").status_code == 404


def test_canned_queries_listed_and_run_with_bound_parameters(client: TestClient) -> None:
    html = client.get("/queries", headers={"Accept": "text/html"}).text
    assert "Programmes a funder funds" in html and "funder" in html
    listed = client.get("/api/queries").json()
    expected = {
        p.stem for p in (Path(__file__).parents[1] / "fixtures" / "serve" / "queries").glob("*.rq")
    }
    assert {q["name"] for q in listed} == expected >= {"organisations", "programmes-of-funder"}
    response = client.get(
        "/queries/programmes-of-funder", params={"funder": BASE + MINISTRY, "format": "json"}
    )
    rows = response.json()["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["EFRE.NRW"]
    csv_text = client.get(
        "/queries/programmes-of-funder",
        params={"funder": BASE + MINISTRY},
        headers={"Accept": "text/csv"},
    ).text
    assert "EFRE.NRW" in csv_text


@pytest.mark.parametrize(
    "value",
    ["> } SELECT * WHERE { ?s ?p ?o", "not an iri", "<" + BASE + MINISTRY + ">"],
)
def test_canned_query_parameters_cannot_inject(client: TestClient, value: str) -> None:
    response = client.get("/queries/programmes-of-funder", params={"funder": value})
    assert response.status_code == 400


def test_canned_query_errors(client: TestClient) -> None:
    assert client.get("/queries/programmes-of-funder").status_code == 400  # required
    assert client.get("/queries/organisations", params={"bogus": "1"}).status_code == 400
    assert client.get("/queries/no-such-query").status_code == 404


def test_search_autocomplete(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "wirtschaftsmin"}).json()
    assert hits[0]["iri"] == BASE + MINISTRY
    alt = client.get("/api/search", params={"q": "Europäischer Fonds"}).json()
    assert alt[0]["iri"] == BASE + "id/programme/efre-nrw"
    assert alt[0]["label"] == "EFRE.NRW" and alt[0]["matched"].startswith("Europäischer")
    injection = client.get("/api/search", params={"q": '") } } SELECT * WHERE { ?s ?p ?o'})
    assert injection.status_code == 200 and injection.json() == []


def test_public_url_mapping(settings) -> None:
    """With a public URL configured, links and Content-Location use it; IRIs stay canonical."""
    from foerdergraph.serve.app import create_app

    public = settings.with_(public_url="https://graph.example.org/fg/")
    with TestClient(create_app(public), base_url="http://127.0.0.1:8000") as other:
        response = other.get("/" + MINISTRY, headers={"Accept": "text/html"})
        assert (
            response.headers["content-location"] == f"https://graph.example.org/fg/{MINISTRY}.html"
        )
        assert 'href="https://graph.example.org/fg/id/programme/efre-nrw"' in response.text
        turtle = other.get("/" + MINISTRY + ".ttl").text
        assert BASE + "id/programme/efre-nrw" in turtle or "fgd:programme" in turtle


def test_index_page_has_editor_examples_and_search(client: TestClient) -> None:
    html = client.get("/").text
    # no PREFIX lines: the endpoint predeclares the common prefixes, and the page lists them
    assert re.search(r'<textarea id="query"[^>]*>SELECT ', html)
    assert re.search(r'id="predeclared".*<code>fg:</code>', html, re.S)
    assert '<option value="organisations"' in html
    assert 'role="combobox"' in html
    assert "/static/ui.js" in html and "https://cdn" not in html
    assert client.get("/static/ui.js").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/" + MINISTRY,
        "/id/organisation/nobody",
        "/ontology",
        "/sparql?query=" + "CONSTRUCT+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D+LIMIT+50",
    ],
)
def test_json_ld_has_a_context_and_the_same_graph(client: TestClient, path: str) -> None:
    """Every JSON-LD answer is compacted with an @context of our prefixes, and reads as the
    very graph the N-Triples answer holds."""
    jsonld = client.get(path, headers={"Accept": "application/ld+json"})
    ntriples = client.get(path, headers={"Accept": "application/n-triples"})
    assert jsonld.status_code == ntriples.status_code
    document = jsonld.json()
    assert document["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert isinstance(document["@graph"], list)
    compacted = set(ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD))
    expected = set(ox.parse(ntriples.content, format=ox.RdfFormat.N_TRIPLES))
    if "CONSTRUCT" not in path:  # LIMIT without ORDER BY may pick other triples each time
        assert compacted == expected
    assert all(not q.subject.value.startswith(("skos:", "fgd:")) for q in compacted)


def test_json_ld_compaction_leaves_values_and_odd_iris_alone() -> None:
    from foerdergraph.serve.results import graph_bytes

    s = ox.NamedNode(BASE + "id/organisation/ä-ß")
    triples = [
        ox.Triple(
            s, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("skos:x")
        ),
        ox.Triple(
            s,
            ox.NamedNode("http://example.org/unprefixed"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#//odd"),
        ),
        ox.Triple(
            s,
            ox.NamedNode("http://example.org/n"),
            ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
    ]
    body = graph_bytes(
        triples,
        ox.RdfFormat.JSON_LD,
        {
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "fgd": BASE + "id/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
    )
    assert {q.triple for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)} == set(triples)
    text = body.decode()
    assert (
        '"fgd:organisation/ä-ß"' in text and '"skos:prefLabel"' in text and '"xsd:integer"' in text
    )

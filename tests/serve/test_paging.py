"""A hub's linked-data description comes in pages: the first at the IRI itself, each naming
the next (Hydra and `Link`), blank nodes and reified statements never cut, and all pages
together exactly the description."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from foerdergraph.core.config import Settings
from foerdergraph.serve import linked_data
from foerdergraph.serve.app import create_app
from foerdergraph.serve.paging import HYDRA

from .conftest import BASE, FIXTURES, make_release
from .test_linked_data import MINISTRY

HUB = "id/organisation/hub"
PAGE = 10
FG = "https://w3id.org/foerdergraph/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
GRAPH = ox.NamedNode(BASE + "graph/entities")
NT = {"Accept": "application/n-triples"}


def hub_quads() -> list[ox.Quad]:
    """37 participations, each a blank node with two statements, and five reified statements
    about the hub: far more than one page of PAGE triples."""
    hub = ox.NamedNode(BASE + HUB)
    quads = [ox.Quad(hub, ox.NamedNode(RDF + "type"), ox.NamedNode(FG + "Organisation"), GRAPH)]
    for n in range(37):
        role = ox.BlankNode(f"role{n}")
        quads.append(ox.Quad(hub, ox.NamedNode(FG + "hasRole"), role, GRAPH))
        quads.append(
            ox.Quad(role, ox.NamedNode(FG + "project"), ox.NamedNode(f"{BASE}id/p/{n}"), GRAPH)
        )
        quads.append(ox.Quad(role, ox.NamedNode(FG + "share"), ox.Literal(str(n)), GRAPH))
    for n in range(5):
        statement = ox.NamedNode(f"{BASE}id/statement/{n}")
        quads.append(ox.Quad(statement, ox.NamedNode(RDF + "subject"), hub, GRAPH))
        quads.append(ox.Quad(statement, ox.NamedNode(RDF + "object"), ox.Literal(f"v{n}"), GRAPH))
    return quads


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paged")
    make_release(root, extra=hub_quads())
    return root


@pytest.fixture(scope="module")
def client(build_dir: Path) -> Iterator[TestClient]:
    settings = Settings(
        home=FIXTURES,
        base_iri=BASE,
        build_dir_override=build_dir,
        query_workers=1,
        page_triples=PAGE,
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def next_link(response: object) -> str | None:
    found = re.search(r'<([^>]+)>; rel="next"', response.headers.get("link", ""))  # type: ignore[attr-defined]
    return found.group(1) if found else None


def data_triples(body: bytes) -> list[ox.Triple]:
    """A page's triples without its Hydra links."""
    return [
        q.triple
        for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        if not q.predicate.value.startswith(HYDRA) and "?page=" not in str(q.subject)
    ]


def canonical(triples: list[ox.Triple]) -> list[str]:
    """The triples sorted as text, each blank node written as what it states (blank node
    labels are per document, so two pages or a page and the store name them differently)."""
    held: dict[object, list[str]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            held.setdefault(t.subject, []).append(f"{t.predicate} {t.object}")

    def name(term: object) -> str:
        return "[" + " ; ".join(sorted(held[term])) + "]" if term in held else str(term)

    return sorted(f"{name(t.subject)} {t.predicate} {name(t.object)}" for t in triples)


def all_pages(client: TestClient) -> list[bytes]:
    bodies, url = [], "/" + HUB
    while url:
        response = client.get(url, headers=NT)
        assert response.status_code == 200, response.text
        bodies.append(response.content)
        url = next_link(response)
    return bodies


def test_pages_together_are_the_whole_description(client: TestClient, build_dir: Path) -> None:
    bodies = all_pages(client)
    assert len(bodies) > 3
    store = ox.Store.read_only(str(build_dir / "current" / "store"))
    whole = linked_data.describe(store, BASE + HUB)
    served = [t for body in bodies for t in data_triples(body)]
    assert canonical(served) == canonical(whole)
    projects = {t.object.value for t in served if t.predicate.value == FG + "project"}
    assert projects == {f"{BASE}id/p/{n}" for n in range(37)}
    assert sum(t.predicate.value == RDF + "object" for t in served) == 5


def test_blank_nodes_stay_on_the_page_that_links_them(client: TestClient) -> None:
    for body in all_pages(client):
        triples = data_triples(body)
        linked = {t.object for t in triples if isinstance(t.object, ox.BlankNode)}
        described = {t.subject for t in triples if isinstance(t.subject, ox.BlankNode)}
        assert linked == described


def test_first_page_is_a_hydra_view_with_next(client: TestClient) -> None:
    response = client.get(f"/{HUB}.ttl")
    assert response.status_code == 200
    doc_url = f"http://127.0.0.1:8000/{HUB}.ttl"
    assert response.headers["content-location"] == doc_url + "?page=1"
    assert f'<{doc_url}?page=2>; rel="next"' in response.headers["link"]
    graph = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)]
    view = ox.NamedNode(doc_url + "?page=1")
    assert ox.Triple(ox.NamedNode(BASE + HUB), ox.NamedNode(HYDRA + "view"), view) in graph
    assert (
        ox.Triple(view, ox.NamedNode(RDF + "type"), ox.NamedNode(HYDRA + "PartialCollectionView"))
        in graph
    )
    assert ox.Triple(view, ox.NamedNode(HYDRA + "next"), ox.NamedNode(doc_url + "?page=2")) in graph
    assert len(data_triples(client.get(f"/{HUB}", headers=NT).content)) < 3 * PAGE


def test_last_page_has_no_next_and_past_it_is_404(client: TestClient) -> None:
    pages = all_pages(client)
    last = client.get(f"/{HUB}?page={len(pages)}", headers=NT)
    assert 'rel="prev"' in last.headers["link"] and 'rel="next"' not in last.headers["link"]
    assert client.get(f"/{HUB}?page={len(pages) + 1}", headers=NT).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "two", ""])
def test_bad_page_numbers_are_400(client: TestClient, page: str) -> None:
    for accept in ("application/n-triples", "text/html"):
        assert client.get(f"/{HUB}?page={page}", headers={"Accept": accept}).status_code == 400


def test_small_description_is_not_paged(client: TestClient) -> None:
    response = client.get("/" + MINISTRY, headers=NT)
    assert "link" not in response.headers
    assert HYDRA not in response.text
    assert not response.headers["content-location"].endswith("?page=1")


def test_html_page_is_paged_likewise(client: TestClient) -> None:
    """The statements view of a hub (its first page behind `?view=statements`, the summary
    being the default page) is paged like its RDF."""
    first = client.get(f"/{HUB}?view=statements", headers={"Accept": "text/html"})
    second = client.get(f"/{HUB}?page=2", headers={"Accept": "text/html"})
    assert first.status_code == second.status_code == 200
    assert 'rel="next"' in first.headers["link"]
    assert f'href="http://127.0.0.1:8000/{HUB}?page=2"' in first.text
    assert "(page 2)" in second.text
    first_projects = set(re.findall(r"\"bnode\">role(\d+)<", first.text))
    second_projects = set(re.findall(r"\"bnode\">role(\d+)<", second.text))
    assert first_projects and second_projects and not first_projects & second_projects

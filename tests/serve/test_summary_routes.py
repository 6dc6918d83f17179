"""Summary pages and partner networks through the app, on the served fixture build: language by
parameter and header (and the cache keeps them apart), the statements view one link away, the
partner network as JSON and as a download."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

MINISTRY = "id/organisation/wirtschaftsministerium-nrw"
HTML = {"Accept": "text/html"}


def test_organisation_page_is_a_summary_in_german_by_default(client: TestClient) -> None:
    page = client.get("/" + MINISTRY, headers=HTML)
    assert page.status_code == 200 and 'class="summary summary-organisation"' in page.text
    assert '<html lang="de">' in page.text and ">Typ</dt>" in page.text
    assert f'href="http://127.0.0.1:8000/{MINISTRY}?view=statements"' in page.text
    assert "Accept-Language" in page.headers["vary"]


def test_english_by_parameter_or_header_and_cached_apart(client: TestClient) -> None:
    german = client.get("/" + MINISTRY, headers=HTML).text
    by_header = client.get("/" + MINISTRY, headers={**HTML, "Accept-Language": "en"}).text
    by_parameter = client.get(f"/{MINISTRY}?lang=en", headers=HTML).text
    assert ">Type</dt>" in by_header and ">Type</dt>" in by_parameter
    assert ">Typ</dt>" in german and ">Typ</dt>" in client.get("/" + MINISTRY, headers=HTML).text
    assert '<html lang="en">' in by_parameter


def test_statements_view_keeps_the_generic_page(client: TestClient) -> None:
    page = client.get(f"/{MINISTRY}?view=statements", headers=HTML).text
    assert 'id="props-h"' in page and "summary-organisation" not in page


def test_partner_network_as_json_and_download(client: TestClient) -> None:
    graph = client.get("/network/partners/organisation/wirtschaftsministerium-nrw")
    assert graph.status_code == 200
    assert graph.headers["content-type"].startswith("application/json")
    assert json.loads(graph.text)["nodes"] == []  # the fixture has no participations
    graphml = client.get("/network/partners/programme/efre-nrw", params={"format": "graphml"})
    assert graphml.status_code == 200 and "<graphml" in graphml.text
    assert "attachment" in graphml.headers["content-disposition"]
    assert client.get("/network/partners/programme/efre-nrw?format=png").status_code == 400
    assert client.get("/network/partners/grant/g1").status_code == 404

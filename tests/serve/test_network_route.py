"""`/network` answers 400 naming a bad parameter (the fixture build has no participations)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_bad_parameters_are_named(client: TestClient) -> None:
    for params, name in (
        ({"kind": "nope"}, "kind"),
        ({"format": "tsv"}, "format"),
        ({"colour": "red"}, "colour"),
    ):
        response = client.get("/network", params=params)
        assert response.status_code == 400, params
        assert name in response.text, (params, response.text)

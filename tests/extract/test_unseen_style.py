"""Press texts written for these tests (tests/extract/texts/, invented actors and amounts) in the
style of NRW funding news, to check that the rules generalise beyond the devset and the seeds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from foerdergraph.extract.gazetteer import Gazetteer
from foerdergraph.extract.pipeline import extract_file

TEXTS = Path(__file__).parent / "texts"

EXPECTED = {
    "h2-hub": {
        ("Universität Duisburg-Essen", "leads", "H2-Hub Niederrhein"),
        ("Stadtwerke Duisburg AG", "partners_in", "H2-Hub Niederrhein"),
        ("Projektträger Jülich", "sponsors_project_admin", "H2-Hub Niederrhein"),
        ("Europäischen Fonds für regionale Entwicklung", "funds", "H2-Hub Niederrhein"),
    },
    "innenstadt": {
        ("Bezirksregierung Detmold", "approves", "Stadt Bielefeld"),
        ("Handwerkskammer Ostwestfalen-Lippe zu Bielefeld", "supports", "Altstadt lebt"),
    },
    "digital-hub": {
        ("OWL GmbH", "leads", "Digital.Hub.OWL"),
        ("Universität Paderborn", "partners_in", "Digital.Hub.OWL"),
        ("Digital.Hub.OWL", "part_of", "Regio.NRW – Transformation"),
        ("Wirtschaftsförderungsgesellschaft Paderborn mbH", "partners_in", "Digital.Hub.OWL"),
    },
    "radweg": {
        ("Nahmobilität NRW", "funds", "Ennepe-Ruhr-Kreis"),
        ("Bezirksregierung Arnsberg", "approves", "Ennepe-Ruhr-Kreis"),
        ("Stadt Schwelm", "member_of", "Zweckverband Verkehrsverbund Rhein-Ruhr"),
    },
    "quartier": {
        ("Stadt Gelsenkirchen", "leads", "Quartier Ückendorf 2030"),
        (
            "Stadterneuerungsgesellschaft Gelsenkirchen mbH",
            "partners_in",
            "Quartier Ückendorf 2030",
        ),
        (
            "Ministerium für Heimat, Kommunales, Bau und Gleichstellung",
            "funds",
            "Stadt Gelsenkirchen",
        ),
    },
    "smart-country": {
        ("Bundesministerium des Innern, für Bau und Heimat", "funds", "Smart Country Side"),
        ("Kreis Lippe", "leads", "Smart Country Side"),
        ("Universität Paderborn", "supports", "Smart Country Side"),
        ("Smart Country Side", "part_of", "Modellprojekte Smart Cities"),
        ("Bezirksregierung Detmold", "approves", "Smart Country Side"),
    },
    "ki-fabrik": {
        ("RWTH Aachen", "leads", "KI.Fabrik"),
        ("Bundesministerium für Bildung und Forschung", "funds", "KI.Fabrik"),
        ("KI.Fabrik", "part_of", "Zukunft der Wertschöpfung"),
        ("Projektträger Karlsruhe", "sponsors_project_admin", "KI.Fabrik"),
        ("NRW.BANK", "supports", "KI.Fabrik"),
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_relations(name: str) -> None:
    result = extract_file(TEXTS / f"{name}.txt", Gazetteer([]))
    found = {(r.subject.name, r.predicate, r.object.name) for r in result.relations}
    assert EXPECTED[name] <= found


def test_clutter_in_these_pages_yields_nothing() -> None:
    innenstadt = extract_file(TEXTS / "innenstadt.txt", Gazetteer([]))
    assert "Bezirksregierung Münster" not in {e.name for e in innenstadt.entities}  # teaser
    hub = extract_file(TEXTS / "digital-hub.txt", Gazetteer([]))
    assert "Petra Pressefrau" not in {e.name for e in hub.entities}  # press contact


def test_amounts_in_these_pages() -> None:
    result = extract_file(TEXTS / "ki-fabrik.txt", Gazetteer([]))
    funds = next(r for r in result.relations if r.predicate == "funds")
    assert funds.amount == Decimal("3500000")


def test_types_of_these_pages() -> None:
    result = extract_file(TEXTS / "quartier.txt", Gazetteer([]))
    types = {e.name: e.type for e in result.of_kind("organisation")}
    assert types["Stadt Gelsenkirchen"] == "municipality"  # not "other" for the -kirchen
    assert types["Stadterneuerungsgesellschaft Gelsenkirchen mbH"] == "company"

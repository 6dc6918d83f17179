"""One invented sentence per construction of German funding news (docs/extraction.md lists them):
each must yield its entity or relation with the rules alone, and near misses must not."""

from __future__ import annotations

import pytest

from .helpers import names, run, triples

ENTITY_CASES = [
    pytest.param(
        "Das Modellvorhaben „Smarte Schule“ läuft drei Jahre.",
        "project",
        "Smarte Schule",
        id="…vorhaben „X“",
    ),
    pytest.param(
        "Die Maßnahme „Grüner Ring“ wird gefördert.", "project", "Grüner Ring", id="Maßnahme „X“"
    ),
    pytest.param(
        "Aus dem Fonds „Innovative Stadt“ fließen 2 Mio. Euro.",
        "programme",
        "Innovative Stadt",
        id="Fonds „X“",
    ),
    pytest.param(
        "Das neue Vorhaben heißt „Grüner Hafen“.", "project", "Grüner Hafen", id="heißt „X“"
    ),
    pytest.param(
        "Der Zukunftsfonds Musterland stellt Geld bereit.",
        "programme",
        "Zukunftsfonds Musterland",
        id="…fonds X (der Fonds gehört zum Namen)",
    ),
    pytest.param(
        "Das Vorhaben trägt den Namen „Grüner Hafen“.",
        "project",
        "Grüner Hafen",
        id="trägt den Namen „X“",
    ),
    pytest.param(
        "Die Hochschulen Musterberg und Beispielstadt starten ein Vorhaben.",
        "organisation",
        "Hochschule Beispielstadt",
        id="die Hochschulen A und B",
    ),
    pytest.param(
        "Die Kreise Musterland, Nordland und Westland arbeiten zusammen.",
        "organisation",
        "Kreis Nordland",
        id="die Kreise A, B und C",
    ),
    pytest.param(
        "Bescheide erhalten die Städte Musterberg und Beispielstadt.",
        "organisation",
        "Beispielstadt",
        id="die Städte A und B (eine Stadt unter ihrem Namen)",
    ),
    pytest.param(
        "Beraten wird von den Handwerkskammern Musterberg sowie Beispielstadt.",
        "organisation",
        "Handwerkskammer Musterberg",
        id="den Handwerkskammern A sowie B",
    ),
    pytest.param(
        "Das Geld geht an den Märkischen Kreis.",
        "organisation",
        "Märkischer Kreis",
        id="Adjektiv-Kreis",
    ),
    pytest.param(
        "Das Geld geht an den Hochsauerlandkreis.",
        "organisation",
        "Hochsauerlandkreis",
        id="Kreis als ein Wort",
    ),
    pytest.param("Das Vorhaben wird mit Mitteln der EU gefördert.", "organisation", "EU", id="EU"),
    pytest.param(
        "Knapp 2 Millionen Euro entfallen auf ein Vorhaben des Landes.",
        "organisation",
        "Land",
        id="des Landes (ohne Land X)",
    ),
    pytest.param(
        "Gestern hat Musterstadts Bürgermeister Max Beispiel den Bescheid erhalten.",
        "organisation",
        "Musterstadt",
        id="Stadt durch ihren Bürgermeister",
    ),
    pytest.param(
        "Das Gespräch führten Jana Muster (IHK Beispielstadt) und andere.",
        "person",
        "Jana Muster",
        id="Name (Organisation)",
    ),
    pytest.param(
        "Das Geld geht an den Kreis Musterland (Landrat: Max Beispiel).",
        "person",
        "Max Beispiel",
        id="Organisation (Posten: Name)",
    ),
    pytest.param(
        "Dazu referierte Klaus Muster von der Wirtschaftsförderung Beispielstadt.",
        "person",
        "Klaus Muster",
        id="Name von der Organisation",
    ),
    pytest.param(
        "Er traf Oberbürgermeister Erik B. Beispiel im Rathaus.",
        "person",
        "Erik B. Beispiel",
        id="Name mit Initiale",
    ),
    pytest.param(
        "Mit der Offensive Digitales Musterland unterstützt das Land kleine Unternehmen.",
        "programme",
        "Digitales Musterland",
        id="Programm mit Kopfwort ohne Anführungszeichen",
    ),
    pytest.param(
        "Das Geld stammt aus dem Ziel-2-Programm 2007-2013.",
        "programme",
        "Ziel-2-Programm 2007-2013",
        id="Programm als Kompositum",
    ),
    pytest.param(
        "Das Vorhaben gehört zur Regionale 2031.", "programme", "Regionale 2031", id="REGIONALE"
    ),
    pytest.param(
        "Mittel der Gemeinschaftsaufgabe zur Verbesserung der regionalen Wirtschaftsstruktur.",
        "programme",
        "Gemeinschaftsaufgabe zur Verbesserung der regionalen Wirtschaftsstruktur",
        id="Gemeinschaftsaufgabe",
    ),
    pytest.param(
        "Für das „Lernwerk“-Vorhaben fließen 2 Mio. Euro.",
        "project",
        "Lernwerk",
        id="„Name“-Vorhaben",
    ),
    pytest.param(
        "Er übergab Fördergelder für die „digitale Beschilderung im Musterland“.",
        "project",
        "digitale Beschilderung im Musterland",
        id="Fördergelder für die „…“",
    ),
    pytest.param(
        "Das Verbundprojekt Smart Musterland startet im Mai.",
        "project",
        "Smart Musterland",
        id="Projekt mit Kopfwort ohne Anführungszeichen",
    ),
]


@pytest.mark.parametrize(("text", "kind", "name"), ENTITY_CASES)
def test_entity_construction(text: str, kind: str, name: str) -> None:
    assert name in names(run(text), kind)


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("Der Arbeitskreis tagt.", "organisation", "Arbeitskreis"),
        ("Das ist ein Problem auf dem Land.", "organisation", "Land"),
        ("Unser Bürgermeister Max Beispiel lacht.", "organisation", "Uns"),
        ("Das Förderprogramm richtet sich an Kommunen.", "programme", "Förderprogramm"),
        ("Das Vorhaben gehört zu den „Drei-Sterne-Projekten“.", "project", "Drei-Sterne-Projekten"),
        ("Das Projekt Ende 2020 ist abgeschlossen.", "project", "Ende 2020"),
        (
            "In den Städten Musterberg und Beispielstadt entstehen Radwege.",
            "organisation",
            "Musterberg",
        ),
        ("Die Städte und Gemeinden der Region profitieren.", "organisation", "Gemeinde"),
        ("Die Kreise Mai und Juni sind gemeint.", "organisation", "Kreis Mai"),
        ("Die Maßnahme trägt zur „Energiewende“ bei.", "project", "Energiewende"),
        ("Die Maßnahmen seien „sehr erfolgreich“, sagte sie.", "project", "sehr erfolgreich"),
    ],
)
def test_entity_near_misses(text: str, kind: str, name: str) -> None:
    assert name not in names(run(text), kind)


def test_a_town_by_its_name_and_as_stadt_is_one_organisation() -> None:
    result = run(
        "Bescheide erhalten die Städte Musterberg und Beispielstadt. "
        "Die Stadt Beispielstadt baut damit einen Radweg."
    )
    towns = [e for e in result.of_kind("organisation") if "Beispielstadt" in e.name]
    assert len(towns) == 1 and len(towns[0].mentions) == 2
    assert towns[0].type == "municipality"


def test_a_town_name_is_one_word() -> None:
    result = run("Er traf den Beigeordneten der Stadt Musterberg Max Beispiel.")
    assert "Stadt Musterberg" in names(result, "organisation")
    assert "Max Beispiel" in names(result, "person")


RELATION_CASES = [
    pytest.param(
        "Der Regierungspräsident übergab Bescheide für die „Beschilderung im Musterland“: "
        "114.800 Euro an den Kreis Musterland und 56.000 Euro an die Stadt Beispielstadt.",
        ("Kreis Musterland", "partners_in", "Beschilderung im Musterland"),
        id="… Euro an den <Empfänger>",
    ),
    pytest.param(
        "Das Projekt „Iota“ wird mit Mitteln der EU und des Landes Nordrhein-Westfalen gefördert.",
        ("Land Nordrhein-Westfalen", "funds", "Iota"),
        id="mit Mitteln der A und des B gefördert",
    ),
    pytest.param(
        "Aus dem Europäischen Sozialfonds stehen dem Land rund 600 Millionen Euro zur Verfügung.",
        ("Europäischen Sozialfonds", "funds", "Land"),
        id="aus dem Fonds stehen dem <Empfänger> zur Verfügung",
    ),
    pytest.param(
        "Das Projekt „Lambda“ beginnt. Aus Mitteln des Förderprogramms „Zukunft Musterland“ "
        "wurden 1,2 Millionen Euro bewilligt.",
        ("Zukunft Musterland", "funds", "Lambda"),
        id="aus Mitteln des Programms bewilligt (funds)",
    ),
    pytest.param(
        "Das Projekt „Lambda“ beginnt. Aus Mitteln des Förderprogramms „Zukunft Musterland“ "
        "wurden 1,2 Millionen Euro bewilligt.",
        ("Lambda", "part_of", "Zukunft Musterland"),
        id="aus Mitteln des Programms bewilligt (part_of)",
    ),
    pytest.param(
        "Mit dem Programm „Alpha.NRW“ hat die EU-Kommission ein Programm genehmigt.",
        ("EU-Kommission", "approves", "Alpha.NRW"),
        id="genehmigt",
    ),
    pytest.param(
        "Das Projekt „Delta“ steht unter der Leitung der Hochschule Beispielstadt.",
        ("Hochschule Beispielstadt", "leads", "Delta"),
        id="unter der Leitung",
    ),
    pytest.param(
        "Träger des Projekts „Zeta“ ist der Verein Musterhilfe e.V.",
        ("Verein Musterhilfe e.V.", "leads", "Zeta"),
        id="Träger",
    ),
    pytest.param(
        "Koordiniert wird das Projekt „Kappa“ von der Musterstadt Marketing GmbH.",
        ("Musterstadt Marketing GmbH", "leads", "Kappa"),
        id="koordiniert von",
    ),
    pytest.param(
        "Die Stadt Musterhausen setzt das Projekt „Epsilon“ in Zusammenarbeit mit der IHK "
        "Musterstadt um.",
        ("Stadt Musterhausen", "leads", "Epsilon"),
        id="setzt … um (lead)",
    ),
    pytest.param(
        "Die Stadt Musterhausen setzt das Projekt „Epsilon“ in Zusammenarbeit mit der IHK "
        "Musterstadt um.",
        ("IHK Musterstadt", "partners_in", "Epsilon"),
        id="in Zusammenarbeit mit (partner)",
    ),
    pytest.param(
        "Seit Montag hat Musterstadts Bürgermeister Max Beispiel den Förderbescheid für das "
        "Projekt „Lernwerk“ in der Hand.",
        ("Musterstadt", "leads", "Lernwerk"),
        id="Bescheid in der Hand",
    ),
    pytest.param(
        "Das Projekt „Alpha“ wird durch das Land Nordrhein-Westfalen gefördert.",
        ("Land Nordrhein-Westfalen", "funds", "Alpha"),
        id="gefördert durch",
    ),
    pytest.param(
        "Die Hochschule Beispielstadt erhält 450.000 Euro für das Projekt „Grünes Labor“.",
        ("Hochschule Beispielstadt", "leads", "Grünes Labor"),
        id="erhält … Euro für das Projekt",
    ),
    pytest.param(
        "Das Vorhaben „Gamma“ wird im Rahmen des Programms „Zukunft Region“ gefördert.",
        ("Gamma", "part_of", "Zukunft Region"),
        id="im Rahmen des Programms",
    ),
    pytest.param(
        "Projektpartner im Projekt „Grüne Welle“ sind die Hochschulen Musterberg und "
        "Beispielstadt.",
        ("Hochschule Beispielstadt", "partners_in", "Grüne Welle"),
        id="Projektpartner sind die Hochschulen A und B",
    ),
    pytest.param(
        "Das Projekt „Grüne Welle“ wird in Zusammenarbeit mit der IHK Musterland umgesetzt.",
        ("IHK Musterland", "partners_in", "Grüne Welle"),
        id="in Zusammenarbeit mit <Org> umgesetzt",
    ),
    pytest.param(
        "Im Auftrag des Ministeriums für Wirtschaft koordiniert die Musterberg GmbH das Projekt "
        "„Grüne Welle“.",
        ("Musterberg GmbH", "leads", "Grüne Welle"),
        id="im Auftrag des <Org> koordiniert <Org> das Projekt",
    ),
    pytest.param(
        "Der Kreis Musterland erhält für das Projekt „Grüne Welle“ 500.000 Euro.",
        ("Kreis Musterland", "leads", "Grüne Welle"),
        id="X erhält für das Projekt P … Euro",
    ),
]


@pytest.mark.parametrize(("text", "expected"), RELATION_CASES)
def test_relation_construction(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(run(text))


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        (
            "Im Auftrag des Ministeriums für Wirtschaft koordiniert die Musterberg GmbH das "
            "Projekt „Grüne Welle“.",
            ("Ministerium für Wirtschaft", "leads", "Grüne Welle"),
        ),
        (
            "Der Kreis Musterland und die Stadt Beispielstadt erhalten für das Projekt „Grüne "
            "Welle“ 500.000 Euro.",
            ("Kreis Musterland", "leads", "Grüne Welle"),
        ),
        (
            "Der Kreis Musterland erhält für das Projekt „Grüne Welle“ 500.000 Euro und für das "
            "Projekt „Rote Welle“ 200.000 Euro.",
            ("Kreis Musterland", "leads", "Grüne Welle"),
        ),
    ],
    ids=["der Auftraggeber leitet nicht", "zwei Empfänger", "zwei Beträge"],
)
def test_relation_near_misses(text: str, absent: tuple[str, str, str]) -> None:
    assert absent not in triples(run(text))


def test_several_recipients_with_their_bodies_do_not_lead() -> None:
    """People named beside several bodies: who holds the notice is not said, no lead."""
    result = run(
        "Er übergab Bescheide für die „Beschilderung im Musterland“: 114.800 Euro an den Kreis "
        "Musterland (Landrat: Max Beispiel) und 56.000 Euro an den Kreis Beispielland (Eva "
        "Muster)."
    )
    assert not [r for r in result.relations if r.predicate == "leads"]
    partners = {r.subject.name for r in result.relations if r.predicate == "partners_in"}
    assert partners == {"Kreis Musterland", "Kreis Beispielland"}


def test_a_statement_about_a_project_names_no_programme_for_all_projects() -> None:
    result = run(
        "Für das Projekt „Alpha“ gibt es Geld. Für das „Beta“-Vorhaben auch. Das Vorhaben gehört "
        "zu den „Drei-Sterne-Projekten“ der Regionale 2031."
    )
    part_of = {
        (r.subject.name, r.object.name) for r in result.relations if r.predicate == "part_of"
    }
    assert part_of == {("Beta", "Regionale 2031")}

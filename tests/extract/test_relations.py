"""One test per relation cue: each must find its relation, and the near misses must not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from foerdergraph.extract.model import PREDICATES

from .helpers import run, triples

CASES = [
    pytest.param(
        "Das Förderprojekt „Alpha Netz“ liegt federführend bei der Wirtschaftsförderung Hamm.",
        ("Wirtschaftsförderung Hamm", "leads", "Alpha Netz"),
        id="federführend",
    ),
    pytest.param(
        "Mit 3.448.758 Euro wird das Projekt „Beta Labor“ der Hochschule Rhein-Waal gefördert.",
        ("Hochschule Rhein-Waal", "leads", "Beta Labor"),
        id="Projekt … der <Organisation>",
    ),
    pytest.param(
        "Das Projekt „Gamma“ wird in Abstimmung mit dem Projektträger Jülich durchgeführt.",
        ("Projektträger Jülich", "sponsors_project_admin", "Gamma"),
        id="Projektträger",
    ),
    pytest.param(
        "Die Bezirksregierung Köln hat die administrative Abwicklung des Förderprogramms "
        "„Unternehmen Zukunft“ übernommen.",
        ("Bezirksregierung Köln", "sponsors_project_admin", "Unternehmen Zukunft"),
        id="Abwicklung",
    ),
    pytest.param(
        "Für das Kooperationsprojekt „Delta Netz“ erhalten die Alpha GmbH 123.498 Euro und die "
        "Beta AG 197.803 Euro.",
        ("Alpha GmbH", "partners_in", "Delta Netz"),
        id="erhalten … Euro (partners)",
    ),
    pytest.param(
        "Die Tourismus Beispiel GmbH (TBG) hat vom NRW-Wirtschaftsministerium vier "
        "Förderbescheide in Höhe von sechs Millionen Euro erhalten.",
        ("NRW-Wirtschaftsministerium", "funds", "Tourismus Beispiel GmbH"),
        id="erhalten vom",
    ),
    pytest.param(
        "Um ihre Aufgaben zu erfüllen, wird die Zukunftsagentur Niederrhein vom Land NRW "
        "institutionell gefördert.",
        ("Land NRW", "funds", "Zukunftsagentur Niederrhein"),
        id="gefördert vom",
    ),
    pytest.param(
        "Die Region Aachen erhält aus dem Förderprogramm „Unternehmen Zukunft“ eine Millionen "
        "Euro pro Jahr.",
        ("Unternehmen Zukunft", "funds", "Region Aachen"),
        id="erhält aus",
    ),
    pytest.param(
        'Für das Programm "Regio.NRW" stehen 50 Mio. Euro Fördermittel aus dem Europäischen '
        "Fonds für regionale Entwicklung (EFRE) zur Verfügung.",
        ("Europäischen Fonds für regionale Entwicklung", "funds", "Regio.NRW"),
        id="Fördermittel aus dem EFRE",
    ),
    pytest.param(
        "Regierungspräsident Max Muster übergab im Namen der Bezirksregierung Detmold den "
        "Förderbescheid für das Projekt „Epsilon“.",
        ("Bezirksregierung Detmold", "approves", "Epsilon"),
        id="Förderbescheid der Bezirksregierung",
    ),
    pytest.param(
        "Neben dem Handwerk beteiligen sich die Omega GmbH und die IHK Mittlerer Niederrhein "
        "als strategische Partner am Projekt „Zeta“.",
        ("IHK Mittlerer Niederrhein", "partners_in", "Zeta"),
        id="strategische Partner",
    ),
    pytest.param(
        "Unterstützt wird das Projekt „Eta“ unter anderem von der Handwerkskammer Aachen.",
        ("Handwerkskammer Aachen", "supports", "Eta"),
        id="unterstützt von",
    ),
    pytest.param(
        "Auch die ZENTA GmbH ist als Unterauftragnehmerin der NRW.BANK in diesen Prozess "
        "involviert.",
        ("ZENTA GmbH", "subcontractor_of", "NRW.BANK"),
        id="Unterauftragnehmerin",
    ),
    pytest.param(
        "Die Theta GmbH arbeitet im Auftrag des Bundesministeriums für Bildung und Forschung.",
        ("Theta GmbH", "subcontractor_of", "Bundesministerium für Bildung und Forschung"),
        id="im Auftrag des",
    ),
    pytest.param(
        "Zusammen mit dem Kohleausstieg hat die Bundesregierung das Investitionsgesetz "
        "Kohleregionen (InvKG) beschlossen.",
        ("Bundesregierung", "issues_programme", "Investitionsgesetz Kohleregionen"),
        id="beschlossen",
    ),
    pytest.param(
        "Es geht um das Förderprogramm „Unternehmen Zukunft“ des Bundesministeriums für "
        "Wirtschaft und Energie.",
        ("Bundesministerium für Wirtschaft und Energie", "issues_programme", "Unternehmen Zukunft"),
        id="Programm des Ministeriums",
    ),
    pytest.param(
        "Das Regionalmanagement Bonn – Kreis Ahrweiler, eine Kooperation zwischen der "
        "Bundesstadt Bonn, dem Kreis Ahrweiler und der IHK Bonn, beginnt.",
        ("Kreis Ahrweiler", "member_of", "Regionalmanagement Bonn – Kreis Ahrweiler"),
        id="Kooperation zwischen",
    ),
    pytest.param(
        "Die RTG ist eine hundertprozentige Tochter des Regionalverbandes Ruhr (RVR). Vorher: "
        "Die Ruhr Tourismus GmbH (RTG) in Oberhausen wächst.",
        ("Ruhr Tourismus GmbH", "part_of", "Regionalverband Ruhr"),
        id="Tochter des",
    ),
    pytest.param(
        "Die Ruhr Tourismus GmbH (RTG) in Oberhausen hat Geld erhalten.",
        ("Ruhr Tourismus GmbH", "located_in", "Oberhausen"),
        id="<Organisation> in <Ort>",
    ),
    pytest.param(
        "Die Handwerkskammer Dortmund hat sich mit einer Projektskizze namens „Iota“ am Aufruf "
        "„Digital 21“ beteiligt.",
        ("Iota", "part_of", "Digital 21"),
        id="Projekt am Aufruf",
    ),
    pytest.param(
        'Projektideen zu den Themensäulen „Kappa.NRW - Transfer" und "Kappa.NRW – Flächen“ '
        'können zum Projektaufruf "Kappa.NRW" eingereicht werden.',
        ("Kappa.NRW – Flächen", "part_of", "Kappa.NRW"),
        id="Säule eines Programms",
    ),
    pytest.param(
        "Informationen zum Projektaufruf „Lambda“ bot die Bezirksregierung Arnsberg an.",
        ("Bezirksregierung Arnsberg", "supports", "Lambda"),
        id="Informationsveranstaltung",
    ),
]


CASES += [
    pytest.param(
        "Das Projekt „Ny“ startet heute. Federführend ist die Universität Siegen.",
        ("Universität Siegen", "leads", "Ny"),
        id="Federführend (sentence start)",
    ),
    pytest.param(
        "Das Projekt „Xi“ wird von der Alpha GmbH gemeinsam mit der Universität Bonn und der "
        "Technischen Hochschule Köln umgesetzt.",
        ("Technische Hochschule Köln", "partners_in", "Xi"),
        id="von der … gemeinsam mit … umgesetzt",
    ),
    pytest.param(
        "Das Projekt „Omikron“ startet. Es wird im Rahmen des Förderaufrufs „Regio.NRW – "
        "Transformation“ mit 2,8 Millionen Euro gefördert.",
        ("Omikron", "part_of", "Regio.NRW – Transformation"),
        id="Es wird im Rahmen des Aufrufs",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_relation_cue(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(run(text))


def test_amounts_travel_with_their_relation() -> None:
    result = run(
        "Für das Kooperationsprojekt „Delta Netz“ erhalten die Alpha GmbH 123.498 Euro und die "
        "Beta AG 197.803 Euro."
    )
    amounts = {r.subject.name: r.amount for r in result.relations}
    assert amounts == {"Alpha GmbH": Decimal("123498"), "Beta AG": Decimal("197803")}


def test_recipients_with_amounts_after_the_verb() -> None:
    result = run(
        "Das Verbundprojekt „Pi“ startet. Federführend ist die Universität Siegen. Die "
        "Universität Siegen erhält 2,1 Millionen Euro, die Beta AG 1,3 Mio. Euro."
    )
    amounts = {(r.subject.name, r.predicate): r.amount for r in result.relations}
    assert amounts[("Universität Siegen", "leads")] == Decimal("2100000")
    assert amounts[("Beta AG", "partners_in")] == Decimal("1300000")


def test_the_project_in_focus_is_the_object_of_a_sentence_without_one() -> None:
    result = run(
        "Für das Kooperationsprojekt „Delta Netz“ erhalten die Alpha GmbH 123.498 Euro und die "
        "Beta AG 197.803 Euro. 80 Prozent werden vom Land Nordrhein-Westfalen übernommen."
    )
    rel = next(r for r in result.relations if r.predicate == "funds")
    assert (rel.subject.name, rel.object.name) == ("Land Nordrhein-Westfalen", "Delta Netz")
    assert rel.confidence < 0.8  # inferred from focus, so less sure


def test_a_pronoun_subject_borrows_the_previous_actor() -> None:
    result = run(
        "Die Bezirksregierung Köln hat die administrative Abwicklung des Förderprogramms "
        "„Unternehmen Zukunft“ übernommen. Sie befasst sich mit dem Bewilligungsverfahren."
    )
    assert ("Bezirksregierung Köln", "approves", "Unternehmen Zukunft") in triples(result)


@pytest.mark.parametrize(
    "text",
    [
        # a ministry hands out money but is not the approving Bezirksregierung
        "Das Projekt „Mu“ hat vom Ministerium für Heimat und Bau einen Bescheid erhalten.",
        # a generic, unnamed Projektträger
        "Die Agentur unterstützt die Projektträger bei der Qualifizierung von Projekten.",
        # "unterstützt" with no named supporter
        "Das Land unterstützt die Tourismusentwicklung im Ruhrgebiet mit sechs Millionen Euro.",
    ],
)
def test_near_misses_yield_no_relation(text: str) -> None:
    result = run(text)
    assert not [
        r
        for r in result.relations
        if r.predicate in {"approves", "supports", "sponsors_project_admin"}
    ]


def test_every_relation_has_verbatim_evidence() -> None:
    text = (
        "Regierungspräsidentin Dorothea Beispiel hat am Montag vier Förderbescheide für drei "
        "Projekte aus dem Programm „Umbau 42“ an die Bezirksregierung Münster übergeben.\n"
        "Mit 3.448.758 Euro wird das Projekt „Beta Labor“ der Hochschule Rhein-Waal gefördert."
    )
    result = run(text)
    assert result.relations
    for rel in result.relations:
        assert text[rel.evidence.start : rel.evidence.end] == rel.evidence.text
        assert rel.predicate in PREDICATES


def test_idioms_after_in_are_not_places() -> None:
    result = run("Die Stadt Essen in Kürze fertig. Die Alpha GmbH in Essen wächst.")
    assert triples(result) == {("Alpha GmbH", "located_in", "Essen")}

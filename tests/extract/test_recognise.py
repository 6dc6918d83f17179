"""Recognition traps: dotted names, long official names, inflection, posts, legal forms."""

from __future__ import annotations

from foerdergraph.extract.model import ExtractedEntity, Extraction
from foerdergraph.extract.normalise import name_key

from .helpers import names, run


def org(result: Extraction, name: str) -> ExtractedEntity:
    return next(e for e in result.of_kind("organisation") if e.name == name)


def test_dotted_names_stay_whole() -> None:
    result = run(
        "Die ZENIT GmbH ist Unterauftragnehmerin der NRW.BANK. Gefördert wird aus EFRE.NRW und "
        "dem Projektaufruf Regio.NRW."
    )
    assert org(result, "NRW.BANK").type == "bank"
    assert {"EFRE.NRW", "Regio.NRW"} <= set(names(result, "programme"))


def test_long_ministry_name_with_lower_case_words() -> None:
    result = run(
        "Garrelt Beispiel, Minister für Wirtschaft, sprach mit dem Ministerium für Wirtschaft, "
        "Energie, Industrie, Mittelstand und Handwerk des Landes Nordrhein-Westfalen über Geld."
    )
    ministry = "Ministerium für Wirtschaft, Energie, Industrie, Mittelstand und Handwerk des Landes Nordrhein-Westfalen"  # noqa: E501
    assert names(result, "organisation") == [ministry]
    assert org(result, ministry).type == "ministry"


def test_inflected_forms_are_one_entity_in_the_nominative() -> None:
    result = run(
        "Das Projekt der Handwerkskammer Münster startet. Die Handwerkskammer Münster dankt. "
        "Die RTG ist eine Tochter des Regionalverbandes Ruhr (RVR). Mittel des "
        "Bundesministeriums für Wirtschaft und Energie fließen."
    )
    orgs = names(result, "organisation")
    assert orgs.count("Handwerkskammer Münster") == 1
    assert "Regionalverband Ruhr" in orgs
    assert "Bundesministerium für Wirtschaft und Energie" in orgs
    assert org(result, "Regionalverband Ruhr").aliases == ["RVR"]


def test_posts_before_and_after_names() -> None:
    result = run(
        "Regierungspräsidentin Dorothea Beispiel übergab den Bescheid. HWK-Präsident Hans Hundt "
        "dankte. „Gut so“, so Thomas Westfahl, Geschäftsführer der Wirtschaftsförderung Dortmund. "
        "Diese Woche traf die Bezirksregierung Köln den Geschäftsführer der Zukunftsagentur "
        "Rheinisches Revier (ZRR), Bodo Mitteldorf, und die Geschäftsführerin Dr. Jutta Peter."
    )
    persons = {e.name: e for e in result.of_kind("person")}
    assert set(persons) == {
        "Dorothea Beispiel",
        "Hans Hundt",
        "Thomas Westfahl",
        "Bodo Mitteldorf",
        "Jutta Peter",
    }
    assert persons["Dorothea Beispiel"].post == "Regierungspräsidentin"
    assert persons["Hans Hundt"].post == "HWK-Präsident"
    assert persons["Thomas Westfahl"].organisation.name == "Wirtschaftsförderung Dortmund"
    assert persons["Bodo Mitteldorf"].organisation.name == "Zukunftsagentur Rheinisches Revier"


def test_surname_after_post_joins_the_full_name() -> None:
    result = run(
        "Garrelt Duinmann, Minister für Wirtschaft, startet den Aufruf. Minister Duinmann lacht."
    )
    (person,) = result.of_kind("person")
    assert person.name == "Garrelt Duinmann" and len(person.mentions) == 2


def test_companies_by_legal_form_walk_back_to_the_article() -> None:
    result = run(
        "Geld erhalten der Verein Alpha e. V. und die IST planbar GmbH sowie die "
        "WiN Emscher-Lippe GmbH."
    )
    assert {"IST planbar GmbH", "WiN Emscher-Lippe GmbH"} <= set(names(result, "organisation"))
    assert org(result, "IST planbar GmbH").type == "company"


def test_coreference_of_bare_heads_and_das_land() -> None:
    result = run(
        "Die Zukunftsagentur Rheinisches Revier (ZRR) plant. Die Zukunftsagentur wird vom Land "
        "Nordrhein-Westfalen gefördert. Das Land zahlt, die ZRR dankt."
    )
    zrr = org(result, "Zukunftsagentur Rheinisches Revier")
    assert [m.text for m in zrr.mentions] == [
        "Zukunftsagentur Rheinisches Revier",
        "ZRR",
        "Zukunftsagentur",
        "ZRR",
    ]
    assert len(org(result, "Land Nordrhein-Westfalen").mentions) == 2


def test_generic_plurals_and_indefinite_heads_are_not_organisations() -> None:
    result = run(
        "Der Aufruf richtet sich an kommunale Wirtschaftsförderungen, Hochschulen und die Kammern. "
        "Die Projektträger werden unterstützt."
    )
    assert names(result, "organisation") == []


def test_places_after_locative_prepositions_are_regions() -> None:
    result = run("Ausgehend von der Stadt Recklinghausen und im Rheinischen Revier wird gebaut.")
    assert names(result, "organisation") == []
    assert {"Stadt Recklinghausen", "Rheinisches Revier"} <= set(names(result, "region"))


def test_quoted_names_take_their_kind_from_the_cue_noun() -> None:
    result = run(
        "Im Förderprogramm „Stadt Land Fluss“ wird das Kooperationsprojekt „Brücke 3000“ "
        "gefördert. Das Motto lautet „Wir schaffen das!“. Die Technik „Long Range Network“ hilft."
    )
    assert names(result, "programme") == ["Stadt Land Fluss"]
    assert names(result, "project") == ["Brücke 3000"]


def test_a_typo_of_a_programme_name_is_merged_into_it() -> None:
    result = run(
        'Informationen zum Förderprojekt „Erlebnisse NRW“ gab es. Der Projektaufruf "Erlebnis.NRW" '
        "läuft."
    )
    (programme,) = result.of_kind("programme")
    assert name_key(programme.name) == "erlebnis.nrw" and "Erlebnisse NRW" in programme.aliases
    assert result.of_kind("project") == []


def test_funds_and_laws() -> None:
    result = run(
        "Mittel aus dem Europäischen Fonds für regionale Entwicklung (EFRE) und dem ESF. "
        "Die Bundesregierung hat das Strukturstärkungsgesetz Kohleregionen (StStG) beschlossen."
    )
    assert sorted(e.subkind for e in result.of_kind("fund")) == ["EFRE", "ESF"]
    assert names(result, "programme") == ["Strukturstärkungsgesetz Kohleregionen"]


def test_official_names_with_truncation_hyphens_acronyms_and_zu() -> None:
    result = run(
        "Beteiligt sind das Fraunhofer-Institut für Umwelt-, Sicherheits- und Energietechnik "
        "UMSICHT, die Industrie- und Handelskammer Ostwestfalen zu Bielefeld und die "
        "Technischen Hochschule Ostwestfalen-Lippe."
    )
    assert names(result, "organisation") == [
        "Fraunhofer-Institut für Umwelt-, Sicherheits- und Energietechnik UMSICHT",
        "Industrie- und Handelskammer Ostwestfalen zu Bielefeld",
        "Technische Hochschule Ostwestfalen-Lippe",
    ]
    assert [e.type for e in result.of_kind("organisation")] == [
        "research_institute",
        "chamber_of_commerce",
        "university",
    ]


def test_organisation_words_after_a_post_are_not_a_person() -> None:
    result = run("Geschäftsführer Stadtwerke Bochum sagte etwas. Landrat Olaf Schade lacht.")
    assert names(result, "person") == ["Olaf Schade"]


def test_the_speaker_of_a_quote_is_a_person_even_without_a_post() -> None:
    result = run(
        "„Das ist ein großer Tag für die Region“, sagte Hanna Beispielfrau. Dann ging es los."
    )
    assert names(result, "person") == ["Hanna Beispielfrau"]


def test_more_official_names() -> None:
    result = run(
        "Das Max-Planck-Institut für Eisenforschung, die Westfälische Wilhelms-Universität "
        "Münster, die Universität zu Köln und das Landesamt für Natur, Umwelt und "
        "Verbraucherschutz arbeiten mit der Europäischen Union zusammen."
    )
    types = {e.name: e.type for e in result.of_kind("organisation")}
    assert types == {
        "Max-Planck-Institut für Eisenforschung": "research_institute",
        "Westfälische Wilhelms-Universität Münster": "university",
        "Universität zu Köln": "university",
        "Landesamt für Natur, Umwelt und Verbraucherschutz": "other",
        "Europäische Union": "eu_body",
    }

"""ExtractedEntity resolution against the registry, and the registry as a gazetteer."""

from __future__ import annotations

from pathlib import Path

import yaml

from foerdergraph.core.config import DEFAULT_BASE_IRI
from foerdergraph.core.iri import mint
from foerdergraph.extract.gazetteer import Entry, Gazetteer
from foerdergraph.extract.model import ExtractedEntity
from foerdergraph.extract.resolve import RegistryLinker, short_key

from .helpers import run

REGISTRY = Gazetteer(
    [
        Entry(
            "bezirksregierung-muenster",
            "organisation",
            "DistrictGovernment",
            "Bezirksregierung Münster",
            ("Bezirksregierung",),
        ),
        Entry(
            "wifoe-hamm",
            "organisation",
            "EconomicDevelopmentAgency",
            "Wirtschaftsförderung Hamm",
            ("WF Hamm",),
        ),
        Entry(
            "land-nrw",
            "place",
            "FederalState",
            "Nordrhein-Westfalen",
            ("Land Nordrhein-Westfalen", "Land"),
        ),
        Entry("umbau-21", "programme", "FundingProgramme", "Umbau 21 – Smart Region", ()),
        Entry("anna-beispiel", "person", "Person", "Anna Beispiel", ()),
    ]
)


def test_resolved_mentions_link_to_the_existing_iri() -> None:
    result = run(
        "Die Bezirksregierung Münster fördert das Programm „Umbau 21 - Smart Region“.", REGISTRY
    )
    by_name = {e.name: e for e in result.entities}
    assert by_name["Bezirksregierung Münster"].iri == str(
        mint("organisation", "bezirksregierung-muenster", base=DEFAULT_BASE_IRI)
    )
    programme = result.of_kind("programme")[0]
    assert programme.key == "umbau-21"  # dash variant resolved
    assert programme.iri.endswith("/id/programme/umbau-21")


def test_the_registry_recognises_names_no_rule_knows() -> None:
    result = run("Gestern sprach Anna Beispiel mit der WF Hamm.", REGISTRY)
    assert {e.key for e in result.entities} == {"anna-beispiel", "wifoe-hamm"}


def test_a_sub_unit_is_not_resolved_to_its_parent() -> None:
    resolver = RegistryLinker(REGISTRY)
    unit = ExtractedEntity(
        "organisation", "Bezirksregierung Münster, Dezernat 34", type="district_government"
    )
    assert resolver.match(unit) is None
    other = ExtractedEntity("organisation", "Bezirksregierung Detmold", type="district_government")
    assert resolver.match(other) is None


def test_numbers_must_agree() -> None:
    resolver = RegistryLinker(REGISTRY)
    assert resolver.match(ExtractedEntity("programme", "Umbau 22 – Smart Region")) is None


def test_the_land_resolves_to_the_place_entry_as_an_organisation() -> None:
    result = run("Das Projekt „Alpha“ wird vom Land Nordrhein-Westfalen gefördert.", REGISTRY)
    land = next(e for e in result.entities if e.kind == "organisation")
    assert land.key == "land-nrw" and land.type == "state_government"
    assert land.iri.endswith("/id/place/land-nrw")


def test_new_entities_get_minted_iris_and_never_clash_with_registry_keys() -> None:
    registry = Gazetteer([Entry("hochschule-ruhr-west", "place", "Region", "Ruhr West Gebiet", ())])
    result = run("Die Hochschule Ruhr West (HRW) forscht.", registry)
    (uni,) = result.of_kind("organisation")
    assert uni.key == "hochschule-ruhr-west-2"
    assert uni.iri == str(mint("organisation", "hochschule-ruhr-west-2", base=DEFAULT_BASE_IRI))


def test_empty_registry_still_extracts() -> None:
    result = run("Die Bezirksregierung Münster fördert.", Gazetteer([]))
    assert result.of_kind("organisation")[0].key == "bezirksregierung-muenster"


def test_long_keys_are_cut_at_a_word_boundary() -> None:
    key = short_key("emscher-lippe4-digitalisierung-erleben-im-lern-und-demonstrationslabor-fuer")
    assert len(key) <= 60 and not key.endswith("-")
    assert "emscher-lippe4-digitalisierung-erleben-im-lern-und".startswith(key)


def test_gazetteer_reads_registry_files_and_skips_generic_aliases(tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "facts").mkdir()
    (tmp_path / "entities.yaml").write_text(
        yaml.safe_dump(
            {
                "organisation": {
                    "wifoe-hamm": {
                        "class": "EconomicDevelopmentAgency",
                        "label": "Wirtschaftsförderung Hamm",
                        "alt": ["Wirtschaftsförderung"],
                    }
                }
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    (tmp_path / "facts" / "doc1.yaml").write_text(
        yaml.safe_dump(
            {
                "document": "doc1",
                "entities": {"project": {"alpha": {"class": "Project", "label": "Alpha Netz"}}},
            }
        ),
        encoding="utf-8",
    )
    gazetteer = Gazetteer.from_data_dir(tmp_path)
    assert {(e.key, e.origin) for e in gazetteer.entries} == {
        ("wifoe-hamm", "registry"),
        ("alpha", "doc1"),
    }
    found = gazetteer.find("Die Wirtschaftsförderung lobt Alpha Netz.", 48)
    assert [c.registry_key for c in found] == ["alpha"]


def test_gazetteer_ignores_compound_parts() -> None:
    registry = Gazetteer([Entry("wm", "organisation", "Ministry", "Wirtschaftsministerium", ())])
    assert registry.find("Das NRW-Wirtschaftsministerium zahlt.", 48) == []
    assert len(registry.find("Das Wirtschaftsministerium zahlt.", 48)) == 1

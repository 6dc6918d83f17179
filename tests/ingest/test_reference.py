"""The reference gazetteer (data/reference/*.yaml): complete families, consistent AGS, one key
per name, every class typed for the extraction contract, and one reader that names bad files."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from foerdergraph.core.errors import InputError
from foerdergraph.core.ontology import OntologyIndex, load_ontology
from foerdergraph.core.registry import Entity, Registry, read_registry, registry_files
from foerdergraph.core.vocab import FG
from foerdergraph.extract.orgtypes import TYPE_OF_CLASS
from foerdergraph.extract.patterns import words
from foerdergraph.workflows.eu_inputs import load_registry

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
CONTRACT_TYPES = words(
    "ministry state_government district_government project_sponsor chamber_of_commerce "
    "chamber_of_crafts economic_development_agency municipality district region university "
    "research_institute company bank eu_body association other"
)
REGIERUNGSBEZIRK_DIGIT = {
    "regierungsbezirk-duesseldorf": "1",
    "regierungsbezirk-koeln": "3",
    "regierungsbezirk-muenster": "5",
    "regierungsbezirk-detmold": "7",
    "regierungsbezirk-arnsberg": "9",
}


@pytest.fixture(scope="module")
def index() -> OntologyIndex:
    return OntologyIndex(load_ontology(ROOT / "ontology"))


@pytest.fixture(scope="module")
def registry(index: OntologyIndex) -> Registry:
    return read_registry(DATA, index)


def local(entity: Entity) -> str:
    return str(entity.cls).removeprefix(str(FG))


def of_class(registry: Registry, name: str) -> list[Entity]:
    return [e for e in registry if local(e) == name]


def kreisfreie_staedte(registry: Registry) -> list[Entity]:
    return [
        e
        for e in of_class(registry, "Municipality")
        if e.ags and len(e.ags) == 8 and e.ags.endswith("000")
    ]


def test_every_kreis_of_nrw_is_there_once_with_its_ags(registry: Registry) -> None:
    kreise = of_class(registry, "District")
    assert len(kreise) == 31
    assert all(e.ags and len(e.ags) == 5 and e.ags.startswith("05") for e in kreise)
    assert len({e.ags for e in kreise}) == 31
    by_bezirk = Counter(e.ags[2] for e in kreise if e.ags)
    assert by_bezirk == {"1": 5, "3": 8, "5": 5, "7": 6, "9": 7}
    assert registry.get("staedteregion-aachen").ags == "05334"  # type: ignore[union-attr]


def test_every_kreisfreie_stadt_is_there_once_with_its_ags(registry: Registry) -> None:
    staedte = kreisfreie_staedte(registry)
    assert len(staedte) == 22
    assert len({e.ags for e in staedte}) == 22
    assert Counter(e.ags[2] for e in staedte if e.ags) == {"1": 10, "3": 3, "5": 3, "7": 1, "9": 5}
    kreis_keys = {e.ags for e in of_class(registry, "District")}
    assert not {e.ags[:5] for e in staedte if e.ags} & kreis_keys
    assert {e.label for e in staedte} >= {"Köln", "Düsseldorf", "Bielefeld", "Hamm", "Bottrop"}


def test_ags_are_unique_and_agree_with_the_regierungsbezirk(registry: Registry) -> None:
    with_ags = [e for e in registry if e.ags]
    assert len({e.ags for e in with_ags}) == len(with_ags)
    for entity in with_ags:
        assert entity.ags and entity.ags.isdigit() and entity.ags.startswith("05"), entity.key
        for parent_key in entity.part_of:
            parent = registry.get(parent_key)
            assert parent is not None
            if parent_key in REGIERUNGSBEZIRK_DIGIT:
                assert entity.ags[2] == REGIERUNGSBEZIRK_DIGIT[parent_key], entity.key
            if parent.ags:  # a Gemeinde's key starts with its Kreis's, a Kreis's with its Bezirk's
                assert entity.ags.startswith(parent.ags), entity.key


def test_the_families_of_public_actors_are_complete(registry: Registry) -> None:
    assert len(of_class(registry, "DistrictGovernment")) == 5
    assert len(of_class(registry, "ChamberOfCommerce")) == 16
    assert len(of_class(registry, "ChamberOfCrafts")) == 7
    land_ministries = [
        e for e in of_class(registry, "Ministry") if "landesregierung-nrw" in e.part_of
    ]
    assert len(land_ministries) == 12  # eleven ministries and the Staatskanzlei since 2022
    assert len(of_class(registry, "University")) >= 30
    assert {"efre", "esf", "eler", "jtf"} <= {e.key for e in of_class(registry, "Fund")}
    for key in ("landschaftsverband-rheinland", "landschaftsverband-westfalen-lippe"):
        assert registry.get(key) is not None
    assert registry.get("regionalverband-ruhr") is not None


def test_the_seeds_actors_keep_their_one_key(registry: Registry) -> None:
    """Actors the seeds introduced are not repeated under a second key in the reference data."""
    for key, form in (
        (
            "wirtschaftsministerium-nrw",
            "Ministerium für Wirtschaft, Industrie, Klimaschutz und Energie",
        ),
        ("ihk-duesseldorf", "IHK Düsseldorf"),
        ("nrw-bank", "NRW.Bank"),
        ("efre", "ERDF"),
    ):
        entity = registry.get(key)
        assert entity is not None and form in entity.surface_forms


def test_no_name_belongs_to_two_entries(registry: Registry) -> None:
    owners: dict[str, set[str]] = {}
    for entity in registry:
        for form in entity.surface_forms:
            owners.setdefault(form.casefold(), set()).add(entity.key)
    shared = {form: keys for form, keys in owners.items() if len(keys) > 1}
    assert shared == {}


def test_names_are_nfc_and_alternatives_do_not_repeat(registry: Registry) -> None:
    for entity in registry:
        for form in entity.surface_forms:
            assert unicodedata.is_normalized("NFC", form), form
        assert len(set(entity.alt)) == len(entity.alt), entity.key
        assert entity.label not in entity.alt, entity.key


def test_every_organisation_class_has_an_interchange_type(registry: Registry) -> None:
    acting = [
        e
        for e in registry
        if e.kind == "organisation" or local(e) in {"District", "Municipality", "FederalState"}
    ]
    for entity in acting:
        assert TYPE_OF_CLASS.get(local(entity)) in CONTRACT_TYPES, (entity.key, local(entity))


def test_reference_files_state_their_provenance_and_have_no_duplicate_keys() -> None:
    class StrictLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
            keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
            duplicates = [k for k, n in Counter(keys).items() if n > 1]
            assert not duplicates, f"{node.start_mark}: duplicate keys {duplicates}"
            return super().construct_mapping(node, deep=deep)

    paths = [p for kind, p in registry_files(DATA) if kind == "reference"]
    assert len(paths) >= 4
    for path in paths:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)
        provenance = content["provenance"]
        assert provenance.get("title") and provenance.get("source"), path.name


def test_a_yaml_error_in_a_reference_file_names_the_file(
    tmp_path: Path, index: OntologyIndex
) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "kammern.yaml").write_text(
        "organisation:\n  ihk-x:\n    label: [unclosed\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        read_registry(tmp_path, index)
    assert "kammern.yaml" in str(caught.value)
    assert "invalid YAML" in str(caught.value)
    with pytest.raises(InputError, match=r"kammern\.yaml"):
        load_registry(tmp_path, index)  # the EU list import reads through the same reader


def test_a_bad_entry_or_reference_names_the_file(tmp_path: Path, index: OntologyIndex) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "funds.yaml").write_text(
        "fund:\n  f:\n    class: Fund\n    label: Fonds\n"
        "programme:\n  p:\n    class: FundingProgramme\n    label: Programm\n    fund: nope\n"
        "  q:\n    class: FundingProgramme\n    label: Programm Q\n    fund: p\n",
        encoding="utf-8",
    )
    (tmp_path / "reference" / "amt.yaml").write_text(
        "organisation:\n  o:\n    class: Behoerde\n    label: Amt\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        read_registry(tmp_path, index)
    message = str(caught.value)
    assert "amt.yaml: organisation.o: class 'Behoerde' is not an fg: class" in message
    assert "funds.yaml: programme.p: fund: unknown key 'nope'" in message
    assert "funds.yaml: programme.q: fund: 'p' is a programme, not a fund" in message


def test_the_eu_import_links_by_every_reference_name(index: OntologyIndex) -> None:
    entries = {e.key: e for e in load_registry(DATA, index)}
    assert "ags:05974" in entries["kreis-soest"].names
    assert "RWTH Aachen" in entries["rwth-aachen"].names
    assert entries["kreis-soest"].cls == "District"  # type: ignore[attr-defined]

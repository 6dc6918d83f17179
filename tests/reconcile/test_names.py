"""Name normalisation: the spellings people write for one actor reduce to one key."""

from __future__ import annotations

import pytest

from foerdergraph.reconcile.names import fold, normalise


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("Uni Köln", "Universität zu Köln"),
        ("Universitaet zu Koeln", "Universität zu Köln"),
        ("Rheinkreis Neuss", "Rhein-Kreis Neuss"),
        ("Strassen.NRW", "Straßen.NRW"),
        ("IHK Köln", "Industrie- und Handelskammer zu Köln"),
        ("Land Nordrhein-Westfalen", "Land NRW"),
        ("Müller GmbH & Co. KG", "Müller GmbH und Co KG"),
    ],
)
def test_variants_share_a_key(written: str, official: str) -> None:
    assert normalise(written).compact == normalise(official).compact


@pytest.mark.parametrize(
    ("name", "key", "legal_form"),
    [
        ("Zukunftsagentur gGmbH", "zukunftsagentur", "ggmbh"),
        ("Zukunftsagentur gemeinnützige GmbH", "zukunftsagentur", "ggmbh"),
        ("Access e. V.", "access", "ev"),
        ("Access eingetragener Verein", "access", "ev"),
        ("NRW.BANK (AöR)", "nrw bank", "aoer"),
        ("Beispiel Gesellschaft mit beschränkter Haftung", "beispiel", "gmbh"),
        ("AIXTRON SE", "aixtron", "se"),
        ("Verein Ruhr", "verein ruhr", None),
    ],
)
def test_legal_form_is_kept_apart(name: str, key: str, legal_form: str | None) -> None:
    normal = normalise(name)
    assert (normal.key, normal.legal_form) == (key, legal_form)


def test_a_legal_form_alone_is_a_name() -> None:
    """ "AG" on its own is not stripped to nothing."""
    assert normalise("AG").key == "ag"


def test_fold_spells_out_umlauts_and_drops_punctuation() -> None:
    assert fold("Düsseldorf-Süd, Straße 1 & Söhne") == "duesseldorf sued strasse 1 und soehne"
    assert fold("Café Crème") == "cafe creme"

"""Page clutter yields nothing, and masking keeps every offset."""

from __future__ import annotations

from foerdergraph.extract.clutter import find_clutter, mask

from .helpers import names, run

STORY = "Die Bezirksregierung Münster fördert das Projekt „Alpha“.\n\n"


def test_mask_keeps_length_and_newlines() -> None:
    text = STORY + "Kontakt:\nMax Muster\nTelefon: 0231 12345\n"
    masked = mask(text, find_clutter(text))
    assert len(masked) == len(text)
    assert masked.count("\n") == text.count("\n")
    assert masked.startswith(STORY)


def test_cookie_banner_and_comment_box_yield_nothing() -> None:
    text = STORY + (
        "beispiel-wirtschaftsfoerderung.de verwendet Cookies!\n"
        "Mehr zum Thema Datenschutz Schließen\n"
        "Kommentare\nSie möchten kommentieren?\n"
        "Melden Sie sich an, um Kommentare zu verfassen. Handwerkskammer Dortmund\n"
    )
    result = run(text)
    assert names(result, "organisation") == ["Bezirksregierung Münster"]


def test_contact_block_yields_nothing() -> None:
    text = STORY + (
        "Ihre Ansprechpartner:\n\nPetra Beispiel\nPressesprecherin\n\nT: 0231/50 2 92 00\n"
        "Kontakt:\nZENTRUM Beispiel GmbH\nGeschäftsführer Hans Muster\nE-Mail senden\n"
    )
    result = run(text)
    assert names(result, "person") == []
    assert names(result, "organisation") == ["Bezirksregierung Münster"]


def test_teasers_of_other_articles_yield_nothing() -> None:
    text = STORY * 3 + (
        "Weitere Meldungen und Beiträge aus dem Bereich Politik\n"
        "Niedersachsen: Kooperation mit der Beispiel GmbH\n"
        "[22.5.2024] Die Stadt Oldenburg hat die Bezirksregierung Lüneburg beauftragt. mehr...\n"
    )
    result = run(text)
    assert names(result, "organisation") == ["Bezirksregierung Münster"]


def test_photo_credit_is_masked_but_the_caption_is_kept() -> None:
    text = (
        "Gisela Beispiel, Regierungspräsidentin Köln, bei der Unterzeichnung Foto: IRR GmbH/Max "
        "Fotograf\n\n" + STORY
    )
    result = run(text)
    assert "Gisela Beispiel" in names(result, "person")
    assert "IRR GmbH" not in names(result, "organisation")
    assert "Max Fotograf" not in names(result, "person")


def test_crawler_metadata_header_and_author_line_are_clutter() -> None:
    text = (
        "source: http://example.org/x\ndate: 2018-06-05\n\n" + STORY + "Autor: Karl Kopf aus Marl\n"
    )
    spans = find_clutter(text)
    reasons = {c.reason for c in spans}
    assert {"metadata header", "author line"} <= reasons
    assert names(run(text), "person") == []

"""Encodings, HTML, and inputs that must give a clear error instead of a crash or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from foerdergraph.extract.pipeline import BLOCK, extract_file, extract_text
from foerdergraph.extract.reading import (
    MAX_BYTES,
    ReadError,
    decode_bytes,
    read_bytes,
    read_document,
    strip_html,
)

SAMPLE = "„Umbau 21“: Die Bezirksregierung Münster fördert mit 769.560,68 € – Grüße"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("cp1252"), "cp1252"),
        ("Bezirksregierung Münster, Größe".encode("latin-1"), "latin-1"),
        (SAMPLE.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_are_detected_and_reported(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data)
    assert found == encoding
    assert "Münster" in text
    if encoding != "latin-1":
        assert text.lstrip("\ufeff") == SAMPLE


def test_non_utf8_input_is_reported_as_a_warning() -> None:
    decoded = read_bytes(SAMPLE.encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert any("cp1252" in w for w in decoded.warnings)
    assert decoded.text == SAMPLE


def test_bom_is_not_part_of_the_text_so_offsets_start_at_the_first_letter(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfBezirksregierung M\xc3\xbcnster hat entschieden.")
    result = extract_file(path)
    org = result.of_kind("organisation")[0]
    assert org.mentions[0].start == 0 and result.text.startswith("Bezirksregierung")


def test_crlf_and_nbsp_are_normalised() -> None:
    decoded = read_bytes("Zeile eins\r\nZeile\u00a0zwei\r".encode())
    assert decoded.text == "Zeile eins\nZeile zwei\n"


def test_html_is_stripped_of_tags_scripts_and_page_furniture() -> None:
    page = """<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style>
    <script>var x = "Bezirksregierung Köln";</script></head><body>
    <nav>Startseite | Kontakt | Hochschule Irgendwo</nav>
    <p>Die Bezirksregierung Arnsberg f&ouml;rdert das Projekt &bdquo;Alpha&ldquo;.</p>
    <footer>Impressum &copy; Stadt Beispiel</footer></body></html>"""
    text = strip_html(page)
    assert "Die Bezirksregierung Arnsberg fördert das Projekt „Alpha“." in text
    assert "Köln" not in text and "Startseite" not in text and "Impressum" not in text


def test_html_file_extracts_like_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><p>Die <b>Hochschule Ruhr West</b> (HRW) leitet das Projekt "
        "„Beta“.</p></body></html>",
        encoding="utf-8",
    )
    result = extract_file(path)
    assert any("HTML" in w for w in result.warnings)
    assert [e.name for e in result.of_kind("organisation")] == ["Hochschule Ruhr West"]
    for entity in result.entities:
        for mention in entity.mentions:
            assert result.text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x00\x01\x02binary\x00junk" * 100, "binary"),
        (bytes(range(256)) * 50, "binary"),
    ],
)
def test_bad_input_gives_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_bytes(data)


def test_too_large_input_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ReadError, match="more than"):
        read_document(path)


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError):
        read_document(tmp_path / "nope.txt")


def test_a_long_text_is_read_in_blocks_and_merged() -> None:
    """A megabyte spans dozens of blocks (pipeline.BLOCK); each actor is still one entity.
    How long large texts take is measured by `make bench`, not asserted here."""
    paragraph = (
        "Die Bezirksregierung Köln hat der Zukunftsagentur Rheinisches Revier (ZRR) einen "
        "Zuwendungsbescheid in Höhe von 7.944.264,86 Euro überreicht. Für das Projekt „Gamma“ "
        "erhalten die Alpha GmbH 12.000 Euro und die Beta AG 13.000 Euro.\n\n"
    )
    text = paragraph * (1_000_000 // len(paragraph))
    assert len(text) > 20 * BLOCK
    result = extract_text(text, "big")
    names = {e.name for e in result.entities}
    assert {"Bezirksregierung Köln", "Zukunftsagentur Rheinisches Revier", "Gamma"} <= names
    assert len(result.of_kind("organisation")) == 4  # merged across blocks, not one per block


def test_a_single_long_line_without_spaces_yields_nothing() -> None:
    result = extract_text("x" * 1_000_000, "junk")
    assert result.entities == [] and result.relations == []

"""Turning bytes into the text the extractor reads.

Press texts arrive as UTF-8, UTF-8 with a byte-order mark, Windows-1252 or Latin-1, sometimes as
saved HTML pages. The decoder reports which encoding it used, so a reviewer can see why umlauts
look the way they do. Inputs are bounded: more than MAX_BYTES is refused with a clear error
instead of exhausting memory, and binary junk (NUL bytes, control characters) is refused instead
of producing nonsense entities. The returned text is NFC, line ends unified to "\\n"; every
offset the extractor reports counts code points in exactly this text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

MAX_BYTES = 12 * 1024 * 1024
"""Largest input read (12 MiB): a 10 MB page still works, anything bigger is refused."""


class ReadError(ValueError):
    """The input cannot be read as a German text; the message says why."""


@dataclass
class Decoded:
    """A decoded text plus what the reader had to do to get it."""

    text: str
    encoding: str
    was_html: bool = False
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode with the first encoding that fits: UTF-8 (with or without BOM), else cp1252, else
    Latin-1 (which never fails). cp1252 comes before Latin-1 because German Windows texts use its
    „“ quotes and the euro sign in 0x80-0x9F, which Latin-1 maps to control characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _CP1252_ONLY.search(data):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252
            return data.decode("latin-1"), "latin-1"
    return data.decode("latin-1"), "latin-1"


_CP1252_ONLY = re.compile(rb"[\x80-\x9f]")
"""Bytes where cp1252 has printable characters (€ „ “ – …) and Latin-1 only controls."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def is_binary(data: bytes) -> bool:
    """Binary junk: NUL bytes, or more than 5 % control characters in the first 64 KiB."""
    head = data[:65536]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 or b == 127)
    return bool(head) and controls / len(head) > 0.05


_HTML_HINT = re.compile(rb"<\s*(?:!doctype\s+html|html|body|p|div|br|span|article)\b", re.I)


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_HINT.search(data[:4096]))


class _TextFromHTML(HTMLParser):
    """Collects the visible text of an HTML page; script, style and page furniture
    (navigation, header, footer, asides, forms) are dropped because they are never part of the
    press text itself."""

    SKIP = frozenset(
        {
            "script",
            "style",
            "noscript",
            "nav",
            "header",
            "footer",
            "aside",
            "form",
            "template",
            "svg",
            "iframe",
            "button",
            "select",
        }
    )
    BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "blockquote",
            "dd",
            "dt",
            "figcaption",
            "main",
            "pre",
            "hr",
            "title",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n" if tag in {"p", "h1", "h2", "h3", "h4", "div"} else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def strip_html(markup: str) -> str:
    """Visible text of an HTML document, paragraphs separated by blank lines."""
    parser = _TextFromHTML()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def normalise_text(text: str) -> str:
    """NFC, "\\n" line ends, no stray control characters, no-break spaces as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text).replace("\u00a0", " ").replace("\ufeff", "")
    return unicodedata.normalize("NFC", text)


def read_bytes(data: bytes, *, source: str = "input") -> Decoded:
    """Decode, strip HTML when it is HTML, normalise; raise ReadError for unusable input."""
    if len(data) > MAX_BYTES:
        raise ReadError(f"{source}: {len(data):,} bytes is more than the {MAX_BYTES:,} allowed")
    if not data.strip():
        raise ReadError(f"{source}: the file is empty")
    if is_binary(data):
        raise ReadError(f"{source}: binary data, not a text (NUL or control bytes)")
    text, encoding = decode_bytes(data)
    result = Decoded(text, encoding)
    if encoding not in {"utf-8", "utf-8-sig"}:
        result.warnings.append(f"decoded as {encoding} (not UTF-8)")
    if looks_like_html(data):
        result.text = strip_html(text)
        result.was_html = True
        result.warnings.append("HTML: tags, scripts and page furniture removed")
    result.text = normalise_text(result.text)
    if not result.text.strip():
        raise ReadError(f"{source}: no text left after decoding")
    return result


def read_document(path: Path) -> Decoded:
    """Read a file from disk, refusing anything over MAX_BYTES before loading it whole."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(f"{path}: {size:,} bytes is more than the {MAX_BYTES:,} allowed")
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(f"{path}: {err.strerror or err}") from err
    return read_bytes(data, source=str(path))

"""Reading the official EU beneficiary lists ("Liste der Vorhaben") of NRW.

Three real formats exist (see ../shared/data/eu-beneficiary-lists-nrw/): ERDF 2014–2020 (JSON,
German column names), ERDF 2007–2013 (JSON scraped from a PDF; the operation name starts with
the competition, "Hightech.NRW: …") and ESF 2007–2013 (CSV). A file is recognised by its
columns, never by its name, so a renamed or re-exported file still imports; a file that matches
no format fails with the columns each format expects. Every row becomes one `Operation` or one
`Rejection` with its row number and reason, so bad rows never stop the good ones silently.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from foerdergraph.core.amounts import AmountError, parse_amount
from foerdergraph.ingest.eu.beneficiaries import clean_label, spelling_key

Record = Mapping[str, str]


class FormatError(ValueError):
    """The file matches none of the known list formats (or cannot be read as a table)."""


@dataclass(frozen=True)
class Operation:
    """One row of a list: an operation (Vorhaben) and the grant its beneficiary received."""

    row: int
    beneficiary: str
    name: str
    amount: Decimal
    amount_basis: str
    competition: str | None = None
    amount_on_completion: Decimal | None = None
    approval_year: str | None = None
    start: date | None = None
    end: date | None = None
    summary: str | None = None
    category_code: str | None = None
    category_label: str | None = None
    area_code: str | None = None
    seat: str | None = None
    repair: str | None = None


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str


@dataclass(frozen=True)
class ListFormat:
    """A known list format: the columns that identify it and how a row maps to an Operation."""

    name: str
    fund: str
    cci: str
    period: str
    columns: tuple[str, ...]
    parse: Callable[[int, Record], Operation]
    competition_in_name: bool = False


def _text(record: Record, column: str) -> str:
    value = record.get(column)
    return "" if value is None else str(value).strip()


def _required(record: Record, column: str, what: str) -> str:
    if not (value := _text(record, column)):
        raise ValueError(f"missing {what} ({column!r})")
    return value


def _amount(record: Record, column: str, decimal_mark: str) -> Decimal:
    try:
        return parse_amount(_text(record, column), decimal_mark=decimal_mark)
    except AmountError as exc:
        raise ValueError(f"unparseable amount in {column!r}: {exc}") from exc


def _optional_amount(record: Record, column: str, decimal_mark: str) -> Decimal | None:
    return _amount(record, column, decimal_mark) if _text(record, column) else None


def _german_date(record: Record, column: str) -> date | None:
    if not (value := _text(record, column)):
        return None
    try:
        return datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError as exc:
        raise ValueError(f"unreadable date {value!r} in {column!r} (expected DD.MM.YYYY)") from exc


def _year(record: Record, column: str) -> str | None:
    if not (value := _text(record, column)):
        return None
    if not re.fullmatch(r"(19|20)\d\d", value):
        raise ValueError(f"unreadable year {value!r} in {column!r}")
    return value


def _parse_erdf_2014(row: int, r: Record) -> Operation:
    code = _text(r, "Gebietskennziffer")
    if code and not re.fullmatch(r"\d{8}", code):
        raise ValueError(f"Gebietskennziffer {code!r} is not 8 digits")
    return Operation(
        row=row,
        beneficiary=_required(r, "Name des Begünstigten", "beneficiary"),
        name=_required(r, "Bezeichnung des Vorhabens", "operation name"),
        amount=_amount(r, "bewilligte förderfähige Gesamtinvestition", "."),
        amount_basis="bewilligte förderfähige Gesamtinvestition",
        start=_german_date(r, "Durchführungs-beginn"),
        end=_german_date(r, "Durchführungs-ende"),
        summary=_text(r, "Zusammenfassung des Vorhabens") or None,
        category_code=_text(r, "EU-Interventions-kategorie") or None,
        category_label=_text(r, "Bezeichnung der EU-Interventionskategorie") or None,
        area_code=code or None,
    )


def _parse_erdf_2007(row: int, r: Record) -> Operation:
    return Operation(
        row=row,
        beneficiary=_required(r, "beneficiary", "beneficiary"),
        name=_required(r, "name_of_operation", "operation name"),
        amount=_amount(r, "allocated_public_funding", ","),
        amount_basis="allocated_public_funding",
        amount_on_completion=_optional_amount(r, "on_finish_total_value", ","),
        approval_year=_year(r, "years"),
    )


def _parse_esf_2007(row: int, r: Record) -> Operation:
    return Operation(
        row=row,
        beneficiary=_required(r, "Name des Begünstigten", "beneficiary"),
        name=_required(r, "Bezeichnung des Vorhabens", "operation name"),
        amount=_amount(r, "Zuwendungen des Landes NRW", ","),
        amount_basis="Zuwendungen des Landes NRW",
        approval_year=_year(r, "Jahr der Bewilligung"),
        seat=_text(r, "Sitz des Begünstigten") or None,
    )


FORMATS: tuple[ListFormat, ...] = (
    ListFormat(
        name="erdf-2014-2020",
        fund="efre",
        cci="2014DE16RFOP009",
        period="2014-2020",
        columns=(
            "Name des Begünstigten",
            "Bezeichnung des Vorhabens",
            "Zusammenfassung des Vorhabens",
            "Durchführungs-beginn",
            "Durchführungs-ende",
            "bewilligte förderfähige Gesamtinvestition",
            "Gebietskennziffer",
            "EU-Interventions-kategorie",
            "Bezeichnung der EU-Interventionskategorie",
        ),
        parse=_parse_erdf_2014,
    ),
    ListFormat(
        name="erdf-2007-2013",
        fund="efre",
        cci="2007DE162PO007",
        period="2007-2013",
        columns=(
            "beneficiary",
            "name_of_operation",
            "allocated_public_funding",
            "on_finish_total_value",
            "years",
        ),
        parse=_parse_erdf_2007,
        competition_in_name=True,
    ),
    ListFormat(
        name="esf-2007-2013",
        fund="esf",
        cci="2007DE052PO008",
        period="2007-2013",
        columns=(
            "Jahr der Bewilligung",
            "Name des Begünstigten",
            "Sitz des Begünstigten",
            "Bezeichnung des Vorhabens",
            "Zuwendungen des Landes NRW",
        ),
        parse=_parse_esf_2007,
    ),
)


@dataclass(frozen=True)
class Table:
    """The readable rows of a list file, numbered from 1, and the rows that could not be read."""

    records: list[tuple[int, Record]]
    rejections: list[Rejection]
    rows: int


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is None:
            raise FormatError(f"{path}: cannot detect the text encoding") from None
        return str(best)


def read_table(path: Path) -> Table:
    """The rows of a JSON array of objects or of a CSV file with a header line, read strictly:
    a row that cannot be read (an unclosed quote, too many or too few fields, a JSON value that
    is not an object of values) is rejected with its number and never takes other rows with it."""
    text = _decode(path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _read_json(path, text)
    return _read_csv(path, text)


def _json_kind(value: object) -> str:
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return kinds.get(type(value), "a number")


def _read_json(path: Path, text: str) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path}: invalid JSON: {exc}") from exc
    if not isinstance(data, list) or (data and not any(isinstance(i, dict) for i in data)):
        found = _json_kind(data) if not isinstance(data, list) else "an array without objects"
        raise FormatError(
            f"{path}: expected a JSON array of objects, one per row, found {found}.\n"
            f"Expected the columns of one of:\n{_expected_columns(set())}"
        )
    records: list[tuple[int, Record]] = []
    rejections: list[Rejection] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            reason = f"{_json_kind(item)}, not an object with the list's columns"
            rejections.append(Rejection(number, reason))
        elif nested := [k for k, v in item.items() if isinstance(v, (dict, list))]:
            what = ", ".join(f"{k!r} holds {_json_kind(item[k])}" for k in nested)
            rejections.append(Rejection(number, f"{what}, not a single value"))
        else:
            records.append((number, item))
    return Table(records, rejections, len(data))


class _Lines:
    """The file's physical lines with a cursor: the CSV reader pulls lines from here, so after a
    bad record reading can start again on the line after the record's first one."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _looks_like_a_row(line: str, delimiter: str, fields: int) -> bool:
    """A line inside a quoted field that would be a whole row of its own: an opening quote that
    was never closed has swallowed it."""
    return '"' not in line and line.count(delimiter) >= fields - 1


def _read_csv(path: Path, text: str) -> Table:
    # the delimiter is the one the header line uses most; csv.Sniffer misreads quoted line breaks
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    lines = _Lines(text)
    try:
        header = next(csv.reader(lines, delimiter=delimiter, strict=True), [])
    except csv.Error as exc:
        raise FormatError(f"{path}: line 1: unreadable CSV header: {exc}") from exc
    if len(set(header)) != len(header):
        twice = sorted({c for c in header if header.count(c) > 1})
        raise FormatError(f"{path}: line 1: the header names {', '.join(twice)} twice")
    if not header:
        raise FormatError(
            f"{path}: empty file; expected a header line with the columns of one of:\n"
            f"{_expected_columns(set())}"
        )
    records: list[tuple[int, Record]] = []
    rejections: list[Rejection] = []
    number = 0
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while lines.pos < len(lines.lines):
        start = lines.pos
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            fields, error = None, str(exc)
        else:
            error = ""
        if fields == []:  # a blank line is no row
            continue
        number += 1
        end = lines.pos
        swallowed = (
            fields is None
            or any(  # the lines inside the record, first and last aside
                _looks_like_a_row(line, delimiter, len(header))
                for line in lines.lines[start + 1 : end - 1]
            )
        )
        if (swallowed and end - start > 1) or error == "unexpected end of data":
            reason = (
                f"line {start + 1}: unclosed quote: the quoted field that opens here runs "
                f"{'to the end of the file' if fields is None else f'to line {end}'} and would "
                f"swallow the rows after it; read again from line {start + 2}"
            )
        elif fields is None:
            reason = f"line {start + 1}: unreadable CSV: {error}"
        elif len(fields) != len(header):
            reason = (
                f"line {start + 1}: {len(fields)} fields, but the header has {len(header)} "
                f"({', '.join(header)})"
            )
            rejections.append(Rejection(number, reason))
            continue
        else:
            records.append((number, dict(zip(header, fields, strict=True))))
            continue
        rejections.append(Rejection(number, reason))
        lines.pos = start + 1  # the lines the bad record took in are read as rows again
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
    return Table(records, rejections, number)


def _expected_columns(columns: set[str]) -> str:
    return "\n".join(
        f"  {fmt.name}: {', '.join(fmt.columns)}"
        + (
            f"  (missing: {', '.join(c for c in fmt.columns if c not in columns)})"
            if columns
            else ""
        )
        for fmt in FORMATS
    )


def detect_format(columns: set[str], path: Path | str = "") -> ListFormat:
    """The format whose columns the file has; otherwise an error listing what each expects."""
    for fmt in FORMATS:
        if set(fmt.columns) <= columns:
            return fmt
    raise FormatError(
        f"{path}: the columns match no known beneficiary-list format.\n"
        f"Found: {', '.join(sorted(columns)) or '(none)'}\n"
        f"Expected one of:\n{_expected_columns(columns)}"
    )


_PREFIX = re.compile(r"^([^:\n]{2,60}?)\s*:\s*(.+)$", re.DOTALL)
_SPLIT_TAIL = re.compile(r"^(.*\S)\s{2,}(\S[^\n]*?)$", re.DOTALL)


def _split_competition(name: str) -> tuple[str | None, str]:
    if m := _PREFIX.match(name):
        return m.group(1).strip(), m.group(2).strip()
    return None, name


def assign_competitions(operations: list[Operation], min_rows: int = 2) -> list[Operation]:
    """Take the competition off the front of ERDF 2007–2013 operation names.

    A prefix counts as a competition when at least `min_rows` rows share it (so a one-off
    "Durchführung der RuhrTriennale im Jahr 2013: …" stays a plain name). The PDF scraper
    sometimes cut the first words of the name into the beneficiary column
    ("Casablanca … GmbH   Kinodigitalis" + "ierung: Primus Kino"): when the beneficiary's tail
    after a run of spaces plus the name's prefix spells a known competition, both are repaired
    and the repair is recorded on the operation.
    """
    prefixes = Counter(
        spelling_key(p) for p, _ in (_split_competition(op.name) for op in operations) if p
    )
    known = {k for k, n in prefixes.items() if n >= min_rows}
    result = []
    for op in operations:
        prefix, rest = _split_competition(op.name)
        if prefix and prefix[0].islower() and (m := _SPLIT_TAIL.match(op.beneficiary)):
            joined = m.group(2).strip() + prefix
            if spelling_key(joined) in known:
                op = replace(
                    op,
                    beneficiary=m.group(1).strip(),
                    repair=f"competition {joined!r} was split between beneficiary and name",
                )
                prefix = joined
        if prefix and spelling_key(prefix) in known:
            op = replace(op, competition=clean_label(prefix), name=rest)
        result.append(op)
    return result


@dataclass(frozen=True)
class ParsedList:
    format: ListFormat
    rows_read: int
    operations: list[Operation]
    rejections: list[Rejection]
    duplicates: list[tuple[int, int]] = field(default_factory=list)
    """(row, the earlier row it repeats in every column): reported, and imported all the same,
    as a list may grant the same sum for the same operation twice in one year."""


def duplicate_rows(records: list[tuple[int, Record]]) -> list[tuple[int, int]]:
    """Each row that repeats an earlier row column by column, with that earlier row."""
    first: dict[tuple[tuple[str, str], ...], int] = {}
    found = []
    for number, record in records:
        key = tuple(sorted((str(k), "" if v is None else str(v)) for k, v in record.items()))
        if (earlier := first.setdefault(key, number)) != number:
            found.append((number, earlier))
    return found


def parse_list(path: Path) -> ParsedList:
    """Read, detect and parse one list file; rows are numbered from 1 (a CSV header is not a
    row; a JSON array's first object is row 1)."""
    table = read_table(path)
    columns: set[str] = set().union(*(r.keys() for _, r in table.records))
    fmt = detect_format(columns, path)
    operations: list[Operation] = []
    rejections = list(table.rejections)
    for number, record in table.records:
        try:
            operations.append(fmt.parse(number, record))
        except ValueError as exc:
            rejections.append(Rejection(number, str(exc)))
    if fmt.competition_in_name:
        operations = assign_competitions(operations)
    rejections.sort(key=lambda r: r.row)
    return ParsedList(fmt, table.rows, operations, rejections, duplicate_rows(table.records))

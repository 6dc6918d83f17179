"""Canned queries: `queries/*.rq` files whose `#+ ` header (YAML) says what they answer.

Parameters are bound as RDF terms through Oxigraph's `substitutions`, never pasted into the query
text, so no input can change a query's structure. Oxigraph substitutes only variables the query
projects, so every parameter must be a SELECT variable. The header format follows grlc's `#+`
decorator convention:

    #+ title: Recurring partners
    #+ description: Actors taking part in more than one programme or initiative.
    #+ params:
    #+   - {name: programme, type: iri, required: false, description: Limit to one programme}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from foerdergraph.core.errors import InputError, InputProblem
from foerdergraph.core.namespaces import XSD
from foerdergraph.core.yamlfile import safe_load

HEADER = "#+"
PARAM_TYPES = ("iri", "string", "langstring", "integer", "decimal", "date")


class ParameterError(ValueError):
    """A parameter value that is missing, unknown or not of the declared type."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str = "string"
    required: bool = False
    default: str | None = None
    description: str = ""

    def term(self, raw: str) -> ox.NamedNode | ox.Literal:
        """The value as an RDF term of the declared type; ParameterError when it is not one."""
        try:
            return _TERM_MAKERS[self.type](raw)
        except (ValueError, InvalidOperation) as exc:
            raise ParameterError(
                f"parameter {self.name!r}: {raw!r} is not a valid {self.type}"
            ) from exc


def _iri(raw: str) -> ox.NamedNode:
    if ":" not in raw or any(c in raw for c in ' <>"{}|^`\\'):
        raise ValueError("not an absolute IRI")
    return ox.NamedNode(raw)


def _typed(datatype: str, check: Callable[[str], object]) -> Callable[[str], ox.Literal]:
    def make(raw: str) -> ox.Literal:
        check(raw)
        return ox.Literal(raw, datatype=ox.NamedNode(XSD + datatype))

    return make


_TERM_MAKERS: dict[str, Callable[[str], ox.NamedNode | ox.Literal]] = {
    "iri": _iri,
    "string": lambda raw: ox.Literal(raw),
    "langstring": lambda raw: ox.Literal(raw, language="de"),
    "integer": _typed("integer", int),
    "decimal": _typed("decimal", Decimal),
    "date": _typed("date", dt.date.fromisoformat),
}


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path
    parameters: tuple[Parameter, ...] = ()
    columns: tuple[str, ...] = field(default=())

    def substitutions(
        self, values: Mapping[str, str]
    ) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
        """Bindings for the given raw values, defaults filled in, every value type-checked."""
        known = {p.name: p for p in self.parameters}
        if unknown := sorted(set(values) - set(known)):
            raise ParameterError(
                f"unknown parameter(s) {unknown}; {self.name} takes {sorted(known) or 'none'}"
            )
        bound: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
        for param in self.parameters:
            raw = values.get(param.name, param.default)
            if raw is None or raw == "":
                if param.required:
                    raise ParameterError(f"parameter {param.name!r} is required")
                continue
            bound[ox.Variable(param.name)] = param.term(str(raw))
        return bound


def parse_header(text: str) -> dict[str, Any]:
    """The YAML in the leading `#+` lines."""
    lines = []
    for line in text.splitlines():
        if line.startswith(HEADER):
            lines.append(line[len(HEADER) :].removeprefix(" "))
        elif line.strip() and not line.startswith("#"):
            break
    header = safe_load("\n".join(lines)) if lines else None
    return header if isinstance(header, dict) else {}


def parse_canned(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    try:
        header = parse_header(text)
    except yaml.YAMLError as exc:
        raise InputError([InputProblem(path, "header", f"invalid YAML: {exc}")]) from exc
    problems = [
        InputProblem(path, "header", f"{key} missing")
        for key in ("title", "description")
        if not header.get(key)
    ]
    params = []
    for raw in header.get("params") or []:
        if not isinstance(raw, dict) or raw.get("type", "string") not in PARAM_TYPES:
            problems.append(
                InputProblem(path, "params", f"bad parameter {raw!r}; types are {PARAM_TYPES}")
            )
            continue
        params.append(
            Parameter(
                name=str(raw["name"]),
                type=str(raw.get("type", "string")),
                required=bool(raw.get("required", False)),
                default=None if raw.get("default") is None else str(raw["default"]),
                description=str(raw.get("description", "")),
            )
        )
    if problems:
        raise InputError(problems)
    return CannedQuery(
        name=path.stem,
        title=str(header["title"]),
        description=" ".join(str(header["description"]).split()),
        text=text,
        path=path,
        parameters=tuple(params),
        columns=tuple(str(c) for c in header.get("columns") or ()),
    )


def load_canned_queries(queries_dir: Path) -> dict[str, CannedQuery]:
    """Every canned query by name (the file stem), sorted by name."""
    return {q.name: q for q in (parse_canned(p) for p in sorted(queries_dir.glob("*.rq")))}

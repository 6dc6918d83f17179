"""Bind query variables on a remote server the way pyoxigraph's substitutions do locally.

Locally, canned-query parameters and the search text are bound with pyoxigraph substitutions,
never pasted into the query text. A remote server has no such API, so the bindings travel as
a `VALUES` block placed first in the query's outermost WHERE group: the values are parsed as
RDF terms by the server (N-Triples syntax, which SPARQL accepts), joined with the group before
its FILTERs are evaluated — the same solutions as pre-binding — and can never change the
query's structure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKENS = re.compile(
    r'"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n]*"
    r"|[{}]"
    r"|(?<![?$:\w])WHERE\b",
    re.IGNORECASE,
)


def where_group_start(query: str) -> int:
    """Index just after the `{` that opens the outermost WHERE group (strings, IRIs and
    comments skipped; a CONSTRUCT template is not the WHERE group)."""
    depth = 0
    first_open: int | None = None
    after_where = False
    for token in _TOKENS.finditer(query):
        text = token.group()
        if text == "{":
            if depth == 0:
                if after_where:
                    return token.end()
                if first_open is None:
                    first_open = token.end()
            depth += 1
        elif text == "}":
            depth -= 1
        elif depth == 0 and text.upper() == "WHERE":
            after_where = True
    if first_open is None:
        raise ValueError("the query has no group pattern to bind variables in")
    return first_open


def with_bindings(query: str, bindings: Mapping[str, str]) -> str:
    """`query` with `bindings` (variable -> term in N-Triples syntax) as a leading VALUES."""
    if not bindings:
        return query
    for name, term in bindings.items():
        if not re.fullmatch(r"\w+", name):
            raise ValueError(f"not a variable name: {name!r}")
        if term.startswith("_:"):
            raise ValueError(f"a blank node cannot be bound remotely: {name}")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(bindings.values())
    at = where_group_start(query)
    return f"{query[:at]}\n  VALUES ({names}) {{ ({values}) }}\n{query[at:]}"

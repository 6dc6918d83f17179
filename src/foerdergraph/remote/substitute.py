"""Bind query variables on a remote server the way pyoxigraph's substitutions do locally.

Locally, canned-query parameters and the search text are bound with pyoxigraph substitutions,
never pasted into the query text. A remote server has no such API, so the bindings travel as
`VALUES` blocks: the values are parsed as RDF terms by the server (N-Triples syntax, which
SPARQL accepts) and can never change the query's structure.

Oxigraph pre-binds a substituted variable wherever it is in scope: in the outermost WHERE group
and, through every sub-SELECT that projects it by name (not `*`, not `(… AS ?v)`), inside that
sub-SELECT too — a sub-SELECT's variables are otherwise its own. So a `VALUES` goes first into
the outermost WHERE group and first into the WHERE group of each such sub-SELECT (nested ones
only when every sub-SELECT around them projects the variable as well). One block at the top
alone would leave a parameter unbound where a sub-SELECT filters on it: SPARQL evaluates a
sub-SELECT before joining it, so `FILTER (?of = ?level)` inside one would reject every row (and
Virtuoso 7.2 cannot even compile some such sub-SELECTs: "sparp_gp_deprecate(): equiv
re-deprecation", see queries/funding-by-region.rq).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

_TOKENS = re.compile(
    r'"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n]*"
    r"|[{}()*]"
    r"|[?$]\w+"
    r"|(?<![?$:\w])(?:WHERE|SELECT)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Group:
    """Where a group of the query opens (`at`: just after its `{`) and which bound variables
    are in scope inside it."""

    at: int
    names: frozenset[str]


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


def _subselect_groups(query: str, outer: _Group) -> Iterator[_Group]:
    """The WHERE group of every sub-SELECT inside the `outer` group (which opens at
    `outer.at`), each with the names of `outer` it projects by name through every sub-SELECT
    around it."""
    scopes = [(0, outer.names)]  # (brace depth of the group, names in scope inside it)
    depth, parens = 0, 0
    projecting: set[str] | None = None  # the plain variables of a SELECT clause being read
    for token in _TOKENS.finditer(query, outer.at):
        text = token.group()
        upper = text.upper()
        if projecting is not None:
            if text == "(":
                parens += 1
            elif text == ")":
                parens -= 1
            elif text[0] in "?$" and parens == 0:
                projecting.add(text[1:])
            elif text == "*" and parens == 0:
                projecting.clear()  # SELECT *: Oxigraph binds nothing inside
        if text == "{":
            depth += 1
            if projecting is not None:
                names = scopes[-1][1] & projecting
                scopes.append((depth, names))
                projecting = None
                yield _Group(token.end(), names)
        elif text == "}":
            if depth == scopes[-1][0] and len(scopes) > 1:
                scopes.pop()
            depth -= 1
            if depth < 0:
                return
        elif upper == "SELECT":
            projecting, parens = set(), 0


def _values(bindings: Mapping[str, str], names: frozenset[str]) -> str:
    """A VALUES block binding `names` (in the order of `bindings`), or nothing."""
    bound = [name for name in bindings if name in names]
    if not bound:
        return ""
    variables = " ".join(f"?{name}" for name in bound)
    terms = " ".join(bindings[name] for name in bound)
    return f"\n  VALUES ({variables}) {{ ({terms}) }}\n"


def with_bindings(query: str, bindings: Mapping[str, str]) -> str:
    """`query` with `bindings` (variable -> term in N-Triples syntax) as a leading VALUES in its
    WHERE group and in every sub-SELECT that projects them."""
    if not bindings:
        return query
    for name, term in bindings.items():
        if not re.fullmatch(r"\w+", name):
            raise ValueError(f"not a variable name: {name!r}")
        if term.startswith("_:"):
            raise ValueError(f"a blank node cannot be bound remotely: {name}")
    outer = _Group(where_group_start(query), frozenset(bindings))
    groups = [outer, *_subselect_groups(query, outer)]
    pieces, last = [], 0
    for group in groups:
        pieces += [query[last : group.at], _values(bindings, group.names)]
        last = group.at
    return "".join(pieces) + query[last:]

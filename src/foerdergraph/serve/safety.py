"""What a query may do before it runs: read-only, no SERVICE, only graphs we hold, bounded size.

One text. SPARQL expands the codepoint escapes `\\uXXXX` and `\\UXXXXXXXX` anywhere in a query
before it is parsed (SPARQL 1.1 §19.2). Engines disagree on that step (pyoxigraph reads them only
inside strings and IRIs; rdflib took eight hex digits after `\\u`), and every disagreement between
the reader that checks a query and the one that runs it is a way past the check. So
`expand_escapes` expands them once, here, and the *expanded* text is both what is checked and what
is run (`CheckedQuery.text`, locally and on a remote store). A text that would still contain an
escape after that (`\\u005Cu0022` makes `\\u0022`) is refused, so no second reading can differ.

The checks read the expanded text with a small lexer over the SPARQL terminals (strings of all
four quote kinds with their escapes, IRIs, comments, variables, prefixed names, words, brackets):
the word SERVICE in a string literal, an IRI or a comment is harmless, and no parse tree (with
its recursion limit and its cost) is needed. Parsing proper is the engine's: malformed queries
get pyoxigraph's own syntax error from the worker that runs them.

SERVICE is refused by erring on the safe side of Oxigraph's parser, which reads keywords without
a word boundary (`trueSERVICE` is `true SERVICE`), reads `<` after an operand as "less than"
(so `<…>` may not be an IRI) and may split a prefixed name whose IRI is invalid: every possible
reading of `<` and of the quotes is followed, and "service" in any word or prefixed name of any
of them is refused, except in variables and in the plain local name of a declared prefix whose
IRI is valid (`sd:Service`). Query workers cannot open network sockets in any case
(`no_network.py`).

Limits (docs/serving.md): at most `MAX_TOKENS` tokens and `MAX_NESTING` levels of brackets; a
longer or deeper query gets a 400 that says so (Oxigraph's parser and evaluator recurse and a
long enough expression would overflow a worker's stack).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pyoxigraph as ox

from foerdergraph.serve.results import PREFIXES

MAX_TOKENS = 10_000
"""Most tokens (words, names, literals, punctuation) a query may have."""

MAX_NESTING = 200
"""Deepest nesting of `(`, `{` and `[` together."""

SERVICE_REFUSED = "SERVICE is not allowed: this endpoint never sends requests to other services"


class QueryRefused(Exception):
    """The query is malformed or asks for something this endpoint does not do (HTTP 400)."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks, with the form and dataset it declares. `text` is the
    query with its codepoint escapes expanded: the exact text that was checked, and the one
    to run."""

    text: str
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- escapes

_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _where(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def expand_escapes(text: str) -> str:
    """`text` with every `\\uXXXX` and `\\UXXXXXXXX` replaced by its character (SPARQL 1.1
    §19.2, one left-to-right pass); refused when an escape names no character or the result
    would contain an escape again."""

    def character(match: re.Match[str]) -> str:
        codepoint = int(match.group(1) or match.group(2), 16)
        if codepoint > 0x10FFFF or 0xD800 <= codepoint <= 0xDFFF:
            raise QueryRefused(
                f"malformed query: {_where(text, match.start())}: {match.group()} is not a "
                "Unicode character"
            )
        return chr(codepoint)

    expanded = _CODEPOINT_ESCAPE.sub(character, text)
    again = _CODEPOINT_ESCAPE.search(expanded)
    if again is not None:
        raise QueryRefused(
            f"the query contains a codepoint escape that expands to another one ({again.group()} "
            f"at {_where(expanded, again.start())} after expansion). Escapes are expanded once, "
            "before the query is read (SPARQL 1.1 §19.2); write the character itself instead"
        )
    return expanded


# --------------------------------------------------------------------------- lexer

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR_OR_UCHAR = r"\\[tbnrf\"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)+")
_STRINGS = {
    "'": re.compile(rf"'(?:[^'\\\n\r]|{_ECHAR_OR_UCHAR})*+'"),
    '"': re.compile(rf'"(?:[^"\\\n\r]|{_ECHAR_OR_UCHAR})*+"'),
    "'''": re.compile(rf"'''(?:(?:''|')?+(?:[^'\\]|{_ECHAR_OR_UCHAR}))*+'''"),
    '"""': re.compile(rf'"""(?:(?:""|")?+(?:[^"\\]|{_ECHAR_OR_UCHAR}))*+"""'),
}
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_VAR = re.compile(rf"[?$][0-9{_U}][0-9{_U}\u00b7\u0300-\u036f\u203f-\u2040]*")
_BNODE = re.compile(rf"_:[0-9{_U}](?:[{_CHARS}.]*[{_CHARS}])?")
_PNAME = re.compile(
    rf"(?P<prefix>(?:[{_BASE}][{_CHARS}]*(?:\.+[{_CHARS}]+)*)?):"
    rf"(?P<local>(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?)?"
)
_PLAIN_LOCAL = re.compile(rf"[{_U}0-9][{_CHARS}]*")
_NUMBER = re.compile(r"\d+\.\d*[eE][+-]?\d+|\.?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_WORD = re.compile(rf"[{_U}][{_U}0-9]*")
_PUNCT = re.compile(r"\^\^|&&|\|\||!=|>=|<=|[{}()\[\];,.*/|^+\-!=<>?$]")

STRING, IRI, VAR, PNAME, WORD, PUNCT, OTHER = (
    "string",
    "iri",
    "var",
    "pname",
    "word",
    "punct",
    "other",
)


@dataclass(frozen=True)
class _Token:
    kind: str
    start: int
    end: int
    text: str
    prefix: str = ""
    local: str = ""


def _string_at(text: str, at: int) -> Iterator[int]:
    """Ends of the strings that may start at `at` (a quote): long first, then short."""
    quote = text[at]
    for opener in (quote * 3, quote):
        if text.startswith(opener, at):
            match = _STRINGS[opener].match(text, at)
            if match:
                yield match.end()


def _token_at(text: str, at: int) -> _Token:
    """The token at `at` as the SPARQL grammar reads it (an IRI wherever one fits)."""
    char = text[at]
    if char in "'\"":
        for end in _string_at(text, at):
            return _Token(STRING, at, end, text[at:end])
        return _Token(OTHER, at, at + 1, char)
    if char == "<" and (match := _IRI.match(text, at)):
        return _Token(IRI, at, match.end(), match.group())
    if char in "?$" and (match := _VAR.match(text, at)):
        return _Token(VAR, at, match.end(), match.group())
    if char == "_" and (match := _BNODE.match(text, at)):
        return _Token(WORD, at, match.end(), match.group())
    if match := _PNAME.match(text, at):
        prefix, local = match.group("prefix") or "", match.group("local") or ""
        return _Token(PNAME, at, match.end(), match.group(), prefix, local)
    for pattern, kind in ((_NUMBER, WORD), (_LANGTAG, WORD), (_WORD, WORD), (_PUNCT, PUNCT)):
        if match := pattern.match(text, at):
            return _Token(kind, at, match.end(), match.group())
    return _Token(OTHER, at, at + 1, char)


def _skip_space(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    return match.end() if match else at


def tokens(text: str, limit: int = MAX_TOKENS) -> list[_Token]:
    """The grammar's reading of `text`, at most `limit` + 1 tokens."""
    found: list[_Token] = []
    at = _skip_space(text, 0)
    while at < len(text) and len(found) <= limit:
        token = _token_at(text, at)
        found.append(token)
        at = _skip_space(text, token.end)
    return found


# --------------------------------------------------------------------------- checks


def _line_col(text: str, token: _Token) -> str:
    return _where(text, token.start)


@dataclass
class _Prologue:
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    end: int = 0
    """Index of the first token after the prologue."""


def _prologue(found: list[_Token]) -> _Prologue:
    prologue = _Prologue()
    i = 0
    while i < len(found):
        word = found[i].text.upper() if found[i].kind == WORD else ""
        following = found[i + 1 : i + 3]
        if word == "BASE" and following[:1] and following[0].kind == IRI:
            prologue.base = following[0].text[1:-1]
            i += 2
        elif (
            word == "PREFIX"
            and len(following) == 2
            and following[0].kind == PNAME
            and not following[0].local
            and following[1].kind == IRI
        ):
            iri = following[1].text[1:-1]
            if prologue.base:
                iri = urljoin(prologue.base, iri)
            prologue.prefixes[following[0].prefix] = iri
            i += 3
        elif word == "VERSION" and following[:1] and following[0].kind == STRING:
            i += 2
        else:
            break
    prologue.end = i
    return prologue


_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def _form(text: str, found: list[_Token], prologue: _Prologue) -> str:
    """The query form, from the first word after the prologue (Oxigraph reads keywords
    without a word boundary, so `SELECTDISTINCT` is a SELECT too)."""
    if prologue.end >= len(found):
        raise QueryRefused("malformed query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")
    first = found[prologue.end]
    word = first.text.upper()
    for form in _FORMS:
        if word.startswith(form):
            return form
    if word.startswith(_UPDATES):
        raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
    raise QueryRefused(
        f"malformed query: {_line_col(text, first)}: expected SELECT, CONSTRUCT, DESCRIBE or "
        f"ASK, found {first.text[:40]!r}"
    )


def _check_size(text: str, found: list[_Token]) -> None:
    if len(found) > MAX_TOKENS:
        raise QueryRefused(
            f"the query is too long: more than {MAX_TOKENS:,} tokens (names, literals and "
            "operators). Split it up, or put long value lists into several queries"
        )
    depth = 0
    for token in found:
        if token.kind == PUNCT and token.text in "({[":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryRefused(
                    f"the query is nested too deeply: more than {MAX_NESTING} levels of "
                    f"brackets, braces and parentheses ({_line_col(text, token)})"
                )
        elif token.kind == PUNCT and token.text in ")}]":
            depth = max(0, depth - 1)


def _check_prefixes(found: list[_Token], prologue: _Prologue) -> None:
    missing: list[str] = []
    for token in found[prologue.end :]:
        known = token.prefix in prologue.prefixes or token.prefix in missing
        if token.kind == PNAME and not known:
            missing.append(token.prefix)
    if not missing:
        return
    declarations = " ".join(
        f"PREFIX {prefix}: <{PREFIXES.get(prefix, f'namespace IRI of {prefix}:')}>"
        for prefix in missing
    )
    raise QueryRefused(
        f"undeclared prefix {', '.join(f'{p}:' for p in missing)} — add at the top of the "
        f"query: {declarations}"
    )


def _valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _harmless_name(token: _Token, prefixes: dict[str, str]) -> bool:
    """Whether "service" inside this prefixed name can never be read as the keyword: it sits
    in a plain local name, and every prefix Oxigraph could cut from the name resolves, with
    that local name, to a valid IRI (so the whole name is always one token)."""
    if "service" in token.prefix.lower() or not _PLAIN_LOCAL.fullmatch(token.local):
        return False
    for cut in range(len(token.prefix) + 1):
        declared = prefixes.get(token.prefix[cut:])
        if declared is not None and not _valid_iri(declared + token.local):
            return False
    return token.prefix in prefixes


def _check_no_service(text: str, start: int, prefixes: dict[str, str]) -> None:
    """Refuse the SERVICE keyword in every reading of `text` (from `start`, after the
    prologue) that Oxigraph might choose: at each quote both a long and a short string, and at
    each `<` after an operand inside parentheses (where "less than" can stand) both an IRI and
    the operator. A reading is a position, whether an operand precedes, and the open brackets."""
    budget = 20 * len(text) + 100_000  # characters the readings may scan together
    seen: set[tuple[int, bool, tuple[str, ...]]] = set()
    todo: list[tuple[int, bool, tuple[str, ...]]] = [(_skip_space(text, start), False, ())]
    while todo:
        state = todo.pop()
        at, operand, brackets = state
        if at >= len(text) or state in seen:
            continue
        seen.add(state)
        char = text[at]
        if char in "'\"":
            # No string here: no reading goes on from here (Oxigraph would fail to parse).
            ends = [(end, True, brackets) for end in _string_at(text, at)]
            budget -= max((end for end, _, _ in ends), default=len(text)) - at
        elif char == "<":
            iri = _IRI.match(text, at)
            ends = [(iri.end(), True, brackets)] if iri else []
            if (operand and brackets[-1:] == ("(",)) or not iri:
                ends.append((at + 1, False, brackets))
            budget -= (iri.end() if iri else 1) - at
        else:
            token = _token_at(text, at)
            lowered = token.text.lower()
            if (
                "service" in lowered
                and token.kind != VAR
                and (token.kind != PNAME or not _harmless_name(token, prefixes))
            ):
                detail = (
                    ""
                    if lowered == "service"
                    else f" (refused at {_line_col(text, token)}: a name containing "
                    "'service' can be read as the keyword; write the IRI in full, <…>, "
                    "or declare its prefix)"
                )
                raise QueryRefused(SERVICE_REFUSED + detail)
            if token.text in "({" and token.kind == PUNCT:
                brackets = (*brackets, token.text)[-MAX_NESTING - 1 :]
            elif token.text in ")}" and token.kind == PUNCT:
                opening = "(" if token.text == ")" else "{"
                brackets = brackets[:-1] if brackets[-1:] == (opening,) else brackets
            is_operand = token.kind != PUNCT or token.text in ")]"
            ends = [(token.end, is_operand, brackets)]
            budget -= token.end - at
        if budget < 0:
            raise QueryRefused("the query is too long or too irregular to be checked")
        todo.extend((_skip_space(text, end), flag, open_) for end, flag, open_ in ends)


def _dataset(text: str, found: list[_Token], prologue: _Prologue) -> tuple[list[str], list[str]]:
    """The FROM and FROM NAMED graphs (dataset clauses are the only FROM outside braces)."""
    default: list[str] = []
    named: list[str] = []
    depth = 0
    i = prologue.end
    while i < len(found):
        token = found[i]
        if token.kind == PUNCT and token.text in "({[":
            depth += 1
        elif token.kind == PUNCT and token.text in ")}]":
            depth -= 1
        elif depth == 0 and token.text.upper().startswith("FROM"):
            word = token.text.upper() if token.kind == WORD else ""
            is_named = word == "FROMNAMED"
            j = i + 1
            if word == "FROM" and j < len(found) and found[j].text.upper() == "NAMED":
                is_named, j = True, j + 1
            if word not in ("FROM", "FROMNAMED") or j >= len(found):
                raise QueryRefused(
                    f"malformed query: {_line_col(text, token)}: write FROM <graph> or "
                    "FROM NAMED <graph>"
                )
            source = found[j]
            if source.kind == IRI:
                iri = source.text[1:-1]
                iri = urljoin(prologue.base, iri) if prologue.base else iri
            elif source.kind == PNAME:
                iri = prologue.prefixes.get(source.prefix, "") + source.local.replace("\\", "")
            else:
                raise QueryRefused(
                    f"malformed query: {_line_col(text, source)}: FROM needs a graph IRI"
                )
            (named if is_named else default).append(iri)
            i = j
        i += 1
    return default, named


def check_query(text: str, graphs_in_store: Collection[str]) -> CheckedQuery:
    """Expand the escapes of `text`, then refuse updates, SERVICE, FROM graphs the store does
    not hold, undeclared prefixes and queries beyond the size limits."""
    if not text.strip():
        raise QueryRefused("the query is empty")
    expanded = expand_escapes(text)
    found = tokens(expanded)
    _check_size(expanded, found)
    prologue = _prologue(found)
    form = _form(expanded, found, prologue)
    start = found[prologue.end].start if prologue.end < len(found) else len(expanded)
    implicit = _implicit_prefixes(found, prologue)
    prologue.prefixes.update(implicit)
    _check_no_service(expanded, start, prologue.prefixes)
    _check_prefixes(found, prologue)
    default, named = _dataset(expanded, found, prologue)
    check_graphs([*default, *named], graphs_in_store, "FROM")
    # on the first line, before the text: Oxigraph's line numbers in errors stay the user's
    declared = "".join(f"PREFIX {p}: <{iri}> " for p, iri in implicit.items())
    return CheckedQuery(
        text=declared + expanded, form=form, from_graphs=default, from_named_graphs=named
    )


def _implicit_prefixes(found: list[_Token], prologue: _Prologue) -> dict[str, str]:
    """The service's common prefixes (`PREFIXES`) the query uses without declaring: they are
    predeclared, so `fg:`, `skos:` or `org:` work without a PREFIX line. An explicit PREFIX
    wins (it is in the prologue, so it is not listed here); any other undeclared prefix is
    still refused by `_check_prefixes`."""
    return {
        token.prefix: PREFIXES[token.prefix]
        for token in found[prologue.end :]
        if token.kind == PNAME
        and token.prefix not in prologue.prefixes
        and token.prefix in PREFIXES
    }


def check_graphs(iris: Collection[str], graphs_in_store: Collection[str], what: str) -> None:
    """Refuse graph IRIs the store does not hold: nothing is ever fetched or read from files."""
    unknown = [iri for iri in iris if iri not in graphs_in_store]
    if unknown:
        raise QueryRefused(
            f"{what} names graphs this store does not hold ({', '.join(unknown)}); "
            "graphs are only selected from the store, never loaded from files or the web. "
            "See the service description (GET /sparql) for the graph list."
        )

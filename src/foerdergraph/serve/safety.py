"""What a query may do before it runs: read-only, no SERVICE, only graphs we hold.

Checks work on the parse tree of rdflib's SPARQL parser, never on the raw text, so the word
SERVICE inside a string literal, an IRI or a comment is harmless, while `service silent <…>` in
any letter case and any nesting is caught. rdflib only parses here; it never evaluates, so its
habit of loading `FROM <…>` graphs over the network or from files never comes into play.
Evaluation is pyoxigraph's, on its read-only store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node


class QueryRefused(Exception):
    """The query is malformed or asks for something this endpoint does not do (HTTP 400)."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks, with the form and dataset it declares."""

    text: str
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)


_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def _walk(node: object) -> Iterator[object]:
    """Every node of a pyparsing/rdflib parse tree, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, dict):  # CompValue is an OrderedDict
            stack.extend(current.values())
        elif isinstance(current, list | tuple) or (
            hasattr(current, "asList") and not isinstance(current, str | Node)
        ):
            stack.extend(list(current))  # type: ignore[call-overload]


def _parse_message(error: ParseBaseException) -> str:
    return f"line {error.lineno}, column {error.col}: {error.msg} (near {error.line.strip()!r})"


def check_query(text: str, graphs_in_store: Collection[str]) -> CheckedQuery:
    """Parse `text` and refuse updates, SERVICE and FROM graphs the store does not hold."""
    if not text.strip():
        raise QueryRefused("the query is empty")
    try:
        parsed = parseQuery(text)
    except ParseBaseException as error:
        try:
            parseUpdate(text)
        except ParseBaseException:
            raise QueryRefused(f"malformed query: {_parse_message(error)}") from None
        except Exception:  # rdflib raises assorted errors on odd updates; still an update
            pass
        raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only") from None
    except Exception as error:  # rdflib's parse actions can raise plain exceptions
        raise QueryRefused(f"malformed query: {error}") from None

    prologue_tree, query_tree = parsed[0], parsed[1]
    form = _FORMS.get(query_tree.name)
    if form is None:
        raise QueryRefused(f"unsupported query form {query_tree.name}")
    for node in _walk(query_tree):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise QueryRefused(
                "SERVICE is not allowed: this endpoint never sends requests to other services"
            )

    prologue = translatePrologue(prologue_tree, None)
    default: list[str] = []
    named: list[str] = []
    # CompValue.get returns the key itself when absent, so test membership instead.
    clauses = query_tree["datasetClause"] if "datasetClause" in query_tree else []  # noqa: SIM401
    for clause in clauses or []:
        if "default" in clause:
            default.append(str(prologue.absolutize(clause["default"])))
        if "named" in clause:
            named.append(str(prologue.absolutize(clause["named"])))
    check_graphs([*default, *named], graphs_in_store, "FROM")
    return CheckedQuery(text=text, form=form, from_graphs=default, from_named_graphs=named)


def check_graphs(iris: Collection[str], graphs_in_store: Collection[str], what: str) -> None:
    """Refuse graph IRIs the store does not hold: nothing is ever fetched or read from files."""
    unknown = [iri for iri in iris if iri not in graphs_in_store]
    if unknown:
        raise QueryRefused(
            f"{what} names graphs this store does not hold ({', '.join(unknown)}); "
            "graphs are only selected from the store, never loaded from files or the web. "
            "See the service description (GET /sparql) for the graph list."
        )

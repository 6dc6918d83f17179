"""Reading the project's YAML data files with errors that name the file and line.

Every YAML the project reads (curated facts, registry, reference data, curation files, source
descriptions, canned-query headers) goes through `BoundedLoader`: PyYAML shares an aliased node
instead of copying it, so a "billion laughs" of a few hundred bytes loads quickly, but every
consumer that walks the result (validation, RDF conversion, JSON) then visits each of its
hundreds of millions of values. The loader refuses documents whose aliases would add more than
MAX_ALIAS_NODES nodes, or that refer to themselves, before anything is constructed.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import yaml

from foerdergraph.core.errors import InputError, InputProblem

MAX_ALIAS_NODES = 10_000
"""How many nodes the aliases (*name) of one document may add when expanded. A curated file
reusing a block a few times stays far below; nine levels of nine aliases add 435 million."""


class AliasExpansionError(yaml.YAMLError):
    """A document whose aliases expand beyond MAX_ALIAS_NODES nodes, or refer to themselves."""

    def __init__(self, message: str, where: str = "") -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def check_aliases(root: yaml.Node, limit: int = MAX_ALIAS_NODES) -> None:
    """Raise AliasExpansionError when expanding the aliases under `root` adds more than `limit`
    nodes. An alias is the same node object reached a second time, so the expanded size is the
    tree size of the node graph: counted once per distinct node, bottom-up, without expanding."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the nodes whose children are being counted: the path here
    todo: list[tuple[yaml.Node, bool]] = [(root, False)]
    while todo:
        node, children_done = todo.pop()
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in _children(node))
            continue
        if id(node) in sizes:
            continue
        open_nodes.add(id(node))
        todo.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                mark = child.start_mark
                raise AliasExpansionError(
                    "an alias refers to itself (a recursive structure); refusing to load it",
                    f"line {mark.line + 1}",
                )
            if id(child) not in sizes:
                todo.append((child, False))
    added = sizes[id(root)] - len(sizes)
    if added > limit:
        raise AliasExpansionError(
            f"its aliases (*name) would expand it by {added:,} nodes, more than the {limit:,} "
            "allowed (a 'billion laughs'?); refusing to load it"
        )


class BoundedLoader(yaml.SafeLoader):
    """yaml.SafeLoader that checks each composed document with `check_aliases` before any of
    it is constructed."""

    def compose_document(self) -> yaml.Node | None:
        node = super().compose_document()
        if node is not None:
            check_aliases(node)
        return node


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """yaml.safe_load with the alias bound: raises AliasExpansionError (a yaml.YAMLError)."""
    loader = BoundedLoader(stream)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes an InputError naming the line and column,
    and so does a document whose aliases expand too far."""
    try:
        with path.open(encoding="utf-8") as handle:
            return safe_load(handle)
    except AliasExpansionError as exc:
        raise InputError([InputProblem(path, exc.where, exc.message)]) from None
    except RecursionError:
        raise InputError([InputProblem(path, "", "nested too deeply to read")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError([InputProblem(path, where, f"invalid YAML: {exc.problem}")]) from exc
    except UnicodeDecodeError as exc:
        raise InputError([InputProblem(path, "", f"not UTF-8: {exc.reason}")]) from exc
    except ValueError as exc:  # a well-formed value YAML cannot construct, e.g. 2016-02-30
        where = _unconstructible(path.read_text(encoding="utf-8"))
        raise InputError([InputProblem(path, where, f"invalid YAML value: {exc}")]) from exc


def _unconstructible(text: str) -> str:
    """Where the first scalar sits that PyYAML parses but cannot turn into a value."""
    loader = BoundedLoader(text)
    todo = [loader.get_single_node()]
    while todo:
        node = todo.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node, deep=True)
            except ValueError:
                mark = node.start_mark
                return f"line {mark.line + 1}, column {mark.column + 1}"
        elif isinstance(node, yaml.SequenceNode):
            todo += reversed(node.value)
        elif isinstance(node, yaml.MappingNode):
            todo += [n for pair in reversed(node.value) for n in reversed(pair)]
    return ""


def read_mapping(path: Path) -> dict[str, Any]:
    """A YAML file whose top level must be a mapping (empty files count as empty mappings)."""
    content = read_yaml(path)
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise InputError([InputProblem(path, "", "the top level must be a mapping of keys")])
    return content

"""Reading the project's YAML data files with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from foerdergraph.core.errors import InputError, InputProblem


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes an InputError naming the line and column."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
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
    loader = yaml.SafeLoader(text)
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

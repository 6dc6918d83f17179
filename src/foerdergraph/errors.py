"""Errors that carry where the bad input is, so every message names its file and place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InputProblem:
    """One problem in one input file; `where` is a fact number, a key or a line."""

    path: Path
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.path}:{where} {self.message}"


class InputError(Exception):
    """Bad input: raised with every problem found, not just the first."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class BuildError(Exception):
    """The build stopped; the previous build is untouched. The message is the report."""

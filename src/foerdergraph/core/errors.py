"""Errors that carry where the bad input is, so every message names its file and place; and the
exit codes of the command line, defined once for every command."""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_INVALID = 1
"""Invalid data or failed validation."""
EXIT_USAGE = 2
"""Wrong usage: an option or parameter that cannot work."""
EXIT_MISSING = 3
"""A missing build or input file."""
EXIT_INTERRUPTED = 130


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


EXIT_NO_SPACE = 4
"""The exit code of a command that ran out of disk space (0 success, 1 invalid data or query,
2 wrong usage, 3 missing build or input, 4 no space left on device). Nothing visible changed:
builds, imports and exports write to temporary files or a staging folder first."""


def is_disk_full(exc: BaseException) -> bool:
    """An OSError for a full disk (or a full quota), also one re-raised from a worker process
    or by a library that keeps only the message."""
    if not isinstance(exc, OSError):
        return False
    return exc.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in str(exc)


def named_disk_full(exc: OSError, path: Path) -> OSError:
    """The error itself, or, for a full disk reported without a file name, the same error
    naming `path` (the folder or file being written)."""
    if is_disk_full(exc) and not exc.filename:
        named = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        named.__cause__ = exc
        return named
    return exc


def _size(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if count < 1000 or unit == "TB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return ""  # not reached


def disk_full_message(exc: OSError) -> str:
    """One line: the path being written and the space left on its file system."""
    path = Path(exc.filename) if exc.filename else Path.cwd()
    existing = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
    try:
        free = f"{_size(shutil.disk_usage(existing).free)} free"
    except OSError:
        free = "free space unknown"
    return (
        f"no space left on device writing {path} ({free} on that file system); nothing was changed"
    )

"""A killed build leaves nothing that outlives it: its worker processes die with it, and the next
build removes its staging folder (but never that of a build still running). A full disk is one
line naming the path and the free space, with its own exit code, and changes nothing."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from foerdergraph.cli import main
from foerdergraph.core.config import Settings
from foerdergraph.core.errors import EXIT_NO_SPACE, EXIT_OK
from foerdergraph.publish import dumps as export
from foerdergraph.workflows import eu_import
from foerdergraph.workflows.build import build

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
ENV = {**os.environ, "PYTHONPATH": str(SRC)}

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until_gone(pids: set[int], seconds: float = 60) -> set[int]:
    """The pids still alive after waiting up to `seconds` for them to end."""
    deadline = time.monotonic() + seconds
    while (left := {p for p in pids if alive(p)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def kill_all(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


POOL_SCRIPT = """
import sys, time
from foerdergraph.core.procs import worker_pool
with worker_pool(2) as pool:
    busy = pool.submit(time.sleep, 600)
    print(*sorted(p.pid for p in pool._processes.values()), flush=True)
    busy.result()
"""


def test_build_workers_die_with_their_parent() -> None:
    """A worker busy on a long job (a dump of a large build) used to run on, orphaned, after
    the build was killed."""
    parent = subprocess.Popen(
        [sys.executable, "-c", POOL_SCRIPT], env=ENV, stdout=subprocess.PIPE, text=True
    )
    workers: set[int] = set()
    try:
        assert parent.stdout is not None
        workers = {int(p) for p in parent.stdout.readline().split()}
        assert len(workers) == 2 and all(alive(p) for p in workers)
        parent.kill()
        parent.wait()
        assert wait_until_gone(workers) == set()
    finally:
        parent.kill()
        kill_all({p for p in workers if alive(p)})


def test_the_next_build_removes_a_killed_builds_staging_folder(project_copy: Settings) -> None:
    releases = project_copy.build_dir / "releases"
    env = {
        **ENV,
        "FOERDERGRAPH_HOME": str(project_copy.home),
        "FOERDERGRAPH_BUILD_DIR": str(project_copy.build_dir),
    }
    running = subprocess.Popen(
        [sys.executable, "-m", "foerdergraph.cli", "build", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = releases / f".staging-{running.pid}"
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while not (staging.is_dir() and (workers := children(running.pid))):
            assert running.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        running.kill()
        running.wait()
        assert wait_until_gone(workers) == set()
        assert staging.is_dir()  # what a killed build leaves behind
    finally:
        running.kill()
        kill_all({p for p in workers if alive(p)})

    result = build(project_copy)
    assert result.path.is_dir() and project_copy.current_build.resolve() == result.path
    assert not [p for p in releases.iterdir() if p.name.startswith(".staging-")]


def test_a_running_builds_staging_folder_is_left_alone(project_copy: Settings) -> None:
    """A staging folder whose build still holds its lock belongs to a concurrent build."""
    releases = project_copy.build_dir / "releases"
    releases.mkdir(parents=True)
    other = releases / ".staging-1"
    other.mkdir()
    (other / "part").write_text("being written", encoding="utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(600)\n",
            str(other),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        build(project_copy)
        assert (other / "part").read_text(encoding="utf-8") == "being written"
    finally:
        holder.kill()
        holder.wait()
    build(project_copy)  # now nobody holds it: stale
    assert not other.exists()


# -- a full disk ------------------------------------------------------------------------------


def disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_during_build_and_export_is_one_line_and_changes_nothing(
    project_copy: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = build(project_copy)
    dumps = {p.name: p.read_bytes() for p in (good.path / "dumps").iterdir()}
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(project_copy.home))
    monkeypatch.setenv("FOERDERGRAPH_BUILD_DIR", str(project_copy.build_dir))
    capsys.readouterr()

    monkeypatch.setattr(export.SourceDumps, "append", disk_full)
    assert main(["build", "--quiet"]) == EXIT_NO_SPACE
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "no space left on device" in err.lower()
    assert str(project_copy.build_dir / "releases") in err and " free" in err
    assert project_copy.current_build.resolve() == good.path
    assert {p.name: p.read_bytes() for p in (good.path / "dumps").iterdir()} == dumps
    releases = project_copy.build_dir / "releases"
    assert not [p for p in releases.iterdir() if p.name.startswith(".staging-")]

    def full_with_name(_store: object, _fmt: object, _prefixes: object, out: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    target = project_copy.home / "export.ttl"
    monkeypatch.setattr("foerdergraph.cli.graph.serialise", full_with_name)
    assert main(["export", "--format", "turtle", "-o", str(target)]) == EXIT_NO_SPACE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(target) in err and " free" in err
    assert not target.exists()
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".export.ttl")]


class _FullFile:
    def __init__(self, fd: int, _mode: str) -> None:
        os.close(fd)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def write(self, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_during_import_is_one_line_and_keeps_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "project"
    (home / "data").mkdir(parents=True)
    for folder in ("ontology", "shapes"):
        (home / folder).symlink_to(ROOT / folder)
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(home))
    lst = ROOT / "tests" / "fixtures" / "eu_lists" / "esf07" / "list.csv"
    assert main(["import", str(lst)]) == EXIT_OK
    imports = home / "data" / "imports"
    before = {p.name: p.read_bytes() for p in imports.iterdir()}
    capsys.readouterr()

    monkeypatch.setattr(eu_import.os, "fdopen", _FullFile)
    assert main(["import", str(lst)]) == EXIT_NO_SPACE
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert str(imports / "esf07.trig.gz") in err and " free" in err
    assert {p.name: p.read_bytes() for p in imports.iterdir()} == before

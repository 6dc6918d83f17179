"""Telling a living worker process from one that has exited, as the pool does before it hands
a worker a request."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from foerdergraph.serve.workers.handle import running


def test_a_running_process_runs() -> None:
    assert running(os.getpid())


def test_an_exited_unreaped_process_does_not() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 30
        while running(child.pid):  # a zombie until waited for
            assert time.monotonic() < deadline, "the child did not exit"
            time.sleep(0.05)
        assert os.path.exists(f"/proc/{child.pid}"), "the zombie is still in the table"
    finally:
        child.wait()
    assert not running(child.pid)


def test_no_process_does_not_run() -> None:
    assert not running(None)

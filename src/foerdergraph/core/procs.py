"""Worker processes that do not outlive the process that started them.

A build finishes its release in worker processes (store, dumps). When the build is killed
(SIGKILL, OOM killer), a worker busy on a dump of a large build would otherwise run on for
minutes, orphaned, writing into a folder nobody will publish. On Linux each worker asks the
kernel for SIGKILL when its parent dies (`prctl(PR_SET_PDEATHSIG)`); on other systems that
request is a no-op and a worker ends only once it finds its job queue closed.

The kernel sends that signal when the *thread* that started the worker ends, so `worker_pool`
starts every worker at once, from the calling thread, instead of on demand from whichever thread
submits the first job (the build submits from a short-lived thread).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Worker initializer: be killed when the parent dies (Linux; elsewhere a no-op). A parent
    that died before the request was made leaves the worker adopted by another process: end."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` fresh interpreters (spawn, never a fork of a threaded process), all
    started now from this thread, each dying with this process."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    # a pool with spawn starts a worker per job while none is idle: as many jobs as workers,
    # submitted at once, start them all here; waiting for them means every worker is armed
    started = [pool.submit(os.getpid) for _ in range(workers)]
    for future in started:
        future.result()
    return pool

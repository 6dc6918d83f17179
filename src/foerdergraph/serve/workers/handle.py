"""One worker process as the web process sees it: its pipe, its memory and CPU time read from
/proc, its scheduling priority, and how to kill it. Workers come from a fork server that has
imported the worker's modules once (`PRELOAD`)."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.context
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from foerdergraph.serve.workers.messages import COPIED

PRELOAD = ("foerdergraph.serve.workers.process", "foerdergraph.serve.safety")
"""Modules the fork server imports once, so that a new worker starts in tens of milliseconds
instead of the second a fresh interpreter needs to import pyoxigraph and the query check."""


BACKGROUND_NICE = 19
"""Scheduling priority of a new worker's other threads, the one loading its copy in memory
above all: a worker started to replace a killed one must not slow down the others."""


def worker_context() -> (
    multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext
):
    """Workers come from a fork server (a single-threaded process that has imported PRELOAD),
    never forked from the threaded web process; `spawn` where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


@dataclass(eq=False)
class Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    copy_of: str | None = None
    """The store path of the release this worker answers from memory (see memory_copy)."""
    base_kb: int = 0
    """Resident memory when idle: measured at start, and again once its copy is loaded."""
    base_copy: str | None = None
    """`copy_of` when `base_kb` was measured."""
    long: bool = False
    """Running a query that has used more than `LONG_AFTER_S` of CPU: out of the fast lane."""
    idle_since: float = 0.0
    """When it last became idle (event-loop time)."""
    answer_tid: int = 0
    """Thread id of the worker's answering thread (`_Answerer`); 0 until it is ready."""

    @property
    def answering(self) -> int:
        """The id of the thread that answers queries: its own, else the worker's main one."""
        return self.answer_tid or self.process.pid or 0

    def receive(self, budget: float) -> object | None:
        """The next message that is not a copy notice, or None when `budget` seconds pass
        first; copy notices are noted on the way."""
        deadline = time.monotonic() + budget
        while self.conn.poll(max(0.0, deadline - time.monotonic())):
            message = self.conn.recv()
            if isinstance(message, tuple) and message[0] == COPIED:
                self.copy_of = message[1]
                continue
            return message
        return None

    def note_copies(self) -> bool:
        """Read the copy notices an idle worker sent (it sends nothing else while idle);
        False when it is gone."""
        try:
            self.receive(0)
        except (EOFError, OSError):
            return False
        return True

    def alive(self) -> bool:
        """Whether an idle worker can take a query: its process runs and its pipe is open.

        `is_alive` alone lags (a forkserver child's exit is reported by the forkserver later),
        and a killed worker's pipe may stay open for a moment when another process holds the
        other end, so the process table is asked too: a request sent then would be lost."""
        return self.process.is_alive() and running(self.process.pid) and self.note_copies()

    def rss_kb(self) -> int:
        """Resident memory in kB (0 when it cannot be read)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * PAGE_KB
        except (OSError, ValueError, IndexError):
            return 0

    def cpu_s(self) -> float | None:
        """CPU seconds the thread that answers queries has used; None when unknown."""
        try:
            with open(f"/proc/{self.process.pid}/task/{self.answering}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (OSError, ValueError, IndexError):
            return None

    def renice(self, niceness: int) -> bool:
        """Set the scheduling priority of the thread that answers queries; False when not
        allowed (raising it again needs privileges)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.answering, niceness)
        except OSError:
            return False
        return True

    def renice_background(self) -> None:
        """Lowest priority for every thread but the ones that answer queries and pass the
        answers on (the main one)."""
        keep = {self.process.pid, self.answering}
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{self.process.pid}/task"):
                if int(task) not in keep:
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, int(task), BACKGROUND_NICE)

    def kill(self) -> None:
        """SIGKILL and close the pipe; `reap` collects the process."""
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()

    def reap(self) -> None:
        with contextlib.suppress(Exception):
            self.process.join(5)


def running(pid: int | None) -> bool:
    """Whether process `pid` exists and has not exited (a zombie has); True where there is no
    /proc to ask."""
    if pid is None:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return not os.path.isdir("/proc/self")
    except (OSError, IndexError):
        return True


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

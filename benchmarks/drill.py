"""`make drill`: runaway and cheap clients at once against `foerdergraph serve`, on 127.0.0.1.

Builds the real project into a temporary build folder (or reuses `--build-dir`), starts
`foerdergraph serve` on a free port of 127.0.0.1 with the configured limits, then for a bounded
time (`--seconds`, default 60) runs clients that each send one query after another:

- runaway clients (`--runaway`, default 4): every other one sends a cartesian product (runs for
  hours, in constant memory), the others the same product sorted (grows by hundreds of MB a
  second), so both the time limit and the memory cap are met;
- cheap clients (`--cheap`, default 8): an ASK and a one-entity SELECT, in turn.

Prints per class the requests, status codes, p50/p99/max latency and the messages of the
refusals, the largest resident memory of any query worker against its idle size and the memory
cap, and whether the targets were met: every cheap query answered (200) with p99 <= 1 s, every
runaway stopped with 503/504/507 and a message, no worker past its idle size plus the cap (plus
what a query allocates in one check interval). Exit status 1 when a target was missed.

Run: `.venv/bin/python -m benchmarks.drill [--seconds 60] [--build-dir DIR]`.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.load import percentile
from foerdergraph.core.config import Settings

PROJECT = Path(__file__).resolve().parent.parent
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
)
HUNGRY = "SELECT ?a ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f"
ASK = "ASK { ?s ?p ?o }"
ENTITY = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT 100"
CHEAP_P99_S = 1.0
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
TICK_SLACK_MB = 64
"""What a query may allocate between two of the pool's memory checks (50 ms)."""


@dataclass
class Outcome:
    kind: str
    status: int
    seconds: float
    message: str


@dataclass
class Drill:
    seconds: float
    runaway: int
    cheap: int
    settings: dict[str, str]
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)
    idle_worker_mb: float = 0.0
    max_worker_mb: float = 0.0
    max_server_mb: float = 0.0
    memory_cap_mb: int = 0

    def statuses(self, klass: str) -> Counter[int]:
        return Counter(o.status for o in self.outcomes.get(klass, []))

    def latency(self, klass: str, p: float) -> float:
        return percentile([o.seconds for o in self.outcomes.get(klass, [])], p)

    def targets(self) -> dict[str, bool]:
        cheap = self.outcomes.get("cheap", [])
        runaway = self.outcomes.get("runaway", [])
        memory_line = self.idle_worker_mb + self.memory_cap_mb + TICK_SLACK_MB
        return {
            "every cheap query answered (200)": bool(cheap) and all(o.status == 200 for o in cheap),
            f"cheap p99 <= {CHEAP_P99_S:g} s": bool(cheap)
            and self.latency("cheap", 99) <= CHEAP_P99_S,
            "every runaway stopped with 503/504/507 and a message": bool(runaway)
            and all(o.status in (503, 504, 507) and o.message for o in runaway),
            "no worker past its idle size + the memory cap": not self.memory_cap_mb
            or self.max_worker_mb <= memory_line,
        }

    def report(self) -> str:
        lines = [
            f"drill: {self.runaway} runaway + {self.cheap} cheap clients for {self.seconds:g} s; "
            + ", ".join(f"{k}={v}" for k, v in sorted(self.settings.items())),
            "",
            "| class | requests | status codes | p50 s | p99 s | max s |",
            "|---|---|---|---|---|---|",
        ]
        for klass in ("cheap", "runaway"):
            found = self.outcomes.get(klass, [])
            codes = ", ".join(f"{c}×{n}" for c, n in sorted(self.statuses(klass).items()))
            lines.append(
                f"| {klass} | {len(found)} | {codes} | {self.latency(klass, 50):.3f} | "
                f"{self.latency(klass, 99):.3f} | {self.latency(klass, 100):.3f} |"
            )
        messages = Counter(
            (o.kind, o.status, o.message[:90])
            for found in self.outcomes.values()
            for o in found
            if o.status != 200
        )
        if messages:
            lines += ["", "refusals:"]
            lines += [
                f"  {n}× {kind} {status}: {text}"
                for (kind, status, text), n in sorted(messages.items())
            ]
        lines += [
            "",
            f"query worker RSS: idle {self.idle_worker_mb:.0f} MB, largest {self.max_worker_mb:.0f}"
            f" MB (cap {self.memory_cap_mb} MB above idle); server process tree at most "
            f"{self.max_server_mb:.0f} MB",
            "",
        ]
        lines += [f"{'met ' if ok else 'MISSED'} {name}" for name, ok in self.targets().items()]
        return "\n".join(lines)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_build(build_dir: Path) -> None:
    """The real project built into `build_dir`, unless a build is there already."""
    if (build_dir / "current" / "manifest.json").is_file():
        return
    env = {**os.environ, "FOERDERGRAPH_BUILD_DIR": str(build_dir), "SOURCE_DATE_EPOCH": "0"}
    print(f"building the project into {build_dir} …", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "foerdergraph.cli", "build", "--quiet"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def process_tree(root: int) -> dict[int, int]:
    """RSS (kB) of `root` and each of its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    sizes: dict[int, int] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        with contextlib.suppress(OSError, IndexError, ValueError):
            sizes[pid] = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    return sizes


def rss_mb(pid: int) -> float:
    """Resident memory of one process (0 when it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB / 1024
    except (OSError, IndexError, ValueError):
        return 0.0


def worker_mb(url: str, server: int) -> dict[int, float]:
    """RSS (MB) of the server's query workers, by the pids /health names."""
    pids = httpx.get(url + "health", timeout=10).json()["workers"]
    sizes = process_tree(server)
    return {pid: sizes[pid] / 1024 for pid in pids if pid in sizes}


def run_drill(
    build_dir: Path,
    seconds: float = 60,
    runaway: int = 4,
    cheap: int = 8,
    settings: dict[str, str] | None = None,
    log: Path | None = None,
) -> Drill:
    """Run the drill against `foerdergraph serve` over the build in `build_dir` (which must
    exist), with FOERDERGRAPH_* `settings` (e.g. {"query_timeout": "2"})."""
    settings = dict(settings or {})
    env = {
        **os.environ,
        "FOERDERGRAPH_BUILD_DIR": str(build_dir),
        **{f"FOERDERGRAPH_{k.upper()}": v for k, v in settings.items()},
    }
    env.pop("FOERDERGRAPH_PUBLIC_URL", None)
    configured = Settings()  # what `serve` reads from the environment, but for `settings`
    timeout_s = float(settings.get("query_timeout", configured.query_timeout_s))
    drill = Drill(seconds, runaway, cheap, settings)
    drill.memory_cap_mb = int(settings.get("query_memory", configured.query_memory_mb))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    # The server's output goes to a file: a pipe nobody reads could stall it.
    with (log or Path(os.devnull)).open("wb") as output:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "foerdergraph.cli", "serve"),
                *("--host", "127.0.0.1", "--port", str(port)),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_copies(url, server)
            drill.idle_worker_mb = max(worker_mb(url, server.pid).values(), default=0.0)
            _clients(drill, url, server.pid, timeout_s, _some_entity(url))
        finally:
            server.kill()
            server.wait()
    return drill


def _wait_for_copies(url: str, server: subprocess.Popen[bytes]) -> None:
    """Until the server answers queries and its workers answer from memory (its steady
    state), or 120 s have passed."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        with contextlib.suppress(httpx.HTTPError, ValueError):
            asked = httpx.get(url + "sparql", params={"query": ASK}, timeout=10)
            health = httpx.get(url + "health", timeout=10).json()
            if asked.status_code == 200 and health["in_memory"] >= len(health["workers"]) > 0:
                return
        time.sleep(0.2)
    if server.poll() is not None:
        raise RuntimeError(f"the server exited with {server.returncode}")


def _some_entity(url: str) -> str:
    answer = httpx.get(
        url + "sparql",
        params={"query": "SELECT ?s WHERE { ?s a ?type } LIMIT 1", "format": "json"},
        timeout=30,
    ).json()
    return answer["results"]["bindings"][0]["s"]["value"]


def _clients(drill: Drill, url: str, server: int, timeout_s: float, entity: str) -> None:
    """Run the clients until `drill.seconds` have passed (queries in flight then are
    finished and counted), sampling the workers' memory meanwhile."""
    deadline = time.monotonic() + drill.seconds
    lock = threading.Lock()
    drill.outcomes = {"cheap": [], "runaway": []}
    stop = threading.Event()

    def client(klass: str, queries: list[tuple[str, str]]) -> None:
        turn = 0
        with httpx.Client(timeout=timeout_s + 30) as session:
            while time.monotonic() < deadline:
                kind, query = queries[turn % len(queries)]
                turn += 1
                began = time.monotonic()
                try:
                    response = session.get(
                        url + "sparql", params={"query": query, "format": "json"}
                    )
                    status = response.status_code
                    message = "" if status == 200 else response.text.strip()
                except httpx.HTTPError as error:
                    status, message = 0, f"{type(error).__name__}: {error}"
                with lock:
                    drill.outcomes[klass].append(
                        Outcome(kind, status, time.monotonic() - began, message)
                    )

    def sample() -> None:
        """Every 0.1 s the workers' memory, every 0.5 s the whole process tree's."""
        with httpx.Client(timeout=10) as session:
            for turn in itertools.count():
                if stop.is_set():
                    return
                with contextlib.suppress(httpx.HTTPError, ValueError, KeyError):
                    workers = session.get(url + "health").json()["workers"]
                    drill.max_worker_mb = max([drill.max_worker_mb, *map(rss_mb, workers)])
                    if turn % 5 == 0:
                        total = sum(process_tree(server).values()) / 1024
                        drill.max_server_mb = max(drill.max_server_mb, total)
                stop.wait(0.1)

    runaway_queries = [[("cartesian", CARTESIAN)], [("sorted cartesian", HUNGRY)]]
    cheap_queries = [("ask", ASK), ("entity", ENTITY.format(iri=entity))]
    threads = [
        threading.Thread(target=client, args=("runaway", runaway_queries[i % 2]))
        for i in range(drill.runaway)
    ] + [
        threading.Thread(
            target=client, args=("cheap", cheap_queries[i % 2 :] + cheap_queries[: i % 2])
        )
        for i in range(drill.cheap)
    ]
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    sampler.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.drill", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60, help="how long clients send")
    parser.add_argument("--runaway", type=int, default=4, help="runaway clients")
    parser.add_argument("--cheap", type=int, default=8, help="cheap clients")
    parser.add_argument(
        "--build-dir",
        type=Path,
        default=None,
        help="a build folder to reuse (or to build into); default a temporary one",
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=512,
        help="the server's memory cap per query in MB (FOERDERGRAPH_QUERY_MEMORY; default "
        "%(default)s, so that the sorted product meets it within the time limit)",
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="the server's time limit (default: its own)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="foerdergraph-drill-") as temporary:
        build_dir = args.build_dir or Path(temporary) / "build"
        ensure_build(build_dir)
        settings = {"query_memory": str(args.memory)}
        if args.timeout:
            settings["query_timeout"] = f"{args.timeout:g}"
        drill = run_drill(
            build_dir,
            args.seconds,
            args.runaway,
            args.cheap,
            settings,
            log=Path(temporary) / "serve.log",
        )
    print(drill.report())
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "seconds": drill.seconds,
                    "statuses": {k: dict(drill.statuses(k)) for k in drill.outcomes},
                    "p50": {k: drill.latency(k, 50) for k in drill.outcomes},
                    "p99": {k: drill.latency(k, 99) for k in drill.outcomes},
                    "idle_worker_mb": drill.idle_worker_mb,
                    "max_worker_mb": drill.max_worker_mb,
                    "targets": drill.targets(),
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0 if all(drill.targets().values()) else 1


if __name__ == "__main__":
    sys.exit(main())

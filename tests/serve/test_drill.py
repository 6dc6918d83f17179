"""The loopback drill of `make drill` works: run for a few seconds over the fixture build."""

from __future__ import annotations

from pathlib import Path

from benchmarks.drill import run_drill


def test_a_short_drill(build_dir: Path, tmp_path: Path) -> None:
    drill = run_drill(
        build_dir,
        seconds=4,
        runaway=2,
        cheap=2,
        settings={"query_timeout": "3", "query_memory": "100"},
        log=tmp_path / "serve.log",
    )
    report = drill.report()
    cheap, runaway = drill.outcomes["cheap"], drill.outcomes["runaway"]
    assert cheap and all(o.status == 200 for o in cheap), report
    assert runaway, report
    for outcome in runaway:
        assert outcome.status in (503, 504, 507) and outcome.message, report
    kinds = {(o.kind, o.status) for o in runaway}
    assert ("cartesian", 503) in kinds, report  # stopped at the time limit
    assert ("sorted cartesian", 507) in kinds, report  # stopped at the memory cap
    assert drill.idle_worker_mb > 0 and drill.max_worker_mb > 0, report
    assert "| cheap |" in report and "| runaway |" in report

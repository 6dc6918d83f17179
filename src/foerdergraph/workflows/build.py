"""The build: data/ → named graphs → SHACL validation → OWL-RL closure → store, dumps, VoID.

Everything is written into a staging folder first; only a complete, valid build is moved into
`build/releases/<content-hash>` and the `build/current` link switched to it in one atomic rename.
A failed build therefore leaves the last good graph, store and dumps untouched, and a running
server never sees a half-written build. A build holds a lock on its staging folder while it runs;
the next build removes the staging folders nobody holds (a killed build's), and the worker
processes die with the build (foerdergraph.procs). A full disk ends the build with an OSError
naming the staging folder (the CLI prints one line and exits 4).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from foerdergraph import __version__
from foerdergraph.core.config import Settings
from foerdergraph.core.errors import BuildError, InputError, named_disk_full
from foerdergraph.core.iri import graph_iri
from foerdergraph.core.procs import worker_pool
from foerdergraph.core.vocab import PREFIXES
from foerdergraph.ingest.dataset import Inputs, load_inputs
from foerdergraph.publish.dumps import FORMATS, SourceDumps, dump_jobs, dump_path, finish_dump
from foerdergraph.publish.store import load_slices, store_path, write_store
from foerdergraph.publish.void import GraphInfo, build_time, class_partitions, void_quads
from foerdergraph.reason.owl2rl import materialise
from foerdergraph.validate.engine import ValidationReport, load_shapes, validate, validate_store

KEEP_RELEASES = 3
"""How many older releases stay beside the current one (for a quick manual rollback)."""

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    path: Path
    manifest: dict[str, object]
    timings: dict[str, float] = field(default_factory=dict)
    warnings: str = ""
    """The SHACL report when the data conforms but has warnings (shown, not fatal)."""


@contextmanager
def _step(name: str, timings: dict[str, float], progress: Progress) -> Iterator[None]:
    progress(f"{name} …")
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 3)
    progress(f"{name}: {timings[name]:.2f} s")


def prefixes(base: str) -> dict[str, str]:
    return {**{k: str(v) for k, v in PREFIXES.items()}, "fgd": base + "id/"}


@dataclass
class CheckedInputs:
    """The loaded input in one Oxigraph store, and what SHACL said about it."""

    inputs: Inputs
    store: ox.Store
    imported: dict[str, Path]
    report: ValidationReport

    def graphs(self) -> list[GraphInfo]:
        """Every input graph with its kind, size and document."""
        infos = [
            GraphInfo(str(p.iri), p.kind, _count(self.store, str(p.iri)), p.document)
            for p in [*self.inputs.parts, *self.inputs.derived]
        ]
        infos += [GraphInfo(i, "import", _count(self.store, i)) for i in sorted(self.imported)]
        return infos


def _load(settings: Settings) -> tuple[Inputs, ox.Store, dict[str, Path]]:
    try:
        inputs = load_inputs(settings)
        store, imported = inputs.store()
    except InputError as exc:
        raise BuildError(f"invalid input ({len(exc.problems)} problems):\n{exc}") from exc
    return inputs, store, imported


def check_inputs(settings: Settings, engine: str = "sparql") -> CheckedInputs:
    """Load and validate without writing anything (`foerdergraph validate`)."""
    inputs, store, imported = _load(settings)
    shapes = load_shapes(settings.shapes_file)
    if engine == "sparql":  # our shapes compiled to SPARQL on the store itself
        report = validate_store(store, shapes=shapes)
    else:  # the reference engine, on an rdflib copy
        report = validate(
            inputs.dataset(settings.base_iri),
            shapes=shapes,
            ontology=inputs.ontology,
            engine=engine,
        )
    return CheckedInputs(inputs, store, imported, report)


def build(settings: Settings, progress: Progress = lambda _msg: None) -> BuildResult:
    """Run the whole pipeline; raise BuildError (with a readable report) and write nothing
    visible when anything is wrong."""
    timings: dict[str, float] = {}
    with _step("load", timings, progress):
        inputs, dataset, imported = _load(settings)
        shapes = load_shapes(settings.shapes_file)
    releases = settings.build_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    staging, hold = _claim_staging(releases)
    try:
        with worker_pool(os.cpu_count() or 2) as workers:
            release = _Release(staging, SourceDumps(staging / "dumps"), workers)
            with _step("validate (SHACL) and reason (OWL 2 RL)", timings, progress):
                report, derived = _validate_and_reason(dataset, shapes, settings, release)
            graphs = CheckedInputs(inputs, dataset, imported, report).graphs()
            inferred = graph_iri("inferred", base=settings.base_iri)
            graphs.append(GraphInfo(str(inferred), "inferred", len(derived)))
            with _step("store and dumps", timings, progress):
                written = _write_sources(release.sources, (dataset, derived))
                del dataset, derived
                _give_back_memory()
                manifest = _write_release(release, written, graphs, settings)
        final = _publish(staging, releases, settings, manifest)
    except OSError as exc:
        raise named_disk_full(exc, staging) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(hold)
    _prune(releases, keep=final)
    if settings.store_url:  # scale-out: the complete release goes to the SPARQL server too
        from foerdergraph.remote.upload import upload_build

        with _step("upload to the SPARQL store", timings, progress):
            upload_build(final, settings.store_url, settings.base_iri, progress)
    warnings = report.text() if report.warnings else ""
    return BuildResult(final, manifest, timings, warnings)


@contextmanager
def _locked(folder: Path, blocking: bool = True) -> Iterator[bool]:
    """An exclusive flock on a folder: True when held (always, when blocking)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        yield held
    finally:
        os.close(fd)


def _claim_staging(releases: Path) -> tuple[Path, int]:
    """This build's staging folder, locked for as long as the build runs (the returned fd holds
    the lock; closing it releases it). First removes the staging folders of builds that are no
    longer running (killed, or a lost machine): a running build holds the lock on its folder.
    Cleaning up and claiming happen under a lock on `releases`, so no build sees another's
    folder between its creation and its lock."""
    with _locked(releases):
        for stale in releases.glob(".staging-*"):
            if stale.is_dir() and not stale.is_symlink():
                with _locked(stale, blocking=False) as unused:
                    if unused:
                        shutil.rmtree(stale, ignore_errors=True)
        staging = releases / f".staging-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        hold = os.open(staging, os.O_RDONLY)
        fcntl.flock(hold, fcntl.LOCK_EX)
    return staging, hold


@dataclass
class _Release:
    """The release being staged: its folder, its source dumps, the worker processes that
    finish it, and how much of the N-Quads source is in the on-disk store already."""

    staging: Path
    sources: SourceDumps
    workers: ProcessPoolExecutor
    loaded: int = 0

    @property
    def nquads(self) -> Path:
        return dump_path(self.sources.out_dir, FORMATS["nquads"])

    def dump_data(self, dataset: ox.Store) -> Future[None]:
        """Append the loaded data to the source dumps and start loading that part into the
        on-disk store in a worker."""
        self.sources.append(dataset)
        self.loaded = self.nquads.stat().st_size
        return self.workers.submit(
            load_slices, store_path(self.staging), self.nquads, 0, self.loaded
        )


def _validate_and_reason(
    dataset: ox.Store, shapes: Graph, settings: Settings, release: _Release
) -> tuple[ValidationReport, ox.Store]:
    """SHACL and the reasoner side by side: both only read the dataset (the entailments go to
    a store of their own). The validator runs in Oxigraph without Python's lock and the
    reasoner mostly in Python, so each has a core; once the data is valid, its part of the
    dumps and of the on-disk store are written on the validator's core while the reasoner
    finishes. A SHACL report comes first when both find problems: it names files and quotes."""

    def validate_then_dump() -> tuple[ValidationReport, Future[None] | None]:
        report = validate_store(dataset, shapes=shapes)
        return report, release.dump_data(dataset) if report.conforms else None

    inferred = ox.NamedNode(str(graph_iri("inferred", base=settings.base_iri)))
    with ThreadPoolExecutor(max_workers=1) as pool:
        validation = pool.submit(validate_then_dump)
        try:
            derived, contradiction = materialise(dataset, inferred, settings.base_iri), None
        except BuildError as exc:
            derived, contradiction = ox.Store(), exc
        report, loading = validation.result()
    if loading is not None:
        loading.result()  # the store takes one writer at a time
    if not report.conforms:
        raise BuildError(f"SHACL validation failed:\n{report.text()}")
    if contradiction is not None:
        raise contradiction
    return report, derived


def _give_back_memory() -> None:
    """Return the freed dataset's pages to the system (glibc keeps them in the heap otherwise),
    so the worker processes that finish the release have that memory to themselves."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@dataclass(frozen=True)
class _Sources:
    """What the release needs from the in-memory dataset, so the dataset can go before the
    slow part (converting, compressing, writing the on-disk store) begins."""

    dumps_dir: Path
    counts: dict[str, int]
    classes: list[tuple[str, int]]
    quads: int


def _write_sources(sources: SourceDumps, stores: tuple[ox.Store, ox.Store]) -> _Sources:
    """Finish the source dumps with the reasoner's store, and take what the release needs
    from the stores."""
    sources.append(stores[1])
    classes: Counter[str] = Counter()
    for store in stores:  # a type is either stated or derived, never both: counts add up
        classes.update(dict(class_partitions(store)))
    ranked = sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))
    return _Sources(sources.out_dir, sources.counts(), ranked, sum(len(s) for s in stores))


def _write_release(
    release: _Release, sources: _Sources, graphs: list[GraphInfo], settings: Settings
) -> dict[str, object]:
    """The rest of the on-disk store and every dump, side by side in the worker processes
    (each streams from the source dumps, so each needs little memory); then VoID and the
    manifest."""
    base, staging = settings.base_iri, release.staging
    jobs = dump_jobs(sources.dumps_dir, prefixes(base), sources.counts)
    store_written = release.workers.submit(
        write_store, store_path(staging), release.nquads, release.loaded
    )
    finished = {job.format: release.workers.submit(finish_dump, job) for job in jobs}
    dumps = [dump for name in FORMATS for dump in finished[name].result()]
    store_written.result()
    void_graph = ox.NamedNode(str(graph_iri("void", base=base)))
    void = void_quads(
        base, graphs, dumps, sources.classes, sources.quads, build_time(settings.home)
    )
    void_store = ox.Store()
    void_store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in void)
    void_bytes = void_store.dump(
        format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes(base)
    )
    assert void_bytes is not None  # dump() returns bytes when given no output
    (staging / "void.ttl").write_bytes(void_bytes)
    (staging / "dumps" / "void.ttl").write_bytes(void_bytes)
    disk = ox.Store(str(store_path(staging)))
    disk.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, void_graph) for t in void)
    disk.flush()
    del disk
    manifest: dict[str, object] = {
        "build_id": hashlib.sha256("".join(d.sha256 for d in dumps).encode()).hexdigest()[:16],
        "foerdergraph_version": __version__,
        "base_iri": base,
        "triples": sources.quads,
        "graphs": [
            {
                "iri": g.iri,
                "kind": g.kind,
                "triples": g.triples,
                **({"document": g.document} if g.document else {}),
            }
            for g in graphs
        ],
        "dumps": [d.as_dict() for d in dumps],
    }
    (staging / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def _count(dataset: ox.Store, graph: str) -> int:
    return sum(1 for _ in dataset.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _publish(
    staging: Path, releases: Path, settings: Settings, manifest: dict[str, object]
) -> Path:
    """Move the staged build into place and switch `current` to it atomically."""
    final = releases / str(manifest["build_id"])
    if not final.exists():  # an existing release of the same id has byte-identical dumps
        staging.rename(final)
    link = settings.current_build
    tmp_link = link.with_name(f".current-{os.getpid()}")
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(final.relative_to(link.parent))
    os.replace(tmp_link, link)
    return final


def _prune(releases: Path, keep: Path) -> None:
    """Delete all but the newest few releases (never the current one)."""
    others = sorted(
        (p for p in releases.iterdir() if p.is_dir() and p != keep and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in others[: max(0, len(others) - KEEP_RELEASES)]:
        shutil.rmtree(old, ignore_errors=True)

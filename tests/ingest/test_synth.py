"""`foerdergraph synth`: deterministic, valid against the real shapes, Zipf-like recurrence."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from foerdergraph.cli import main
from foerdergraph.core.rdf import from_oxigraph
from foerdergraph.core.vocab import FG
from foerdergraph.ingest.dataset import Inputs
from foerdergraph.ingest.synth import SynthStats, synth_graph_iri, write_synthetic
from foerdergraph.validate.engine import load_shapes, validate

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/foerdergraph/"


def load_import(path: Path) -> Graph:
    """The one graph of an import file, read the way the build reads it."""
    store, imported = Inputs(Graph(), [], [path]).store()
    [name] = imported
    graph = Graph()
    for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
        graph.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
    return graph


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthStats]:
    path = tmp_path_factory.mktemp("synth") / "synth-3.trig.gz"
    return path, write_synthetic(path, 4000, 3, BASE)


def test_same_seed_same_bytes_other_seed_other_graph(
    small: tuple[Path, SynthStats], tmp_path: Path
) -> None:
    path, stats = small
    again = write_synthetic(tmp_path / "again.trig.gz", 4000, 3, BASE)
    other = write_synthetic(tmp_path / "other.trig.gz", 4000, 4, BASE)
    assert (tmp_path / "again.trig.gz").read_bytes() == path.read_bytes()
    assert again.triples == stats.triples
    assert (tmp_path / "other.trig.gz").read_bytes() != path.read_bytes()
    assert other.projects > 0


def test_size_is_close_to_the_target(small: tuple[Path, SynthStats]) -> None:
    path, stats = small
    assert 4000 <= stats.triples < 4000 + 200
    data = Dataset()
    with gzip.open(path, "rb") as handle:
        data.parse(handle, format="trig")
    graphs = [g for g in data.graphs() if len(g)]
    assert [str(g.identifier) for g in graphs] == [synth_graph_iri(3, BASE)]
    assert len(graphs[0]) == stats.triples  # no triple is written twice


def test_loads_as_an_import_and_passes_the_project_shapes(small: tuple[Path, SynthStats]) -> None:
    path, stats = small
    graph = load_import(path)
    assert list(Inputs(Graph(), [], [path]).store()[1]) == [synth_graph_iri(3, BASE)]
    for cls in ("FundingProgramme", "FundingCall", "Project", "Grant", "Participation", "Post",
                "SourceDocument", "Evidence", "DataRecord", "SourceDataset", "Fund"):  # fmt: skip
        assert (None, None, FG[cls]) in graph, cls
    assert stats.documents > 0 and stats.programmes >= 3
    ontology = Graph().parse(ROOT / "ontology" / "foerdergraph.ttl")
    report = validate(graph, shapes=load_shapes(ROOT / "shapes" / "foerdergraph.shacl.ttl"),
                      ontology=ontology)  # fmt: skip
    assert report.violations == [], report.text()


def test_quotes_sit_at_their_offsets(small: tuple[Path, SynthStats]) -> None:
    g = load_import(small[0])
    evidence = list(g.subjects(None, FG.Evidence))
    assert evidence
    for ev in evidence:
        text = str(g.value(g.value(ev, FG.inDocument), FG.text))
        start, end = int(g.value(ev, FG.start)), int(g.value(ev, FG.end))  # type: ignore[arg-type]
        assert text[start:end] == str(g.value(ev, FG.quote))


def test_partner_recurrence_is_zipf_like(tmp_path: Path) -> None:
    """Rank-frequency of partner use falls on a line of slope about -1 in log-log space, and the
    most frequent partners take part in several programmes."""
    stats = write_synthetic(tmp_path / "zipf.trig.gz", 60_000, 11, BASE)
    counts = sorted(stats.partner_uses.values(), reverse=True)
    top = counts[:100]
    xs = [math.log(rank + 1) for rank in range(len(top))]
    ys = [math.log(c) for c in top]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    assert -1.5 < slope < -0.6, slope
    assert counts[0] > 20 * counts[len(counts) // 2]
    g = load_import(next(tmp_path.glob("*.trig.gz")))
    leader = max(stats.partner_uses, key=stats.partner_uses.__getitem__)
    programmes = {
        programme
        for project in g.objects(URIRef(leader), FG.partnerIn)
        for call in g.objects(project, FG.partOf)
        for programme in g.objects(call, FG.partOf)
    }
    assert len(programmes) >= 3


def test_command_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.trig.gz"
    assert main(["synth", "--triples", "500", "--seed", "1", "--output", str(out)]) == 0
    assert out.is_file()
    assert "triples" in capsys.readouterr().out

"""Dumps and the on-disk store, as the build writes them: from two source dumps, in slices."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from foerdergraph.publish import store as store_module
from foerdergraph.publish.dumps import (
    FORMATS,
    SourceDumps,
    dump_jobs,
    dump_path,
    finish_dump,
    serialise,
)

EX = "https://example.org/"
G1, G2 = ox.NamedNode(EX + "g1"), ox.NamedNode(EX + "g2")


def _n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


@pytest.fixture
def dataset() -> ox.Store:
    """Two graphs that share a triple, and a blank node used in both."""
    store = ox.Store()
    axiom = ox.BlankNode("axiom")
    store.extend(
        [
            ox.Quad(_n("a"), _n("p"), _n("b"), G1),
            ox.Quad(_n("a"), _n("p"), _n("b"), G2),
            ox.Quad(_n("a"), _n("label"), ox.Literal("Förderung", language="de"), G1),
            ox.Quad(axiom, _n("member"), _n("a"), G1),
            ox.Quad(axiom, _n("member"), _n("b"), G2),
        ]
    )
    return store


def _triples(data: bytes, fmt: ox.RdfFormat) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)]


def test_triple_formats_state_a_triple_of_two_graphs_once(dataset: ox.Store) -> None:
    for name in ("nt", "turtle", "rdfxml"):
        out = io.BytesIO()
        serialise(dataset, FORMATS[name], {"ex": EX}, out)
        triples = _triples(out.getvalue(), FORMATS[name].rdf_format)
        assert len(triples) == 4, name  # five quads, one triple in both graphs


def test_a_store_of_one_graph_is_dumped_without_the_union_query(dataset: ox.Store) -> None:
    single = ox.Store()
    single.extend(q for q in dataset if q.graph_name == G1)
    out = io.BytesIO()
    serialise(single, FORMATS["nt"], {}, out)
    assert len(_triples(out.getvalue(), ox.RdfFormat.N_TRIPLES)) == 3


def test_every_dump_finished_from_the_sources_holds_the_data(
    dataset: ox.Store, tmp_path: Path
) -> None:
    """The dataset's part and a second store's part appended, then every format converted
    from them: each dump parses to the union (triple formats) or to every quad."""
    extra = ox.Store()
    extra.add(ox.Quad(_n("b"), _n("q"), _n("c"), ox.NamedNode(EX + "inferred")))
    sources = SourceDumps(tmp_path)
    sources.append(dataset)
    sources.append(extra)
    counts = sources.counts()
    assert counts == {"nquads": 6, "nt": 5}
    described = [d for job in dump_jobs(tmp_path, {"ex": EX}, counts) for d in finish_dump(job)]
    assert {d.file for d in described} == {
        f"foerdergraph.{f.extension}{gz}" for f in FORMATS.values() for gz in ("", ".gz")
    }
    for fmt in FORMATS.values():
        parsed = list(ox.parse(path=dump_path(tmp_path, fmt), format=fmt.rdf_format))
        assert len(parsed) == (6 if fmt.named_graphs else 5), fmt.name


def test_the_store_is_written_in_slices_and_keeps_blank_nodes_together(
    dataset: ox.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each bulk load renames blank nodes apart; with one statement per slice, the axiom's two
    statements must still share one blank node in the written store."""
    nquads = tmp_path / "data.nq"
    dataset.dump(nquads, format=ox.RdfFormat.N_QUADS)
    monkeypatch.setattr(store_module, "LOAD_SLICE", 1)
    store_module.write_store(tmp_path / "store", nquads)
    written = ox.Store.read_only(str(tmp_path / "store"))
    assert len(written) == len(dataset)
    members = list(written.quads_for_pattern(None, _n("member"), None, None))
    assert len({q.subject for q in members}) == 1
    assert isinstance(members[0].subject, ox.BlankNode)


def test_the_store_loads_in_two_parts_as_the_build_does(dataset: ox.Store, tmp_path: Path) -> None:
    """The data's part while the reasoner runs, the rest (and the blank nodes) after."""
    nquads = tmp_path / "data.nq"
    dataset.dump(nquads, format=ox.RdfFormat.N_QUADS)
    middle = nquads.read_bytes().index(b"\n", len(nquads.read_bytes()) // 2) + 1
    store_module.load_slices(tmp_path / "store", nquads, 0, middle)
    store_module.write_store(tmp_path / "store", nquads, middle)
    written = ox.Store.read_only(str(tmp_path / "store"))
    assert {q for q in dataset if not isinstance(q.subject, ox.BlankNode)} <= set(written)
    assert len(written) == len(dataset)

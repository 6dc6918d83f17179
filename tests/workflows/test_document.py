"""`foerdergraph validate --document ID` on the real project: one document from its files,
against the last build, says what the full validation says about that document.

Each test builds a copy of the project, then changes inputs the way a curator does (an entity's
class, a second label for a shared new entity, a document's date, a quote, an entity another
document relies on dropped, a fact added) and compares `check_document` with `check_inputs` (the
full `foerdergraph validate`): the same results on every node of the document's graph and on the
nodes of other documents the edit concerns, or the same loader problems.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pyoxigraph as ox
import pytest

from foerdergraph.cli import main
from foerdergraph.core.config import Settings
from foerdergraph.core.errors import InputError
from foerdergraph.ingest.dataset import load_inputs
from foerdergraph.validate.engine import Violation
from foerdergraph.workflows.build import build, check_inputs
from foerdergraph.workflows.document import check_document

DOC0 = "000_2f9c4f1f6fc4135f"
DOC1 = "001_514295b5d009b54a"
SEEDS = [DOC0, DOC1, "002_ef814af1dd21e5bd", "003_a2fe1644bea6c11d", "004_9de6f322ba1d0f1f"]


@pytest.fixture
def built_copy(project_copy: Settings) -> Settings:
    build(project_copy)
    return project_copy


def full_for(settings: Settings, doc_id: str) -> list[Violation]:
    """The full validation's results on the nodes of `doc_id`'s graph."""
    checked = check_inputs(settings)
    [part] = [p for p in checked.inputs.parts if p.document == doc_id]
    graph = ox.NamedNode(str(part.iri))
    subjects = {q.subject.value for q in checked.store.quads_for_pattern(None, None, None, graph)}
    return [v for v in checked.report.violations if v.focus in subjects]


def full_on(settings: Settings, nodes: Collection[str]) -> list[Violation]:
    """The full validation's results on `nodes`."""
    return [v for v in check_inputs(settings).report.violations if v.focus in nodes]


def write_draft(settings: Settings, doc_id: str, text: str, facts: str) -> None:
    """A draft document: its text, metadata and facts file (`facts`: the YAML after `status`)."""
    data = settings.data_dir
    (data / "sources" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (data / "sources" / f"{doc_id}.yaml").write_text(
        "title: Beispiel\npublisher: null\ndate: 2020-01-02\nplace: null\nurl: null\n",
        encoding="utf-8",
    )
    (data / "facts" / f"{doc_id}.yaml").write_text(
        f"document: {doc_id}\nstatus: draft\n{facts}", encoding="utf-8"
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_seed_conforms_alone_with_context_from_the_build(built_copy: Settings) -> None:
    for doc_id in SEEDS:
        checked = check_document(built_copy, doc_id)
        assert checked.report.violations == full_for(built_copy, doc_id) == []
        assert checked.build == built_copy.current_build.resolve()
        assert checked.context_quads > 0  # other documents mention the same actors
        assert checked.stale == []


def test_wrong_class_of_a_referenced_resource(built_copy: Settings) -> None:
    """The registry makes the project of a grant a company: the grant fails, as in full."""
    edit(built_copy.data_dir / "entities.yaml", "  procheck:\n    class: Project",
         "  procheck:\n    class: Company")  # fmt: skip
    report = check_document(built_copy, DOC1).report
    assert "fgsh:Grant-grantFor" in {v.shape for v in report.violations}
    assert report.violations == full_for(built_copy, DOC1)
    assert not report.conforms


def test_a_new_entity_labelled_differently_by_an_earlier_draft(built_copy: Settings) -> None:
    """Two drafts introduce the same new actor with different labels. The first is in the last
    build; the second alone sees it there (the store is its context) and fails as in full."""
    for doc_id, label in (("zz-eins", "Beispiel GmbH"), ("zz-zwei", "Beispiel Werke GmbH")):
        write_draft(
            built_copy,
            doc_id,
            "Die Beispiel GmbH baut in Münster.\n",
            "entities:\n  organisation:\n"
            f"    beispiel-gmbh: {{class: Company, label: {label}}}\n"
            "mentions:\n  beispiel-gmbh: [Beispiel GmbH]\nfacts: []\n",
        )
        if doc_id == "zz-eins":
            build(built_copy)
    report = check_document(built_copy, "zz-zwei").report
    # two German preferred labels: one too many, and two in one language
    assert {v.shape for v in report.errors} == {
        "fgsh:Entity-prefLabelDe",
        "fgsh:Entity-prefLabelTagged",
    }
    assert report.violations == full_for(built_copy, "zz-zwei")
    assert check_document(built_copy, "zz-zwei").context_quads > 0


def test_an_invalid_document_date(built_copy: Settings) -> None:
    edit(
        built_copy.data_dir / "sources" / f"{DOC0}.yaml",
        "date: 2016-02-02",
        "date: 'February 2016'",
    )
    report = check_document(built_copy, DOC0).report
    assert [v.shape for v in report.errors] == ["fgsh:SourceDocument-date"]
    assert report.violations == full_for(built_copy, DOC0)


REGION = "Zukunftsregion Beispiel"


def test_dropping_an_entity_another_document_relies_on(
    built_copy: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two drafts name the same new actor: one as a regional cooperation (an agent), the other
    as a region (a place) that is a partner in ProCheck, valid only thanks to the first. When the
    first drops the actor, the scoped check of the first reports the second's participation,
    which no longer has an fg:Agent as participant, exactly as the full validation does."""
    for doc_id, cls, facts in (
        ("zz-eins", "RegionalCooperation", "facts: []\n"),
        ("zz-zwei", "Region", "facts:\n  - participation: {agent: zukunftsregion-beispiel, "
         f"in: procheck, role: partner}}\n    quote: {REGION} ist Partner\n"),
    ):  # fmt: skip
        write_draft(
            built_copy,
            doc_id,
            f"Die {REGION} ist Partner im Projekt ProCheck.\n",
            "entities:\n  organisation:\n"
            f"    zukunftsregion-beispiel: {{class: {cls}, label: {REGION}}}\n"
            f"mentions:\n  zukunftsregion-beispiel: [{REGION}]\n{facts}",
        )
    build(built_copy)
    write_draft(built_copy, "zz-eins", f"Die {REGION} ist Partner im Projekt ProCheck.\n",
                "facts: []\n")  # fmt: skip
    checked = check_document(built_copy, "zz-eins")
    assert checked.report.violations == full_for(built_copy, "zz-eins") == []
    assert [(v.shape, v.document_id) for v in checked.affected.violations] == [
        ("fgsh:Participation-participant", "zz-zwei")
    ]
    assert checked.affected.violations == full_on(built_copy, checked.rechecked)
    assert not checked.affected.conforms
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(built_copy.home))
    monkeypatch.setenv("FOERDERGRAPH_BUILD_DIR", str(built_copy.build_dir))
    assert main(["validate", "--document", "zz-eins"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Caused by this edit: results on nodes of OTHER documents")
    assert "== document zz-zwei\nERROR [zz-zwei]" in out


def test_a_pure_addition_reports_nothing_extra(built_copy: Settings) -> None:
    """DOC0 adds that the ministry funds Regio.NRW, which another document says it issues: that
    document's participation reads the new direct triple and is re-checked, and stays valid."""
    edit(
        built_copy.data_dir / "facts" / f"{DOC0}.yaml",
        "\n  - statement:",
        "\n  - participation: {agent: wirtschaftsministerium-nrw, in: regio-nrw, role: funder}"
        '\n    quote: "hat das Wirtschaftsministerium des Landes Nordrhein-Westfalen"'
        "\n\n  - statement:",
    )
    checked = check_document(built_copy, DOC0)
    assert checked.report.violations == full_for(built_copy, DOC0) == []
    assert checked.rechecked == {
        "https://w3id.org/foerdergraph/id/participation/wirtschaftsministerium-nrw-issuer-regio-nrw"
    }
    assert checked.affected.violations == full_on(built_copy, checked.rechecked) == []
    assert checked.report.conforms and checked.affected.conforms


QUOTE = 'quote: "hat das Wirtschaftsministerium'


@pytest.mark.parametrize(
    "new, says",
    [
        ('quote: "hat das Bauministerium', "verbatim"),
        (f"start: 99999\n    {QUOTE}", "not at offset 99999"),
    ],
    ids=["quote-not-in-text", "bad-offset"],
)
def test_loader_problems_are_the_full_validations(
    built_copy: Settings, new: str, says: str
) -> None:
    edit(built_copy.data_dir / "facts" / f"{DOC0}.yaml", QUOTE, new)
    with pytest.raises(InputError) as alone:
        check_document(built_copy, DOC0)
    with pytest.raises(InputError) as full:
        load_inputs(built_copy)
    assert [str(p) for p in alone.value.problems] == [str(p) for p in full.value.problems]
    assert f"{DOC0}.yaml" in str(alone.value) and says in str(alone.value)


def test_stale_inputs_are_named(built_copy: Settings) -> None:
    other = built_copy.data_dir / "facts" / f"{DOC1}.yaml"
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert check_document(built_copy, DOC0).stale == [other]


def test_without_a_build_the_registry_is_the_context(project_copy: Settings) -> None:
    checked = check_document(project_copy, DOC0)
    assert checked.build is None and checked.report.conforms


def test_cli(
    built_copy: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOERDERGRAPH_HOME", str(built_copy.home))
    monkeypatch.setenv("FOERDERGRAPH_BUILD_DIR", str(built_copy.build_dir))
    assert main(["validate", "--document", DOC0]) == 0
    assert f"valid: document {DOC0} conforms" in capsys.readouterr().out
    assert main(["validate", "--document", "no-such-doc"]) == 3
    assert "no-such-doc" in capsys.readouterr().err
    assert main(["validate", "--document", DOC0, "--engine", "pyshacl"]) == 2
    edit(
        built_copy.data_dir / "sources" / f"{DOC0}.yaml",
        "date: 2016-02-02",
        "date: 'February 2016'",
    )
    assert main(["validate", "--document", DOC0]) == 1
    out = capsys.readouterr().out
    assert f"ERROR [{DOC0}]" in out and "dcterms:date" in out
    edit(built_copy.data_dir / "facts" / f"{DOC0}.yaml", "quote: \"hat das Wirtschafts",
         "quote: \"hat das Bau")  # fmt: skip
    assert main(["validate", "--document", DOC0]) == 1
    assert "hat das Bau" in capsys.readouterr().err

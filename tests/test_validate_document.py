"""`foerdergraph validate --document ID` on the real project: one document from its files,
against the last build, says what the full validation says about that document.

Each test builds a copy of the project, then changes inputs the way a curator does (an entity's
class, a second label for a shared new entity, a document's date, a quote) and compares
`check_document` with `check_inputs` (the full `foerdergraph validate`): the same results on
every node of the document's graph, or the same loader problems.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from foerdergraph.build import build, check_inputs
from foerdergraph.cli import main
from foerdergraph.config import Settings
from foerdergraph.errors import InputError
from foerdergraph.ingest.dataset import load_inputs
from foerdergraph.scoped_validation import check_document
from foerdergraph.validate import Violation

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
    data = built_copy.data_dir
    for doc_id, label in (("zz-eins", "Beispiel GmbH"), ("zz-zwei", "Beispiel Werke GmbH")):
        (data / "sources" / f"{doc_id}.txt").write_text(
            "Die Beispiel GmbH baut in Münster.\n", encoding="utf-8"
        )
        (data / "sources" / f"{doc_id}.yaml").write_text(
            "title: Beispiel\npublisher: null\ndate: 2020-01-02\nplace: null\nurl: null\n",
            encoding="utf-8",
        )
        (data / "facts" / f"{doc_id}.yaml").write_text(
            f"document: {doc_id}\nstatus: draft\nentities:\n  organisation:\n"
            f"    beispiel-gmbh: {{class: Company, label: {label}}}\n"
            "mentions:\n  beispiel-gmbh: [Beispiel GmbH]\nfacts: []\n",
            encoding="utf-8",
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

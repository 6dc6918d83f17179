"""The learned relation model: candidate pairs and their features, training that keeps only what
more than one document shows, prediction limited to signatures seen in training, and proposals
that never repeat the rules. Texts and actors are invented."""

from __future__ import annotations

from pathlib import Path

from foerdergraph.extract.learned import NONE, RelationModel, candidate_pairs, load_model, propose
from foerdergraph.extract.model import Extraction
from foerdergraph.extract.training import TrainingDoc, cross_validate, fit

from .helpers import run

LEAD_TEXTS = [
    ("Der Kreis Musterland leitet das Projekt „Grüner Weg“. ", "Kreis Musterland", "Grüner Weg"),
    (
        "Die Stadt Beispielstadt leitet das Projekt „Alte Mühle“. ",
        "Stadt Beispielstadt",
        "Alte Mühle",
    ),
    ("Der Kreis Nordheim leitet das Projekt „Neues Ufer“. ", "Kreis Nordheim", "Neues Ufer"),
]
FILLER = "Die Hochschule Musterberg und die Stadt Südheim sind im Gespräch über den Hafen."


def labelled(slug: str, text: str, lead: tuple[str, str]) -> TrainingDoc:
    """A training document whose only relation is `lead` (subject, object) -> leads."""
    result = run(text)
    result.relations = []  # the model learns from the gold, not from the rules
    pairs = candidate_pairs(result.text, result.entities, result.relations)
    labels: list[str | None] = [
        "leads" if (p.subject.name, p.object.name) == lead else NONE for p in pairs
    ]
    return TrainingDoc(slug, result, pairs, labels)


def training_docs() -> list[TrainingDoc]:
    return [
        labelled(f"doc{i}", text + FILLER, (subject, obj))
        for i, (text, subject, obj) in enumerate(LEAD_TEXTS)
    ]


def test_pairs_of_one_sentence_carry_kinds_order_gap_words_and_cues() -> None:
    result = run("Das Projekt „Grüner Weg“ wird vom Kreis Musterland gefördert. Die Stadt Süd.")
    pairs = {
        (p.subject.name, p.object.name): p
        for p in candidate_pairs(result.text, result.entities, [])
    }
    pair = pairs[("Kreis Musterland", "Grüner Weg")]
    assert "kinds:organisation>project" in pair.features
    assert "order:object_first" in pair.features
    assert "between:wird" in pair.features and "before_s:vom" in pair.features
    assert "cue_sentence:funded" in pair.features or "cue_between:funded" in pair.features
    assert pair.evidence.text.startswith("Das Projekt")
    assert ("Grüner Weg", "Kreis Musterland") in pairs  # both directions are candidates


def test_a_model_learns_the_construction_and_applies_it_to_new_names() -> None:
    model = fit(training_docs())
    assert model.trained_on == ["doc0", "doc1", "doc2"]
    new = run("Der Kreis Westland leitet das Projekt „Blaue Brücke“. " + FILLER)
    proposed = propose(model, new.text, new.entities, [])
    triples = {(r.subject.name, r.predicate, r.object.name) for r in proposed}
    assert triples == {("Kreis Westland", "leads", "Blaue Brücke")}
    assert all(r.cue == "learned" and r.confidence <= 0.7 for r in proposed)


def test_words_of_a_single_document_are_not_learned() -> None:
    docs = training_docs()
    docs[0] = labelled(
        "doc0",
        "Der Kreis Musterland leitet einmalig das Projekt „Grüner Weg“. ",
        ("Kreis Musterland", "Grüner Weg"),
    )
    model = fit(docs)
    assert not any(f.endswith(":einmal") for f in model.weights)
    assert "between:leitet" in model.weights  # seen in all three documents


def test_only_signatures_seen_in_training_are_proposed() -> None:
    model = fit(training_docs())
    assert model.allowed == {"kinds:organisation>project|leads"}
    reverse = run("Das Projekt „Blaue Brücke“ leitet der Kreis Westland.")
    pairs = candidate_pairs(reverse.text, reverse.entities, [])
    project_first = next(p for p in pairs if p.subject.kind == "project")
    assert model.predict(project_first)[0] == NONE


def test_the_rules_relations_are_not_proposed_again() -> None:
    model = fit(training_docs())
    new = run("Der Kreis Westland leitet das Projekt „Blaue Brücke“.")
    stated = propose(model, new.text, new.entities, [])
    assert stated
    assert propose(model, new.text, new.entities, stated) == []


def test_leave_one_document_out_never_trains_on_the_scored_text() -> None:
    models = cross_validate(training_docs())
    assert {slug: m.trained_on for slug, m in models.items()} == {
        "doc0": ["doc1", "doc2"],
        "doc1": ["doc0", "doc2"],
        "doc2": ["doc0", "doc1"],
    }


def test_a_saved_model_reads_back_the_same(tmp_path: Path) -> None:
    model = fit(training_docs())
    path = tmp_path / "model.json"
    model.save(path)
    again = load_model(path)
    assert isinstance(again, RelationModel)
    pair = candidate_pairs(*_doc("Der Kreis Westland leitet das Projekt „Blaue Brücke“."))[0]
    assert again.predict(pair)[0] == model.predict(pair)[0]
    assert load_model(tmp_path / "absent.json") is None


def _doc(text: str) -> tuple[str, list, list]:
    result: Extraction = run(text)
    return result.text, result.entities, []

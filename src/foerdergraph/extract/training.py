"""Train the relation classifier (`learned.py`) on annotated texts, and cross-validate it.

Training examples are the candidate pairs of the extractor's own entities (rules and gazetteer,
as `extract` finds them), labelled from a gold file with the shared scorer's name matching: a pair
whose ends match a gold relation's ends gets its predicate, a pair matching an optional gold
relation is left out, every other pair is `none`. The model is a multinomial logistic regression
with L2 penalty, fitted by full-batch gradient descent in numpy (a few hundred pairs; under a
second). Lexical features seen in fewer than two training documents are dropped, so what the model
learns is how relations are stated, not which names one text contains.

`cross_validate` is the honest figure for the learned part: leave one document out, train on the
others, predict the one left out, for every document (`foerdergraph eval` prints it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from foerdergraph.extract.learned import LEXICAL, NONE, Pair, RelationModel, candidate_pairs
from foerdergraph.extract.model import Extraction

L2 = 1.0
"""Penalty on the squared weights (per training set, not per example): set before any figure
was seen, not tuned on the cross-validated score."""
STEPS = 400
RATE = 0.5


@dataclass
class Example:
    features: set[str]
    label: str


@dataclass
class TrainingDoc:
    """One annotated document: its extraction (rules only), pairs and their gold labels."""

    slug: str
    extraction: Extraction
    pairs: list[Pair]
    labels: list[str | None]
    """Gold predicate per pair, `none`, or None for a pair the gold marks optional."""

    def examples(self) -> list[Example]:
        return [
            Example(p.features, label)
            for p, label in zip(self.pairs, self.labels, strict=True)
            if label is not None
        ]


def gold_label(scorer: ModuleType, gold: dict[str, Any], pair: Pair) -> str | None:
    """The gold predicate of subject -> object (scorer matching), `none`, or None if optional."""
    entities = scorer.gold_entities(gold)
    s = scorer.resolve(pair.subject.name, entities)
    o = scorer.resolve(pair.object.name, entities)
    if s is None or o is None:
        return NONE
    optional = False
    for rel in gold.get("relations") or []:
        if scorer.matches(rel["subject"], s.forms) and scorer.matches(rel["object"], o.forms):
            if not rel.get("optional"):
                return str(rel["predicate"])
            optional = True
    return None if optional else NONE


def training_doc(
    scorer: ModuleType, slug: str, gold: dict[str, Any], extraction: Extraction
) -> TrainingDoc:
    pairs = candidate_pairs(extraction.text, extraction.entities, extraction.relations)
    return TrainingDoc(slug, extraction, pairs, [gold_label(scorer, gold, pair) for pair in pairs])


def _vocabulary(docs: list[TrainingDoc]) -> list[str]:
    """Features kept: structural ones always, lexical ones seen in two documents or more."""
    doc_freq: Counter[str] = Counter()
    for doc in docs:
        doc_freq.update({f for ex in doc.examples() for f in ex.features})
    return sorted(f for f, n in doc_freq.items() if n >= 2 or not f.startswith(LEXICAL))


def fit(docs: list[TrainingDoc], threshold: float = 0.5) -> RelationModel:
    """A model from the labelled pairs of `docs`.

    The examples are kept sparse (feature indices per pair) and scored by gathering rows of the
    weight matrix: no BLAS call, whose threads crowd the two shared cores and made one fit take
    seconds instead of a tenth of a second."""
    import numpy as np

    examples = [ex for doc in docs for ex in doc.examples()]
    labels = [NONE, *sorted({ex.label for ex in examples} - {NONE})]
    vocab = _vocabulary(docs)
    column = {f: i for i, f in enumerate(vocab)}
    cols, rows = [], []
    for row, ex in enumerate(examples):
        present = sorted(column[f] for f in ex.features if f in column)
        cols += present
        rows += [row] * len(present)
    col, row_of = np.array(cols, dtype=np.int64), np.array(rows, dtype=np.int64)
    # every pair has its `kinds:` feature, so each row has entries and rows are contiguous
    row_start = np.flatnonzero(np.r_[True, row_of[1:] != row_of[:-1]])
    by_col = np.argsort(col, kind="stable")
    col_sorted = col[by_col]
    col_start = np.flatnonzero(np.r_[True, col_sorted[1:] != col_sorted[:-1]])
    col_ids = col_sorted[col_start]
    y = np.zeros((len(examples), len(labels)))
    y[np.arange(len(examples)), [labels.index(ex.label) for ex in examples]] = 1.0
    weights = np.zeros((len(vocab), len(labels)))
    bias = np.zeros(len(labels))
    n = max(len(examples), 1)
    for _ in range(STEPS):
        scores = np.add.reduceat(weights[col], row_start, axis=0) + bias
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - y) / n
        grad = L2 * weights / n
        grad[col_ids] += np.add.reduceat(error[row_of[by_col]], col_start, axis=0)
        weights -= RATE * grad
        bias -= RATE * error.sum(axis=0)
    allowed = {
        f"{next(f for f in ex.features if f.startswith('kinds:'))}|{ex.label}"
        for ex in examples
        if ex.label != NONE
    }
    kept = {
        f: [float(w) for w in weights[i]]
        for f, i in column.items()
        if float(np.abs(weights[i]).max()) > 1e-4
    }
    return RelationModel(
        labels, kept, [float(b) for b in bias], threshold, allowed, sorted(d.slug for d in docs)
    )


def cross_validate(docs: list[TrainingDoc], threshold: float = 0.5) -> dict[str, RelationModel]:
    """Leave-one-document-out: for each document, the model trained on all the others."""
    return {doc.slug: fit([d for d in docs if d.slug != doc.slug], threshold) for doc in docs}

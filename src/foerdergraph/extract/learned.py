"""A relation classifier learned from annotated texts, beside the rules.

The rules (`relations/`) are precise on the constructions they know and silent elsewhere; on texts
nobody had read they found almost no relations (docs/extraction.md). This component proposes
relations the rules miss: every ordered pair of entities named in one sentence is a candidate,
described by sparse features that say how German funding news states a relation — the words
between the two names (cut to six-letter stems, so "gefördert" and "Förderung" share "geförd" /
"förder"), the word before each name ("von", "durch", "des"), the kinds and organisation types of
the ends, their order, and which of the rules' cue classes (`relations/context.py` `CUES`:
approval, passive funding, lead, partner, …) occur between the names or elsewhere in the
sentence. A multinomial logistic regression (`training.py`) maps the features to a predicate or
`none`.

A model is a small JSON file written by `foerdergraph train-relations` from the devset gold
(`../shared`); nothing is downloaded or trained at run time. It is not used unless named
(`--relation-model`): under leave-one-document-out cross-validation it does not beat the rules
(docs/extraction.md, "Evaluation"). Lexical features that occur in only one training document
are dropped when training, so the model cannot learn a single text's names. A relation the rules
already state is never proposed again; a proposal carries the cue `learned` and the model's
probability (at most 0.7, below the rules' 0.8) as its confidence.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from foerdergraph.extract.model import ExtractedEntity, Relation, Span
from foerdergraph.extract.relations.context import CUES
from foerdergraph.extract.sentences import split_sentences

NONE = "none"
LEXICAL = ("between:", "before_s:", "before_o:")
"""Feature families made of the text's own words (dropped below two training documents)."""
_WORD = re.compile(r"[\wäöüÄÖÜß]+")
_MAX_GAP = 25
"""Words between the two names beyond which a pair is only `far` (no `between:` features)."""


def stem(word: str) -> str:
    """A crude German stem: case folded, at most six letters ("Förderbescheid" -> "förder")."""
    return word.casefold()[:6]


@dataclass
class Pair:
    """A candidate relation: two entities named in one sentence and what describes them."""

    subject: ExtractedEntity
    object: ExtractedEntity
    evidence: Span
    features: set[str] = field(default_factory=set)


def _describe(entity: ExtractedEntity) -> str:
    return f"{entity.kind}/{entity.type}" if entity.type else entity.kind


def _words(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text)]


def _pair_features(
    text: str, sentence: Span, a: Span, b: Span, ea: ExtractedEntity, eb: ExtractedEntity
) -> set[str]:
    """Features of subject `ea` (named at `a`) and object `eb` (at `b`) in `sentence`."""
    first, second = (a, b) if a.start < b.start else (b, a)
    gap = _words(text[first.end : second.start])
    feats = {
        f"kinds:{ea.kind}>{eb.kind}",
        f"types:{_describe(ea)}>{_describe(eb)}",
        "order:subject_first" if a.start < b.start else "order:object_first",
    }
    if len(gap) > _MAX_GAP:
        feats.add("gap:far")
    else:
        feats.add(f"gap:{min(len(gap), 8) // 2}")
        feats.update(f"between:{w}" for w in gap)
    for role, span in (("s", a), ("o", b)):
        before = _words(text[max(sentence.start, span.start - 30) : span.start])[-1:]
        feats.update(f"before_{role}:{w}" for w in before)
    between = text[first.end : second.start]
    whole = text[sentence.start : sentence.end]
    for name, regex in CUES.items():
        if regex.search(between):
            feats.add(f"cue_between:{name}")
        elif regex.search(whole):
            feats.add(f"cue_sentence:{name}")
    return feats


def candidate_pairs(
    text: str, entities: list[ExtractedEntity], relations: list[Relation]
) -> list[Pair]:
    """Every ordered pair of distinct entities named in one sentence (the first such sentence is
    the evidence; features of every shared sentence are pooled). What the rules found is not a
    feature: the model must learn how relations are stated, not to repeat the rules."""
    mentions = sorted(((m, e) for e in entities for m in e.mentions), key=lambda t: t[0].start)
    pairs: dict[tuple[int, int], Pair] = {}
    for sentence in split_sentences(text):
        inside = [
            (m, e) for m, e in mentions if sentence.start <= m.start and m.end <= sentence.end
        ]
        for ma, ea in inside:
            for mb, eb in inside:
                if ea is eb or ma.start == mb.start:
                    continue
                key = (id(ea), id(eb))
                if key not in pairs:
                    evidence = Span(sentence.start, sentence.end, sentence.text)
                    pairs[key] = Pair(ea, eb, evidence)
                pairs[key].features |= _pair_features(text, sentence, ma, mb, ea, eb)
    return list(pairs.values())


@dataclass
class RelationModel:
    """Weights of a multinomial logistic regression over sparse binary features."""

    labels: list[str]
    weights: dict[str, list[float]]
    bias: list[float]
    threshold: float = 0.5
    allowed: set[str] = field(default_factory=set)
    """`kinds:<subject>><object>|<predicate>` seen in training: no other signature is proposed."""
    trained_on: list[str] = field(default_factory=list)
    """Slugs of the training documents, so an evaluation can keep them apart."""

    def probabilities(self, features: set[str]) -> list[float]:
        scores = list(self.bias)
        for feature in features:
            row = self.weights.get(feature)
            if row is not None:
                scores = [s + w for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, pair: Pair) -> tuple[str, float]:
        """The most probable predicate of the pair's signature, or `none`."""
        probs = self.probabilities(pair.features)
        kinds = next((f for f in pair.features if f.startswith("kinds:")), "")
        best, score = NONE, 0.0
        for label, p in zip(self.labels, probs, strict=True):
            if label != NONE and p > score and f"{kinds}|{label}" in self.allowed:
                best, score = label, p
        return (best, score) if score >= self.threshold else (NONE, score)

    def as_json(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "bias": [round(b, 5) for b in self.bias],
            "threshold": self.threshold,
            "allowed": sorted(self.allowed),
            "trained_on": self.trained_on,
            "weights": {f: [round(w, 5) for w in row] for f, row in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelationModel:
        return cls(
            list(data["labels"]),
            {f: [float(w) for w in row] for f, row in data["weights"].items()},
            [float(b) for b in data["bias"]],
            float(data["threshold"]),
            set(data["allowed"]),
            list(data["trained_on"]),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=0) + "\n", "utf-8")


def load_model(path: Path) -> RelationModel | None:
    """The model saved at `path`, or None when there is no such file."""
    if not path.is_file():
        return None
    return RelationModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def propose(
    model: RelationModel, text: str, entities: list[ExtractedEntity], relations: list[Relation]
) -> list[Relation]:
    """Relations the model finds that the rules did not state (same subject and object)."""
    stated = {(id(r.subject), id(r.object)) for r in relations}
    out = []
    for pair in candidate_pairs(text, entities, relations):
        if (id(pair.subject), id(pair.object)) in stated:
            continue
        predicate, probability = model.predict(pair)
        if predicate != NONE:
            out.append(
                Relation(
                    pair.subject,
                    predicate,
                    pair.object,
                    pair.evidence,
                    "learned",
                    round(min(probability, 0.7), 2),
                )
            )
    return out

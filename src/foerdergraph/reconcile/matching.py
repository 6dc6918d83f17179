"""Scoring candidates for a reconciliation query, and deciding when a match is certain.

A query's name is normalised (`names.py`) and compared with every name of every agent by
rapidfuzz: word order (`token_sort_ratio`), whole words of one name inside the other
(`token_set_ratio`, damped: a sub-unit "Bezirksregierung Münster, Dezernat 34" finds its body
but is not the body) and the name without spaces (hyphenation and compounds). The legal form
adds a little when it agrees and takes a little when it differs. Type constraints filter
(`type_strict` "should": rank down); property constraints add or take points. `match` is true
only when the best candidate's whole name agrees (no sub-unit) and no other actor has that name
or comes close behind, so a client may accept it unseen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from foerdergraph.reconcile.index import Index, IndexedActor, Label
from foerdergraph.reconcile.names import Name, fold, normalise

SHORTLIST = 40
"""Names kept from each rapidfuzz pass before the full score (of ~2,300 on the real project)."""
MATCH_SCORE = 90.0
"""A certain match needs at least this score ..."""
MATCH_NAME = 90.0
"""... a whole-name similarity of at least this ..."""
MATCH_GAP = 8.0
"""... and this many points over the next candidate."""
SUBSET_DAMPING = 0.85
"""token_set_ratio counts a name inside a longer one as equal; a sub-unit scores below that ..."""
SUBSET_ORDER = 0.05
"""... plus a little of the word-order score, so the body sharing most words ranks first."""
LEGAL_FORM_AGREES = 3.0
LEGAL_FORM_DIFFERS = -5.0
PROPERTY_AGREES = 5.0
PROPERTY_DIFFERS = -15.0
TYPE_DIFFERS = -10.0
"""With `type_strict: should`, a candidate of another type is kept but ranked down."""


@dataclass(frozen=True)
class Query:
    """One query of a batch, checked (`parse_query`)."""

    text: str
    types: tuple[str, ...] = ()
    type_strict: str = "any"
    limit: int = 10
    properties: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class Candidate:
    entity: IndexedActor
    score: float
    name_similarity: float
    matched_label: str
    features: dict[str, float | bool] = field(default_factory=dict)
    match: bool = False


def _value_texts(value: Any) -> tuple[str, ...]:
    """The values of a property constraint as strings (entity values by their id)."""
    values = value if isinstance(value, list) else [value]
    return tuple(str(v["id"]) if isinstance(v, dict) else str(v) for v in values)


def parse_query(raw: dict[str, Any]) -> Query:
    """A query object of a batch (already valid against the spec's schema) as a `Query`."""
    types = raw.get("type") or ()
    return Query(
        text=str(raw.get("query", "")),
        types=(types,) if isinstance(types, str) else tuple(types),
        type_strict=str(raw.get("type_strict", "any")),
        limit=max(1, min(int(raw.get("limit", 10)), 100)),
        properties=tuple(
            (str(p["pid"]), _value_texts(p["v"])) for p in raw.get("properties") or ()
        ),
    )


def _type_id(text: str) -> str:
    """A type as the service names it: "University" for fg:University and its full IRI."""
    return text.rsplit("#", 1)[-1].removeprefix("fg:")


def _name_similarity(query: Name, label: Name) -> float:
    """How alike two normalised names are, 0–100 (see the module docstring)."""
    return max(
        fuzz.token_sort_ratio(query.key, label.key),
        fuzz.ratio(query.compact, label.compact),
        SUBSET_DAMPING * fuzz.token_set_ratio(query.key, label.key)
        + SUBSET_ORDER * fuzz.token_sort_ratio(query.key, label.key),
    )


def _shortlist(index: Index, query: Name) -> list[Label]:
    """The names worth a full score: the best of a word-order pass and a words-inside pass."""
    keys = [label.normal.key for label in index.labels]
    found: set[int] = set()
    for scorer in (fuzz.token_sort_ratio, fuzz.token_set_ratio):
        for _, _, position in process.extract(
            query.key, keys, scorer=scorer, limit=SHORTLIST, score_cutoff=40
        ):
            found.add(position)
    return [index.labels[position] for position in sorted(found)]


def _type_ok(entity: IndexedActor, query: Query) -> bool | None:
    """Whether the entity has the query's types (None when the query names none)."""
    if not query.types:
        return None
    have = {ref.id for ref in entity.types}
    wanted = {_type_id(t) for t in query.types}
    return wanted <= have if query.type_strict == "all" else bool(wanted & have)


def property_agrees(entity: IndexedActor, pid: str, values: tuple[str, ...]) -> bool:
    """Whether one of `values` names one of the entity's values of `pid`: by id, by full IRI,
    by name as people write it, or for `ags` as a prefix (a Kreis key covers its towns)."""
    refs = entity.facets.get(pid, [])
    if pid == "type":
        refs = entity.types
    for value in values:
        wanted = normalise(value).key
        for ref in refs:
            if value in (ref.id, ref.name) or value.endswith("/" + ref.id):
                return True
            if pid == "ags" and ref.id.startswith(value.strip()):
                return True
            if fold(ref.name) and normalise(ref.name).key == wanted:
                return True
    return False


def _score(query: Query, normal: Name, label: Label) -> Candidate:
    """The full score of one entity by one of its names, with the features behind it."""
    similarity = _name_similarity(normal, label.normal) if normal.key else 0.0
    score = similarity
    features: dict[str, float | bool] = {
        "name_similarity": round(similarity / 100, 4),
        "name_exact": normal.compact == label.normal.compact,
        "preferred_name": label.preferred,
    }
    if normal.legal_form and label.normal.legal_form:
        agrees = normal.legal_form == label.normal.legal_form
        features["legal_form_agrees"] = agrees
        score += LEGAL_FORM_AGREES if agrees else LEGAL_FORM_DIFFERS
    for pid, values in query.properties:
        agrees = property_agrees(label.entity, pid, values)
        features[f"property_{pid}"] = agrees
        score += PROPERTY_AGREES if agrees else PROPERTY_DIFFERS
    type_ok = _type_ok(label.entity, query)
    if type_ok is not None:
        features["type_match"] = type_ok
        if not type_ok:  # only kept with type_strict "should"
            score += TYPE_DIFFERS
    return Candidate(label.entity, max(0.0, min(score, 100.0)), similarity, label.text, features)


def reconcile(index: Index, query: Query) -> list[Candidate]:
    """The best candidates for one query, best first, `match` set on at most the first."""
    normal = normalise(query.text)
    if normal.key:
        labels = _shortlist(index, normal)
    else:  # no name (or only punctuation): the properties alone, if there are any
        labels = _by_properties(index, query) if query.properties else []
    best: dict[str, Candidate] = {}
    for label in labels:
        candidate = _score(query, normal, label)
        if query.type_strict != "should" and candidate.features.get("type_match") is False:
            continue
        known = best.get(candidate.entity.id)
        if known is None or candidate.score > known.score:
            best[candidate.entity.id] = candidate
    ranked = sorted(best.values(), key=_rank)
    if ranked:
        ranked[0].match = _certain(ranked)
    return ranked[: query.limit]


def _certain(ranked: list[Candidate]) -> bool:
    """Whether the first candidate is a certain match: a high score on its whole name, and
    either the only actor whose name equals the query's (in the same legal form, if both give
    one) or well ahead of the next candidate."""
    top = ranked[0]
    if top.score < MATCH_SCORE or top.name_similarity < MATCH_NAME:
        return False
    if top.features.get("type_match") is False:  # kept by type_strict "should", not certain
        return False
    exact = [c for c in ranked if c.features["name_exact"]]
    only_exact = exact == [top] and top.features.get("legal_form_agrees") is not False
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return only_exact or top.score - runner_up >= MATCH_GAP


def _rank(candidate: Candidate) -> tuple[float, bool, str]:
    """Best score first; on a tie, an actor found by its preferred name before one found by an
    alternative name ("RegionRuhr" is the RegionRuhr, not a network also called so)."""
    return (-candidate.score, not candidate.features["preferred_name"], candidate.entity.name)


def _by_properties(index: Index, query: Query) -> list[Label]:
    """A query without a name (the spec allows properties alone): every entity's preferred
    name whose properties all agree."""
    return [
        label
        for label in index.labels
        if label.preferred
        and all(property_agrees(label.entity, pid, values) for pid, values in query.properties)
    ]

"""OWL 2 RL materialisation: what the ontology's axioms imply, kept in its own named graph.

Researchers query with org:Organization, prov:wasDerivedFrom or schema:funder without learning our
terms because the closure is stored. The rules are the OWL 2 RL rules our ontology relies on
(class and property hierarchies, equivalences, inverses, transitive and symmetric properties,
domains and ranges, property chains, disjointness), written as SPARQL in `rules/owl2rl.rq` and
run on Oxigraph as SPARQL Update until nothing new follows: two orders of magnitude faster
than owlrl's Python closure and proven to give the same entailments on the seed graph
(tests/test_reason.py). owl:sameAs links point only to external IRIs (Wikidata), so equality
rules are not run.

Only entailments about our own resources (minted data IRIs, ontology terms, roles) are kept;
the trivial ones (reflexive axioms, facts about W3C vocabularies) would tell nobody anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pyoxigraph as ox

from foerdergraph.config import ONTOLOGY_NS, ROLE_NS
from foerdergraph.errors import BuildError

MAX_ROUNDS = 50
"""A safety net: our rules reach their fixpoint in a handful of rounds."""

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_TRIVIAL_OBJECTS = {
    (_RDF + "type", _OWL + "Thing"),
    (_RDF + "type", _RDFS + "Resource"),
    (_RDF + "type", _OWL + "NamedIndividual"),
    (_RDFS + "subClassOf", _OWL + "Thing"),
    (_RDFS + "subClassOf", _RDFS + "Resource"),
    (_RDFS + "domain", _OWL + "Thing"),
    (_RDFS + "range", _OWL + "Thing"),
}
_REFLEXIVE = {
    _OWL + "sameAs",
    _RDFS + "subClassOf",
    _RDFS + "subPropertyOf",
    _OWL + "equivalentClass",
    _OWL + "equivalentProperty",
}


@dataclass(frozen=True)
class Rule:
    name: str
    query: str

    @property
    def detects_contradiction(self) -> bool:
        return self.name.startswith("inconsistent-")

    @property
    def update(self) -> str:
        """The rule as a SPARQL Update: its CONSTRUCT template becomes an INSERT template."""
        return self.query.replace("CONSTRUCT", "INSERT", 1)


@cache
def load_rules() -> tuple[Rule, ...]:
    """The rules of `rules/owl2rl.rq`, each block introduced by `#@ rule NAME`."""
    text = files("foerdergraph.rules").joinpath("owl2rl.rq").read_text(encoding="utf-8")
    prologue, *blocks = text.split("#@ rule ")
    prefixes = "\n".join(line for line in prologue.splitlines() if line.startswith("PREFIX"))
    rules = []
    for block in blocks:
        header, _, body = block.partition("\n")
        rules.append(Rule(header.split()[0], f"{prefixes}\n{body}"))
    return tuple(rules)


def keep(triple: ox.Triple | ox.Quad, namespaces: tuple[str, ...]) -> bool:
    """Whether an entailment is worth storing (see the module docstring)."""
    s, p, o = triple.subject, triple.predicate, triple.object
    if not isinstance(s, ox.NamedNode) or not s.value.startswith(namespaces):
        return False
    if p.value in _REFLEXIVE and s == o:
        return False
    if isinstance(o, ox.NamedNode) and (p.value, o.value) in _TRIVIAL_OBJECTS:
        return False
    return not (p.value == _RDF + "type" and isinstance(o, ox.Literal))


def _contradictions(store: ox.Store, rule: Rule) -> list[str]:
    return [
        f"{row[0].value} is both {row[1].value} and {row[2].value} ({rule.name})"  # type: ignore[index]
        for row in store.query(rule.query)  # type: ignore[union-attr]
    ]


def _fixpoint(work: ox.Store, rules: list[Rule]) -> None:
    for _round in range(MAX_ROUNDS):
        before = len(work)
        for rule in rules:
            work.update(rule.update)
        if len(work) == before:
            return
    raise BuildError(f"OWL 2 RL rules did not reach a fixpoint in {MAX_ROUNDS} rounds")


def closure(work: ox.Store) -> None:
    """Run the rules inside `work` (everything in its default graph) to their fixpoint; the
    insertions happen in Oxigraph, so no triple crosses into Python. The schema rules (scm-*)
    reach their own fixpoint first: they are cheap, and with the class and property hierarchies
    complete, one ordered pass over the data derives everything and a second confirms it."""
    rules = load_rules()
    derivations = [r for r in rules if not r.detects_contradiction]
    _fixpoint(work, [r for r in derivations if r.name.startswith("scm-")])
    _fixpoint(work, derivations)
    problems = [m for r in rules if r.detects_contradiction for m in _contradictions(work, r)]
    if problems:
        raise BuildError("the data contradicts the ontology (OWL 2 RL):\n" + "\n".join(problems))


def infer(dataset: ox.Store, base_iri: str) -> Iterator[ox.Triple]:
    """The entailments of all graphs of `dataset` (ontology and data) that are new and worth
    keeping, one at a time (a million of them as Python objects would double the build's peak
    memory). A contradiction (e.g. something typed both Person and Organisation, which the
    ontology declares disjoint) stops the build before the first one is produced."""
    work = ox.Store()
    work.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in dataset)
    closure(work)
    namespaces = (base_iri, ONTOLOGY_NS, ROLE_NS)
    for q in work:
        if (
            keep(q, namespaces)
            and next(dataset.quads_for_pattern(q.subject, q.predicate, q.object, None), None)
            is None
        ):
            yield ox.Triple(q.subject, q.predicate, q.object)

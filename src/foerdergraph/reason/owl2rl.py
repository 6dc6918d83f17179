"""OWL 2 RL materialisation: what the ontology's axioms imply, kept in its own named graph.

Researchers query with org:Organization, prov:wasDerivedFrom or schema:funder without learning our
terms because the closure is stored. The rules are the OWL 2 RL rules our ontology relies on
(class and property hierarchies, equivalences, inverses, transitive and symmetric properties,
domains and ranges, property chains, disjointness). They are proven to give owlrl's entailments
on the seed graph and on a synthetic one (tests/reason/test_owl2rl.py). owl:sameAs links point
only to external IRIs (Wikidata), so equality rules are not run.

Why not run every rule over every triple until nothing changes (as owlrl does, or as SPARQL
Updates do)? Each such pass costs a scan of the whole graph and re-derives what is known. Here the
schema is closed first (the scm-* rules of `rules/owl2rl.rq`, on a few hundred triples); it is
then compiled into one *expansion* per property: everything that follows from a single triple
(super-properties, inverses, symmetry, the domain's and range's classes and all their
superclasses). Each triple is expanded once, and only the rules with two premises over data
(property chains, transitivity) need joins; those run semi-naively, each new triple joined once
with what is already known. A million triples close in seconds, not minutes, and nothing is
copied out of the store.

Only entailments about our own resources (minted data IRIs, ontology terms, roles) are kept;
the trivial ones (reflexive axioms, facts about W3C vocabularies) would tell nobody anything.
Entailments needed along the way but not kept live in a scratch graph that is dropped at the end.

Why one module of more than 500 lines: the schema rules, the compiled schema and the data rules
form one fixpoint computation whose parts share the compiled lookups; the rule text itself is in
owl2rl.rq.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import pyoxigraph as ox

from foerdergraph.core.errors import BuildError
from foerdergraph.core.namespaces import FG as ONTOLOGY_NS
from foerdergraph.core.namespaces import OWL as _OWL
from foerdergraph.core.namespaces import RDF as _RDF
from foerdergraph.core.namespaces import RDFS as _RDFS
from foerdergraph.core.namespaces import ROLE as ROLE_NS

MAX_ROUNDS = 50
"""A safety net: the schema closes, and the joins run dry, in a handful of rounds."""
BATCH = 50_000
"""New triples are written to the store in batches of this many (a memory bound)."""
KNOWN_CACHE = 100_000
"""How many entries each of the reasoner's memos keeps (see _Writer, _Closure): a memory bound;
at 10^6 triples 100,000 cost about 60 MB and run as fast as twice as many."""

TYPE = ox.NamedNode(_RDF + "type")
_FIRST, _REST, _NIL = (ox.NamedNode(_RDF + n) for n in ("first", "rest", "nil"))
_SUBCLASS, _SUBPROPERTY, _DOMAIN, _RANGE = (
    ox.NamedNode(_RDFS + n) for n in ("subClassOf", "subPropertyOf", "domain", "range")
)
_INVERSE, _CHAIN = ox.NamedNode(_OWL + "inverseOf"), ox.NamedNode(_OWL + "propertyChainAxiom")
_DISJOINT, _ALL_DISJOINT, _MEMBERS = (
    ox.NamedNode(_OWL + n) for n in ("disjointWith", "AllDisjointClasses", "members")
)
_TRANSITIVE, _SYMMETRIC = (
    ox.NamedNode(_OWL + n) for n in ("TransitiveProperty", "SymmetricProperty")
)
SCHEMA_PREDICATES = (
    _SUBCLASS,
    _SUBPROPERTY,
    _DOMAIN,
    _RANGE,
    _INVERSE,
    _CHAIN,
    _FIRST,
    _REST,
    *(
        ox.NamedNode(_OWL + n)
        for n in ("equivalentClass", "equivalentProperty", "disjointWith", "members")
    ),
)
"""What the schema rules read; with the type triples of SCHEMA_CLASSES, they are the schema."""
SCHEMA_CLASSES = (_TRANSITIVE, _SYMMETRIC, ox.NamedNode(_OWL + "AllDisjointClasses"))

_TRIVIAL_OBJECTS = {
    (ox.NamedNode(p), ox.NamedNode(o))
    for p, o in (
        (_RDF + "type", _OWL + "Thing"),
        (_RDF + "type", _RDFS + "Resource"),
        (_RDF + "type", _OWL + "NamedIndividual"),
        (_RDFS + "subClassOf", _OWL + "Thing"),
        (_RDFS + "subClassOf", _RDFS + "Resource"),
        (_RDFS + "domain", _OWL + "Thing"),
        (_RDFS + "range", _OWL + "Thing"),
    )
}
_REFLEXIVE = {
    ox.NamedNode(iri)
    for iri in (
        _OWL + "sameAs",
        _RDFS + "subClassOf",
        _RDFS + "subPropertyOf",
        _OWL + "equivalentClass",
        _OWL + "equivalentProperty",
    )
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""An RDF term as pyoxigraph types a quad's object (RDF 1.2 triple terms included)."""
Subject = ox.NamedNode | ox.BlankNode | ox.Triple
"""A term as pyoxigraph types a quad's subject: any Term but a literal."""
Statement = tuple[Term, ox.NamedNode, Term]


@dataclass(frozen=True)
class Rule:
    name: str
    query: str

    @property
    def update(self) -> str:
        """The rule as a SPARQL Update: its CONSTRUCT template becomes an INSERT template."""
        return self.query.replace("CONSTRUCT", "INSERT", 1)


@cache
def load_rules() -> tuple[Rule, ...]:
    """The rules of `rules/owl2rl.rq`, each block introduced by `#@ rule NAME`."""
    text = files("foerdergraph.reason").joinpath("owl2rl.rq").read_text(encoding="utf-8")
    prologue, *blocks = text.split("#@ rule ")
    prefixes = "\n".join(line for line in prologue.splitlines() if line.startswith("PREFIX"))
    rules = []
    for block in blocks:
        header, _, body = block.partition("\n")
        rules.append(Rule(header.split()[0], f"{prefixes}\n{body}"))
    return tuple(rules)


def keep(triple: ox.Triple | ox.Quad, namespaces: tuple[str, ...]) -> bool:
    """Whether an entailment is worth storing (see the module docstring)."""
    s = triple.subject
    if not isinstance(s, ox.NamedNode) or not s.value.startswith(namespaces):
        return False
    return _keep_statement(s, triple.predicate, triple.object)


def _keep_statement(s: Term, p: ox.NamedNode, o: Term) -> bool:
    """`keep` without the subject's namespace (which the reasoner caches per subject)."""
    if (p in _REFLEXIVE and s == o) or (p, o) in _TRIVIAL_OBJECTS:
        return False
    return not (p == TYPE and isinstance(o, ox.Literal))


# --- the schema ---------------------------------------------------------------------------


def schema_triples(dataset: ox.Store) -> set[ox.Triple]:
    """The schema as stated in any graph of the dataset (ontology, and data that adds to it)."""
    found = {
        ox.Triple(q.subject, q.predicate, q.object)
        for p in SCHEMA_PREDICATES
        for q in dataset.quads_for_pattern(None, p, None, None)
    }
    found |= {
        ox.Triple(q.subject, q.predicate, q.object)
        for c in SCHEMA_CLASSES
        for q in dataset.quads_for_pattern(None, TYPE, c, None)
    }
    return found


def close_schema(stated: Iterable[ox.Triple]) -> ox.Store:
    """The schema with the scm-* rules run to their fixpoint, in a small store of its own."""
    schema = ox.Store()
    schema.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in stated)
    rules = load_rules()
    for _round in range(MAX_ROUNDS):
        before = len(schema)
        for rule in rules:
            schema.update(rule.update)
        if len(schema) == before:
            return schema
    raise BuildError(f"the OWL 2 RL schema rules did not reach a fixpoint in {MAX_ROUNDS} rounds")


def _pairs(
    schema: ox.Store, predicate: ox.NamedNode, reflexive: bool = False
) -> dict[Term, set[Term]]:
    related: dict[Term, set[Term]] = {}
    for q in schema.quads_for_pattern(None, predicate, None, None):
        if reflexive or q.subject != q.object:
            related.setdefault(q.subject, set()).add(q.object)
    return related


def _list(schema: ox.Store, head: Term) -> list[Term]:
    items: list[Term] = []
    while head != _NIL and len(items) < 100:
        assert not isinstance(head, ox.Literal), f"{head}: a list node is never a literal"
        first = next(schema.quads_for_pattern(head, _FIRST, None, None), None)
        rest = next(schema.quads_for_pattern(head, _REST, None, None), None)
        if first is None or rest is None:
            break
        items.append(first.object)
        head = rest.object
    return items


@dataclass(frozen=True)
class Expansion:
    """What follows from one triple of a property: the links it implies (`inverted` ones run
    from the triple's object to its subject) and the classes of its subject and object."""

    links: tuple[tuple[bool, ox.NamedNode], ...]
    subject_classes: tuple[Term, ...]
    object_classes: tuple[Term, ...]


@dataclass
class CompiledSchema:
    """The closed schema, read into lookups the data rules need."""

    superproperties: dict[Term, set[Term]]
    inverses: dict[Term, set[Term]]
    symmetric: set[Term]
    transitive: set[Term]
    chains: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]]
    domains: dict[Term, set[Term]]
    ranges: dict[Term, set[Term]]
    superclasses: dict[Term, set[Term]]
    _expansions: dict[tuple[ox.NamedNode, bool], Expansion] = field(default_factory=dict)
    _superclasses_of: dict[Term, tuple[Term, ...]] = field(default_factory=dict)

    @classmethod
    def read(cls, schema: ox.Store) -> CompiledSchema:
        inverses = _pairs(schema, _INVERSE, reflexive=True)  # self-inverse = symmetric
        for p, others in list(inverses.items()):
            for other in others:
                inverses.setdefault(other, set()).add(p)
        chains: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]] = []
        for q in schema.quads_for_pattern(None, _CHAIN, None, None):
            steps = _list(schema, q.object)
            named = [s for s in steps if isinstance(s, ox.NamedNode)]
            if len(steps) != 2 or len(named) != 2 or not isinstance(q.subject, ox.NamedNode):
                raise BuildError(
                    f"{q.subject}: only property chains of two properties are supported"
                )
            chains.append((q.subject, named[0], named[1]))
        return cls(
            superproperties=_pairs(schema, _SUBPROPERTY),
            inverses=inverses,
            symmetric={q.subject for q in schema.quads_for_pattern(None, TYPE, _SYMMETRIC, None)},
            transitive={q.subject for q in schema.quads_for_pattern(None, TYPE, _TRANSITIVE, None)},
            chains=chains,
            domains=_pairs(schema, _DOMAIN),
            ranges=_pairs(schema, _RANGE),
            superclasses=_pairs(schema, _SUBCLASS),
        )

    def join_predicates(self) -> set[Term]:
        """The properties that take part in a rule with two data premises."""
        return {p for _, p1, p2 in self.chains for p in (p1, p2)} | self.transitive

    def classes_with_superclasses(self, classes: Iterable[Term]) -> set[Term]:
        closed = set(classes)
        for c in list(closed):
            closed |= self.superclasses.get(c, set())
        return closed

    def expansion(self, predicate: ox.NamedNode, literal_object: bool) -> Expansion:
        """Everything one triple of `predicate` implies, by the rules with one data premise
        (prp-spo1, prp-inv, prp-symp, prp-dom, prp-rng, cax-sco); computed once per property.
        A literal cannot be a subject, so literal-valued triples are never inverted."""
        key = (predicate, literal_object)
        if key not in self._expansions:
            self._expansions[key] = self._expand(predicate, literal_object)
        return self._expansions[key]

    def _expand(self, predicate: ox.NamedNode, literal_object: bool) -> Expansion:
        reached: set[tuple[bool, Term]] = {(False, predicate)}
        todo: list[tuple[bool, Term]] = [(False, predicate)]
        while todo:
            inverted, p = todo.pop()
            steps = [(inverted, q) for q in self.superproperties.get(p, ())]
            if not literal_object:
                steps += [(not inverted, q) for q in self.inverses.get(p, ())]
                steps += [(not inverted, p)] if p in self.symmetric else []
            for step in steps:
                if step not in reached:
                    reached.add(step)
                    todo.append(step)
        subject_classes: set[Term] = set()
        object_classes: set[Term] = set()
        for inverted, p in reached:
            start, end = (
                (object_classes, subject_classes) if inverted else (subject_classes, object_classes)
            )
            start |= self.domains.get(p, set())
            end |= self.ranges.get(p, set())
        links = []
        for inverted, p in sorted(reached - {(False, predicate)}, key=str):
            assert isinstance(p, ox.NamedNode), f"{p}: a property reached from {predicate}"
            links.append((inverted, p))
        return Expansion(
            links=tuple(links),
            subject_classes=tuple(self.classes_with_superclasses(subject_classes)),
            object_classes=()
            if literal_object
            else tuple(self.classes_with_superclasses(object_classes)),
        )

    def superclasses_of(self, c: Term) -> tuple[Term, ...]:
        if c not in self._superclasses_of:
            self._superclasses_of[c] = tuple(self.classes_with_superclasses([c]) - {c})
        return self._superclasses_of[c]


# --- the data -----------------------------------------------------------------------------


class _Writer:
    """Adds entailments that are new, in batches, to a store of their own (so the dataset
    stays as loaded, and SHACL can check it meanwhile): the kept ones to the inferred graph,
    the others (needed for further rules) to a scratch graph.

    Whether a triple is new is asked millions of times, mostly of the same few triples (the
    classes of a partner that takes part in thousands of projects). Oxigraph answers a pattern
    by walking the subject's quads, so the answers are remembered: membership in our own
    graphs is a hash lookup, and what is known to be stated is cached (a bounded cache)."""

    def __init__(
        self,
        dataset: ox.Store,
        kept: ox.NamedNode,
        scratch: ox.NamedNode,
        namespaces: tuple[str, ...],
    ) -> None:
        self.dataset, self.kept, self.scratch, self.namespaces = dataset, kept, scratch, namespaces
        self.derived = ox.Store()
        self.pending: dict[tuple[Subject, ox.NamedNode, Term], ox.NamedNode] = {}
        self.known: set[Statement] = set()
        self._ours: dict[Term, bool] = {}

    def add(self, s: Term, p: ox.NamedNode, o: Term) -> bool:
        """Whether (s, p, o) was new (and is now added)."""
        if isinstance(s, ox.Literal):
            return False
        statement = (s, p, o)
        if statement in self.pending or statement in self.known:
            return False
        graph = self.kept if self._is_ours(s) and _keep_statement(s, p, o) else self.scratch
        if (
            ox.Quad(s, p, o, graph) in self.derived
            or next(self.dataset.quads_for_pattern(s, p, o, None), None) is not None
        ):
            if len(self.known) >= KNOWN_CACHE:
                self.known.clear()
            self.known.add(statement)
            return False
        self.pending[statement] = graph
        if len(self.pending) >= BATCH:
            self.flush()
        return True

    def _is_ours(self, s: Term) -> bool:
        if s not in self._ours:
            if len(self._ours) >= KNOWN_CACHE:
                self._ours.clear()
            self._ours[s] = isinstance(s, ox.NamedNode) and s.value.startswith(self.namespaces)
        return self._ours[s]

    def flush(self) -> None:
        self.derived.bulk_extend(
            ox.Quad(s, p, o, graph) for (s, p, o), graph in self.pending.items()
        )
        self.pending.clear()


class _Closure:
    """The data rules, applied triple by triple (see the module docstring).

    Round 0 expands every stated triple and joins the stated triples of join properties; then
    the joins run semi-naively: each triple of a join property that is new in one round is
    joined, in the next, with everything known by then. Two bounded memos keep this linear: the
    classes already given to a resource (a partner in thousands of projects is an Agent
    thousands of times over), and the answers to join lookups, valid for one round (a triple
    added meanwhile is in the next round's delta, so no pair of premises is missed)."""

    def __init__(self, schema: CompiledSchema, writer: _Writer) -> None:
        self.schema, self.writer = schema, writer
        self.stores = (writer.dataset, writer.derived)
        self.joins = schema.join_predicates()
        self.delta: list[Statement] = []
        self._classes_given: dict[Term, set[Term]] = {}
        self._lookups: dict[tuple[Term, ox.NamedNode, bool], list[Term]] = {}

    def run(self, schema: ox.Store) -> None:
        """`schema`: the closed schema, whose derived part is not yet in the dataset."""
        for q in itertools.chain(self.writer.dataset, schema):
            s, p, o = q.subject, q.predicate, q.object
            self._expand(s, p, o)
            if p in self.joins:
                self._join(s, p, o)
        for _round in range(MAX_ROUNDS):
            self.writer.flush()
            self._lookups.clear()
            if not self.delta:
                return
            current, self.delta = self.delta, []
            for statement in current:
                self._join(*statement)
        raise BuildError(f"the OWL 2 RL rules did not reach a fixpoint in {MAX_ROUNDS} rounds")

    def _add(self, s: Term, p: ox.NamedNode, o: Term) -> bool:
        if not self.writer.add(s, p, o):
            return False
        if p in self.joins:
            self.delta.append((s, p, o))
        return True

    def _expand(self, s: Term, p: ox.NamedNode, o: Term) -> None:
        """Add what follows from (s, p, o) by the one-premise rules. The result is closed
        (what follows from a consequence is among the consequences), so it is never expanded
        again."""
        expansion = self.schema.expansion(p, isinstance(o, ox.Literal))
        for inverted, q in expansion.links:
            if inverted:
                self._add(o, q, s)
            else:
                self._add(s, q, o)
        classes = expansion.subject_classes
        if p == TYPE:
            classes = (*classes, *self.schema.superclasses_of(o))
        self._give_classes(s, classes)
        self._give_classes(o, expansion.object_classes)

    def _give_classes(self, resource: Term, classes: tuple[Term, ...]) -> None:
        if not classes:
            return
        given = self._classes_given.get(resource)
        if given is None:
            if len(self._classes_given) >= KNOWN_CACHE:
                self._classes_given.clear()
            given = self._classes_given[resource] = set()
        for c in classes:
            if c not in given:
                given.add(c)
                self._add(resource, TYPE, c)

    def _derived(self, s: Term, p: ox.NamedNode, o: Term) -> None:
        if self._add(s, p, o):
            self._expand(s, p, o)

    def _join(self, s: Term, p: ox.NamedNode, o: Term) -> None:
        """Add what (s, p, o) implies together with one known triple (prp-spo2, prp-trp)."""
        for target, first, second in self.schema.chains:
            if p == first:
                for z in self._lookup(o, second, forward=True):
                    self._derived(s, target, z)
            if p == second:
                for x in self._lookup(s, first, forward=False):
                    self._derived(x, target, o)
        if p in self.schema.transitive:
            for z in self._lookup(o, p, forward=True):
                self._derived(s, p, z)
            for x in self._lookup(s, p, forward=False):
                self._derived(x, p, o)

    def _lookup(self, term: Term, p: ox.NamedNode, forward: bool) -> list[Term]:
        """The objects of (term, p, ?), or the subjects of (?, p, term)."""
        key = (term, p, forward)
        if key not in self._lookups:
            if len(self._lookups) >= KNOWN_CACHE:
                self._lookups.clear()
            found: list[Term]
            if forward:
                # chains and transitive properties link resources: the object joined on is one
                assert not isinstance(term, ox.Literal), f"{term}: a literal joined as a subject"
                found = [
                    q.object
                    for store in self.stores
                    for q in store.quads_for_pattern(term, p, None, None)
                ]
            else:
                found = [
                    q.subject
                    for store in self.stores
                    for q in store.quads_for_pattern(None, p, term, None)
                ]
            self._lookups[key] = found
        return self._lookups[key]


def _disjoint_pairs(schema: ox.Store) -> list[tuple[Term, Term, str]]:
    """The pairs of classes no resource may belong to both of, with the rule that says so."""
    pairs: list[tuple[Term, Term, str]] = [
        (q.subject, q.object, "cax-dw") for q in schema.quads_for_pattern(None, _DISJOINT, None)
    ]
    for axiom in schema.quads_for_pattern(None, TYPE, _ALL_DISJOINT):
        for members in schema.quads_for_pattern(axiom.subject, _MEMBERS, None):
            classes = _list(schema, members.object)
            pairs += [(a, b, "cax-adc") for i, a in enumerate(classes) for b in classes[i + 1 :]]
    return pairs


def _contradictions(stores: Iterable[ox.Store], schema: ox.Store) -> list[str]:
    """Resources typed with two disjoint classes (cax-dw, cax-adc), over stated and derived
    types together."""
    pairs = _disjoint_pairs(schema)
    instances: dict[Term, set[Term]] = {}
    for c in {c for a, b, _ in pairs for c in (a, b)}:
        instances[c] = {
            q.subject for store in stores for q in store.quads_for_pattern(None, TYPE, c, None)
        }
    return sorted(
        f"{_text(x)} is both {_text(a)} and {_text(b)} ({rule})"
        for a, b, rule in pairs
        for x in instances[a] & instances[b]
    )


def _text(term: Term) -> str:
    """A term as a message names it: its IRI, blank node id or lexical form (a triple term,
    which has none of these, in N-Triples)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def materialise(dataset: ox.Store, graph: ox.NamedNode, base_iri: str) -> ox.Store:
    """The entailments of all graphs of `dataset` (ontology and data) that are new and worth
    keeping, in `graph` of a new store; `dataset` is only read. A contradiction (e.g.
    something typed both Person and Organisation, which the ontology declares disjoint) raises
    BuildError."""
    gc.disable()  # millions of short-lived tuples and no cycles: the collector only costs time
    try:
        return _materialise(dataset, graph, base_iri)
    finally:
        gc.enable()


def _materialise(dataset: ox.Store, graph: ox.NamedNode, base_iri: str) -> ox.Store:
    namespaces = (base_iri, ONTOLOGY_NS, ROLE_NS)
    scratch = ox.NamedNode(graph.value + "/scratch")
    writer = _Writer(dataset, graph, scratch, namespaces)
    stated = schema_triples(dataset)
    for _round in range(MAX_ROUNDS):
        closed = close_schema(stated)
        for q in closed:
            writer.add(q.subject, q.predicate, q.object)
        writer.flush()
        _Closure(CompiledSchema.read(closed), writer).run(closed)
        now = schema_triples(dataset) | schema_triples(writer.derived)
        if len(now) == len(closed):  # the data rules added nothing to the schema
            break
        stated = now
    else:
        raise BuildError(f"the OWL 2 RL schema kept growing for {MAX_ROUNDS} rounds")
    problems = _contradictions((dataset, writer.derived), closed)
    if problems:
        raise BuildError("the data contradicts the ontology (OWL 2 RL):\n" + "\n".join(problems))
    writer.derived.remove_graph(scratch)
    return writer.derived

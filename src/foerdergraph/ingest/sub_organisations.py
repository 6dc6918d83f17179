"""Sub-units linked to their parent organisation by reviewed rules.

The rules and vetoes are data (data/curation/sub-organisations.yaml), for a person to review.

The EU lists name "RWTH Aachen - Institut für Textiltechnik" or "Fraunhofer Institut für Software
& Systemtechnik" as beneficiaries of their own; without a link to the university or the
Fraunhofer-Gesellschaft, totals per actor come out too low. A rule is a regular expression on the
organisation's German label and the registry key of the parent; vetoes name labels no rule may
link. Every link carries the rule that made it (fg:linkExplanation), so a reader can see why and
a curator can veto it. The rules run on the loaded store, after the imports, so they reach the
beneficiaries of every list as well as curated organisations, and changing a rule needs no
re-import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from foerdergraph.core.errors import InputError, InputProblem
from foerdergraph.core.iri import graph_iri, mint, slugify
from foerdergraph.core.registry import Registry
from foerdergraph.core.vocab import FG, bind_prefixes
from foerdergraph.core.yamlfile import read_mapping

RULES_FILE = Path("curation") / "sub-organisations.yaml"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class SubUnitRule:
    """One rule: labels it matches, the parent's registry key (maybe with {group}), and why."""

    id: str
    match: re.Pattern[str]
    parent: str
    explanation: str

    def parent_key(self, found: re.Match[str]) -> str:
        """The parent's key, each {group} replaced by the slug of what the group matched."""
        return _PLACEHOLDER.sub(lambda m: slugify(found.group(m.group(1))), self.parent)


@dataclass(frozen=True)
class SubUnitRules:
    """The reviewed rules and vetoes, with the IRIs of the organisations they may name."""

    path: Path
    rules: tuple[SubUnitRule, ...]
    vetoes: frozenset[str]
    parents: dict[str, URIRef]

    def parent_of(self, label: str) -> tuple[SubUnitRule, URIRef] | None:
        """The first rule matching `label` and its parent's IRI, unless the label is vetoed."""
        if label in self.vetoes:
            return None
        for rule in self.rules:
            if (found := rule.match.search(label)) is not None:
                parent = self.parents.get(rule.parent_key(found))
                if parent is not None:
                    return rule, parent
        return None


def _rule(
    path: Path, number: int, item: object, problems: list[InputProblem]
) -> SubUnitRule | None:
    where = f"rule {number}"
    if not isinstance(item, dict) or not all(item.get(k) for k in ("id", "match", "parent")):
        problems.append(InputProblem(path, where, "needs id, match and parent"))
        return None
    try:
        pattern = re.compile(str(item["match"]))
    except re.error as exc:
        problems.append(InputProblem(path, where, f"match {item['match']!r}: {exc}"))
        return None
    missing = set(_PLACEHOLDER.findall(str(item["parent"]))) - set(pattern.groupindex)
    if missing:
        problems.append(
            InputProblem(path, where, f"parent names groups {sorted(missing)} the match lacks")
        )
        return None
    return SubUnitRule(
        str(item["id"]),
        pattern,
        str(item["parent"]),
        " ".join(str(item.get("explanation") or "").split()),
    )


def read_rules(data_dir: Path, registry: Registry, base: str) -> SubUnitRules | None:
    """The rules file of `data_dir`, None when there is none; InputError names file and rule."""
    path = data_dir / RULES_FILE
    if not path.exists():
        return None
    content = read_mapping(path)
    problems: list[InputProblem] = []
    rules = [_rule(path, n, item, problems) for n, item in enumerate(content.get("rules") or [], 1)]
    parents = {e.key: e.iri(base) for e in registry if e.kind == "organisation"}
    for rule in rules:
        if rule is not None and not _PLACEHOLDER.search(rule.parent) and rule.parent not in parents:
            problems.append(
                InputProblem(
                    path, f"rule {rule.id}", f"parent {rule.parent!r} is no registry organisation"
                )
            )
    if problems:
        raise InputError(problems)
    vetoes = frozenset(
        str(v.get("label")) for v in content.get("vetoes") or [] if isinstance(v, dict)
    )
    return SubUnitRules(path, tuple(r for r in rules if r is not None), vetoes, parents)


_LABELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?o ?label WHERE {
  ?o skos:prefLabel ?label . FILTER (isIRI(?o) && lang(?label) = "de")
}
"""


def sub_organisation_graph(store: ox.Store, rules: SubUnitRules, base: str) -> Graph:
    """The links the rules make between the organisations of `store`, with their explanations."""
    graph = Graph(identifier=graph_iri("curation", "sub-organisations", base=base))
    bind_prefixes(graph, base)
    prefix = str(mint("organisation", "x", base=base))[:-1]
    solutions = store.query(_LABELS, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    labels = sorted((s["o"].value, s["label"].value) for s in solutions)
    for unit, label in labels:
        if not unit.startswith(prefix):  # organisations only (their IRIs say so)
            continue
        found = rules.parent_of(label)
        if found is None or str(found[1]) == unit:
            continue
        rule, parent = found
        explanation = mint("evidence", "sub-organisation", unit.removeprefix(prefix), base=base)
        graph.add((URIRef(unit), FG.subOrganisationOf, parent))
        graph.add((URIRef(unit), FG.linkExplanation, explanation))
        graph.add((explanation, RDF.type, FG.LinkExplanation))
        graph.add((explanation, FG.linkRule, Literal(rule.id)))
        graph.add((explanation, RDFS.comment, Literal(rule.explanation, lang="en")))
    return graph

"""The page of an organisation (fg:Organisation and its subclasses): who it is, where it sits
in its parent body, the grants it and its sub-units received with totals by programme and by
year, the undertakings it takes part in with the quote that says so (qualified participations, and
direct role statements such as fg:funds that no participation covers), and who links to it.

Sub-units roll up as in the canned query `actor-totals`: every organisation that is
fg:subOrganisationOf this one, at any depth, counts for it, and a grant two units share counts
once (grants are collected by IRI).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from foerdergraph.core.namespaces import FG
from foerdergraph.remote.remote_store import QuadSource
from foerdergraph.serve.linked_data import statements
from foerdergraph.serve.summaries import parts
from foerdergraph.serve.summaries.funding import FundingIndex
from foerdergraph.serve.summaries.language import Labeller
from foerdergraph.serve.summaries.parts import GrantTable, Header, Link, Source

SUB_ORGANISATION_OF = FG + "subOrganisationOf"


@dataclass(frozen=True)
class ParticipationRow:
    """The organisation in one undertaking in one role, with the sources that say so: a
    qualified participation (its IRI) or a direct role statement (no IRI of its own)."""

    iri: str
    role: Link
    undertaking: Link
    sources: list[Source]
    graphs: frozenset[str]


@dataclass
class OrganisationSummary:
    header: Header
    units: int
    grants: GrantTable
    participations: list[ParticipationRow]
    incoming: list[parts.IncomingGroup]
    mentions: list[parts.Mention]


def units_of(store: QuadSource, iri: str) -> set[str]:
    """Every organisation below `iri` through fg:subOrganisationOf, at any depth."""
    found: set[str] = set()
    pending = [iri]
    while pending:
        for unit in parts.subjects(store, SUB_ORGANISATION_OF, pending.pop()):
            if unit not in found and unit != iri:
                found.add(unit)
                pending.append(unit)
    return found


def role_statements(
    store: QuadSource, index: FundingIndex, iri: str, covered: set[str], labels: Labeller
) -> list[ParticipationRow]:
    """The organisation's direct statements of our vocabulary about undertakings (fg:funds,
    fg:leads …: programmes, calls, projects and everything someone takes part in) that no
    qualified participation of it covers, each with the evidence of its reified statement."""
    quoted, _confidence = statements(store, ox.NamedNode(iri))
    rows = []
    for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
        predicate, target = quad.predicate.value, quad.object
        if not predicate.startswith(FG) or not isinstance(target, ox.NamedNode):
            continue
        if target.value in covered or not index.is_undertaking(target.value):
            continue
        covered.add(target.value)
        evidence = quoted.get((predicate, target), [])
        rows.append(
            ParticipationRow(
                iri="",
                role=Link(predicate, labels(predicate)),
                undertaking=Link(target.value, labels(target.value)),
                sources=[Source(e.iri, e, None, None) for e in evidence],
                graphs=frozenset({quad.graph_name.value})
                if isinstance(quad.graph_name, ox.NamedNode)
                else frozenset(),
            )
        )
    return rows


def summary(
    store: QuadSource,
    index: FundingIndex,
    iri: str,
    titles: parts.Titler,
    params: Mapping[str, str],
) -> OrganisationSummary:
    labels = titles.labels
    head = parts.header(store, iri, labels)
    head.parents = parts.links(parts.objects(store, iri, SUB_ORGANISATION_OF), labels)
    head.children = parts.links(parts.subjects(store, SUB_ORGANISATION_OF, iri), labels)
    units = units_of(store, iri)
    grants = [g for actor in (iri, *sorted(units)) for g in index.by_recipient.get(actor, ())]
    own = sorted(index.by_actor.get(iri, ()), key=lambda p: (labels(p.role), labels(p.undertaking)))
    rows = [
        ParticipationRow(
            p.iri,
            Link(p.role, labels(p.role)),
            Link(p.undertaking, labels(p.undertaking)),
            parts.sources(store, p.iri, labels),
            p.graphs,
        )
        for p in own
    ]
    rows += role_statements(store, index, iri, {p.undertaking for p in own}, labels)
    return OrganisationSummary(
        header=head,
        units=len(units),
        grants=parts.grant_table(
            store, grants, titles, parts.first_page(params, "grants"), titles.words["no_programme"]
        ),
        participations=rows,
        incoming=parts.incoming(
            store, iri, titles, params.get("in"), parts.first_page(params, "in_page")
        ),
        mentions=parts.mentions(store, iri, labels),
    )

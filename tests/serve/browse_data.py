"""A build for the browse and search tests: the serve fixture plus generated organisations,
places, programmes and grants, with the figures the pages should show computed from the same
generated data (not from the store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from .conftest import BASE, make_release

FG = "https://w3id.org/foerdergraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
GRAPH = ox.NamedNode(BASE + "graph/entities")
PLACES = ("Münster", "Köln", "Düsseldorf")
PROGRAMMES = ("Programm Alpha", "Programm Beta")
GOVERNMENT_REGION = "Regierungsbezirk Köln"
"""The Regierungsbezirk Köln (the second place) lies in; the others lie in none."""
ORGANISATIONS = 60
FIXTURE_ORGANISATIONS = 2
"""graph.trig types two organisations fg:Organisation (the Landesregierung and, inferred,
the ministry)."""


def node(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + "id/" + path)


@dataclass
class Org:
    iri: str
    label: str
    university: bool
    place: str
    grants: dict[str, Decimal] = field(default_factory=dict)
    programmes: set[str] = field(default_factory=set)


@dataclass
class Generated:
    orgs: list[Org]
    quads: list[ox.Quad]

    def total(self, org: Org) -> Decimal:
        return sum(org.grants.values(), Decimal(0))


def generate() -> Generated:
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, ox.NamedNode(p), o, GRAPH))

    def label(s: ox.NamedNode, text: str, prop: str = "prefLabel") -> None:
        add(s, SKOS + prop, ox.Literal(text, language="de"))

    for i, name in enumerate(PLACES):
        label(node(f"place/p{i}"), name)
        add(node(f"place/p{i}"), RDF_TYPE.value, ox.NamedNode(FG + "Place"))
        add(node(f"place/p{i}"), RDF_TYPE.value, ox.NamedNode(FG + "Municipality"))
    label(node("place/rb-koeln"), GOVERNMENT_REGION)
    add(node("place/rb-koeln"), RDF_TYPE.value, ox.NamedNode(FG + "GovernmentRegion"))
    add(node("place/p1"), FG + "withinArea", node("place/rb-koeln"))  # Köln
    for i, name in enumerate(PROGRAMMES):
        label(node(f"programme/p{i}"), name)
        add(node(f"programme/p{i}"), RDF_TYPE.value, ox.NamedNode(FG + "FundingProgramme"))
    orgs = []
    grant_no = 0
    for i in range(ORGANISATIONS):
        iri = node(f"organisation/o{i}")
        org = Org(
            iri.value, f"Verein {i:02d} Hauptstraße", i % 3 == 0, node(f"place/p{i % 3}").value
        )
        label(iri, org.label)
        label(iri, f"V{i:02d}", "altLabel")
        add(iri, RDF_TYPE.value, ox.NamedNode(FG + "Organisation"))
        if org.university:
            add(iri, RDF_TYPE.value, ox.NamedNode(FG + "University"))
        add(iri, FG + "locatedIn", ox.NamedNode(org.place))
        for j in range(i % 4):
            grant = node(f"grant/g{grant_no}")
            amount = Decimal(1000 * (i + 1) + 7 * j) + Decimal("0.25")
            programme = node(f"programme/p{(i + j) % 2}")
            add(grant, RDF_TYPE.value, ox.NamedNode(FG + "Grant"))
            add(grant, FG + "grantRecipient", iri)
            add(grant, FG + "underProgramme", programme)
            add(
                grant,
                FG + "amount",
                ox.Literal(
                    str(amount), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
                ),
            )
            org.grants[grant.value] = amount
            org.programmes.add(programme.value)
            grant_no += 1
        orgs.append(org)
    return Generated(orgs, quads)


def browse_build(target: Path) -> tuple[Path, Generated]:
    generated = generate()
    return make_release(target, generated.quads), generated

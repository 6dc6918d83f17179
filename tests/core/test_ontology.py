"""Tests for ontology/foerdergraph.ttl: the published OWL ontology and the role concept scheme.

The ontology is a contract with three other texts, so most tests read those texts instead of
repeating their content: docs/model.md (every term it names must exist, every alignment in its
class table must hold) and ../shared/README.md (every interchange name must be mapped). The last
tests run OWL RL reasoning on a small data graph to prove that the alignments do what a
researcher querying ORG / PROV / schema.org terms relies on.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections import Counter
from pathlib import Path

import owlrl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS

ROOT = Path(__file__).parents[2]
ONTOLOGY_FILE = ROOT / "ontology" / "foerdergraph.ttl"
MODEL_DOC = ROOT / "docs" / "model.md"
SHARED_README = ROOT.parent / "shared" / "README.md"

FG = Namespace("https://w3id.org/foerdergraph/ontology#")
ROLE = Namespace("https://w3id.org/foerdergraph/role/")
SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # open: pytest probes closed ones
EX = Namespace("https://example.org/test/")
ONTOLOGY_IRI = URIRef("https://w3id.org/foerdergraph/ontology")
ERROR_MESSAGE = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")

PREFIXES: dict[str, Namespace] = {
    "fg": FG,
    "org": Namespace(str(ORG)),
    "prov": Namespace(str(PROV)),
    "foaf": Namespace(str(FOAF)),
    "skos": Namespace(str(SKOS)),
    "schema": SCHEMA,
    "dcterms": Namespace(str(DCTERMS)),
    "oa": OA,
}
"""Prefixes docs/model.md uses in its alignment columns."""

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


# --------------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def onto() -> Graph:
    """The ontology, parsed once: every test reads, none writes."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def model_text() -> str:
    return MODEL_DOC.read_text(encoding="utf-8")


def fg_terms(graph: Graph, *types: URIRef) -> set[URIRef]:
    """Subjects in the fg: namespace typed with one of `types`."""
    return {
        s
        for t in types
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(str(FG))
    }


def langs(graph: Graph, subject: URIRef, predicate: URIRef) -> Counter[str | None]:
    """How many literals of `predicate` on `subject` exist per language tag."""
    return Counter(o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def model_section(text: str, heading: str) -> str:
    """The body of one `## heading` section of docs/model.md, so tables are read separately."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/model.md has no section {heading!r}"
    return match.group(1)


def table_rows(section: str) -> list[list[str]]:
    """Cells of the markdown table rows in a section, without header and separator rows."""
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or set(line) <= {"|", "-", " "}:
            continue
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]


def curie(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return PREFIXES[prefix][local]


def interchange_list(readme: str, field: str) -> list[str]:
    """The names after '<field> is one of:' in the shared README, parentheses stripped."""
    match = re.search(rf"`{field}` is one of:(.*?)\.(?:\s|$)", readme, re.S)
    assert match, f"../shared/README.md no longer lists the interchange {field}s"
    names = [n.strip() for n in re.sub(r"\([^)]*\)", "", match.group(1)).split(",")]
    assert all(re.fullmatch(r"[a-z_]+", n) for n in names), names
    return names


@pytest.fixture(scope="module")
def shared_readme() -> str:
    if not SHARED_README.exists():
        pytest.skip("../shared/README.md is not beside the project (CI has it)")
    return SHARED_README.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# header and documentation of every term
# --------------------------------------------------------------------------------------------


def test_header(onto: Graph) -> None:
    """The header carries what a registry (w3id, LOV) needs to list and cite the ontology."""
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert (ONTOLOGY_IRI, OWL.versionIRI, URIRef(str(ONTOLOGY_IRI) + "/0.1.0")) in onto
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal("0.1.0")) in onto
    assert (
        ONTOLOGY_IRI,
        DCTERMS.license,
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in onto
    assert (ONTOLOGY_IRI, DCTERMS.creator, Literal("foerdergraph contributors")) in onto
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {"de", "en"} <= set(langs(onto, ONTOLOGY_IRI, prop)), prop
    for prop in (DCTERMS.created, DCTERMS.modified):
        assert onto.value(ONTOLOGY_IRI, prop) is not None, prop
    assert onto.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("fg")
    assert onto.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(str(FG))


def test_every_fg_term_is_documented(onto: Graph) -> None:
    """Each class and property has exactly one label per language, a definition, isDefinedBy."""
    terms = fg_terms(onto, OWL.Class, *PROPERTY_TYPES)
    assert len(terms) > 80
    problems = []
    for term in sorted(terms):
        labels = langs(onto, term, RDFS.label)
        if labels["de"] != 1 or labels["en"] != 1:
            problems.append(f"{term}: labels {dict(labels)}")
        if langs(onto, term, SKOS.definition)["en"] < 1:
            problems.append(f"{term}: no skos:definition @en")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in onto:
            problems.append(f"{term}: no rdfs:isDefinedBy")
    assert not problems, "\n".join(problems)


def test_every_fg_property_has_exactly_one_kind(onto: Graph) -> None:
    """OWL 2 DL forbids a property being e.g. both object and annotation property."""
    for prop in fg_terms(onto, *PROPERTY_TYPES):
        kinds = [t for t in PROPERTY_TYPES if (prop, RDF.type, t) in onto]
        assert len(kinds) == 1, (prop, kinds)
    assert (FG.interchangeName, RDF.type, OWL.AnnotationProperty) in onto
    assert (FG.binaryProperty, RDF.type, OWL.AnnotationProperty) in onto


def test_no_fg_term_used_but_undefined(onto: Graph) -> None:
    """A typo in an axiom (fg:partnerln) would silently mint a new term; catch it."""
    defined = fg_terms(onto, OWL.Class, *PROPERTY_TYPES)
    used = {
        node
        for triple in onto
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(FG))
    }
    assert used - defined == set()


IMPORTS = sorted((ROOT / "data" / "imports").glob("erdf-*.trig.gz"))
"""The committed imports (the ESF one is generated, not committed; see docs/import.md)."""


@pytest.mark.parametrize("path", IMPORTS, ids=lambda p: p.name)
def test_every_fg_term_in_the_imports_is_declared(onto: Graph, path: Path) -> None:
    """The imported lists use only declared terms: every fg: IRI in a committed
    data/imports/*.trig.gz (class, property or value) is a class or property of the ontology."""
    defined = {str(t) for t in fg_terms(onto, OWL.Class, *PROPERTY_TYPES)}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        used = set(re.findall(r"<(" + re.escape(str(FG)) + r"[^>]*)>", handle.read()))
    assert used, path
    assert sorted(used - defined) == []


def test_row_evidence_is_provenance_but_not_a_quote(onto: Graph) -> None:
    """fg:evidence ranges over fg:Provenance, so a row record is not typed as a quote (whose
    offsets and text the shapes check); both kinds of provenance are disjoint."""
    assert (FG.evidence, RDFS.range, FG.Provenance) in onto
    for cls in (FG.Evidence, FG.DataRecord):
        assert (cls, RDFS.subClassOf, FG.Provenance) in onto
    assert (FG.inDataset, RDFS.subPropertyOf, DCTERMS.isPartOf) in onto
    assert (FG.SourceDataset, RDFS.subClassOf, URIRef("http://www.w3.org/ns/dcat#Dataset")) in onto
    graph = reason("""
        @prefix fg: <https://w3id.org/foerdergraph/ontology#> .
        @prefix ex: <https://example.org/test/> .
        ex:grant fg:evidence ex:row . ex:row fg:inDataset ex:list ; fg:row 3 .
    """)
    assert (EX.row, RDF.type, FG.DataRecord) in graph
    assert (EX.row, RDF.type, FG.Provenance) in graph
    assert (EX.row, RDF.type, FG.Evidence) not in graph
    assert (EX.list, RDF.type, FG.SourceDataset) in graph
    assert (EX.row, DCTERMS.isPartOf, EX.list) in graph
    assert not list(graph.subjects(RDF.type, ERROR_MESSAGE))


def test_labels_are_nfc(onto: Graph) -> None:
    """German labels must use composed umlauts so that string matching on labels works."""
    texts = [o for o in onto.objects() if isinstance(o, Literal) and isinstance(o.value, str)]
    assert any("ü" in t for t in texts)
    bad = [t for t in texts if unicodedata.normalize("NFC", str(t)) != str(t)]
    assert not bad, bad


# --------------------------------------------------------------------------------------------
# drift against docs/model.md
# --------------------------------------------------------------------------------------------


def test_every_term_named_in_model_doc_exists(onto: Graph, model_text: str) -> None:
    """Every fg: name in docs/model.md is a class (capitalised) or property of the ontology."""
    names = set(re.findall(r"\bfg:([A-Za-z][A-Za-z0-9]*)", model_text))
    assert {"Agent", "participant", "sha256", "binaryProperty"} <= names
    classes = fg_terms(onto, OWL.Class)
    properties = fg_terms(onto, *PROPERTY_TYPES)
    missing = [
        name
        for name in sorted(names)
        if FG[name] not in (classes if name[0].isupper() else properties)
    ]
    assert not missing, missing


def test_class_table_axioms_hold(onto: Graph, model_text: str) -> None:
    """Each row 'fg:X ⊑ fg:P, fg:Q [type] | org:…, schema:… |' is an rdfs:subClassOf axiom."""
    rows = table_rows(model_section(model_text, "Classes"))
    assert len(rows) > 30
    missing = []
    for cells in rows:
        head, alignment = cells[0], cells[1]
        cls = curie(re.match(r"(fg:\w+)", head).group(1))
        parents = re.findall(r"fg:\w+", head.split("⊑", 1)[1]) if "⊑" in head else []
        parents += re.findall(r"\b(?:org|prov|foaf|skos|schema|oa):[A-Za-z]\w*", alignment)
        missing += [(cls, p) for p in parents if (cls, RDFS.subClassOf, curie(p)) not in onto]
    assert not missing, missing


def test_class_table_interchange_names(onto: Graph, model_text: str) -> None:
    """The bracketed interchange type of each class row is its fg:interchangeName."""
    for cells in table_rows(model_section(model_text, "Classes")):
        cls = curie(re.match(r"(fg:\w+)", cells[0]).group(1))
        for name in re.findall(r"\[([a-z_]+)\]", cells[0]):
            assert (cls, FG.interchangeName, Literal(name)) in onto, (cls, name)


PROPERTY_AXIOMS: list[tuple[URIRef, URIRef, URIRef]] = [
    (FG.participant, RDFS.subPropertyOf, PROV.agent),
    (FG.participant, OWL.inverseOf, FG.hasParticipation),
    (FG.role, RDFS.subPropertyOf, ORG.role),
    (FG.subcontractorOf, RDFS.subPropertyOf, PROV.actedOnBehalfOf),
    (FG.fundedBy, OWL.inverseOf, FG.funds),
    (FG.fundedBy, RDFS.subPropertyOf, SCHEMA.funder),
    (FG.partOf, RDFS.subPropertyOf, DCTERMS.isPartOf),
    (FG.partOf, RDF.type, OWL.TransitiveProperty),
    (FG.partOf, OWL.inverseOf, FG.hasPart),
    (FG.subOrganisationOf, RDFS.subPropertyOf, ORG.subOrganizationOf),
    (FG.memberOf, RDFS.subPropertyOf, ORG.memberOf),
    (FG.locatedIn, RDFS.subPropertyOf, SCHEMA.location),
    (FG.withinArea, RDF.type, OWL.TransitiveProperty),
    (FG.withinArea, RDFS.subPropertyOf, SCHEMA.containedInPlace),
    (FG.targetRegion, RDFS.subPropertyOf, SCHEMA.areaServed),
    (FG.grantFunder, RDFS.subPropertyOf, SCHEMA.funder),
    (FG.grantFor, RDFS.subPropertyOf, SCHEMA.fundedItem),
    (FG.grantFor, OWL.inverseOf, FG.hasGrant),
    (FG.amount, RDFS.subPropertyOf, SCHEMA.amount),
    (FG.currency, RDFS.subPropertyOf, SCHEMA.currency),
    (FG.launchDate, RDFS.subPropertyOf, SCHEMA.startDate),
    (FG.deadline, RDFS.subPropertyOf, SCHEMA.endDate),
    (FG.evidence, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (FG.statedIn, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (FG.quote, RDFS.subPropertyOf, OA.exact),
    (FG.start, RDFS.subPropertyOf, OA.start),
    (FG.end, RDFS.subPropertyOf, OA.end),
    (FG.participant, RDFS.domain, FG.Participation),
    (FG.participant, RDFS.range, FG.Agent),
    (FG.participationIn, RDFS.range, FG.Undertaking),
    (FG.responsibleFor, RDFS.domain, FG.DistrictGovernment),
    (FG.responsibleFor, RDFS.range, FG.GovernmentRegion),
    (FG.inDocument, RDFS.range, FG.SourceDocument),
    (FG.start, RDFS.range, XSD.nonNegativeInteger),
    (FG.amount, RDFS.range, XSD.decimal),
    (FG.postTitle, RDFS.range, RDF.langString),
    (FG.role, RDFS.range, FG.Role),
]
"""The alignment column of the property table in docs/model.md, axiom by axiom."""

CHAINS: dict[URIRef, list[URIRef]] = {
    FG.participatesIn: [FG.hasParticipation, FG.participationIn],
    FG.statedIn: [FG.evidence, FG.inDocument],
    FG.mentionedIn: [FG.mention, FG.inDocument],
    FG.memberOf: [ORG.hasMembership, ORG.organization],
}

DIRECT_RELATIONS = [
    "leads",
    "partnerIn",
    "strategicPartnerIn",
    "funds",
    "approves",
    "administers",
    "supports",
    "hosts",
    "issues",
    "applicantIn",
    "beneficiaryOf",
    "contactFor",
]


@pytest.mark.parametrize("axiom", PROPERTY_AXIOMS, ids=lambda a: f"{a[0]}-{a[1]}-{a[2]}")
def test_property_axiom(onto: Graph, axiom: tuple[URIRef, URIRef, URIRef]) -> None:
    assert axiom in onto


@pytest.mark.parametrize("prop", CHAINS, ids=str)
def test_property_chain(onto: Graph, prop: URIRef) -> None:
    lists = [list(onto.items(head)) for head in onto.objects(prop, OWL.propertyChainAxiom)]
    assert CHAINS[prop] in lists


def test_direct_relations_specialise_participates_in(onto: Graph) -> None:
    for name in DIRECT_RELATIONS:
        assert (FG[name], RDFS.subPropertyOf, FG.participatesIn) in onto, name
        assert (FG[name], RDFS.range, FG.Undertaking) in onto, name


# --------------------------------------------------------------------------------------------
# interchange names from ../shared/README.md
# --------------------------------------------------------------------------------------------


def test_every_organisation_type_maps_onto_a_class(onto: Graph, shared_readme: str) -> None:
    types = interchange_list(shared_readme, "type")
    assert "ministry" in types and "other" in types
    classes = fg_terms(onto, OWL.Class)
    for name in types:
        holders = set(onto.subjects(FG.interchangeName, Literal(name))) & classes
        assert holders, f"organisation type {name!r} is on no class"
    assert (FG.Organisation, FG.interchangeName, Literal("other")) in onto
    assert (FG.RegionalCooperation, FG.interchangeName, Literal("region")) in onto


def test_every_predicate_maps_onto_exactly_one_property(onto: Graph, shared_readme: str) -> None:
    predicates = interchange_list(shared_readme, "predicate")
    assert "sponsors_project_admin" in predicates and "hosts" in predicates
    properties = fg_terms(onto, *PROPERTY_TYPES)
    for name in predicates:
        holders = set(onto.subjects(FG.interchangeName, Literal(name))) & properties
        assert len(holders) == 1, f"predicate {name!r} is on {sorted(holders) or 'no property'}"
    assert (FG.issues, FG.interchangeName, Literal("issues_programme")) in onto
    assert (FG.partnerIn, FG.interchangeName, Literal("partners_in")) in onto
    assert (FG.administers, FG.interchangeName, Literal("sponsors_project_admin")) in onto


def test_interchange_names_are_known(onto: Graph, shared_readme: str) -> None:
    """No fg:interchangeName outside the README's lists (a stale or misspelt name)."""
    known = set(interchange_list(shared_readme, "type"))
    known |= set(interchange_list(shared_readme, "predicate"))
    used = {str(o) for o in onto.objects(None, FG.interchangeName)}
    assert used - known == set()


# --------------------------------------------------------------------------------------------
# the role concept scheme
# --------------------------------------------------------------------------------------------

ROLE_NAMES = [
    "lead",
    "partner",
    "strategic-partner",
    "funded-partner",
    "funder",
    "approving-authority",
    "project-sponsor",
    "supporter",
    "subcontractor",
    "host",
    "contact",
    "issuer",
    "applicant",
    "beneficiary",
    "carrier",
    "member",
]

BINARY_PROPERTIES = {
    "lead": FG.leads,
    "partner": FG.partnerIn,
    "funded-partner": FG.partnerIn,
    "strategic-partner": FG.strategicPartnerIn,
    "funder": FG.funds,
    "approving-authority": FG.approves,
    "project-sponsor": FG.administers,
    "supporter": FG.supports,
    "host": FG.hosts,
    "issuer": FG.issues,
    "applicant": FG.applicantIn,
    "beneficiary": FG.beneficiaryOf,
    "contact": FG.contactFor,
    "subcontractor": FG.participatesIn,
    "member": FG.memberOf,
}


def test_role_list_matches_model_doc(model_text: str) -> None:
    """The roles section of docs/model.md names exactly the roles this test expects."""
    section = re.sub(r"\([^)]*\)", "", model_section(model_text, "Roles"))
    doc_roles = [r.strip(" .") for r in section.replace("\n", " ").split(",") if r.strip(" .")]
    assert sorted(doc_roles) == sorted(ROLE_NAMES)


def test_role_scheme(onto: Graph) -> None:
    scheme = ROLE.scheme
    assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
    assert {"de", "en"} <= set(langs(onto, scheme, SKOS.prefLabel))
    in_scheme = set(onto.subjects(SKOS.inScheme, scheme))
    assert in_scheme == {ROLE[name] for name in ROLE_NAMES}


@pytest.mark.parametrize("name", ROLE_NAMES)
def test_role_concept(onto: Graph, name: str) -> None:
    """Each role: typed, one prefLabel per language, defined, top concept or narrower."""
    concept = ROLE[name]
    assert (concept, RDF.type, SKOS.Concept) in onto
    assert (concept, RDF.type, FG.Role) in onto
    labels = langs(onto, concept, SKOS.prefLabel)
    assert labels["de"] == 1 and labels["en"] == 1, labels
    assert langs(onto, concept, SKOS.definition)["en"] >= 1
    top = (concept, SKOS.topConceptOf, ROLE.scheme) in onto
    broader = set(onto.objects(concept, SKOS.broader))
    assert top != bool(broader), "a role is either a top concept or has a broader role"
    assert top == ((ROLE.scheme, SKOS.hasTopConcept, concept) in onto)


def test_role_hierarchy_and_german_labels(onto: Graph) -> None:
    for name in ("strategic-partner", "funded-partner"):
        assert (ROLE[name], SKOS.broader, ROLE.partner) in onto
    expected = {
        "lead": "federführend",
        "project-sponsor": "Projektträger",
        "subcontractor": "Unterauftragnehmer",
        "carrier": "Träger",
    }
    for name, label in expected.items():
        assert (ROLE[name], SKOS.prefLabel, Literal(label, lang="de")) in onto


def test_role_binary_properties(onto: Graph) -> None:
    """fg:binaryProperty tells the build which direct triple a participation implies."""
    for name in ROLE_NAMES:
        found = set(onto.objects(ROLE[name], FG.binaryProperty))
        expected = {BINARY_PROPERTIES[name]} if name in BINARY_PROPERTIES else set()
        assert found == expected, (name, found)
    for prop in set(BINARY_PROPERTIES.values()):
        assert (prop, RDF.type, OWL.ObjectProperty) in onto


def test_role_interchange_names_agree_with_their_property(onto: Graph) -> None:
    """A role's interchange predicate is the one on its binary property (subcontractor aside)."""
    for name, prop in BINARY_PROPERTIES.items():
        role_names = set(onto.objects(ROLE[name], FG.interchangeName))
        prop_names = set(onto.objects(prop, FG.interchangeName))
        if name != "subcontractor" and role_names:
            assert role_names == prop_names, name
    assert (ROLE.subcontractor, FG.interchangeName, Literal("subcontractor_of")) in onto


# --------------------------------------------------------------------------------------------
# OWL 2 RL profile
# --------------------------------------------------------------------------------------------

OUTSIDE_RL = {
    OWL.someValuesFrom,
    OWL.unionOf,
    OWL.complementOf,
    OWL.oneOf,
    OWL.minCardinality,
    OWL.minQualifiedCardinality,
    OWL.cardinality,
    OWL.qualifiedCardinality,
    OWL.hasSelf,
    OWL.disjointUnionOf,
}
"""Constructs this ontology never needs; some are legal in RL in sub-class position only."""


def test_no_construct_outside_owl2_rl(onto: Graph) -> None:
    used = {p for p in OUTSIDE_RL if any(onto.triples((None, p, None)))}
    assert not used, used
    assert not any(onto.subjects(RDF.type, OWL.ReflexiveProperty))


@pytest.mark.parametrize(
    "position", [RDFS.subClassOf, RDFS.domain, RDFS.range, OWL.equivalentClass], ids=str
)
def test_superclass_positions_are_rl(onto: Graph, position: URIRef) -> None:
    """Superclass expressions: named classes, or restrictions RL allows there."""
    for _, target in onto.subject_objects(position):
        if isinstance(target, URIRef):
            continue
        assert isinstance(target, BNode)
        assert (target, OWL.someValuesFrom, None) not in onto
        assert (target, OWL.unionOf, None) not in onto
        for card in (OWL.maxCardinality, OWL.maxQualifiedCardinality):
            value = onto.value(target, card)
            assert value is None or int(value) <= 1


# --------------------------------------------------------------------------------------------
# OWL RL reasoning on a tiny data graph
# --------------------------------------------------------------------------------------------

DATA = """
@prefix fg: <https://w3id.org/foerdergraph/ontology#> .
@prefix role: <https://w3id.org/foerdergraph/role/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/test/> .

ex:ministry a fg:Ministry ; skos:prefLabel "Wirtschaftsministerium NRW"@de .
ex:hochschule a fg:University .
ex:programme a fg:FundingProgramme .
ex:call a fg:FundingCall ; fg:partOf ex:programme ; fg:deadline "2017-02-17"^^xsd:date .
ex:project a fg:Project ; fg:partOf ex:call .

ex:participation a fg:Participation ;
    fg:participant ex:hochschule ; fg:participationIn ex:project ; fg:role role:lead ;
    fg:evidence ex:ev1 .
ex:grant a fg:Grant ;
    fg:grantFunder ex:ministry ; fg:grantFor ex:project ;
    fg:amount "769560.68"^^xsd:decimal ; fg:currency "EUR" ; fg:evidence ex:ev2 .
ex:ev1 a fg:Evidence ; fg:inDocument ex:doc ;
    fg:quote "federführend" ; fg:start 10 ; fg:end 22 .
ex:ev2 a fg:Evidence ; fg:inDocument ex:doc ;
    fg:quote "gefördert" ; fg:start 30 ; fg:end 39 .
ex:doc a fg:SourceDocument .
ex:hochschule fg:mention ex:ev1 .

ex:post a fg:Post ; org:heldBy ex:feller ; org:postIn ex:ministry ;
    fg:postTitle "Ministerin"@de .
ex:feller a fg:Person .

ex:membership a fg:Membership ; org:member ex:kreis ; org:organization ex:cooperation ;
    fg:role role:member .
ex:kreis a fg:District ; fg:withinArea ex:regierungsbezirk .
ex:regierungsbezirk a fg:GovernmentRegion ; fg:withinArea ex:nrw .
ex:nrw a fg:FederalState .
ex:cooperation a fg:RegionalCooperation .
"""


def reason(data: str) -> Graph:
    """Ontology + data, expanded by owlrl: what the build's inferred graph will contain."""
    graph = Graph().parse(ONTOLOGY_FILE, format="turtle")
    graph.parse(data=data, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


@pytest.fixture(scope="module")
def closure() -> Graph:
    return reason(DATA)


def test_reasoning_reports_no_inconsistency(closure: Graph) -> None:
    assert not list(closure.subjects(RDF.type, ERROR_MESSAGE))


@pytest.mark.parametrize(
    ("node", "cls"),
    [
        (EX.ministry, ORG.Organization),
        (EX.ministry, ORG.FormalOrganization),
        (EX.ministry, PROV.Agent),
        (EX.ministry, FOAF.Organization),
        (EX.ministry, SCHEMA.GovernmentOrganization),
        (EX.hochschule, SCHEMA.CollegeOrUniversity),
        (EX.feller, PROV.Person),
        (EX.feller, FOAF.Person),
        (EX.kreis, ORG.Organization),
        (EX.kreis, PROV.Location),
        (EX.nrw, SCHEMA.State),
        (EX.cooperation, ORG.OrganizationalCollaboration),
        (EX.project, PROV.Activity),
        (EX.call, SCHEMA.Event),
        (EX.participation, PROV.Influence),
        (EX.grant, SCHEMA.MonetaryGrant),
        (EX.post, ORG.Post),
        (EX.membership, ORG.Membership),
        (EX.doc, PROV.Entity),
        (EX.ev1, OA.TextQuoteSelector),
        (ROLE.lead, SKOS.Concept),
    ],
    ids=lambda v: str(v).rsplit("/", 1)[-1],
)
def test_inferred_type(closure: Graph, node: URIRef, cls: URIRef) -> None:
    assert (node, RDF.type, cls) in closure


@pytest.mark.parametrize(
    "triple",
    [
        # qualified participation -> direct relation and PROV
        (EX.hochschule, FG.hasParticipation, EX.participation),
        (EX.hochschule, FG.participatesIn, EX.project),
        (EX.participation, PROV.agent, EX.hochschule),
        (EX.participation, ORG.role, ROLE.lead),
        # grant -> funder of the project
        (EX.project, FG.hasGrant, EX.grant),
        (EX.project, FG.fundedBy, EX.ministry),
        (EX.project, SCHEMA.funder, EX.ministry),
        (EX.project, SCHEMA.funding, EX.grant),
        (EX.grant, SCHEMA.funder, EX.ministry),
        (EX.grant, SCHEMA.fundedItem, EX.project),
        (EX.ministry, FG.funds, EX.project),
        (EX.ministry, FG.participatesIn, EX.project),
        (EX.grant, SCHEMA.amount, Literal("769560.68", datatype=XSD.decimal)),
        # provenance
        (EX.participation, FG.statedIn, EX.doc),
        (EX.participation, PROV.wasDerivedFrom, EX.doc),
        (EX.participation, PROV.wasDerivedFrom, EX.ev1),
        (EX.grant, PROV.wasDerivedFrom, EX.doc),
        (EX.ev1, PROV.wasQuotedFrom, EX.doc),
        (EX.ev1, OA.exact, Literal("federführend")),
        (EX.hochschule, FG.mentionedIn, EX.doc),
        # structure: transitivity and inverses
        (EX.project, FG.partOf, EX.programme),
        (EX.project, DCTERMS.isPartOf, EX.programme),
        (EX.programme, FG.hasPart, EX.project),
        (EX.kreis, FG.withinArea, EX.nrw),
        (EX.kreis, SCHEMA.containedInPlace, EX.nrw),
        (EX.call, SCHEMA.endDate, Literal("2017-02-17", datatype=XSD.date)),
        # ORG: posts and memberships
        (EX.feller, ORG.holds, EX.post),
        (EX.kreis, FG.memberOf, EX.cooperation),
        (EX.kreis, ORG.memberOf, EX.cooperation),
        # SKOS labels are rdfs:labels
        (EX.ministry, RDFS.label, Literal("Wirtschaftsministerium NRW", lang="de")),
    ],
    ids=lambda t: "-".join(str(x).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for x in t),
)
def test_inferred_triple(closure: Graph, triple: tuple[URIRef, URIRef, URIRef]) -> None:
    assert triple in closure


@pytest.mark.parametrize(
    "triple",
    [
        (EX.project, SCHEMA.funder, EX.hochschule),
        (EX.hochschule, FG.funds, EX.project),
        (EX.hochschule, FG.leads, EX.project),  # stated by the build beside the participation
        (EX.kreis, FG.participatesIn, EX.cooperation),
        (EX.feller, FG.memberOf, EX.ministry),
        (EX.participation, RDF.type, ORG.Membership),
        (EX.ministry, RDF.type, FG.Person),
    ],
    ids=lambda t: "-".join(str(x).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for x in t),
)
def test_not_inferred(closure: Graph, triple: tuple[URIRef, URIRef, URIRef]) -> None:
    """Guards against over-broad alignments (e.g. a chain that makes every partner a funder)."""
    assert triple not in closure


def test_disjointness_catches_a_merge_error() -> None:
    """A person and an organisation resolved to one IRI must surface as an inconsistency."""
    graph = reason(DATA + "\nex:feller a fg:Ministry .\n")
    assert list(graph.subjects(RDF.type, ERROR_MESSAGE))

"""Turning a parsed beneficiary list into the triples of its own named graph, plus a report.

Modelling (docs/import.md): each row is an fg:DataRecord (the row's provenance: dataset + row
number); the operation is an fg:Project, the money an fg:Grant for it, the beneficiary an
organisation resolved across rows and lists, the competition or ESF measure an undertaking
inside the operational programme (CCI code). The beneficiary's part is also stated as an
fg:Participation with role:beneficiary plus the direct fg:beneficiaryOf, exactly as curated
document facts are, so the same queries (recurring partners) work over both.

Output is deterministic: sorted N-Triples lines inside one TriG graph block, gzip without a
timestamp, so a re-import of an unchanged file gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from foerdergraph.core.config import Settings
from foerdergraph.core.iri import graph_iri, mint, slugify
from foerdergraph.core.ontology import OntologyIndex, load_ontology
from foerdergraph.core.rdf import Triple
from foerdergraph.core.vocab import FG, ROLE, SCHEMA
from foerdergraph.ingest.eu.beneficiaries import (
    Beneficiary,
    BeneficiaryResolver,
    RegistryEntry,
    clean_label,
)
from foerdergraph.ingest.eu.lists import Operation, ParsedList
from foerdergraph.workflows.eu_inputs import (
    Curation,
    ImportedFrom,
    as_list,
    labels_in_other_imports,
    load_curation,
    load_registry,
    sha256_of,
)

FUNDS = {
    "efre": ("Europäischer Fonds für regionale Entwicklung", "EFRE"),
    "esf": ("Europäischer Sozialfonds", "ESF"),
}
"""Registry keys of the funds; labels used only when data/entities.yaml lacks the key."""

_ADMINISTRATION = re.compile(
    r"^(?:Vorbereitung|Organisation)\s+und\s+Durchführung\s+des\s+"
    r"(?P<noun>Projektaufrufe?s?|Wettbewerbe?s|Förderwettbewerbe?s)\s+[\"„]?(?P<name>[^\"“”]+?)[\"“”]?$"
)
"""Operation names that say the beneficiary runs a call ("Vorbereitung und Durchführung des
Projektaufrufes Regio.NRW 2014"): the beneficiary then administers that call."""


@dataclass
class ImportResult:
    name: str
    format: str
    rows_read: int
    imported: int
    rejected: list[dict[str, object]]
    merges: list[dict[str, object]]
    links: list[dict[str, object]]
    repairs: list[dict[str, object]]
    administration: list[dict[str, object]]
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    trig_path: Path | None = None
    report_path: Path | None = None
    source: dict[str, str] = field(default_factory=dict)
    """The file this import was made from: its name and SHA-256 (what identifies the import)."""
    duplicates: list[dict[str, int]] = field(default_factory=list)
    replaced: ImportedFrom | None = None
    """The other file's import this one replaced (--replace), with its row count."""

    def report(self) -> dict[str, object]:
        return {
            "name": self.name,
            "format": self.format,
            "source": self.source,
            "duplicates": self.duplicates,
            **({"replaced": self.replaced.as_dict()} if self.replaced else {}),
            "rows_read": self.rows_read,
            "imported": self.imported,
            "rejected": self.rejected,
            "entities_merged": self.merges,
            "linked_to_registry": self.links,
            "repairs": self.repairs,
            "administration": self.administration,
            "triples": self.triples,
            "warnings": self.warnings,
        }


# -- inputs next to the list: description, registry, curation ------------------------------------


def _key(*parts: str) -> str:
    """A readable, bounded slug: long operation names keep 60 characters plus a short hash."""
    text = " ".join(parts)
    slug = slugify(text)
    return slug if len(slug) <= 70 else f"{slug[:60]}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


def _de(text: str) -> Literal:
    return Literal(clean_label(text), lang="de")


class _Builder:
    def __init__(
        self,
        parsed: ParsedList,
        name: str,
        source: Path,
        settings: Settings,
        registry: list[RegistryEntry],
        curation: Curation,
    ) -> None:
        self.parsed, self.name, self.base = parsed, name, settings.base_iri
        self.source = source
        self.registry = registry
        self.registry_keys = {(e.kind, e.key) for e in registry}
        self.curation = curation
        self.triples: set[Triple] = set()
        self.graph = graph_iri("import", name, base=self.base)
        self.dataset = mint("dataset", name, base=self.base)
        self.shared_labels = labels_in_other_imports(settings.data_dir / "imports", name)
        self.project_labels: dict[URIRef, str] = {}
        self.place_labels: dict[URIRef, str] = {}
        """The first spelling of each seat ("Ex Eindhoven", later "EX Eindhoven"): one place,
        one German prefLabel; the other spellings become altLabels."""

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.triples.add((s, p, o))

    def known(self, kind: str, key: str) -> bool:
        return (kind, key) in self.registry_keys

    # entities ----------------------------------------------------------------------------
    def entity_iri(self, entity: Beneficiary, kind: str) -> URIRef:
        if entity.registry is not None:
            return mint(entity.registry.kind, entity.registry.key, base=self.base)
        return mint(kind, "import", entity.key, base=self.base)

    def describe_entity(self, entity: Beneficiary, iri: URIRef, cls: URIRef) -> None:
        """Labels and merge explanations; a registry entity keeps its curated label and class."""
        if entity.registry is None:
            # one IRI per beneficiary in every list, so one label: the one another list chose
            label = self.shared_labels.get(iri, clean_label(entity.label))
            self.add(iri, RDF.type, cls)
            self.add(iri, SKOS.prefLabel, Literal(label, lang="de"))
            if label != clean_label(entity.label):
                self.add(iri, SKOS.altLabel, _de(entity.label))
        else:
            label = clean_label(entity.registry.label)
            reg_cls = getattr(entity.registry, "cls", "")
            self.add(iri, RDF.type, FG[reg_cls] if reg_cls else cls)
        for form in sorted({clean_label(n) for n in entity.names}):
            if form != label:
                self.add(iri, SKOS.altLabel, Literal(form, lang="de"))
        explained = list(entity.links)
        if entity.registry_link is not None:
            explained.append(entity.registry_link)
        for link in explained:
            node = mint("evidence", "merge", self.name, _key(link.name), base=self.base)
            self.add(iri, FG.resolution, node)
            self.add(node, RDF.type, FG.MergeExplanation)
            self.add(node, FG.mergedName, Literal(clean_label(link.name)))
            self.add(node, FG.matchedName, Literal(clean_label(link.matched)))
            self.add(node, FG.mergeRule, Literal(link.rule))
            self.add(node, PROV.wasDerivedFrom, self.dataset)
            if link.score is not None:
                self.add(node, FG.mergeScore, Literal(f"{link.score:.1f}", datatype=XSD.decimal))

    # fixed things: dataset, fund, programme -------------------------------------------------
    def describe_dataset(self, description: dict[str, object], sha256: str) -> None:
        d = self.dataset
        self.add(d, RDF.type, FG.SourceDataset)
        resources = description.get("resources") or [{}]
        resource = resources[0] if isinstance(resources, list) and resources else {}
        title = str(description.get("title") or resource.get("title") or self.name)
        self.add(d, DCTERMS.title, Literal(title))
        self.add(d, SKOS.prefLabel, Literal(title, lang="de"))
        self.add(d, DCTERMS.identifier, Literal(self.source.name))
        self.add(d, FG.sha256, Literal(sha256))
        if issued := resource.get("publication_date"):
            self.add(d, DCTERMS.issued, Literal(str(issued), datatype=XSD.date))
        for src in as_list(description.get("sources")):
            if src.get("name"):
                self.add(d, DCTERMS.publisher, Literal(str(src["name"])))
            if src.get("web"):
                self.add(d, DCTERMS.source, URIRef(str(src["web"]).replace(" ", "%20")))
        for person in as_list(description.get("contributors")):
            self.add(d, DCTERMS.contributor, Literal(str(person).split(" (")[0]))
        if text := description.get("description"):
            self.add(d, DCTERMS.description, Literal(str(text), lang="en"))
        self.add(self.graph, PROV.wasDerivedFrom, d)

    def fund(self) -> URIRef:
        key = self.parsed.format.fund
        iri = mint("fund", key, base=self.base)
        if not self.known("fund", key):
            label, alt = FUNDS[key]
            self.add(iri, RDF.type, FG.Fund)
            self.add(iri, SKOS.prefLabel, Literal(label, lang="de"))
            self.add(iri, SKOS.altLabel, Literal(alt, lang="de"))
        return iri

    def programme(self, fund: URIRef) -> URIRef:
        fmt = self.parsed.format
        iri = mint("programme", fmt.cci, base=self.base)
        acronym = FUNDS[fmt.fund][1]
        self.add(iri, RDF.type, FG.OperationalProgramme)
        self.add(
            iri,
            SKOS.prefLabel,
            Literal(f"Operationelles Programm {acronym} NRW {fmt.period}", lang="de"),
        )
        self.add(iri, DCTERMS.identifier, Literal(fmt.cci))
        self.add(iri, FG.fundingSource, fund)
        start, end = fmt.period.split("-")
        self.add(iri, SCHEMA.startDate, Literal(start, datatype=XSD.gYear))
        self.add(iri, SCHEMA.endDate, Literal(end, datatype=XSD.gYear))
        return iri


def _place_key(code: str, by_ags: dict[str, RegistryEntry]) -> tuple[RegistryEntry | None, str]:
    """The reference entity for an 8-digit Gebietskennziffer: the full key, else the Kreis,
    Regierungsbezirk or Land it denotes when its tail is zeros (05000000 = NRW)."""
    candidates = [(code, "ags")]
    for width in (5, 3, 2):
        if set(code[width:]) == {"0"}:
            candidates.append((code[:width], f"ags-prefix-{width}"))
    for key, rule in candidates:
        if key in by_ags:
            return by_ags[key], rule
    return None, ""


def _acting_place(entry: RegistryEntry) -> bool:
    """A Kreis or city of the reference data: a territorial authority, so also a beneficiary."""
    return entry.kind == "place" and getattr(entry, "cls", "") in {"District", "Municipality"}


def build_graph(
    parsed: ParsedList, name: str, source: Path, settings: Settings, description: dict[str, object]
) -> tuple[set[Triple], ImportResult]:
    registry = load_registry(settings.data_dir, OntologyIndex(load_ontology(settings.ontology_dir)))
    curation = load_curation(settings.data_dir)
    b = _Builder(parsed, name, source, settings, registry, curation)
    fmt = parsed.format
    ops = parsed.operations
    b.describe_dataset(description, sha256_of(source))
    fund = b.fund()
    programme = b.programme(fund)

    orgs = BeneficiaryResolver(
        [e for e in registry if e.kind == "organisation" or _acting_place(e)],
        curation.vetoes,
        curation.links,
    ).resolve(Counter(op.beneficiary for op in ops))
    undertakings = [e for e in registry if e.kind in {"programme", "call", "initiative"}]
    admin_targets = {
        op.row: _admin_target(m) for op in ops if (m := _ADMINISTRATION.match(clean_label(op.name)))
    }
    comp_names = Counter(op.competition for op in ops if op.competition)
    comp_names.update(admin_targets.values())
    comps = BeneficiaryResolver(undertakings, curation.vetoes, threshold=90.0).resolve(comp_names)
    by_ags = {
        n[4:]: e
        for e in registry
        if e.kind in {"place", "organisation"}
        for n in e.names
        if n.startswith("ags:")
    }

    competitions = {op.competition for op in ops if op.competition}
    comp_iris: dict[str, URIRef] = {}
    for comp_name in sorted(comp_names):
        entity = comps[comp_name]
        kind = _undertaking_kind(comp_name, competitions)
        iri = b.entity_iri(entity, kind)
        if entity.registry is None:
            iri = mint(kind, "import", _key(fmt.name, entity.key), base=settings.base_iri)
        comp_iris[comp_name] = iri
        b.describe_entity(entity, iri, FG.FundingCall if kind == "call" else FG.Competition)
        if entity.registry is None:
            b.add(iri, FG.partOf, programme)

    result = ImportResult(
        name,
        fmt.name,
        parsed.rows_read,
        len(ops),
        [{"row": r.row, "reason": r.reason} for r in parsed.rejections],
        [],
        [],
        [],
        [],
    )
    category_scheme = mint("concept", "eu-intervention-category", base=settings.base_iri)
    seen_entities: set[int] = set()
    for op in ops:
        row = mint("evidence", "import", name, "row", op.row, base=settings.base_iri)
        b.add(row, RDF.type, FG.DataRecord)
        b.add(row, FG.inDataset, b.dataset)
        b.add(row, FG.row, Literal(op.row, datatype=XSD.integer))

        entity = orgs[op.beneficiary]
        agent = b.entity_iri(entity, "organisation")
        if id(entity) not in seen_entities:
            seen_entities.add(id(entity))
            b.describe_entity(entity, agent, FG.Organisation)

        comp = comp_iris.get(op.competition) if op.competition else None
        if op.competition and fmt.competition_in_name:
            project = mint(
                "project", "import", _key(fmt.name, op.competition, op.name), base=settings.base_iri
            )
        else:
            project = mint("project", "import", name, "row", op.row, base=settings.base_iri)
        b.add(project, RDF.type, FG.Project)
        # rows spelling one operation differently ("TRACK-AF-Studie", "Track-AF-Studie") share
        # the project: the first row's spelling is its label, the others alternative labels
        label = b.project_labels.setdefault(project, clean_label(op.name))
        b.add(
            project,
            SKOS.prefLabel if label == clean_label(op.name) else SKOS.altLabel,
            _de(op.name),
        )
        b.add(project, FG.partOf, comp or programme)
        b.add(project, FG.evidence, row)
        if op.start:
            b.add(project, SCHEMA.startDate, Literal(op.start, datatype=XSD.date))
        if op.end:
            b.add(project, SCHEMA.endDate, Literal(op.end, datatype=XSD.date))
        if op.summary and clean_label(op.summary) != clean_label(op.name):
            b.add(project, DCTERMS.description, _de(op.summary))

        grant = mint("grant", "import", name, "row", op.row, base=settings.base_iri)
        b.add(grant, RDF.type, FG.Grant)
        b.add(grant, FG.amount, Literal(op.amount, datatype=XSD.decimal))
        b.add(grant, FG.currency, Literal("EUR"))
        b.add(grant, FG.amountBasis, Literal(op.amount_basis))
        if op.amount_on_completion is not None:
            b.add(
                grant, FG.amountOnCompletion, Literal(op.amount_on_completion, datatype=XSD.decimal)
            )
        b.add(grant, FG.grantFor, project)
        b.add(grant, FG.grantRecipient, agent)
        b.add(grant, FG.fundingSource, fund)
        b.add(grant, FG.underProgramme, comp or programme)
        b.add(grant, FG.evidence, row)
        if op.approval_year:
            b.add(grant, FG.approvalYear, Literal(op.approval_year, datatype=XSD.gYear))

        if op.category_code:
            concept = mint(
                "concept", "eu-intervention-category", op.category_code, base=settings.base_iri
            )
            b.add(concept, RDF.type, SKOS.Concept)
            b.add(concept, SKOS.inScheme, category_scheme)
            b.add(concept, SKOS.notation, Literal(op.category_code))
            if op.category_label:
                b.add(concept, SKOS.prefLabel, _de(op.category_label))
            b.add(grant, FG.interventionCategory, concept)

        place = _place(b, op, by_ags)
        if place is not None:
            b.add(project, FG.locatedIn, place)

        _participation(b, agent, comp or project, ROLE.beneficiary, FG.beneficiaryOf, row)
        if (target_name := admin_targets.get(op.row)) is not None:
            target = comp_iris[target_name]
            _participation(b, agent, target, ROLE["project-sponsor"], FG.administers, row)
            result.administration.append(
                {"row": op.row, "beneficiary": entity.label, "administers": str(target)}
            )
        if op.repair:
            result.repairs.append({"row": op.row, "repair": op.repair})

    _curated_part_of(b, orgs, result)
    if fmt.competition_in_name or any(op.category_code for op in ops):
        b.add(category_scheme, RDF.type, SKOS.ConceptScheme)
        b.add(category_scheme, SKOS.prefLabel, Literal("EU-Interventionskategorien", lang="de"))

    distinct = {id(e): e for e in orgs.values()}.values()
    for entity in sorted(distinct, key=lambda e: e.key):
        if entity.links:
            result.merges.append(
                {
                    "entity": entity.label,
                    "names": [clean_label(n) for n in entity.names],
                    "merged": [
                        {
                            "name": clean_label(x.name),
                            "into": clean_label(x.matched),
                            "rule": x.rule,
                            "score": x.score,
                        }
                        for x in entity.links
                    ],
                }
            )
        if entity.registry_link:
            x = entity.registry_link
            result.links.append(
                {
                    # a registry link is only ever made together with its registry entry
                    "entity": f"{entity.registry.kind}/{entity.registry.key}",  # type: ignore[union-attr]
                    "name": clean_label(x.name),
                    "rule": x.rule,
                    "score": x.score,
                }
            )
    return b.triples, result


def _undertaking_kind(name: str, competitions: set[str]) -> str:
    """What an undertaking the list names becomes: a competition (Wettbewerb) is a funding line
    of the operational programme, so an fg:Competition (an fg:FundingProgramme) inside it,
    whether it prefixes operation names (ERDF 2007–2013 "Hightech.NRW: …") or a row says someone
    runs it ("Durchführung des Wettbewerbs X"); then the nearest programme above a participation
    is the competition and queries such as recurring-partners count each one. Only a
    Projektaufruf a row says someone runs ("… des Projektaufrufes X") is an fg:FundingCall."""
    return "call" if name.startswith("Projektaufruf") and name not in competitions else "programme"


def _admin_target(match: re.Match[str]) -> str:
    """The call a "Vorbereitung und Durchführung des Projektaufrufes X" row runs; a Projektaufruf
    keeps its noun, as the registry names calls that way ("Projektaufruf Regio.NRW 2014")."""
    name = clean_label(match["name"])
    return f"Projektaufruf {name}" if match["noun"].startswith("Projektaufruf") else name


def _participation(
    b: _Builder, agent: URIRef, undertaking: URIRef, role: URIRef, direct: URIRef, row: URIRef
) -> None:
    digest = hashlib.sha1(f"{agent} {undertaking} {role}".encode()).hexdigest()[:16]
    node = mint("participation", "import", b.name, digest, base=b.base)
    b.add(node, RDF.type, FG.Participation)
    b.add(node, FG.participant, agent)
    b.add(node, FG.participationIn, undertaking)
    b.add(node, FG.role, role)
    b.add(node, FG.evidence, row)
    b.add(agent, direct, undertaking)


def _place(b: _Builder, op: Operation, by_ags: dict[str, RegistryEntry]) -> URIRef | None:
    if op.area_code:
        entry, _rule = _place_key(op.area_code, by_ags)
        if entry is not None:
            return mint(entry.kind, entry.key, base=b.base)
        iri = mint("place", "ags", op.area_code, base=b.base)
        b.add(iri, RDF.type, FG.Place)
        b.add(iri, FG.ags, Literal(op.area_code))
        b.add(iri, SKOS.prefLabel, Literal(f"Gebietskennziffer {op.area_code}", lang="de"))
        return iri
    if op.seat:
        seat = clean_label(op.seat)
        for entry in b.registry:
            if entry.kind == "place" and seat in (entry.label, *entry.names):
                return mint("place", entry.key, base=b.base)
        iri = mint("place", "import", seat, base=b.base)
        b.add(iri, RDF.type, FG.Place)
        first = b.place_labels.setdefault(iri, seat)
        b.add(iri, SKOS.prefLabel if first == seat else SKOS.altLabel, Literal(seat, lang="de"))
        return iri
    return None


def _curated_part_of(b: _Builder, orgs: dict[str, Beneficiary], result: ImportResult) -> None:
    """Curated sub-organisation links ("Forschungszentrum Jülich, Projektträger ETN": the unit
    belongs to the research centre), where both names occur in this list."""
    by_label = {clean_label(n).casefold(): e for n, e in orgs.items()}
    for unit_name, parent_name, _note in b.curation.part_of:
        unit_entity = by_label.get(clean_label(unit_name).casefold())
        parent_entity = by_label.get(clean_label(parent_name).casefold())
        if unit_entity and parent_entity:
            unit = b.entity_iri(unit_entity, "organisation")
            parent = b.entity_iri(parent_entity, "organisation")
            if unit != parent:
                b.add(unit, FG.subOrganisationOf, parent)
        elif unit_entity or parent_entity:
            result.warnings.append(
                f"curated part_of {unit_name!r} -> {parent_name!r}: only one name is in this list"
            )


# -- output ----------------------------------------------------------------------------------

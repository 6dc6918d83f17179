"""Curated facts: data/facts/<doc-id>.yaml → the RDF of one document's named graph.

Each fact becomes a qualified node (Participation, Grant, Post, Membership, or a reified
rdf:Statement) with its evidence, plus the direct triple it implies, following PROV-O's
qualification pattern: simple queries use the direct triple, careful ones the node and its quote.
Fact IRIs do not contain the document, so the same fact stated by two documents is one node with
two pieces of evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS, XSD

from foerdergraph.core.errors import InputError, InputProblem
from foerdergraph.core.iri import mint
from foerdergraph.core.ontology import OntologyIndex
from foerdergraph.core.rdf import Triple
from foerdergraph.core.registry import Entity, Registry, check_references, parse_entities
from foerdergraph.core.vocab import FG
from foerdergraph.core.yamlfile import read_mapping
from foerdergraph.ingest.evidence import (
    QuoteNotFound,
    evidence_iri,
    evidence_triples,
    locate_mentions,
    locate_quote,
)
from foerdergraph.ingest.quoted_amounts import amount_disagrees
from foerdergraph.ingest.registry import entity_triples
from foerdergraph.ingest.sources import SourceDocument

STATUSES = ("curated", "draft")
_COMMON_FIELDS = frozenset({"quote", "start", "id", "confidence", "note"})


@dataclass
class FactsFile:
    """One facts file as read from disk."""

    path: Path
    document: str
    status: str
    mentions: dict[str, list[str]]
    facts: list[dict[str, Any]]
    entities: list[Entity] = field(default_factory=list)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


def read_facts_file(path: Path, ontology: OntologyIndex) -> FactsFile:
    """Parse the file's structure; references and quotes are checked in `facts_triples`."""
    content = read_mapping(path)
    problems: list[InputProblem] = []
    document = str(content.get("document") or "")
    if document != path.stem:
        problems.append(InputProblem(path, "document", f"must be {path.stem!r}, the file's name"))
    status = str(content.get("status", "curated"))
    if status not in STATUSES:
        problems.append(InputProblem(path, "status", f"must be one of {STATUSES}"))
    mentions = {
        str(k): [str(f) for f in (v if isinstance(v, list) else [v])]
        for k, v in (content.get("mentions") or {}).items()
    }
    facts = content.get("facts") or []
    if not isinstance(facts, list):
        problems.append(InputProblem(path, "facts", "must be a list"))
        facts = []
    entities, entity_problems = parse_entities(content.get("entities") or {}, path, ontology)
    problems += entity_problems
    if problems:
        raise InputError(problems)
    return FactsFile(path, document, status, mentions, facts, entities)


class _DocumentContext:
    """What translating one document's facts needs: text, registry, ontology, problems so far."""

    def __init__(
        self,
        facts_file: FactsFile,
        doc: SourceDocument,
        registry: Registry,
        ontology: OntologyIndex,
        base: str,
    ) -> None:
        self.facts_file = facts_file
        self.doc = doc
        self.doc_iri = doc.iri(base)
        self.registry = registry
        self.ontology = ontology
        self.base = base
        self.problems: list[InputProblem] = []
        self.where = ""
        self.quote = ""

    def problem(self, message: str) -> None:
        self.problems.append(InputProblem(self.facts_file.path, self.where, message))

    def entity(self, key: object, field_name: str) -> URIRef | None:
        entity = self.registry.get(str(key)) if key is not None else None
        if entity is None:
            self.problem(f"{field_name}: unknown entity key {key!r}")
            return None
        return entity.iri(self.base)

    def entities(self, keys: object, field_name: str) -> list[URIRef]:
        values = keys if isinstance(keys, list) else ([] if keys is None else [keys])
        return [iri for key in values if (iri := self.entity(key, field_name)) is not None]

    def role(self, name: object) -> URIRef | None:
        role = self.ontology.role(str(name))
        if role is None:
            self.problem(f"role {name!r} is not a concept of role:scheme")
        return role


def _decimal(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _participation(
    ctx: _DocumentContext,
    body: dict[str, Any],
    fact_id: str | None,
) -> tuple[URIRef | None, list[Triple]]:
    agent = ctx.entity(body.get("agent"), "agent")
    target = ctx.entity(body.get("in"), "in")
    role = ctx.role(body.get("role"))
    if agent is None or target is None or role is None:
        return None, []
    role_name = str(body["role"])
    node = mint(
        "participation", fact_id or f"{body['agent']}-{role_name}-{body['in']}", base=ctx.base
    )
    triples: list[Triple] = [
        (node, RDF.type, FG.Participation),
        (node, FG.participant, agent),
        (node, FG.participationIn, target),
        (node, FG.role, role),
    ]
    if body.get("on_behalf_of") is not None:
        principal = ctx.entity(body["on_behalf_of"], "on_behalf_of")
        if principal is not None:
            triples.append((node, FG.onBehalfOf, principal))
            if role_name == "subcontractor":
                triples.append((agent, FG.subcontractorOf, principal))
    if (direct := ctx.ontology.binary_property(role)) is not None:
        triples.append((agent, direct, target))
    return node, triples


def _grant(
    ctx: _DocumentContext,
    body: dict[str, Any],
    fact_id: str | None,
) -> tuple[URIRef | None, list[Triple]]:
    project = ctx.entity(body.get("for"), "for")
    recipients = ctx.entities(body.get("recipient"), "recipient")
    funders = ctx.entities(body.get("funder"), "funder")
    amount = _decimal(body.get("amount"))
    if amount is None:
        ctx.problem(f"amount {body.get('amount')!r} is not a decimal number (write '769560.68')")
    currency = str(body.get("currency") or "EUR")
    if amount is not None and (why := amount_disagrees(amount, ctx.quote)) is not None:
        ctx.problem(why)
    if project is None or amount is None:
        return None, []
    recipient_keys = body.get("recipient") or []
    if not isinstance(recipient_keys, list):
        recipient_keys = [recipient_keys]
    node = mint(
        "grant", fact_id or "-".join([str(body["for"]), *map(str, recipient_keys)]), base=ctx.base
    )
    triples: list[Triple] = [
        (node, RDF.type, FG.Grant),
        (node, FG.grantFor, project),
        (node, FG.amount, Literal(amount, datatype=XSD.decimal)),
        (node, FG.currency, Literal(currency)),
    ]
    triples += [(node, FG.grantRecipient, r) for r in recipients]
    triples += [(node, FG.grantFunder, f) for f in funders]
    for field_name, prop in (
        ("approved_by", FG.approvedBy),
        ("programme", FG.underProgramme),
        ("fund", FG.fundingSource),
    ):
        triples += [(node, prop, iri) for iri in ctx.entities(body.get(field_name), field_name)]
    if body.get("funding_rate") is not None:
        rate = _decimal(body["funding_rate"])
        if rate is None:
            ctx.problem(f"funding_rate {body['funding_rate']!r} is not a number (percent)")
        else:
            triples.append((node, FG.fundingRate, Literal(rate, datatype=XSD.decimal)))
    return node, triples


def _post(
    ctx: _DocumentContext,
    body: dict[str, Any],
    fact_id: str | None,
) -> tuple[URIRef | None, list[Triple]]:
    person = ctx.entity(body.get("person"), "person")
    title = str(body.get("title") or "").strip()
    if not title:
        ctx.problem("post: title missing")
    organisation = (
        ctx.entity(body["organisation"], "organisation")
        if body.get("organisation") is not None
        else None
    )
    if person is None or not title:
        return None, []
    names = [str(body["person"]), title]
    if body.get("organisation") is not None:
        names.append(str(body["organisation"]))
    node = mint("post", fact_id or "-".join(names), base=ctx.base)
    triples: list[Triple] = [
        (node, RDF.type, FG.Post),
        (node, ORG.heldBy, person),
        (person, ORG.holds, node),
        (node, FG.postTitle, Literal(title, lang="de")),
        (node, RDFS.label, Literal(title, lang="de")),
    ]
    if organisation is not None:
        triples.append((node, ORG.postIn, organisation))
    return node, triples


def _membership(
    ctx: _DocumentContext,
    body: dict[str, Any],
    fact_id: str | None,
) -> tuple[URIRef | None, list[Triple]]:
    member = ctx.entity(body.get("member"), "member")
    organisation = ctx.entity(body.get("organisation"), "organisation")
    role_name = str(body.get("role") or "member")
    role = ctx.role(role_name)
    if member is None or organisation is None or role is None:
        return None, []
    node = mint(
        "membership",
        fact_id or f"{body['member']}-{role_name}-{body['organisation']}",
        base=ctx.base,
    )
    return node, [
        (node, RDF.type, FG.Membership),
        (node, ORG.member, member),
        (node, ORG.organization, organisation),
        (node, FG.role, role),
        (member, FG.memberOf, organisation),
    ]


_DATATYPES = {
    "date": XSD.date,
    "gYear": XSD.gYear,
    "gYearMonth": XSD.gYearMonth,
    "decimal": XSD.decimal,
    "integer": XSD.integer,
    "string": None,
}


def _value_literal(ctx: _DocumentContext, value: object, datatype: str) -> Literal | None:
    if datatype not in _DATATYPES:
        ctx.problem(f"datatype {datatype!r}; expected one of {sorted(_DATATYPES)}")
        return None
    if isinstance(value, dt.date):
        value = value.isoformat()
    if datatype == "string":
        return Literal(str(value), lang="de")
    literal = Literal(str(value), datatype=_DATATYPES[datatype])
    if literal.ill_typed:
        ctx.problem(f"value {value!r} is not a valid xsd:{datatype}")
        return None
    return literal


def _statement(
    ctx: _DocumentContext,
    body: dict[str, Any],
    fact_id: str | None,
) -> tuple[URIRef | None, list[Triple]]:
    subject = ctx.entity(body.get("subject"), "subject")
    prop = ctx.ontology.fg_property(str(body.get("property")))
    if prop is None:
        ctx.problem(f"property {body.get('property')!r} is not an fg: property")
    obj: URIRef | Literal | None
    if "object" in body:
        obj = ctx.entity(body["object"], "object")
        shown = str(body["object"])
        if prop is not None and prop not in ctx.ontology.object_properties:
            ctx.problem(f"{body['property']} takes a value, not an object")
    else:
        obj = _value_literal(ctx, body.get("value"), str(body.get("datatype") or "string"))
        shown = str(body.get("value"))
    if subject is None or prop is None or obj is None:
        return None, []
    node = mint(
        "statement", fact_id or f"{body['subject']}-{body['property']}-{shown}", base=ctx.base
    )
    return node, [
        (subject, prop, obj),
        (node, RDF.type, RDF.Statement),
        (node, RDF.subject, subject),
        (node, RDF.predicate, prop),
        (node, RDF.object, obj),
    ]


Translator = Callable[
    [_DocumentContext, dict[str, Any], str | None], tuple[URIRef | None, list[Triple]]
]
TRANSLATORS: dict[str, Translator] = {
    "participation": _participation,
    "grant": _grant,
    "post": _post,
    "membership": _membership,
    "statement": _statement,
}
"""One translator per fact kind; the kind is the fact's only non-common key."""


def _translate_fact(ctx: _DocumentContext, number: int, fact: object) -> Iterator[Triple]:
    ctx.where = f"fact {number}"
    if not isinstance(fact, dict):
        ctx.problem("a fact must be a mapping")
        return
    kinds = [k for k in fact if k not in _COMMON_FIELDS]
    if len(kinds) != 1 or kinds[0] not in TRANSLATORS:
        ctx.problem(f"a fact has exactly one of {sorted(TRANSLATORS)}; got {kinds}")
        return
    kind = kinds[0]
    quote = str(fact.get("quote") or "")
    ctx.quote = quote
    ctx.where = f"fact {number} ({kind}, quote {quote[:60]!r})"
    body = fact[kind]
    if not isinstance(body, dict):
        ctx.problem(f"{kind} must be a mapping of fields")
        return
    try:
        span = locate_quote(ctx.doc.text, quote, fact.get("start"))
    except QuoteNotFound as exc:
        ctx.problem(str(exc))
        span = None
    node, triples = TRANSLATORS[kind](ctx, body, str(fact["id"]) if fact.get("id") else None)
    if node is None or span is None:
        return
    yield from triples
    yield from evidence_triples(ctx.doc_iri, ctx.doc.id, ctx.doc.text, span, ctx.base)
    yield node, FG.evidence, evidence_iri(ctx.doc.id, span, ctx.base)
    if fact.get("note"):
        yield node, RDFS.comment, Literal(str(fact["note"]), lang="en")
    if ctx.facts_file.is_draft:
        confidence = _decimal(fact.get("confidence", 0.5))
        if confidence is None or not 0 <= confidence <= 1:
            ctx.problem("confidence must be a number from 0 to 1")
        else:
            yield node, FG.confidence, Literal(confidence, datatype=XSD.decimal)


def _mention_triples(ctx: _DocumentContext) -> Iterator[Triple]:
    ctx.where = "mentions"
    known = {}
    iris = {}
    for key, forms in ctx.facts_file.mentions.items():
        entity = ctx.registry.get(key)
        if entity is None:
            ctx.problem(f"unknown entity key {key!r}")
            continue
        known[key] = forms
        iris[key] = entity.iri(ctx.base)
    spans = locate_mentions(ctx.doc.text, known)
    for key, forms in known.items():
        found_forms = {ctx.doc.text[s.start : s.end] for s in spans[key]}
        for form in forms:
            if form not in found_forms and form not in ctx.doc.text:
                ctx.problem(f"{key}: surface form {form!r} does not occur in the text")
        entity_iri = iris[key]
        for span in spans[key]:
            yield from evidence_triples(ctx.doc_iri, ctx.doc.id, ctx.doc.text, span, ctx.base)
            yield entity_iri, FG.mention, evidence_iri(ctx.doc.id, span, ctx.base)


def facts_triples(
    facts_file: FactsFile,
    doc: SourceDocument,
    registry: Registry,
    ontology: OntologyIndex,
    base: str,
) -> list[Triple]:
    """All triples of one document's facts; raises InputError listing every problem."""
    local = registry.copy()
    problems = local.add(facts_file.entities) + check_references(facts_file.entities, local)
    ctx = _DocumentContext(facts_file, doc, local, ontology, base)
    triples: list[Triple] = []
    for entity in facts_file.entities:
        triples.extend(entity_triples(entity, local, ontology, base))
    triples.extend(_mention_triples(ctx))
    for number, fact in enumerate(facts_file.facts, start=1):
        triples.extend(_translate_fact(ctx, number, fact))
    if problems or ctx.problems:
        raise InputError(problems + ctx.problems)
    return triples

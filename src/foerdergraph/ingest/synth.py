"""Synthetic funding graphs in our ontology, for benchmarks and load tests.

Real data is small (five documents and two beneficiary lists), so the scale targets of the build,
the validator and the server can only be measured on made-up data. The made-up data must look like
the real thing to the parts under test: the same classes and properties, the same qualified
participations beside their direct triples, grants with amounts, posts, evidence whose quotes sit
at real offsets of a document text (so the quote-at-offsets check does real work), row records of
an imported list, and partners that recur across programmes the way real ones do (a few regional
heavyweights everywhere, a long tail seen once). That recurrence follows a Zipf law: the partner
of rank r is picked with probability proportional to 1 / r**ZIPF_EXPONENT.

The output is one named graph in the import format the build loads (`data/imports/*.trig.gz`:
gzipped TriG, one graph), written line by line so a million triples need neither rdflib nor much
memory. The same seed and size always give the same bytes (no time or name in the gzip header).
"""

from __future__ import annotations

import gzip
import hashlib
import random
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

from foerdergraph.core.iri import graph_iri, mint
from foerdergraph.core.namespaces import DCTERMS as _DCT
from foerdergraph.core.namespaces import FG as ONTOLOGY_NS
from foerdergraph.core.namespaces import ORG as _ORG
from foerdergraph.core.namespaces import RDF as _RDF
from foerdergraph.core.namespaces import ROLE as ROLE_NS
from foerdergraph.core.namespaces import SKOS as _SKOS
from foerdergraph.core.namespaces import XSD as _XSD

ZIPF_EXPONENT = 1.1
"""How steeply partner recurrence falls with rank (1 = classic Zipf; real beneficiary lists of
regional programmes show a few recurring universities and chambers and a long tail)."""

TRIPLES_PER_PROJECT = 70
"""Rough size of one project with its document, facts and evidence; sizes the entity pools."""

DOCUMENT_SHARE = 0.8
"""Share of projects stated by a press release (quotes); the rest are rows of an imported list."""


_PLACE_STEMS = (
    "Berg", "Wald", "Bach", "Lind", "Eichen", "Rosen", "Stein", "Kirch", "Mühl", "Hohen",
    "Sonnen", "Weiden", "Brück", "Esch", "Holt", "Ahr", "Dorn", "Espel", "Fahr", "Grün",
)  # fmt: skip
_PLACE_ENDS = (
    "heim", "hausen", "feld", "dorf", "berg", "hagen", "kirchen", "rath", "beck", "stadt",
    "horst", "loh", "kamp", "scheid", "wede",
)  # fmt: skip
_ORG_WORDS = (
    "Technik", "Energie", "Digital", "Logistik", "Medizin", "Umwelt", "Daten", "Werkstoff",
    "Wasser", "Mobilität", "Bau", "Software", "Sensorik", "Robotik", "Textil", "Chemie",
)  # fmt: skip
_ORG_KINDS = (
    ("Company", "{word}werk {place} GmbH"),
    ("Company", "{place}er {word} AG"),
    ("Company", "{word} Systeme {place} GmbH & Co. KG"),
    ("University", "Hochschule {place}"),
    ("ResearchInstitute", "Institut für {word} {place}"),
    ("Association", "{word}netzwerk {place} e. V."),
    ("ChamberOfCommerce", "IHK {place}"),
    ("EconomicDevelopmentAgency", "Wirtschaftsförderung {place}"),
)
_FIRST = ("Anna", "Jonas", "Miriam", "Lukas", "Sabine", "Thomas", "Leonie", "Mehmet", "Ina", "Paul")
_LAST = ("Schmidt", "Yilmaz", "Becker", "Hoffmann", "Krüger", "Wagner", "Özdemir", "Lange")
_TOPICS = (
    "Wasserstoff", "Kreislaufwirtschaft", "Quartiersentwicklung", "Digitalisierung", "Klimaschutz",
    "Gründung", "Fachkräfte", "Innovation", "Mobilität", "Tourismus", "Gesundheit", "Bildung",
)  # fmt: skip


def _iri(value: str) -> str:
    return f"<{value}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _string(text: str) -> str:
    return f'"{_escape(text)}"'


def _lang(text: str, lang: str = "de") -> str:
    return f'"{_escape(text)}"@{lang}'


def _typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<{_XSD}{datatype}>'


def _german_amount(amount: Decimal) -> str:
    """769560.68 -> '769.560,68', as press releases write it."""
    whole, _, cents = f"{amount:.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{groups},{cents}"


@dataclass
class SynthStats:
    """What a run produced, for the command's summary and the tests."""

    triples: int = 0
    projects: int = 0
    documents: int = 0
    programmes: int = 0
    organisations: int = 0
    participations: int = 0
    partner_uses: dict[str, int] = field(default_factory=dict)
    """How often each partner organisation IRI takes part (the Zipf-distributed recurrence)."""


class _Generator:
    """Emits N-Triples lines of one synthetic graph; entities are emitted on first use."""

    def __init__(self, target: int, seed: int, base: str) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.base = base
        self.target = target
        self.stats = SynthStats()
        self.tag = f"synth-{seed}"
        self.emitted: set[str] = set()
        self.lines: list[str] = []
        projects = max(10, target // TRIPLES_PER_PROJECT)
        self.org_labels: set[str] = set()
        self.places = self._places(max(10, min(400, projects // 20)))
        n_orgs = max(20, int(projects * 0.9))
        self.orgs = [self._organisation(i) for i in range(n_orgs)]
        weights = [1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(n_orgs)]
        self.org_cumulative = list(accumulate(weights))
        n_programmes = max(3, min(60, int(projects**0.5 / 3)))
        self.ministries = [self._ministry(i) for i in range(max(2, n_programmes // 4))]
        self.funds = [
            (mint("fund", self.tag, "efre", base=base), "Synthetischer Regionalfonds EFRE"),
            (mint("fund", self.tag, "esf", base=base), "Synthetischer Sozialfonds ESF"),
        ]
        self.programmes = [self._programme(i) for i in range(n_programmes)]
        self.dataset = str(mint("dataset", self.tag, base=base))
        self.rows = 0

    # -- output --------------------------------------------------------------------------------

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")
        self.stats.triples += 1

    def fg(self, name: str) -> str:
        return _iri(ONTOLOGY_NS + name)

    def once(self, key: str) -> bool:
        """True the first time an entity is used (its description is emitted then)."""
        if key in self.emitted:
            return False
        self.emitted.add(key)
        return True

    def entity(self, iri: str, cls: str, label: str) -> None:
        if self.once(iri):
            self.add(_iri(iri), _iri(_RDF + "type"), self.fg(cls))
            self.add(_iri(iri), _iri(_SKOS + "prefLabel"), _lang(label))

    # -- pools ---------------------------------------------------------------------------------

    def _places(self, n: int) -> list[tuple[str, str, str]]:
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < n:
            name = self.rng.choice(_PLACE_STEMS) + self.rng.choice(_PLACE_ENDS)
            if name in seen:
                name = f"{name} {len(names)}"
            seen.add(name)
            names.append(name)
        return [
            (str(mint("place", self.tag, i, base=self.base)), name, f"05{900000 + i:06d}")
            for i, name in enumerate(names)
        ]

    def _organisation(self, i: int) -> tuple[str, str, str, int]:
        cls, pattern = self.rng.choice(_ORG_KINDS)
        place = self.rng.randrange(len(self.places))
        label = pattern.format(word=self.rng.choice(_ORG_WORDS), place=self.places[place][1])
        if label in self.org_labels:
            label = f"{label} ({i + 1})"
        self.org_labels.add(label)
        return str(mint("organisation", self.tag, i, base=self.base)), label, cls, place

    def _ministry(self, i: int) -> tuple[str, str, str, str]:
        topic = _TOPICS[i % len(_TOPICS)]
        label = f"Synthetisches Ministerium für {topic} {i + 1}"
        person = f"{_FIRST[i % len(_FIRST)]} {_LAST[i % len(_LAST)]} {i + 1}"
        return (
            str(mint("organisation", self.tag, "ministry", i, base=self.base)),
            label,
            str(mint("person", self.tag, i, base=self.base)),
            person,
        )

    def _programme(self, i: int) -> tuple[str, str, list[tuple[str, str]], int, int]:
        topic = _TOPICS[i % len(_TOPICS)]
        label = f"{topic}.NRW {2014 + i % 10} ({i + 1})"
        iri = str(mint("programme", self.tag, i, base=self.base))
        calls = [
            (str(mint("call", self.tag, i, j, base=self.base)), f"Aufruf {j + 1} – {label}")
            for j in range(self.rng.randint(2, 5))
        ]
        return iri, label, calls, self.rng.randrange(len(self.ministries)), i % 2

    # -- entities on first use -----------------------------------------------------------------

    def use_place(self, index: int) -> str:
        iri, name, ags = self.places[index]
        if iri not in self.emitted:
            self.entity(iri, "Municipality", name)
            self.add(_iri(iri), self.fg("ags"), _string(ags))
        return iri

    def use_org(self, index: int) -> tuple[str, str]:
        iri, label, cls, place = self.orgs[index]
        if iri not in self.emitted:
            self.entity(iri, cls, label)
            self.add(_iri(iri), self.fg("locatedIn"), _iri(self.use_place(place)))
            self.stats.organisations += 1
        return iri, label

    def use_fund(self, index: int) -> str:
        iri, label = self.funds[index]
        self.entity(str(iri), "Fund", label)
        return str(iri)

    def use_programme(self, index: int) -> None:
        iri, label, calls, ministry, fund = self.programmes[index]
        if iri in self.emitted:
            return
        self.entity(iri, "FundingProgramme", label)
        self.add(_iri(iri), self.fg("fundingSource"), _iri(self.use_fund(fund)))
        self.stats.programmes += 1
        for j, (call, call_label) in enumerate(calls):
            self.entity(call, "FundingCall", call_label)
            self.add(_iri(call), self.fg("partOf"), _iri(iri))
            year = 2014 + (index + j) % 10
            self.add(
                _iri(call), self.fg("launchDate"), _typed(f"{year}-0{1 + j % 9}", "gYearMonth")
            )
            self.add(_iri(call), self.fg("deadline"), _typed(f"{year + 1}-03-31", "date"))
        ministry_iri = self.ministries[ministry][0]
        self.entity(ministry_iri, "Ministry", self.ministries[ministry][1])
        part = str(mint("participation", self.tag, "programme", index, "funder", base=self.base))
        self.participation(part, ministry_iri, iri, "funder", "funds", self.dataset_row())

    # -- facts ---------------------------------------------------------------------------------

    def participation(
        self, iri: str, agent: str, undertaking: str, role: str, prop: str, evidence: str
    ) -> None:
        s = _iri(iri)
        self.add(s, _iri(_RDF + "type"), self.fg("Participation"))
        self.add(s, self.fg("participant"), _iri(agent))
        self.add(s, self.fg("participationIn"), _iri(undertaking))
        self.add(s, self.fg("role"), _iri(ROLE_NS + role))
        self.add(s, self.fg("evidence"), _iri(evidence))
        self.add(_iri(agent), self.fg(prop), _iri(undertaking))
        self.stats.participations += 1

    def dataset_row(self) -> str:
        """A new row record of the synthetic beneficiary list (the list itself on first use)."""
        if self.once(self.dataset):
            d = _iri(self.dataset)
            self.add(d, _iri(_RDF + "type"), self.fg("SourceDataset"))
            self.add(
                d, _iri(_DCT + "title"), _string(f"Synthetische Begünstigtenliste {self.seed}")
            )
            self.add(d, _iri(_DCT + "publisher"), _string("foerdergraph synth"))
            self.add(d, _iri(_DCT + "issued"), _typed("2024-01-31", "date"))
            self.add(d, _iri(_DCT + "identifier"), _string(f"{self.tag}.csv"))
        self.rows += 1
        row = str(mint("evidence", "import", self.tag, "row", self.rows, base=self.base))
        self.add(_iri(row), _iri(_RDF + "type"), self.fg("DataRecord"))
        self.add(_iri(row), self.fg("inDataset"), _iri(self.dataset))
        self.add(_iri(row), self.fg("row"), _typed(str(self.rows), "integer"))
        return row

    def pick_partners(self, k: int, exclude: int) -> list[int]:
        chosen: list[int] = []
        total = self.org_cumulative[-1]
        while len(chosen) < k:
            index = bisect_left(self.org_cumulative, self.rng.random() * total)
            index = min(index, len(self.orgs) - 1)
            if index != exclude and index not in chosen:
                chosen.append(index)
        return chosen

    def project(self, n: int) -> None:
        rng = self.rng
        programme = rng.randrange(len(self.programmes))
        self.use_programme(programme)
        prog_iri, _label, calls, ministry, fund = self.programmes[programme]
        call_iri, call_label = calls[rng.randrange(len(calls))]
        topic = rng.choice(_TOPICS)
        name = f"{topic} {rng.choice(_PLACE_STEMS)}{rng.choice(_PLACE_ENDS)} {n + 1}"
        project = str(mint("project", self.tag, n, base=self.base))
        self.entity(project, "Project", name)
        self.add(_iri(project), self.fg("partOf"), _iri(call_iri))
        lead = int(self.pick_partners(1, -1)[0])
        partners = self.pick_partners(rng.choice((0, 1, 2, 2, 3, 3, 4, 5)), lead)
        lead_iri, lead_label = self.use_org(lead)
        partner_orgs = [self.use_org(p) for p in partners]
        for org_iri, _l in [(lead_iri, lead_label), *partner_orgs]:
            self.stats.partner_uses[org_iri] = self.stats.partner_uses.get(org_iri, 0) + 1
        amount = Decimal(int(rng.lognormvariate(12.5, 1.0) * 100)) / 100
        ministry_iri, ministry_label, _person_iri, person = self.ministries[ministry]
        grant = str(mint("grant", self.tag, n, base=self.base))
        if rng.random() < DOCUMENT_SHARE:
            doc = _Document(self, n, name)
            grant_ev = doc.sentence(
                f"{lead_label} erhält für das Projekt „{name}“ {_german_amount(amount)} Euro "
                f"aus dem „{call_label}“",
            )
            lead_ev = doc.sentence(f"Das Projekt liegt federführend bei {lead_label}")
            partner_ev = (
                doc.sentence("Partner sind " + ", ".join(label for _i, label in partner_orgs))
                if partner_orgs
                else lead_ev
            )
            funder_ev = doc.sentence(
                f"Den Förderbescheid übergab {person} für das {ministry_label}"
            )
            doc.finish()
            self.post(ministry, funder_ev)
        else:
            grant_ev = lead_ev = partner_ev = funder_ev = self.dataset_row()
        self.add(_iri(grant), _iri(_RDF + "type"), self.fg("Grant"))
        self.add(_iri(grant), self.fg("grantFor"), _iri(project))
        self.add(_iri(grant), self.fg("amount"), _typed(f"{amount:.2f}", "decimal"))
        self.add(_iri(grant), self.fg("currency"), _string("EUR"))
        self.add(_iri(grant), self.fg("grantRecipient"), _iri(lead_iri))
        self.add(_iri(grant), self.fg("grantFunder"), _iri(ministry_iri))
        self.add(_iri(grant), self.fg("underProgramme"), _iri(prog_iri))
        self.add(_iri(grant), self.fg("fundingSource"), _iri(self.use_fund(fund)))
        self.add(_iri(grant), self.fg("evidence"), _iri(grant_ev))
        self.participation(
            str(mint("participation", self.tag, n, "lead", base=self.base)),
            lead_iri, project, "lead", "leads", lead_ev,
        )  # fmt: skip
        for org_iri, _label in partner_orgs:
            self.participation(
                str(mint("participation", self.tag, n, "partner", org_iri.rsplit("/", 1)[-1],
                         base=self.base)),
                org_iri, project, "partner", "partnerIn", partner_ev,
            )  # fmt: skip
        self.participation(
            str(mint("participation", self.tag, n, "funder", base=self.base)),
            ministry_iri, project, "funder", "funds", funder_ev,
        )  # fmt: skip
        self.stats.projects += 1

    def post(self, ministry: int, evidence: str) -> None:
        """The minister who hands over the notices: one post per ministry, first evidence wins."""
        ministry_iri, _label, person_iri, person = self.ministries[ministry]
        post = str(mint("post", self.tag, ministry, base=self.base))
        if not self.once(post):
            return
        self.entity(person_iri, "Person", person)
        self.add(_iri(post), _iri(_RDF + "type"), self.fg("Post"))
        self.add(_iri(post), _iri(_ORG + "heldBy"), _iri(person_iri))
        self.add(_iri(person_iri), _iri(_ORG + "holds"), _iri(post))
        self.add(_iri(post), _iri(_ORG + "postIn"), _iri(ministry_iri))
        self.add(_iri(post), self.fg("postTitle"), _lang("Ministerin"))
        self.add(_iri(post), self.fg("evidence"), _iri(evidence))

    def run(self) -> Iterator[str]:
        """Yield the graph's lines in chunks until the target size is reached."""
        n = 0
        while self.stats.triples < self.target:
            self.project(n)
            n += 1
            if len(self.lines) > 50_000:
                yield from self.lines
                self.lines.clear()
        yield from self.lines
        self.lines.clear()


class _Document:
    """A synthetic press release: sentences appended to a text, each an evidence quote."""

    def __init__(self, gen: _Generator, n: int, project: str) -> None:
        self.gen = gen
        self.id = f"{gen.tag}-{n:07d}"
        self.iri = str(mint("document", self.id, base=gen.base))
        self.n = n
        self.title = f"Förderung für „{project}“"
        self.text = ""

    def sentence(self, quote: str) -> str:
        """Append `quote.` to the text; return the IRI of an evidence node quoting it."""
        if self.text:
            self.text += " "
        start = len(self.text)
        self.text += quote + "."
        end = start + len(quote)
        gen = self.gen
        ev = str(mint("evidence", self.id, f"{start}-{end}", base=gen.base))
        s = _iri(ev)
        gen.add(s, _iri(_RDF + "type"), gen.fg("Evidence"))
        gen.add(s, gen.fg("inDocument"), _iri(self.iri))
        gen.add(s, gen.fg("quote"), _string(quote))
        gen.add(s, gen.fg("start"), _typed(str(start), "integer"))
        gen.add(s, gen.fg("end"), _typed(str(end), "integer"))
        return ev

    def finish(self) -> None:
        gen, d = self.gen, _iri(self.iri)
        gen.add(d, _iri(_RDF + "type"), gen.fg("SourceDocument"))
        gen.add(d, _iri(_DCT + "identifier"), _string(self.id))
        gen.add(d, _iri(_DCT + "title"), _lang(self.title))
        gen.add(
            d,
            _iri(_DCT + "date"),
            _typed(f"20{15 + self.n % 9}-0{1 + self.n % 9}-{10 + self.n % 18}", "date"),
        )
        gen.add(d, gen.fg("text"), _string(self.text))
        gen.add(d, gen.fg("sha256"), _string(hashlib.sha256(self.text.encode()).hexdigest()))
        gen.stats.documents += 1


def synth_graph_iri(seed: int, base: str) -> str:
    """The named graph a synthetic import is written into."""
    return str(graph_iri("import", f"synth-{seed}", base=base))


def write_synthetic(path: Path, triples: int, seed: int, base: str) -> SynthStats:
    """Write about `triples` triples (a little more: the last project is completed) as gzipped
    TriG with one named graph to `path`; the same arguments always give the same bytes."""
    gen = _Generator(triples, seed, base)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as out:
        out.write(f"{_iri(synth_graph_iri(seed, base))} {{\n".encode())
        chunk: list[str] = []
        for line in gen.run():
            chunk.append(line)
            if len(chunk) >= 20_000:
                out.write("".join(chunk).encode())
                chunk.clear()
        out.write("".join(chunk).encode())
        out.write(b"}\n")
    tmp.replace(path)
    return gen.stats

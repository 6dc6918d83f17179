"""The reader's language on summary pages: which one a request asks for, the page's own words in
it, and labels of resources chosen by it.

German is the default (the data's labels are German); `?lang=en` or an `Accept-Language` that
prefers English gives English. Labels fall back to the other language, then to a label without a
language tag, so a page never shows an IRI where the data has a name in either language.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pyoxigraph as ox

from foerdergraph.core.namespaces import DCTERMS, RDFS, SKOS
from foerdergraph.remote.remote_store import QuadSource

LANGUAGES = ("de", "en")
DEFAULT = "de"
LABEL_PREDICATES = (
    ox.NamedNode(SKOS + "prefLabel"),
    ox.NamedNode(RDFS + "label"),
    ox.NamedNode(DCTERMS + "title"),
)

STRINGS: dict[str, dict[str, str]] = {
    "de": {
        "other_language": "English",
        "type": "Typ",
        "alignments": "Entsprechungen in anderen Vokabularen",
        "identifiers": "Kennungen",
        "also_known_as": "Auch",
        "parent": "Gehört zu",
        "units": "Untereinheiten",
        "units_total": "Untereinheiten (alle Ebenen)",
        "history": "Geschichte",
        "grants": "Zuwendungen",
        "grants_note": "Jede Zuwendung einmal, Zuwendungen an Untereinheiten eingerechnet.",
        "grant": "Zuwendung",
        "project": "Projekt",
        "programme": "Programm",
        "year": "Jahr",
        "amount": "Betrag",
        "recipient": "Empfänger",
        "source": "Beleg",
        "count": "Anzahl",
        "total": "Summe",
        "by_programme": "Summen nach Programm",
        "by_year": "Summen nach Jahr",
        "no_programme": "ohne Programm",
        "no_year": "ohne Jahr",
        "participations": "Beteiligungen",
        "role": "Rolle",
        "undertaking": "Vorhaben",
        "actors_by_role": "Akteure nach Rolle",
        "actors": "Akteure",
        "top_actors": "Akteure mit den höchsten Zuwendungen",
        "sub_programmes": "Unterprogramme und Wettbewerbe",
        "more_links": "und {n} weitere",
        "part_of": "Teil von",
        "fund": "Fonds",
        "period": "Laufzeit",
        "timeline": "Zuwendungen nach Jahr",
        "network": "Partnernetz",
        "network_note": "Akteure, verbunden durch gemeinsame Vorhaben (Stärke: Zahl der "
        "gemeinsamen Vorhaben). Ziehen oder Mausrad zum Zoomen, Klick auf einen Knoten öffnet "
        "seine Seite.",
        "download": "Herunterladen",
        "funded_here": "Hier gefördert",
        "funded_here_note": "Zuwendungen an Organisationen mit Sitz in diesem Gebiet und für "
        "Projekte, die hier liegen; jede Zuwendung einmal.",
        "organisations_here": "Organisationen in diesem Gebiet",
        "places_within": "Orte in diesem Gebiet",
        "incoming": "Verweise auf diese Seite",
        "more": "alle anzeigen",
        "mentioned_in": "Erwähnt in",
        "evidence": "Beleg",
        "row": "Zeile",
        "all_statements": "Alle Aussagen",
        "formats": "Auch als",
        "page": "Seite",
        "previous": "zurück",
        "next": "weiter",
        "of": "von",
        "for": "für",
        "to": "an",
        "as": "als",
        "in": "in",
        "participation": "Beteiligung",
        "zoom_in": "Vergrößern",
        "zoom_out": "Verkleinern",
        "zoom_reset": "Ansicht zurücksetzen",
        "draft": "Entwurf",
    },
    "en": {
        "other_language": "Deutsch",
        "type": "Type",
        "alignments": "Matching classes of other vocabularies",
        "identifiers": "Identifiers",
        "also_known_as": "Also",
        "parent": "Part of",
        "units": "Sub-organisations",
        "units_total": "sub-organisations (all levels)",
        "history": "History",
        "grants": "Grants",
        "grants_note": "Each grant once, grants to sub-organisations included.",
        "grant": "Grant",
        "project": "Project",
        "programme": "Programme",
        "year": "Year",
        "amount": "Amount",
        "recipient": "Recipient",
        "source": "Source",
        "count": "Count",
        "total": "Total",
        "by_programme": "Totals by programme",
        "by_year": "Totals by year",
        "no_programme": "no programme",
        "no_year": "no year",
        "participations": "Participations",
        "role": "Role",
        "undertaking": "Undertaking",
        "actors_by_role": "Actors by role",
        "actors": "Actors",
        "top_actors": "Actors with the largest grants",
        "sub_programmes": "Sub-programmes and competitions",
        "more_links": "and {n} more",
        "part_of": "Part of",
        "fund": "Fund",
        "period": "Period",
        "timeline": "Grants per year",
        "network": "Partner network",
        "network_note": "Actors linked by shared undertakings (weight: the number of shared "
        "undertakings). Drag or use the mouse wheel to zoom; click a node to open its page.",
        "download": "Download",
        "funded_here": "Funded here",
        "funded_here_note": "Grants to organisations seated in this area and to projects "
        "located here; each grant once.",
        "organisations_here": "Organisations in this area",
        "places_within": "Places in this area",
        "incoming": "Links to this page",
        "more": "show all",
        "mentioned_in": "Mentioned in",
        "evidence": "Evidence",
        "row": "row",
        "all_statements": "All statements",
        "formats": "Also as",
        "page": "page",
        "previous": "previous",
        "next": "next",
        "of": "of",
        "for": "for",
        "to": "to",
        "as": "as",
        "in": "in",
        "participation": "Participation",
        "zoom_in": "Zoom in",
        "zoom_out": "Zoom out",
        "zoom_reset": "Reset view",
        "draft": "draft",
    },
}


def choose(query: Mapping[str, str], accept_language: str | None) -> str:
    """`?lang=` when it names one of LANGUAGES, else the first of them the Accept-Language
    header ranks highest, else German."""
    asked = query.get("lang", "")
    if asked in LANGUAGES:
        return asked
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT


class Labeller:
    """Labels of one page in one language, each looked up once (a page asks for the same
    programme or role on many rows)."""

    def __init__(self, store: QuadSource, lang: str) -> None:
        self.store = store
        self.lang = lang
        self.order = (lang, *(other for other in LANGUAGES if other != lang), "")
        self._known: dict[str, str] = {}

    def __call__(self, iri: str, fallback: str = "") -> str:
        """The label of `iri` in the page's language (see the module docstring); `fallback`,
        else the IRI's last segment, when the data has none."""
        if iri not in self._known:
            self._known[iri] = self._find(ox.NamedNode(iri)) or fallback or _tail(iri)
        return self._known[iri]

    def _find(self, node: ox.NamedNode) -> str:
        for predicate in LABEL_PREDICATES:
            by_language: dict[str, str] = {}
            for quad in self.store.quads_for_pattern(node, predicate, None, None):
                if isinstance(quad.object, ox.Literal):
                    by_language.setdefault(quad.object.language or "", quad.object.value)
            for language in self.order:
                if language in by_language:
                    return by_language[language]
            if by_language:
                return next(iter(by_language.values()))
        return ""


def money(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    """An amount as readers of `lang` write it: "1.234.567 €" or "EUR 1,234,567" (cents only
    when there are any)."""
    places = 0 if amount == amount.to_integral_value() else 2
    text = f"{amount:,.{places}f}"
    if lang == "de":
        text = text.replace(",", "\u202f").replace(".", ",")
        return f"{text}\u00a0{'€' if currency == 'EUR' else currency}"
    return f"{currency}\u00a0{text}"


def _tail(iri: str) -> str:
    stripped = iri.rstrip("/#")
    return stripped.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri

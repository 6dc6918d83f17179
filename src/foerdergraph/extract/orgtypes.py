"""Organisation type from the words of its name.

German official names carry their type in a head word ("Bezirksregierung Köln",
"Handwerkskammer Münster", "Hochschule Ruhr West", "… GmbH"), so a table of head words decides
the contract's `type`. The first rule that matches wins; the order puts specific heads before
general ones (a "…bank GmbH" is a bank, a "Wirtschaftsförderung … GmbH" an agency).
"""

from __future__ import annotations

import re

TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        ("district_government", r"\bBezirksregierung"),
        ("ministry", r"ministeri(?:um|ums)\b|\bStaatskanzlei\b|\bMinisterium"),
        (
            "state_government",
            r"\b(?:Landes|Bundes|NRW-Landes)?regierung\b|^Land(?:es)?\s+\S+$"
            r"|^(?:Freistaat|Bund)\b",
        ),
        ("chamber_of_crafts", r"\bHandwerkskammer|\bHWK\b"),
        ("chamber_of_commerce", r"\bIHK\b|Industrie-\s*und\s+Handelskammer|Handelskammer"),
        ("project_sponsor", r"\bProjektträger|\bPtJ\b|\bVDI/VDE-IT\b"),
        ("bank", r"\bBANK\b|bank\b|\bSparkasse|\bVolksbank|\bFörderbank|\bKfW\b"),
        ("university", r"Universität|Hochschule|\bRWTH\b|\bTU\b|\bFH\b|Fachhochschule"),
        (
            "research_institute",
            r"Institut\b|Institut\s|Forschungszentrum|Fraunhofer|Max-Planck"
            r"|Leibniz|Helmholtz|\bDLR\b|Forschungsinstitut",
        ),
        (
            "economic_development_agency",
            r"Wirtschaftsförderung|Zukunftsagentur|Standortagentur"
            r"|Entwicklungsagentur|Wirtschaftsentwicklung|Invest\b"
            r"|Innovationsagentur|Transferagentur",
        ),
        (
            "eu_body",
            r"Europäische\s+Kommission|EU-Kommission|\bEuropäischen?\s+Union\b"
            r"|Europäisches\s+Parlament|^EU$",
        ),
        ("region", r"Regionalmanagement|Regionalagentur|Regionale\s+Kooperation"),
        (
            "other",
            r"Regionalverband|Landschaftsverband|Kommunalverband|Zweckverband"
            r"|Landesverband(?:es)?\s+[A-ZÄÖÜ]"
            r"|Kirchenkreis|\bKirche\b|\bBistum\b|Diakonie|Caritas|Stiftung\b",
        ),
        ("district", r"(?:^|\s|-)Kreis\b|Kreises\b|-Kreis$|\bLandkreis|Kreisverwaltung"),
        ("municipality", r"^(?:Stadt|Landeshauptstadt|Gemeinde|Hansestadt)\b|Stadtverwaltung"),
        (
            "association",
            r"\be\.\s?V\.|Kreishandwerkerschaft|Verband\b|Verein\b|Verbund\b|Netzwerk\b|Vereinigung",
        ),
        ("company", r"\b(?:GmbH|gGmbH|mbH|AG|KG|SE|UG|eG|KGaA|OHG|Co\.)(?:\s|$|\b)"),
    )
)
"""(type, pattern) pairs, tried in order."""


def org_type(name: str) -> str:
    """The contract type of an organisation named `name`; "other" when no head word says."""
    for kind, pattern in TYPE_RULES:
        if pattern.search(name):
            return kind
    return "other"


CLASS_OF_TYPE: dict[str, str] = {
    "ministry": "Ministry",
    "state_government": "StateGovernment",
    "district_government": "DistrictGovernment",
    "project_sponsor": "ProjectSponsor",
    "chamber_of_commerce": "ChamberOfCommerce",
    "chamber_of_crafts": "ChamberOfCrafts",
    "economic_development_agency": "EconomicDevelopmentAgency",
    "municipality": "Municipality",
    "district": "District",
    "region": "RegionalCooperation",
    "university": "University",
    "research_institute": "ResearchInstitute",
    "company": "Company",
    "bank": "Bank",
    "eu_body": "EUBody",
    "association": "Association",
    "other": "Organisation",
}
"""Contract type -> local name of the fg: class (docs/model.md)."""

TYPE_OF_CLASS: dict[str, str] = {cls: kind for kind, cls in CLASS_OF_TYPE.items()} | {
    "PromotionalBank": "bank",
    "FederalState": "state_government",
    "PublicBody": "other",
    "Chamber": "other",
    "TerritorialAuthority": "municipality",
}
"""fg: class local name -> contract type, for entities read from the registry."""

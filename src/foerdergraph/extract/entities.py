"""From mentions to entities: grouping, abbreviations, coreference and name propagation.

A document names an actor several ways: "Zukunftsagentur Rheinisches Revier (ZRR)", later "ZRR"
and "die Zukunftsagentur"; "Land Nordrhein-Westfalen" and then "das Land"; "Garrelt Duin" and
"Minister Duin". Grouping keys de-inflect and normalise names; an abbreviation in brackets after
a name becomes an alias whose later occurrences are mentions; a bare head word or a surname joins
the one entity it can refer to (and nothing when it is ambiguous). Programme and project names
found once are looked up again unquoted, and near-identical spellings of one name (a typo such as
„Region NRW“ for Regio.NRW) are merged.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz

from foerdergraph.extract import patterns as P
from foerdergraph.extract.funds_regions import region_name
from foerdergraph.extract.model import Candidate, ExtractedEntity, Span
from foerdergraph.extract.normalise import fuzzy_key, name_key
from foerdergraph.extract.orgtypes import org_type

FUZZY_MERGE = 90.0
"""rapidfuzz ratio (0-100) above which two programme/project names are one name misspelt."""


def group_key(kind: str, name: str, subkind: str | None = None) -> str:
    """The key under which mentions of one entity meet."""
    if kind == "fund" and subkind:
        return subkind.lower()
    key = name_key(canonical_name(kind, name))
    if kind == "organisation":
        key = re.sub(r"^nrw-|\s+des landes nrw$|\s+nrw$", "", key)
        key = re.sub(r"^landes(?=\w+ministerium$)", "", key)
        key = re.sub(r"^(?:stadt|gemeinde)\s+", "", key)  # "Stadt Stolberg" acts as "Stolberg"
    return key


def canonical_name(kind: str, name: str) -> str:
    """Nominative form of a name as written ("Regionalverbandes Ruhr", "Rheinischen Revier")."""
    if kind == "organisation":
        return P.deinflect(name)
    if kind == "region":
        return region_name(name)
    return name


def build_entities(text: str, candidates: list[Candidate]) -> list[ExtractedEntity]:
    """Entities of a document from its selected candidates."""
    candidates = _decide_quoted(candidates)
    entities: dict[tuple[str, str], ExtractedEntity] = {}
    corefs: list[Candidate] = []
    registry_groups: dict[str, tuple[str, str]] = {}
    for cand in candidates:
        if cand.alias_of:
            corefs.append(cand)
            continue
        kind = cand.kind
        key = (kind, group_key(kind, cand.name, cand.subkind))
        if cand.registry_key:
            key = registry_groups.setdefault(cand.registry_key, key)
        entity = entities.get(key)
        if entity is not None and cand.registry_key and not entity.registry_key:
            entity.registry_key = cand.registry_key
        if entity is None:
            entity = ExtractedEntity(
                kind,
                canonical_name(kind, cand.name),
                type=cand.type,
                subkind=cand.subkind,
                registry_key=cand.registry_key,
            )
            entities[key] = entity
        entity.mentions.append(cand.span)
        if kind == "person" and cand.post and not entity.post:
            entity.post = cand.post
        name = canonical_name(kind, cand.name)
        if kind != "person" and len(name) > len(entity.name):
            entity.name = name
        if kind == "programme" and cand.subkind and not entity.subkind:
            entity.subkind = cand.subkind
    result = list(entities.values())
    _name_funds(result)
    _merge_similar(result)
    _propagate(text, result)
    _abbreviations(text, result)
    _resolve_corefs(text, result, corefs)
    for entity in result:
        entity.mentions.sort(key=lambda m: m.start)
        if entity.kind == "organisation" and not entity.type:
            entity.type = org_type(entity.name)
    return sorted(result, key=lambda e: e.first)


def _decide_quoted(candidates: list[Candidate]) -> list[Candidate]:
    """Give unclassified quoted names the kind the document uses for the same name elsewhere;
    a name that extends a programme's name ("Regio.NRW – Wirtschaftsflächen") is a programme
    (one of its strands); the rest (slogans, technical terms) is dropped. Where one name is
    cued both as project and as programme, the programme cue wins (a call is often called a
    "Vorhaben" too)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for cand in candidates:
        if cand.kind in {"programme", "project"}:
            kinds[name_key(cand.name)].add(cand.kind)
    programmes = [n for n, k in kinds.items() if "programme" in k]
    out = []
    for cand in candidates:
        key = name_key(cand.name)
        if cand.kind in {"quoted", "programme", "project"}:
            known = kinds.get(key, set())
            if "programme" in known:
                cand.kind = "programme"
            elif "project" in known:
                cand.kind = "project"
            elif any(re.match(re.escape(p) + r"\s*[-–:]\s*\w", key) for p in programmes):
                cand.kind = "programme"
                cand.subkind = "strand"
            else:
                continue
        out.append(cand)
    return out


def _name_funds(entities: list[ExtractedEntity]) -> None:
    """A fund's name is its longest written form ("Europäischen Fonds für …"), alias the short."""
    for entity in entities:
        if entity.kind == "fund":
            forms = sorted({m.text for m in entity.mentions}, key=len, reverse=True)
            entity.name = forms[0]
            entity.aliases = [f for f in forms[1:] if f != entity.name]


def _merge_similar(entities: list[ExtractedEntity]) -> None:
    """Merge programme/project entities whose names are the same up to a typo."""
    undertakings = [e for e in entities if e.kind in {"programme", "project"}]
    for i, keep in enumerate(undertakings):
        for other in undertakings[i + 1 :]:
            if other not in entities or keep not in entities:
                continue
            a, b = fuzzy_key(keep.name), fuzzy_key(other.name)
            if a != b and fuzz.ratio(a, b) < FUZZY_MERGE and not _short_form(a, b):
                continue
            winner, loser = (keep, other) if _stronger(keep, other) else (other, keep)
            if _short_form(a, b) and len(loser.name) > len(winner.name):
                winner.name, loser.name = loser.name, winner.name
            winner.mentions.extend(loser.mentions)
            if loser.name != winner.name:
                winner.aliases.append(loser.name)
            entities.remove(loser)


_COMPLEMENT = re.compile(r"^(?:zur|zum|für|der|des|von)\b")


def _short_form(a: str, b: str) -> bool:
    """ "Bund-Länder-Gemeinschaftsaufgabe" is the short form of "Bund-Länder-Gemeinschafts-aufgabe
    zur Verbesserung …": the same words, hyphens and spaces aside, before a complement ("zur …",
    "des …"); a strand "Regio.NRW – Flächen" is not a short form of anything."""
    short, long = sorted((a, b), key=len)
    compact = re.sub(r"[\s-]", "", short)
    words = long.split()
    for cut in range(1, len(words)):
        if re.sub(r"-", "", "".join(words[:cut])) == compact:
            return bool(_COMPLEMENT.match(" ".join(words[cut:])))
    return False


def _stronger(a: ExtractedEntity, b: ExtractedEntity) -> bool:
    if a.kind != b.kind:
        return a.kind == "programme"
    return len(a.mentions) >= len(b.mentions)


def _occupied(entities: list[ExtractedEntity]) -> list[tuple[int, int]]:
    return [(m.start, m.end) for e in entities for m in e.mentions]


def _free(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return not any(start < e and s < end for s, e in taken)


def _propagate(text: str, entities: list[ExtractedEntity]) -> None:
    """Find unquoted repetitions of programme and project names ("Umbau 21 – Smart Region" in a
    headline) — a name the document introduced is a gazetteer entry for the rest of it."""
    taken = _occupied(entities)
    for entity in entities:
        if entity.kind not in {"programme", "project"} or len(entity.name) < 5:
            continue
        for form in {m.text for m in entity.mentions} | {entity.name}:
            if len(form) < 5:
                continue
            for match in re.finditer(r"(?<![\w.-])" + re.escape(form) + r"(?![\w-])", text):
                if _free(match.start(), match.end(), taken):
                    entity.mentions.append(Span(match.start(), match.end(), match.group(0)))
                    taken.append((match.start(), match.end()))


def _abbreviations(text: str, entities: list[ExtractedEntity]) -> None:
    """ "Hochschule Ruhr West (HRW)": HRW becomes an alias and each later "HRW" a mention."""
    taken = _occupied(entities)
    for entity in entities:
        if entity.kind not in {"organisation", "programme", "fund"}:
            continue
        for mention in list(entity.mentions):
            match = P.ABBREVIATION.match(text, mention.end)
            if not match:
                continue
            abbr = match.group(1)
            if abbr in entity.aliases or abbr == entity.name:
                continue
            entity.aliases.append(abbr)
            for occ in re.finditer(r"(?<![\w.-])" + re.escape(abbr) + r"(?![\w-])", text):
                if _free(occ.start(), occ.end(), taken):
                    entity.mentions.append(Span(occ.start(), occ.end(), abbr))
                    taken.append((occ.start(), occ.end()))
            # a compound using the abbreviation ("RTG-…", "HWK-Präsident") is also a mention
            for occ in re.finditer(r"(?<![\w.-])" + re.escape(abbr) + r"(?=-[A-ZÄÖÜ])", text):
                if _free(occ.start(), occ.end(), taken):
                    entity.mentions.append(Span(occ.start(), occ.end(), abbr))
                    taken.append((occ.start(), occ.end()))


_HEAD_TYPES = {"land": "state_government", "ministerium": "ministry"}


def _resolve_corefs(text: str, entities: list[ExtractedEntity], corefs: list[Candidate]) -> None:
    """Attach bare heads and surnames to the single entity they can mean."""
    for cand in corefs:
        target = _coref_target(text, entities, cand)
        if target is None and cand.alias_of == "land":
            target = _the_land(entities)
        if target is not None:
            target.mentions.append(cand.span)
            if cand.kind == "person" and cand.post and not target.post:
                target.post = cand.post


def _the_land(entities: list[ExtractedEntity]) -> ExtractedEntity | None:
    """ "das Land" / "des Landes" in a text that never names the Land in full is the Land as an
    actor ("ein Modellvorhaben des Landes", "stehen dem Land … zur Verfügung"); one entity for all
    such mentions, unless the text names two Länder."""
    named = [e for e in entities if e.kind == "organisation" and e.name.startswith("Land ")]
    if named:
        return None
    for entity in entities:
        if entity.kind == "organisation" and entity.name == "Land":
            return entity
    entity = ExtractedEntity("organisation", "Land", type="state_government", confidence=0.6)
    entities.append(entity)
    return entity


def _coref_target(
    text: str, entities: list[ExtractedEntity], cand: Candidate
) -> ExtractedEntity | None:
    head = cand.alias_of or ""
    if head == "surname":
        options = [e for e in entities if e.kind == "person" and e.name.split()[-1] == cand.name]
    elif head in _HEAD_TYPES:
        options = [
            e
            for e in entities
            if e.kind == "organisation"
            and e.type == _HEAD_TYPES[head]
            and (head != "land" or e.name.startswith("Land "))
        ]
    else:
        options = [
            e for e in entities if e.kind == "organisation" and name_key(e.name).startswith(head)
        ]
        if not options and head == "bezirksregierung":
            return _district_government_from_region(text, entities, cand)
    return options[0] if len(options) == 1 else None


def _district_government_from_region(
    text: str, entities: list[ExtractedEntity], cand: Candidate
) -> ExtractedEntity | None:
    """ "die Bezirksregierung" in a text about the "Regierungsbezirk Münster" (or with a
    "Regierungspräsidentin …" of one place) is the Bezirksregierung of that district."""
    places = {
        m.group(1) for m in re.finditer(r"Regierungsbezirk(?:es|s)?\s+([A-ZÄÖÜ][\wäöüß-]+)", text)
    }
    if len(places) != 1:
        return None
    entity = ExtractedEntity(
        "organisation",
        f"Bezirksregierung {places.pop()}",
        type="district_government",
        confidence=0.6,
    )
    entities.append(entity)
    return entity


def link_person_organisations(
    text: str, candidates: list[Candidate], entities: list[ExtractedEntity]
) -> None:
    """Organisation of each person's post: a compound prefix ("HWK-Präsident"), an organisation
    named right after the post ("Geschäftsführer der Wirtschaftsförderung Dortmund"), or the one
    organisation of the post's kind in the document (a Regierungspräsidentin heads a
    Bezirksregierung, a Landrat a Kreis, a Minister a ministry)."""
    orgs = [e for e in entities if e.kind == "organisation"]
    mention_of = sorted(((m.start, m.end, e) for e in orgs for m in e.mentions), key=lambda t: t[0])
    by_name = {e.name: e for e in entities if e.kind == "person"}
    for cand in candidates:
        if cand.kind != "person" or cand.post_org is None or cand.name not in by_name:
            continue
        person = by_name[cand.name]
        if person.organisation is not None:
            continue
        post = cand.post or ""
        org = None
        if cand.post_org.startswith("before:"):  # "Kreis Olpe (Landrat: Max Muster)"
            end = int(cand.post_org.split(":")[1])
            person.organisation = next((e for s, x, e in mention_of if x == end), None)
            continue
        post_at = int(cand.post_org)
        if before := next((e for _, x, e in mention_of if 0 <= post_at - x <= 1), None):
            org = before  # "Lüdenscheids Bürgermeister …", "Hagener OB …"
        if org is None and "-" in post:
            prefix = post.split("-")[0]
            org = next((e for e in orgs if prefix in e.aliases or prefix == e.name), None)
            org = org or next((e for e in orgs if any(m.text == prefix for m in e.mentions)), None)
            if org is None and (kind := org_type(prefix)) != "other":
                options = [e for e in orgs if e.type == kind]
                org = options[0] if len(options) == 1 else None
        if org is None:
            post_end = post_at + len(post)
            for start, _end, entity in mention_of:
                between = text[post_end:start]
                if (
                    0 <= start - post_end <= 80
                    and re.fullmatch(
                        r"(?:\s+(?:der|des|dem|im|beim|bei der|für\s[^.,;]{0,60}?)?\s*)?", between
                    )
                ) or (0 <= start - post_end <= 3):
                    org = entity
                    break
        if org is None:
            org = _default_org(post, orgs)
        person.organisation = org


_POST_ORG_TYPES = (
    (re.compile(r"regierungspräsident", re.I), "district_government"),
    (re.compile(r"^(?:Landes|Bundes|Wirtschafts)?[Mm]inister(?:in)?$"), "ministry"),
    (re.compile(r"^Landr(?:at|ätin)$"), "district"),
)


def _default_org(post: str, orgs: list[ExtractedEntity]) -> ExtractedEntity | None:
    for regex, kind in _POST_ORG_TYPES:
        if regex.search(post):
            options = [o for o in orgs if o.type == kind]
            return options[0] if len(options) == 1 else None
    return None

"""The dataset description: VoID and DCAT, so catalogues and researchers can see what is inside.

It states triple counts per graph and class, the license, the source documents, the dumps with
size and checksum, and the build time. The build time is SOURCE_DATE_EPOCH when set (the
reproducible-builds convention), else the time of the checkout's last commit, so two builds of
the same input describe themselves identically.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from foerdergraph import __version__
from foerdergraph.core.iri import mint
from foerdergraph.core.vocab import DCAT, DCTERMS, FG, PROV, RDF, RDFS, SD, SPDX, VOID, XSD
from foerdergraph.publish.dumps import Dump

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
"""License of the data (the source texts remain their publishers'; see README)."""


@dataclass(frozen=True)
class GraphInfo:
    iri: str
    kind: str
    triples: int
    document: str | None = None


def build_time(home: Path) -> dt.datetime | None:
    """SOURCE_DATE_EPOCH, else the last commit's time, else None (then no time is stated)."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=home,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return dt.datetime.fromtimestamp(int(out), tz=dt.UTC) if out else None


def class_partitions(dataset: ox.Store) -> list[tuple[str, int]]:
    """(class IRI, distinct instances) over all graphs, most frequent first."""
    rows = dataset.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER isIRI(?c) } "
        "GROUP BY ?c ORDER BY DESC(?n) ?c"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return [(_value(row["c"]), int(_value(row["n"]))) for row in rows]


def _value(term: object) -> str:
    """The lexical form of an IRI or literal of a solution."""
    assert isinstance(term, ox.NamedNode | ox.Literal)
    return term.value


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: object, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=_n(datatype) if datatype else None)


def void_quads(
    base: str,
    graphs: Iterable[GraphInfo],
    dumps: Iterable[Dump],
    classes: Iterable[tuple[str, int]],
    total_triples: int,
    modified: dt.datetime | None,
) -> list[ox.Triple]:
    """The description as triples (written to void.ttl and into the store's void graph)."""
    ds = _n(str(mint("dataset", "foerdergraph", base=base)))
    t: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        t.append(ox.Triple(s, _n(p), o))

    add(ds, str(RDF.type), _n(str(VOID.Dataset)))
    add(ds, str(RDF.type), _n(str(DCAT.Dataset)))
    add(ds, str(DCTERMS.title), _lit("foerdergraph", lang="en"))
    add(
        ds,
        str(DCTERMS.description),
        _lit(
            "Who funds, administers, approves, leads and partners in public funding programmes in "
            "North Rhine-Westphalia, with the quote that supports every fact.",
            lang="en",
        ),
    )
    add(ds, str(DCTERMS.license), _n(LICENSE))
    add(ds, str(DCTERMS.hasVersion), _lit(__version__))
    if modified is not None:
        add(ds, str(DCTERMS.modified), _lit(modified.isoformat(), str(XSD.dateTime)))
    add(ds, str(VOID.triples), _lit(total_triples, str(XSD.integer)))
    add(ds, str(VOID.uriSpace), _lit(base + "id/"))
    add(ds, str(VOID.sparqlEndpoint), _n(base + "sparql"))
    add(ds, str(VOID.vocabulary), _n(str(FG)))
    for graph in graphs:
        sub = _n(graph.iri)
        add(ds, str(VOID.subset), sub)
        add(sub, str(RDF.type), _n(str(VOID.Dataset)))
        add(sub, str(SD.name), sub)
        add(sub, str(VOID.triples), _lit(graph.triples, str(XSD.integer)))
        add(sub, str(DCTERMS.type), _lit(graph.kind))
        if graph.document:
            doc = _n(str(mint("document", graph.document, base=base)))
            add(sub, str(PROV.wasDerivedFrom), doc)
            add(ds, str(DCTERMS.source), doc)
    for cls, count in classes:
        part = _n(f"{ds.value}/class/{cls.rsplit('/', 1)[-1].replace('#', '-')}")
        add(ds, str(VOID.classPartition), part)
        add(part, str(VOID["class"]), _n(cls))
        add(part, str(VOID.entities), _lit(count, str(XSD.integer)))
    for dump in dumps:
        dist = _n(base + "dumps/" + dump.file)
        add(ds, str(VOID.dataDump), dist)
        add(ds, str(DCAT.distribution), dist)
        add(dist, str(RDF.type), _n(str(DCAT.Distribution)))
        add(dist, str(DCAT.downloadURL), dist)
        add(dist, str(DCAT.mediaType), _lit(dump.media_type))
        if dump.compression:
            add(dist, str(DCAT.compressFormat), _lit("application/gzip"))
        add(dist, str(DCAT.byteSize), _lit(dump.bytes, str(XSD.integer)))
        add(dist, str(VOID.triples), _lit(dump.triples, str(XSD.integer)))
        checksum = _n(f"{dist.value}#sha256")
        add(dist, str(SPDX.checksum), checksum)
        add(checksum, str(SPDX.algorithm), _n(str(SPDX.checksumAlgorithm_sha256)))
        add(checksum, str(SPDX.checksumValue), _lit(dump.sha256, str(XSD.hexBinary)))
        add(dist, str(RDFS.label), _lit(dump.file))
    return t

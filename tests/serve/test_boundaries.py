"""The map's boundaries: derived from the registry package's layout (checked on a small tarball
made here), thinned, and refused when the tarball is not the pinned one."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from foerdergraph.serve.boundaries import integrity, main, thin


def _square(ags: str, name: str, x: float, steps: int = 40) -> dict[str, object]:
    side = [(x + i / steps, 51.0) for i in range(steps)]
    ring = [*side, (x + 1, 51.0), (x + 1, 52.0), (x, 52.0), (x, 51.0)]
    return {
        "type": "Feature",
        "properties": {"AGS": ags, "GEN": name, "GF": 4},
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
    }


def _package(path: Path) -> Path:
    layers = {
        "package/kreise.geo.json": [
            _square("05111", "Düsseldorf", 6.0),
            {"type": "FeatureCollection", "features": [_square("09162", "München", 11.0)]},
        ],
        "package/regierungsbezirke.geo.json": [_square("051", "Düsseldorf", 6.0)],
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, layer in layers.items():
            data = json.dumps(layer).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_nrw_areas_are_kept_thinned_and_others_dropped(tmp_path: Path) -> None:
    package = _package(tmp_path / "areas.tgz")
    out = tmp_path / "geo" / "nrw.json"
    main([str(package), str(out), "--integrity", integrity(package)])
    document = json.loads(out.read_text(encoding="utf-8"))
    assert "BKG" in document["source"] and "GeoNutzV" in document["licence"]
    areas = {(a["level"], a["ags"]): a for a in document["areas"]}
    assert set(areas) == {("kreis", "05111"), ("regierungsbezirk", "051")}
    ring = areas[("kreis", "05111")]["rings"][0]
    assert ring == [[6.0, 51.0], [7.0, 51.0], [7.0, 52.0], [6.0, 52.0], [6.0, 51.0]]


def test_a_tarball_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    package = _package(tmp_path / "areas.tgz")
    with pytest.raises(SystemExit, match="integrity"):
        main([str(package), str(tmp_path / "out.json"), "--integrity", "sha512-AAAA"])
    assert not (tmp_path / "out.json").exists()


def test_thinning_keeps_corners_and_drops_points_on_a_line() -> None:
    line = [(0.0, 0.0), (0.5, 0.0001), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    assert thin(line) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]

"""GISCO boundaries on the real files, and invariants of the Douglas-Peucker simplifier."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from polisee.config import default_data_dir
from polisee.errors import InputError, NotFound
from polisee.sources import gisco
from polisee.sources.gisco import (
    boundaries_geojson,
    bounds,
    label_points,
    load_boundaries,
    simplify_line,
)

DATA = default_data_dir()
needs_data = pytest.mark.skipif(
    not (DATA / "nuts_geo").is_dir(), reason="needs ../shared/data/nuts_geo"
)


def _polygons(feature: dict[str, Any]) -> list[list[list[list[float]]]]:
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return list(geometry["coordinates"])


def _assert_valid(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        polygons = _polygons(feature)
        assert polygons, feature["id"]
        for polygon in polygons:
            for ring in polygon:
                assert len(ring) >= 4, feature["id"]
                assert ring[0] == ring[-1], feature["id"]


# --- real files -------------------------------------------------------------------------


@needs_data
def test_nuts2_2021_has_every_region_with_a_polygon() -> None:
    collection = load_boundaries(DATA, level=2)
    codes = {f["id"] for f in collection["features"]}
    assert len(codes) == 334  # SOURCE.md: 334 features, none of them extra-regio
    assert "HU21" in codes
    hu21 = next(f for f in collection["features"] if f["id"] == "HU21")
    assert hu21["properties"] == {
        "code": "HU21",
        "name": "Közép-Dunántúl",
        "name_national": "Közép-Dunántúl",
        "level": 2,
        "country": "HU",
    }
    attiki = next(f for f in collection["features"] if f["id"] == "EL30")
    assert (attiki["properties"]["name"], attiki["properties"]["name_national"]) == (
        "Attiki",
        "Aττική",  # GISCO writes its first letter as a Latin capital A
    )
    _assert_valid(collection)


@needs_data
def test_names_are_stripped() -> None:
    # SOURCE.md: NO0B's NAME_LATN carries CR/LF and trailing spaces.
    features = load_boundaries(DATA, level=2)["features"]
    names = {f["id"]: f["properties"]["name"] for f in features}
    assert names["NO0B"] == "Jan Mayen and Svalbard"


@needs_data
@pytest.mark.parametrize(
    ("level", "version", "scale", "count"),
    [
        (0, 2021, "60M", 37),
        (1, 2021, "60M", 125),
        (3, 2021, "60M", 1514),
        (2, 2016, "60M", 332),
    ],
    ids=["2021-L0", "2021-L1", "2021-L3", "2016-L2"],
)
def test_feature_counts_match_source_md(level: int, version: int, scale: str, count: int) -> None:
    collection = load_boundaries(DATA, level=level, version=version, scale=scale)
    assert len(collection["features"]) == count
    assert {f["properties"]["level"] for f in collection["features"]} == {level}


@needs_data
def test_2024_file_is_filtered_by_level() -> None:
    levels = [load_boundaries(DATA, level=lv, version=2024, scale="20M") for lv in range(4)]
    counts = [len(c["features"]) for c in levels]
    assert sum(counts) == 1798  # all levels share one file of 1,798 features
    assert all(
        {f["properties"]["level"] for f in c["features"]} == {lv} for lv, c in enumerate(levels)
    )
    codes = {f["id"] for f in levels[2]["features"]}
    assert "HU21" in codes
    assert not any(c.startswith("UK") for c in codes)  # no UK in NUTS 2024


@needs_data
def test_coordinates_are_rounded_to_five_decimals() -> None:
    collection = load_boundaries(DATA, level=2)
    coords = np.concatenate(
        [np.asarray(r) for f in collection["features"] for p in _polygons(f) for r in p]
    )
    np.testing.assert_allclose(coords, np.round(coords, 5), atol=1e-9)


@needs_data
@pytest.mark.parametrize("tolerance", [0.01, 0.05, 0.5], ids=["0.01deg", "0.05deg", "0.5deg"])
def test_simplification_keeps_every_feature_valid(tolerance: float) -> None:
    plain = load_boundaries(DATA, level=2)
    simple = load_boundaries(DATA, level=2, tolerance=tolerance)
    assert [f["id"] for f in simple["features"]] == [f["id"] for f in plain["features"]]
    _assert_valid(simple)

    def vertices(c: dict[str, Any]) -> int:
        return sum(len(r) for f in c["features"] for p in _polygons(f) for r in p)

    assert vertices(simple) < vertices(plain)


@needs_data
def test_nuts2_payload_is_under_a_megabyte() -> None:
    payload = boundaries_geojson(DATA, level=2)
    assert len(payload) < 1_000_000
    assert len(boundaries_geojson(DATA, level=2, tolerance=0.05)) < len(payload)
    assert json.loads(payload)["type"] == "FeatureCollection"


@needs_data
def test_results_are_copies() -> None:
    first = load_boundaries(DATA, level=2)
    first["features"][0]["properties"]["name"] = "changed"
    first["features"][0]["geometry"]["coordinates"].clear()
    again = load_boundaries(DATA, level=2)
    assert again["features"][0]["properties"]["name"] != "changed"
    _assert_valid(again)


@needs_data
def test_label_points() -> None:
    points = label_points(DATA)
    assert len(points) == 2010
    lon, lat = points["HU21"]
    assert 17 < lon < 19.5
    assert 46.5 < lat < 48
    assert set(label_points(DATA, level=0)) >= {"HU", "DE", "CZ"}  # "CZ" is no extra-regio code


@needs_data
def test_bounds_ignore_overseas_parts_by_default() -> None:
    collection = load_boundaries(DATA, level=2)
    west, south, east, north = bounds(collection)
    assert -25 <= west < -10  # Iceland, not the Caribbean
    assert 34 <= south < 36  # Cyprus, not Réunion
    assert 40 < east <= 45
    assert 70 < north <= 72
    full = bounds(collection, frame=None)
    assert full[0] < -60  # Guadeloupe / Martinique
    assert full[3] > 78  # Svalbard


@needs_data
def test_bounds_fall_back_to_all_parts_outside_the_frame() -> None:
    collection = load_boundaries(DATA, level=2)
    reunion = {
        "type": "FeatureCollection",
        "features": [f for f in collection["features"] if f["id"] == "FRY4"],
    }
    west, south, east, north = bounds(reunion)
    assert 55 < west < east < 56.5
    assert -22 < south < north < -20


def test_unknown_version_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="available: 2021 60M"):
        load_boundaries(tmp_path, level=2, version=2013)
    with pytest.raises(NotFound, match="level 3"):
        load_boundaries(tmp_path, level=3, version=2016)


# --- corrupt files ----------------------------------------------------------------------


def _write(tmp_path: Path, content: bytes, *, compress: bool = True) -> Path:
    folder = tmp_path / "nuts_geo"
    folder.mkdir(exist_ok=True)
    path = folder / "NUTS_RG_60M_2021_4326_LEVL_2.geojson.gz"
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


def _square(code: str, *, level: int = 2) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "NUTS_ID": code,
            "LEVL_CODE": level,
            "CNTR_CODE": code[:2],
            "NAME_LATN": code,
        },
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]},
    }


def test_reads_a_small_file_and_drops_extra_regio(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "features": [_square("XX11"), _square("XXZZ")]}
    _write(tmp_path, json.dumps(doc).encode())
    collection = load_boundaries(tmp_path, level=2)
    assert [f["id"] for f in collection["features"]] == ["XX11"]


@pytest.mark.parametrize(
    ("content", "compress", "match"),
    [
        (b"not gzip at all", False, "gzip"),
        (b'{"type": "FeatureCollection", "features": [', True, "valid GeoJSON"),
        (b'{"type": "Feature"}', True, "'features' list"),
        (
            json.dumps({"features": [{"properties": {"LEVL_CODE": 2}, "geometry": None}]}).encode(),
            True,
            "features\\[0\\].properties.NUTS_ID",
        ),
        (
            json.dumps(
                {
                    "features": [
                        dict(_square("XX11"), geometry={"type": "Point", "coordinates": [0, 0]})
                    ]
                }
            ).encode(),
            True,
            "features\\[0\\].geometry.type",
        ),
        (
            json.dumps(
                {
                    "features": [
                        dict(
                            _square("XX11"),
                            geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
                        )
                    ]
                }
            ).encode(),
            True,
            "at least 4",
        ),
    ],
    ids=["not-gzip", "truncated-json", "no-features", "no-code", "point", "short-ring"],
)
def test_corrupt_file_raises_input_error_naming_it(
    tmp_path: Path, content: bytes, compress: bool, match: str
) -> None:
    path = _write(tmp_path, content, compress=compress)
    with pytest.raises(InputError, match=match) as info:
        load_boundaries(tmp_path, level=2)
    assert info.value.path == str(path)


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="polisee data fetch") as info:
        load_boundaries(tmp_path, level=2)
    assert info.value.path is not None
    assert info.value.path.endswith("NUTS_RG_60M_2021_4326_LEVL_2.geojson.gz")


def test_cache_sees_a_rewritten_file(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps({"features": [_square("XX11")]}).encode())
    assert [f["id"] for f in load_boundaries(tmp_path, level=2)["features"]] == ["XX11"]
    path.write_bytes(
        gzip.compress(json.dumps({"features": [_square("XX11"), _square("XX12")]}).encode())
    )
    assert [f["id"] for f in load_boundaries(tmp_path, level=2)["features"]] == ["XX11", "XX12"]


# --- simplifier -------------------------------------------------------------------------


def test_simplify_drops_a_nearly_straight_point() -> None:
    # (1, 0.01) is 0.01 from the segment (0,0)-(2,0): dropped at tolerance 0.1, kept at 0.001.
    line = [[0, 0], [1, 0.01], [2, 0]]
    assert simplify_line(line, 0.1).tolist() == [[0, 0], [2, 0]]
    assert simplify_line(line, 0.001).tolist() == line


def test_simplify_keeps_a_tiny_ring_a_polygon() -> None:
    ring = np.array([[0, 0], [1e-4, 0], [1e-4, 1e-4], [0, 1e-4], [0, 0]], dtype=float)
    out = gisco._simplify_ring(ring, 1.0)
    assert len(out) == 4
    assert out[0].tolist() == out[-1].tolist()


def _distance_to_segment(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    d = b - a
    length2 = float(d @ d)
    t = 0.0 if length2 == 0 else float(np.clip((p - a) @ d / length2, 0, 1))
    return float(np.hypot(*(p - (a + t * d))))


coordinates = st.floats(-180, 180, allow_nan=False, allow_infinity=False, width=32)


@settings(max_examples=200, deadline=None)
@given(
    points=arrays(np.float64, st.tuples(st.integers(2, 40), st.just(2)), elements=coordinates),
    tolerance=st.floats(0, 50, allow_nan=False),
)
def test_simplify_is_a_subsequence_within_tolerance(points: np.ndarray, tolerance: float) -> None:
    keep = gisco._keep_mask(points, tolerance)
    out = simplify_line(points, tolerance)
    np.testing.assert_array_equal(out, points[keep])  # a subsequence, in order
    assert keep[0]
    assert keep[-1]
    kept = np.flatnonzero(keep)
    for left, right in itertools.pairwise(kept):
        for i in range(left + 1, right):
            assert _distance_to_segment(points[i], points[left], points[right]) <= tolerance + 1e-9

"""GISCO NUTS boundaries (GeoJSON, EPSG:4326, gzip) -> small GeoJSON for maps.

The files live in ``data_dir/nuts_geo/`` (see its ``SOURCE.md``). Features come out
with the properties ``code, name, name_national, level, country`` and the code as feature ``id``;
extra-regio codes (``HUZZ``, ``FRZZZ``) are left out. Coordinates are rounded and,
on request, simplified with Douglas-Peucker (numpy only) so that a map of every
NUTS-2 region stays well under a megabyte.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from polisee.errors import InputError, NotFound

__all__ = [
    "EUROPE_FRAME",
    "boundaries_geojson",
    "bounds",
    "label_points",
    "load_boundaries",
    "simplify_line",
]

#: (west, south, east, north) of continental Europe with Iceland, Cyprus and Turkey;
#: :func:`bounds` ignores polygon parts centred outside it (Canaries, Caribbean, Svalbard).
EUROPE_FRAME = (-25.0, 34.0, 45.0, 72.0)

_FILES: dict[tuple[int, str], str] = {
    (2021, "60M"): "NUTS_RG_60M_2021_4326_LEVL_{level}.geojson.gz",
    (2024, "20M"): "NUTS_RG_20M_2024_4326.geojson.gz",
    (2016, "60M"): "NUTS_RG_60M_2016_4326_LEVL_2.geojson.gz",
}
_LEVELS: dict[tuple[int, str], tuple[int, ...]] = {
    (2021, "60M"): (0, 1, 2, 3),
    (2024, "20M"): (0, 1, 2, 3),
    (2016, "60M"): (2,),
}
_LABEL_FILE = "NUTS_LB_2021_4326.geojson.gz"

Ring = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class _Feature:
    code: str
    name: str
    level: int
    country: str
    name_national: str
    # polygons -> rings (exterior first) -> read-only (n, 2) float arrays of lon, lat
    polygons: tuple[tuple[Ring, ...], ...]


def _is_extra_regio(code: str) -> bool:
    return len(code) > 2 and set(code[2:]) == {"Z"}


def _clean_name(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _read_json(path: Path) -> Any:
    try:
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise InputError(
            "expected a GISCO boundary file, found none (run `polisee data fetch`)", path=path
        ) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"expected a gzip-compressed GeoJSON file, got: {exc}", path=path) from exc
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        raise InputError(f"expected valid GeoJSON, got: {exc}", path=path, line=line) from exc


def _ring(coords: Any, path: Path, where: str) -> Ring:
    try:
        ring = np.asarray(coords, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            "expected a list of [lon, lat] positions", path=path, field=where
        ) from None
    if ring.ndim != 2 or ring.shape[1] < 2 or ring.shape[0] < 4 or not np.isfinite(ring).all():
        raise InputError(
            f"expected a closed ring of at least 4 [lon, lat] positions, got shape {ring.shape}",
            path=path,
            field=where,
        )
    ring = np.ascontiguousarray(ring[:, :2])
    ring.setflags(write=False)
    return ring


def _polygons(geometry: Any, path: Path, where: str) -> tuple[tuple[Ring, ...], ...]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    parts: Any
    if kind == "Polygon":
        parts = [coords]
    elif kind == "MultiPolygon":
        parts = coords
    else:
        raise InputError(
            f"expected a Polygon or MultiPolygon, got {kind!r}", path=path, field=f"{where}.type"
        )
    if not isinstance(parts, list) or not all(isinstance(p, list) and p for p in parts):
        raise InputError("expected lists of rings", path=path, field=f"{where}.coordinates")
    return tuple(
        tuple(_ring(r, path, f"{where}.coordinates[{i}][{j}]") for j, r in enumerate(p))
        for i, p in enumerate(parts)
    )


def _features(doc: Any, path: Path) -> Iterator[tuple[int, dict[str, Any], Any]]:
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise InputError("expected a FeatureCollection with a 'features' list", path=path)
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise InputError("expected an object", path=path, field=f"features[{i}].properties")
        for key in ("NUTS_ID", "LEVL_CODE"):
            if props.get(key) is None:
                raise InputError(
                    f"expected a value in {key}", path=path, field=f"features[{i}].properties.{key}"
                )
        yield i, props, feature.get("geometry")


@functools.lru_cache(maxsize=16)
def _parse_regions(path: Path, stamp: tuple[int, int]) -> tuple[_Feature, ...]:
    # ``stamp`` (mtime, size) makes a refreshed file parse again under the same path.
    doc = _read_json(path)
    out = []
    for i, props, geometry in _features(doc, path):
        code = str(props["NUTS_ID"]).strip()
        if _is_extra_regio(code) or geometry is None:
            continue  # extra-regio has no territory; a null geometry cannot be drawn
        national = _clean_name(props.get("NUTS_NAME"))
        name = _clean_name(props.get("NAME_LATN")) or national
        try:
            level = int(props["LEVL_CODE"])
        except (TypeError, ValueError):
            raise InputError(
                f"expected an integer level, got {props['LEVL_CODE']!r}",
                path=path,
                field=f"features[{i}].properties.LEVL_CODE",
            ) from None
        country = str(props.get("CNTR_CODE") or code[:2])
        out.append(
            _Feature(
                code,
                name,
                level,
                country,
                national or name,
                _polygons(geometry, path, f"features[{i}].geometry"),
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _parse_labels(path: Path, stamp: tuple[int, int]) -> tuple[tuple[str, int, float, float], ...]:
    doc = _read_json(path)
    out = []
    for i, props, geometry in _features(doc, path):
        code = str(props["NUTS_ID"]).strip()
        if _is_extra_regio(code):
            continue
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (
            not isinstance(geometry, dict)
            or geometry.get("type") != "Point"
            or not isinstance(coords, list)
            or len(coords) < 2
        ):
            raise InputError(
                "expected a Point geometry", path=path, field=f"features[{i}].geometry"
            )
        out.append((code, int(props["LEVL_CODE"]), float(coords[0]), float(coords[1])))
    return tuple(out)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputError(
            "expected a GISCO boundary file, found none (run `polisee data fetch`)", path=path
        ) from None
    return stat.st_mtime_ns, stat.st_size


def _boundary_path(data_dir: str | Path, level: int, version: int, scale: str) -> Path:
    key = (int(version), scale.upper().removeprefix("1:"))
    if key not in _FILES or level not in _LEVELS[key]:
        available = ", ".join(
            f"{v} {s} levels {'/'.join(map(str, lv))}" for (v, s), lv in _LEVELS.items()
        )
        raise NotFound(
            f"no GISCO boundaries for NUTS {version} at 1:{key[1]}, level {level}; "
            f"available: {available}"
        )
    return Path(data_dir) / "nuts_geo" / _FILES[key].format(level=level)


def simplify_line(points: Any, tolerance: float) -> Ring:
    """Simplify a polyline with the Douglas-Peucker algorithm.

    Parameters
    ----------
    points : array-like of shape (n, 2)
        Positions in order; a closed ring (first == last) is allowed.
    tolerance : float
        Largest distance, in the units of ``points``, that any dropped point may lie
        from the simplified line.

    Returns
    -------
    numpy.ndarray
        A subsequence of ``points`` that keeps the first and the last point; every
        dropped point lies within ``tolerance`` of the segment joining the kept
        points on either side of it.

    Examples
    --------
    >>> simplify_line([[0, 0], [1, 0.01], [2, 0], [3, 5]], 0.1).tolist()
    [[0.0, 0.0], [2.0, 0.0], [3.0, 5.0]]
    """
    pts = np.asarray(points, dtype=np.float64)
    return _f64(pts[_keep_mask(pts, float(tolerance))])


def _f64(values: Any) -> Ring:
    return np.asarray(values, dtype=np.float64)


def _lengths(vectors: Ring) -> Ring:
    return _f64(np.hypot(vectors[:, 0], vectors[:, 1]))


def _segment_distances(pts: Ring, a: int, b: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Distances of ``pts[a+1:b]`` to the segment ``pts[a]``-``pts[b]`` (clamped ends)."""
    start, end = pts[a], pts[b]
    inner = pts[a + 1 : b]
    direction = end - start
    length2 = float(direction @ direction)
    if length2 == 0.0:
        return _lengths(inner - start)
    t = np.clip(((inner - start) @ direction) / length2, 0.0, 1.0)
    nearest = start + t[:, None] * direction
    return _lengths(inner - nearest)


def _keep_mask(pts: Ring, tolerance: float) -> np.ndarray[Any, np.dtype[np.bool_]]:
    n = len(pts)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        dist = _segment_distances(pts, a, b)
        worst = int(np.argmax(dist))
        if dist[worst] > tolerance:
            mid = a + 1 + worst
            keep[mid] = True
            stack.append((a, mid))
            stack.append((mid, b))
    return keep


def _simplify_ring(ring: Ring, tolerance: float) -> Ring:
    if tolerance <= 0:
        return ring
    keep = _keep_mask(ring, tolerance)
    if keep.sum() >= 4:
        return _f64(ring[keep])
    # Too coarse for this ring: keep a triangle of far-apart points so it stays a polygon.
    far = int(np.argmax(_lengths(ring - ring[0])))
    dist = _segment_distances(ring, 0, far) if far > 1 else np.zeros(0)
    third = 1 + int(np.argmax(dist)) if len(dist) else far
    idx = sorted({0, far, third, len(ring) - 1})
    return _f64(ring[idx]) if len(idx) == 4 else ring


def _round_ring(ring: Ring, precision: int) -> list[list[float]]:
    rounded = np.round(ring, precision)
    step = np.any(rounded[1:] != rounded[:-1], axis=1)
    dedup = np.concatenate([[True], step])
    if dedup.sum() >= 4:
        rounded = rounded[dedup]
    out: list[list[float]] = rounded.tolist()
    return out


def _extent(ring: Ring) -> float:
    span = ring.max(axis=0) - ring.min(axis=0)
    return float(np.hypot(*span))


def _geometry(feature: _Feature, precision: int, tolerance: float) -> dict[str, Any]:
    polygons = []
    for polygon in feature.polygons:
        rings = [polygon[0]] + [h for h in polygon[1:] if tolerance <= 0 or _extent(h) >= tolerance]
        polygons.append([_round_ring(_simplify_ring(r, tolerance), precision) for r in rings])
    if tolerance > 0 and len(polygons) > 1:
        # Islands smaller than the tolerance vanish, but a region always keeps its largest part.
        sizes = [_extent(p[0]) for p in feature.polygons]
        largest = int(np.argmax(sizes))
        polygons = [p for i, p in enumerate(polygons) if sizes[i] >= tolerance or i == largest]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def load_boundaries(
    data_dir: str | Path,
    *,
    level: int,
    version: int = 2021,
    scale: str = "60M",
    precision: int = 5,
    tolerance: float = 0.0,
) -> dict[str, Any]:
    """NUTS regions of one level as a GeoJSON FeatureCollection.

    Parameters
    ----------
    data_dir : str or Path
        The data directory; the files are read from its ``nuts_geo/`` folder.
    level : int
        NUTS level 0-3.
    version : int
        NUTS version: 2021 (1:60M, levels 0-3), 2024 (1:20M, levels 0-3, filtered from
        one all-level file) or 2016 (1:60M, level 2 only).
    scale : str
        ``"60M"`` or ``"20M"``, as available for ``version``.
    precision : int
        Decimals kept in coordinates (5 decimals is about 1 m).
    tolerance : float
        Douglas-Peucker tolerance in degrees; 0 keeps every vertex. Holes and islands
        smaller than the tolerance are dropped, but every region keeps its largest
        polygon and every ring stays closed with at least 4 positions.

    Returns
    -------
    dict
        A new FeatureCollection (safe to mutate) whose features have ``id`` = code and
        properties ``code, name`` (Latin script), ``name_national`` (the national form,
        e.g. Greek), ``level, country``; extra-regio codes are excluded.

    Raises
    ------
    NotFound
        When no file exists for this version, scale and level.
    InputError
        When the file is missing or corrupt (names the file and the JSON field).
    """
    path = _boundary_path(data_dir, level, version, scale)
    features = [
        {
            "type": "Feature",
            "id": f.code,
            "properties": {
                "code": f.code,
                "name": f.name,
                "name_national": f.name_national,
                "level": f.level,
                "country": f.country,
            },
            "geometry": _geometry(f, precision, tolerance),
        }
        for f in _parse_regions(path, _stamp(path))
        if f.level == level
    ]
    return {"type": "FeatureCollection", "features": features}


def boundaries_geojson(
    data_dir: str | Path,
    *,
    level: int,
    version: int = 2021,
    scale: str = "60M",
    precision: int = 5,
    tolerance: float = 0.0,
) -> bytes:
    """:func:`load_boundaries` as compact UTF-8 JSON bytes, ready to serve.

    The NUTS-2 2021 1:60M map is about 0.2 MB without simplification.
    """
    collection = load_boundaries(
        data_dir,
        level=level,
        version=version,
        scale=scale,
        precision=precision,
        tolerance=tolerance,
    )
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def label_points(
    data_dir: str | Path, *, level: int | None = None
) -> dict[str, tuple[float, float]]:
    """Label point of each NUTS 2021 region, ``code -> (lon, lat)``.

    Parameters
    ----------
    data_dir : str or Path
        The data directory; reads ``nuts_geo/NUTS_LB_2021_4326.geojson.gz``.
    level : int, optional
        Keep one NUTS level only; all levels (0-3) by default.

    Returns
    -------
    dict
        A new mapping from region code to its (longitude, latitude) label position,
        extra-regio codes excluded.
    """
    path = Path(data_dir) / "nuts_geo" / _LABEL_FILE
    return {
        code: (lon, lat)
        for code, lvl, lon, lat in _parse_labels(path, _stamp(path))
        if level is None or lvl == level
    }


def bounds(
    collection: dict[str, Any],
    *,
    frame: tuple[float, float, float, float] | None = EUROPE_FRAME,
) -> tuple[float, float, float, float]:
    """Bounding box ``(west, south, east, north)`` of a FeatureCollection.

    Parameters
    ----------
    collection : dict
        A GeoJSON FeatureCollection of Polygons and MultiPolygons.
    frame : tuple, optional
        Polygon parts whose bounding-box centre lies outside this box are ignored,
        so that a map of Europe is not zoomed out to the Caribbean; when every part
        lies outside it (a map of Réunion), all parts count. ``None`` counts all parts.

    Returns
    -------
    tuple of float
        west, south, east, north in degrees.

    Raises
    ------
    InputError
        When the collection has no polygon.
    """
    boxes = []
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        parts = geometry.get("coordinates", [])
        if geometry.get("type") == "Polygon":
            parts = [parts]
        elif geometry.get("type") != "MultiPolygon":
            continue
        for polygon in parts:
            ring = np.asarray(polygon[0], dtype=np.float64)[:, :2]
            boxes.append(np.concatenate([ring.min(axis=0), ring.max(axis=0)]))
    if not boxes:
        raise InputError("expected at least one Polygon or MultiPolygon", field="features")
    box = np.asarray(boxes)
    if frame is not None:
        cx = (box[:, 0] + box[:, 2]) / 2
        cy = (box[:, 1] + box[:, 3]) / 2
        inside = (cx >= frame[0]) & (cx <= frame[2]) & (cy >= frame[1]) & (cy <= frame[3])
        if inside.any():
            box = box[inside]
    return (
        float(box[:, 0].min()),
        float(box[:, 1].min()),
        float(box[:, 2].max()),
        float(box[:, 3].max()),
    )

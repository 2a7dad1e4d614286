"""Static choropleth maps for printed reports: GeoJSON regions projected to SVG paths.

The explorer draws maps with Leaflet in the browser; a PDF needs them drawn beforehand.
Regions (GISCO GeoJSON, longitude/latitude) are projected with the spherical Web Mercator
formula, fitted into a frame around the region's country, filled by class and clipped to
the frame; country borders are drawn over them and the reported region is outlined.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from polisee.services.reports._svg import FONT_FAMILY, text_width

__all__ = [
    "LQ_CLASSES",
    "NO_DATA_FILL",
    "SEQUENTIAL",
    "Frame",
    "LegendItem",
    "MapShape",
    "choropleth_svg",
    "class_of",
    "frame_around",
    "mercator",
    "quantile_edges",
    "shapes_from_geojson",
]

#: ColorBrewer YlGnBu, six classes, light to dark (colour-blind safe, prints in grey).
SEQUENTIAL = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA_FILL = "#e5e7eb"
_HIGHLIGHT = "#c2410c"

#: Location quotient classes with a meaning: under-represented, about average, specialised.
LQ_CLASSES = (0.5, 0.8, 1.25, 2.0, 4.0)

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class MapShape:
    """A region to draw: its code, polygons of rings of (longitude, latitude), and fill."""

    code: str
    polygons: tuple[tuple[Ring, ...], ...]
    fill: str = NO_DATA_FILL


@dataclass(frozen=True)
class LegendItem:
    color: str
    label: str


@dataclass(frozen=True)
class Frame:
    """A projected rectangle (Web Mercator units): what the map shows."""

    x0: float
    y0: float
    x1: float
    y1: float


def mercator(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Spherical Web Mercator of degrees, in radians of the unit sphere.

    >>> x, y = mercator(0.0, 0.0)
    >>> float(x), abs(float(y)) < 1e-12
    (0.0, True)
    >>> round(float(mercator(180.0, 45.0)[1]), 4)
    0.8814
    """
    lam = np.radians(lon)
    phi = np.radians(np.clip(lat, -85.0, 85.0))
    return lam, np.log(np.tan(np.pi / 4 + phi / 2))


def frame_around(
    bounds: tuple[float, float, float, float], *, aspect: float, margin: float = 0.3
) -> Frame:
    """The frame around ``(west, south, east, north)`` degrees with ``margin`` (a share of the
    larger side) on every side, widened or heightened to ``aspect`` (width / height).

    >>> f = frame_around((16.0, 45.7, 22.9, 48.6), aspect=1.5)
    >>> round((f.x1 - f.x0) / (f.y1 - f.y0), 6)
    1.5
    """
    west, south, east, north = bounds
    (x0, x1), (y0, y1) = mercator(np.array([west, east]), np.array([south, north]))
    x0, x1, y0, y1 = float(x0), float(x1), float(y0), float(y1)
    pad = margin * max(x1 - x0, y1 - y0)
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    width, height = x1 - x0, y1 - y0
    if width / height < aspect:
        grow = (height * aspect - width) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (width / aspect - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    return Frame(x0, y0, x1, y1)


def class_of(value: float | None, edges: Sequence[float]) -> int | None:
    """Index of the class of ``value`` for inner ``edges`` (``len(edges) + 1`` classes).

    >>> [class_of(v, (0.8, 1.25)) for v in (0.5, 0.8, 1.0, 1.25, 9.0, None)]
    [0, 1, 1, 2, 2, None]
    """
    if value is None or not math.isfinite(value):
        return None
    return sum(1 for edge in edges if value >= edge)


def quantile_edges(values: Iterable[float | None], classes: int) -> list[float]:
    """Inner edges that split the known ``values`` into ``classes`` groups of equal count,
    without repeated edges.

    >>> quantile_edges([1, 2, 3, 4, None], 2)
    [2.5]
    """
    known = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if len(known) == 0 or classes < 2:
        return []
    inner = np.quantile(known, np.linspace(0, 1, classes + 1)[1:-1])
    out: list[float] = []
    for edge in inner.tolist():
        if not out or edge > out[-1]:
            out.append(float(edge))
    return out


def shapes_from_geojson(
    collection: Mapping[str, Any], fills: Mapping[str, str], *, default: str = NO_DATA_FILL
) -> list[MapShape]:
    """One :class:`MapShape` per feature of a GeoJSON FeatureCollection (``id`` or
    ``properties.code`` is the code), filled from ``fills``."""
    shapes = []
    for feature in collection.get("features", []):
        code = str(feature.get("id") or feature.get("properties", {}).get("code", ""))
        geometry = feature.get("geometry") or {}
        parts = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            parts = [parts]
        elif geometry.get("type") != "MultiPolygon":
            continue
        polygons = tuple(
            tuple([(float(p[0]), float(p[1])) for p in ring] for ring in polygon)
            for polygon in parts
        )
        shapes.append(MapShape(code, polygons, fills.get(code, default)))
    return shapes


def _bbox(shape: MapShape) -> tuple[float, float, float, float]:
    xs = [p[0] for polygon in shape.polygons for p in polygon[0]]
    ys = [p[1] for polygon in shape.polygons for p in polygon[0]]
    return min(xs), min(ys), max(xs), max(ys)


def _path(
    shape: MapShape, frame: Frame, scale: float, pad: float = 0.0
) -> tuple[str, tuple[float, float, float] | None]:
    """The SVG path of ``shape`` in px, and the centre and area of its largest ring."""
    parts = []
    largest: tuple[float, float, float] | None = None
    for polygon in shape.polygons:
        for k, ring in enumerate(polygon):
            coords = np.asarray(ring, dtype=float)
            x, y = mercator(coords[:, 0], coords[:, 1])
            px = (x - frame.x0) * scale
            py = (frame.y1 - y) * scale + pad
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
            parts.append(f"M{points}Z")
            if k == 0:
                area = 0.5 * abs(float(np.dot(px, np.roll(py, 1)) - np.dot(py, np.roll(px, 1))))
                if largest is None or area > largest[2]:
                    largest = (float(px.mean()), float(py.mean()), area)
    return "".join(parts), largest


def choropleth_svg(
    shapes: Sequence[MapShape],
    *,
    frame: Frame,
    width: float,
    title: str,
    legend: Sequence[LegendItem],
    legend_title: str,
    borders: Sequence[MapShape] = (),
    highlight: str | None = None,
    highlight_label: str = "",
    labels: Sequence[tuple[str, float, float]] = (),
    ident: str = "map",
) -> str:
    """A choropleth map of ``shapes`` inside ``frame``, ``width`` px wide, with a legend
    under it; ``borders`` (countries) are drawn over the regions, ``highlight`` outlined
    and labelled with ``highlight_label``; ``labels`` are ``(text, lon, lat)`` place names
    (countries), drawn where they fall inside the frame and clear of the highlight label.

    Shapes wholly outside the frame are left out; the rest are clipped to it. ``ident``
    keeps the clip path's id unique when a document holds several maps.
    """
    scale = width / (frame.x1 - frame.x0)
    map_height = (frame.y1 - frame.y0) * scale
    west, south = (math.degrees(frame.x0), _lat(frame.y0))
    east, north = (math.degrees(frame.x1), _lat(frame.y1))
    rows = _legend_rows(legend, width)
    height = map_height + 24 + 17 * len(rows)

    def inside(shape: MapShape) -> bool:
        w, s, e, n = _bbox(shape)
        return e >= west and w <= east and n >= south and s <= north

    clip = f"{ident}-clip"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}" role="img" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="10" fill="#1f2933">',
        f"<title>{escape(title)}</title>",
        f'<defs><clipPath id="{clip}"><rect x="0" y="0" width="{width:.1f}" '
        f'height="{map_height:.1f}"/></clipPath></defs>',
        f'<rect x="0" y="0" width="{width:.1f}" height="{map_height:.1f}" fill="#f4f7fa"/>',
        f'<g clip-path="url(#{clip})">',
    ]
    label_at: tuple[float, float, float] | None = None
    for shape in shapes:
        if not inside(shape):
            continue
        path, _ = _path(shape, frame, scale)
        out.append(
            f'<path d="{path}" fill="{shape.fill}" fill-rule="evenodd" stroke="#ffffff" '
            f'stroke-width="0.5"/>'
        )
    for border in borders:
        if inside(border):
            path, _ = _path(border, frame, scale)
            out.append(
                f'<path d="{path}" fill="none" stroke="#3e4c59" stroke-width="0.9" '
                f'stroke-linejoin="round"/>'
            )
    for shape in shapes:
        if shape.code == highlight:
            path, label_at = _path(shape, frame, scale)
            out.append(
                f'<path d="{path}" fill="none" stroke="{_HIGHLIGHT}" stroke-width="2.4" '
                f'stroke-linejoin="round"/>'
            )
    halo = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
    for text, lon, lat in labels:
        x, y = mercator(lon, lat)
        px, py = (float(x) - frame.x0) * scale, (frame.y1 - float(y)) * scale
        half = text_width(text, 9) / 2
        if not (half + 2 < px < width - half - 2 and 12 < py < map_height - 6):
            continue
        if (
            label_at is not None
            and abs(px - label_at[0]) < half + 30
            and abs(py - label_at[1]) < 18
        ):
            continue
        for stroke in (halo, ""):
            out.append(
                f'<text x="{px:.1f}" y="{py:.1f}" text-anchor="middle" font-size="9" '
                f'font-style="italic" fill="#3e4c59" {stroke}>{escape(text)}</text>'
            )
    if label_at is not None and highlight_label:
        cx, cy, _ = label_at
        for stroke in (halo, ""):
            out.append(
                f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" font-size="11" '
                f'font-weight="bold" {stroke}>{escape(highlight_label)}</text>'
            )
    out.append("</g>")
    out.append(
        f'<rect x="0.5" y="0.5" width="{width - 1:.1f}" height="{map_height - 1:.1f}" '
        f'fill="none" stroke="#9aa5b1" stroke-width="0.8"/>'
    )
    y = map_height + 16
    out.append(f'<text x="0" y="{y:.1f}" font-weight="bold">{escape(legend_title)}</text>')
    for row in rows:
        y += 17
        for x, item in row:
            out.append(
                f'<rect x="{x:.1f}" y="{y - 9.5:.1f}" width="14" height="11" fill="{item.color}" '
                f'stroke="#9aa5b1" stroke-width="0.5"/>'
            )
            out.append(f'<text x="{x + 18:.1f}" y="{y:.1f}">{escape(item.label)}</text>')
    out.append("</svg>")
    return "".join(out)


def _legend_rows(
    legend: Sequence[LegendItem], width: float
) -> list[list[tuple[float, LegendItem]]]:
    """Legend items placed left to right, wrapped onto new rows at ``width``."""
    rows: list[list[tuple[float, LegendItem]]] = [[]]
    x = 0.0
    for item in legend:
        step = 18 + text_width(item.label, 10) + 14
        if rows[-1] and x + step - 14 > width:
            rows.append([])
            x = 0.0
        rows[-1].append((x, item))
        x += step
    return rows


def _lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)

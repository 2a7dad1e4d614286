"""Colour scales, class breaks and the choropleth map spec (Leaflet, map.js)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from polisee.errors import InputError
from polisee.web.charts._numbers import _decimals_for, _num, format_number

__all__ = [
    "NO_DATA_COLOR",
    "PALETTES",
    "SERIES_COLORS",
    "choropleth",
    "class_breaks",
    "classify",
    "color_scale",
]

#: Okabe-Ito: distinguishable with every common colour-vision deficiency.
SERIES_COLORS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]

#: Colour-blind-safe sequential palettes, light to dark (ColorBrewer YlGnBu and Blues for
#: 9 classes, matplotlib viridis sampled at 8 stops); :func:`color_scale` interpolates.
# fmt: off
PALETTES: dict[str, tuple[str, ...]] = {
    "YlGnBu": ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"),
    "Blues": ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"),
    "viridis": ("#fde725", "#a0da39", "#4ac16d", "#1fa187", "#277f8e", "#365c8d", "#46327e", "#440154"),
}
# fmt: on

# ColorBrewer's own hand-tuned YlGnBu sets for 3-9 classes (better than interpolation).
_YLGNBU = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    8: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    9: PALETTES["YlGnBu"],
}

#: Regions without a value: a neutral grey that no sequential palette above contains.
NO_DATA_COLOR = "#d9d9d9"


def _hex_to_rgb(color: str) -> tuple[int, int, int]:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        raise InputError(f"expected a colour like '#1d91c0', got {color!r}", field="palette")
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def color_scale(n: int, palette: str | Sequence[str] = "YlGnBu") -> list[str]:
    """``n`` colours from light to dark.

    Parameters
    ----------
    n : int
        Number of colours (classes), at least 1.
    palette : str or sequence of str
        A name in :data:`PALETTES` or your own hex colours, light to dark; the colours
        are interpolated in RGB when ``n`` differs from their count.

    Returns
    -------
    list of str
        Hex colours ``#rrggbb``.

    Examples
    --------
    >>> color_scale(3)
    ['#edf8b1', '#7fcdbb', '#2c7fb8']
    >>> color_scale(3, ["#000000", "#ffffff"])
    ['#000000', '#808080', '#ffffff']
    """
    if n < 1:
        raise InputError(f"expected at least 1 colour, got {n}", field="n_classes")
    if isinstance(palette, str):
        if palette == "YlGnBu" and n in _YLGNBU:
            return list(_YLGNBU[n])
        if palette not in PALETTES:
            raise InputError(
                f"expected a palette in {sorted(PALETTES)}, got {palette!r}", field="palette"
            )
        stops = list(PALETTES[palette])
    else:
        stops = list(palette)
        if not stops:
            raise InputError("expected at least one colour in the palette", field="palette")
    rgb = np.array([_hex_to_rgb(c) for c in stops], dtype=float)
    if len(stops) == n:
        return [c.lower() for c in stops]
    if len(stops) == 1:
        return [stops[0].lower()] * n
    where = np.linspace(0, len(stops) - 1, n)
    channels = [np.interp(where, np.arange(len(stops)), rgb[:, k]) for k in range(3)]
    return [
        "#{:02x}{:02x}{:02x}".format(*(round(float(c[i]) + 1e-9) for c in channels))
        for i in range(n)
    ]


# --- class breaks -----------------------------------------------------------------------


def _natural_breaks(sorted_values: np.ndarray[Any, np.dtype[np.float64]], k: int) -> list[float]:
    """Fisher-Jenks optimal breaks (least within-class squared deviation), by dynamic programming."""
    x = sorted_values
    if len(x) > 1000:  # O(n^2) memory: classify a quantile sample of large inputs
        x = np.quantile(x, np.linspace(0, 1, 1000))
    n = len(x)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    start = np.arange(n)[:, None]
    end = np.arange(1, n + 1)[None, :]
    count = end - start
    valid = count > 0
    safe = np.where(valid, count, 1)
    # ssd[m, e-1]: within-class squared deviation of x[m:e]
    ssd = np.where(valid, s2[end] - s2[start] - (s1[end] - s1[start]) ** 2 / safe, np.inf)
    cost = np.concatenate([[np.inf], ssd[0]])  # cost[e]: best for x[:e] in one class
    starts: list[np.ndarray[Any, np.dtype[np.intp]]] = []
    for _ in range(1, k):
        total = cost[:n, None] + ssd  # total[m, e-1]: previous classes x[:m], last class x[m:e]
        best = np.argmin(total, axis=0)
        starts.append(best)
        cost = np.concatenate([[np.inf], total[best, np.arange(n)]])
    cuts = []
    e = n
    for best in reversed(starts):
        m = int(best[e - 1])
        cuts.append(m)
        e = m
    # Cut halfway between the classes: an edge never equals the minimum or the maximum,
    # so a class holding only the largest value survives.
    inner = [float(x[m - 1] + x[m]) / 2 for m in sorted(cuts) if 0 < m < n]
    return [float(x[0]), *inner, float(x[-1])]


def class_breaks(
    values: Iterable[float | None],
    *,
    method: str | Sequence[float] = "quantile",
    n_classes: int = 5,
) -> list[float]:
    """Class edges ``[b0, b1, ..., bk]`` from the minimum to the maximum of ``values``.

    Parameters
    ----------
    values : iterable of float or None
        Missing values (None, NaN) are ignored.
    method : {"quantile", "equal", "jenks"} or sequence of float
        Equal counts per class, equal widths, or natural breaks (Fisher-Jenks: least
        squared deviation within classes, cut halfway between neighbouring values);
        or your own inner edges.
    n_classes : int
        Wanted number of classes; fewer come back when there are fewer distinct values.

    Returns
    -------
    list of float
        Strictly increasing edges covering min..max (a single ``[v, v]`` when every value
        is ``v``; empty when no value is present). Class ``i`` holds
        ``b[i] <= v < b[i+1]``, the last class also ``v == bk``.

    Examples
    --------
    >>> class_breaks([1, 2, 3, 4, 5], method="equal", n_classes=2)
    [1.0, 3.0, 5.0]
    >>> class_breaks([1, 1, 2, 9, 10], method="jenks", n_classes=2)
    [1.0, 5.5, 10.0]
    """
    x = np.sort(np.asarray([v for v in (_num(v) for v in values) if v is not None], dtype=float))
    if len(x) == 0:
        return []
    low, high = float(x[0]), float(x[-1])
    if low == high:
        return [low, high]
    if n_classes < 1:
        raise InputError(f"expected at least 1 class, got {n_classes}", field="n_classes")
    if isinstance(method, str):
        if method == "quantile":
            edges = np.quantile(x, np.linspace(0, 1, n_classes + 1)).tolist()
        elif method == "equal":
            edges = np.linspace(low, high, n_classes + 1).tolist()
        elif method == "jenks":
            edges = _natural_breaks(x, n_classes)
        else:
            raise InputError(
                f"expected breaks 'quantile', 'equal', 'jenks' or a list of numbers, got {method!r}",
                field="breaks",
            )
    else:
        inner = sorted(float(b) for b in method if low < float(b) < high)
        edges = [low, *inner, high]
    out = [float(edges[0])]
    for edge in edges[1:]:
        if float(edge) > out[-1]:
            out.append(float(edge))
    out[0], out[-1] = low, high
    return out


def classify(values: Iterable[float | None], breaks: Sequence[float]) -> list[int | None]:
    """Class index of each value for ``breaks`` from :func:`class_breaks`; None when missing.

    Examples
    --------
    >>> classify([1, 2.9, 3, 5, None], [1.0, 3.0, 5.0])
    [0, 0, 1, 1, None]
    """
    inner = np.asarray(breaks[1:-1], dtype=float)
    last = max(len(breaks) - 2, 0)
    out: list[int | None] = []
    for value in values:
        number = _num(value)
        if number is None:
            out.append(None)
        else:
            out.append(min(int(np.searchsorted(inner, number, side="right")), last))
    return out


def _legend_decimals(breaks: Sequence[float]) -> int:
    """Fewest decimals (up to 6) that move no edge by more than 5 % of the narrowest class."""
    if len(breaks) < 2:
        return _decimals_for(breaks[0], 3) if breaks else 0
    edges = np.asarray(breaks, dtype=float)
    allowed = 0.05 * float(np.min(np.diff(edges)))
    for places in range(6):
        rounded = np.round(edges, places)
        if np.max(np.abs(rounded - edges)) <= allowed and np.all(np.diff(rounded) > 0):
            return places
    return 6


def choropleth(
    values: Mapping[str, float | None],
    *,
    indicator: str,
    unit: str = "",
    breaks: str | Sequence[float] = "quantile",
    n_classes: int = 5,
    palette: str | Sequence[str] = "YlGnBu",
    locale: str = "en",
    no_data_color: str = NO_DATA_COLOR,
    no_data_label: str = "No data",
) -> dict[str, Any]:
    """A choropleth map spec for ``static/js/map.js`` (Leaflet).

    Parameters
    ----------
    values : mapping of str to float or None
        Region code -> value; None or NaN means no data.
    indicator, unit : str
        What is mapped, for the legend title and tooltips.
    breaks : {"quantile", "equal", "jenks"} or sequence of float
        How classes are cut (see :func:`class_breaks`).
    n_classes : int
        Number of classes (fewer when there are fewer distinct values).
    palette : str or sequence of str
        Sequential colours, light to dark (see :func:`color_scale`).
    locale : str
        Number formatting (see :func:`format_number`).
    no_data_color, no_data_label : str
        How regions without a value look; never a class colour.

    Returns
    -------
    dict
        ``indicator``, ``unit``, ``breaks`` (edges), ``classes`` (``lower``, ``upper``,
        ``color``, ``label``, ``count``), ``colors`` (code -> colour for every code),
        ``classes_by_region`` (code -> class index or None), ``values`` (code -> float or
        None), ``labels`` (code -> formatted value) and ``legend`` (``title``, ``items``
        with one ``color``/``label`` per class, ``no_data``).

    Examples
    --------
    >>> spec = choropleth({"A": 1.0, "B": 2.0, "C": None}, indicator="GDP", n_classes=2)
    >>> spec["colors"]["C"] == NO_DATA_COLOR, spec["labels"]["C"]
    (True, 'no data')
    """
    codes = [str(c) for c in values]
    numbers = [_num(values[c]) for c in values]
    edges = class_breaks(numbers, method=breaks, n_classes=n_classes)
    count = max(len(edges) - 1, 1) if edges else 0
    colors = color_scale(count, palette) if count else []
    if no_data_color.lower() in colors:
        raise InputError(
            f"expected a no-data colour outside the palette, got {no_data_color}", field="palette"
        )
    index = classify(numbers, edges) if edges else [None] * len(numbers)
    places = _legend_decimals(edges)
    classes = []
    for i in range(count):
        lower, upper = edges[i], edges[min(i + 1, len(edges) - 1)]
        low_text = format_number(lower, locale=locale, decimals=places)
        high_text = format_number(upper, locale=locale, decimals=places)
        classes.append(
            {
                "lower": lower,
                "upper": upper,
                "color": colors[i],
                "label": low_text if lower == upper else f"{low_text} – {high_text}",
                "count": sum(1 for k in index if k == i),
            }
        )
    title = f"{indicator} ({unit})" if unit else indicator
    return {
        "type": "choropleth",
        "indicator": indicator,
        "unit": unit,
        "method": breaks if isinstance(breaks, str) else "manual",
        "breaks": edges,
        "classes": classes,
        "colors": {
            code: (colors[k] if k is not None else no_data_color)
            for code, k in zip(codes, index, strict=True)
        },
        "classes_by_region": dict(zip(codes, index, strict=True)),
        "values": dict(zip(codes, numbers, strict=True)),
        "labels": {
            code: format_number(v, unit, locale, missing=no_data_label.lower())
            for code, v in zip(codes, numbers, strict=True)
        },
        "legend": {
            "title": title,
            "items": [{"color": c["color"], "label": c["label"]} for c in classes],
            "no_data": {
                "color": no_data_color,
                "label": no_data_label,
                "count": sum(1 for k in index if k is None),
            },
        },
    }


# --- ECharts specs ----------------------------------------------------------------------

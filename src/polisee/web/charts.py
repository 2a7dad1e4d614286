"""Chart and map specs for the evidence explorer, built by pure functions.

Every chart function returns a JSON-serialisable Apache ECharts 5 option dict that a
template embeds in ``data-spec`` (or a ``<script type="application/json">`` block) on an
element with ``data-chart``; ``static/js/charts.js`` renders it. :func:`choropleth` returns
a map spec that ``static/js/map.js`` applies to GeoJSON boundaries drawn with Leaflet.

Specs hold data, never code. Where ECharts wants a JavaScript formatter, the spec names
one that ``charts.js`` provides:

- ``"polisee:item"``: the hovered item's ``heading`` (else its name) and its ``rows``,
  a list of ``[label, formatted value]`` pairs built here with :func:`format_number`;
- ``"polisee:axis"``: the axis value, then per series its ``text`` or "no data".

Missing values are ``None`` (JSON ``null``), never zero: lines break at them, bars and
points are left out, maps paint them in :data:`NO_DATA_COLOR`.

Each chart has a title, ``aria.enabled`` (ECharts writes a text description for screen
readers) and a toolbox ``saveAsImage`` button (PNG). SVG export works by initialising the
chart with ``echarts.init(el, null, {renderer: "svg"})``; ``charts.js`` does that when an
element has ``data-renderer="svg"`` and offers PNG and SVG download buttons for every chart.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from polisee.errors import InputError

__all__ = [
    "NO_DATA_COLOR",
    "PALETTES",
    "QUADRANT_LABELS",
    "SERIES_COLORS",
    "choropleth",
    "class_breaks",
    "classify",
    "color_scale",
    "format_number",
    "lq_bar",
    "opportunity_scatter",
    "radar",
    "shift_share_bar",
    "trend_lines",
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

#: Quadrants of the opportunity scatter (Balland et al. 2019), in the order
#: top-right, top-left, bottom-right, bottom-left.
QUADRANT_LABELS = (
    "Low risk, high benefit",
    "High risk, high benefit",
    "Low risk, low benefit",
    "High risk, low benefit",
)

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_INK = "#1f2933"
_MUTED = "#52606d"


# --- numbers and colours ----------------------------------------------------------------


def _num(value: object) -> float | None:
    """``value`` as a float, or None when missing (None, NaN, pandas NA)."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) or math.isinf(number) else number


def _decimals_for(value: float, significant: int) -> int:
    if value == 0:
        return 0
    magnitude = math.floor(math.log10(abs(value)))
    return max(0, min(6, significant - 1 - magnitude))


def format_number(
    value: float | None,
    unit: str = "",
    locale: str = "en",
    *,
    decimals: int | None = None,
    significant: int = 3,
    missing: str = "no data",
) -> str:
    """Format a number for people: thousand separators, a sensible number of digits.

    Parameters
    ----------
    value : float or None
        The number; None and NaN give ``missing``.
    unit : str
        Appended after a no-break space (``"%"`` sticks to the number in English).
    locale : str
        A CLDR locale such as ``"en"``, ``"de"``, ``"hu"``; separators follow it when
        babel is installed (it is part of the ``web`` extra), else English separators.
    decimals : int, optional
        Fixed number of decimals; by default enough for ``significant`` digits, and
        none for numbers of 10**(significant-1) and above (counts stay exact).
    significant : int
        Significant digits when ``decimals`` is not given.
    missing : str
        Text for a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234567.8, "persons")
    '1,234,568\\xa0persons'
    >>> format_number(0.012345)
    '0.0123'
    >>> format_number(12.5, "%")
    '12.5%'
    >>> format_number(float("nan"))
    'no data'
    """
    number = _num(value)
    if number is None:
        return missing
    places = _decimals_for(number, significant) if decimals is None else max(0, decimals)
    text = _format_decimal(round(number, places), places, locale, fixed=decimals is not None)
    if not unit:
        return text
    if unit == "%" and locale.lower().startswith("en"):
        return text + unit
    return f"{text}\u00a0{unit}"


def _format_decimal(number: float, places: int, locale: str, *, fixed: bool) -> str:
    if number == 0:
        number = 0.0  # no "-0"
    try:
        from babel.core import UnknownLocaleError
        from babel.numbers import format_decimal
    except ImportError:  # pragma: no cover - babel ships with the web extra
        text = f"{number:,.{places}f}"
        return text if fixed or "." not in text else text.rstrip("0").rstrip(".")
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * places if places else "")
    try:
        return str(format_decimal(number, format=pattern, locale=locale))
    except (UnknownLocaleError, ValueError):
        return str(format_decimal(number, format=pattern, locale="en"))


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


def _slug(text: str) -> str:
    """File name stem: ``"Közép-Dunántúl (HU21)"`` -> ``"kozep-dunantul-hu21"``."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60] or "chart"


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]  # None list items (gaps) stay
    return value


def _clean(spec: dict[str, Any]) -> dict[str, Any]:
    """Drop None-valued option keys (an absent option takes ECharts' default, null may not)."""
    out: dict[str, Any] = _drop_none(spec)
    return out


def _base(title: str, *, subtitle: str | None = None) -> dict[str, Any]:
    return {
        "title": {
            "text": title,
            "subtext": subtitle,
            "left": 8,
            "top": 4,
            "textStyle": {"fontSize": 16, "fontWeight": 600, "color": _INK},
            "subtextStyle": {"fontSize": 12, "color": _MUTED},
        },
        "aria": {"enabled": True, "decal": {"show": False}},
        "toolbox": {
            "right": 12,
            "top": 4,
            "feature": {
                "saveAsImage": {
                    "type": "png",
                    "name": _slug(title),
                    "title": "Save as PNG",
                    "pixelRatio": 2,
                    "backgroundColor": "#ffffff",
                }
            },
        },
        "color": list(SERIES_COLORS),
        "backgroundColor": "#ffffff",
        "textStyle": {"fontFamily": _FONT, "color": _INK},
        "animationDuration": 400,
    }


def _tooltip(trigger: str) -> dict[str, Any]:
    return {
        "trigger": trigger,
        "formatter": f"polisee:{trigger}",
        "confine": True,
        "backgroundColor": "rgba(255,255,255,0.97)",
        "borderColor": "#cbd2d9",
        "textStyle": {"color": _INK, "fontSize": 13},
        "extraCssText": "box-shadow: 0 2px 8px rgba(0,0,0,0.15); max-width: 360px; white-space: normal;",
    }


def _value_axis(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "value",
        "name": name,
        "nameLocation": "middle",
        "nameGap": 32,
        "nameTextStyle": {"color": _MUTED, "fontSize": 12},
        "axisLabel": {"color": _MUTED},
        "splitLine": {"lineStyle": {"color": "#e4e7eb"}},
        **extra,
    }


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"expected columns {list(columns)} for {what}, missing {missing}", field=missing[0]
        )


def _short(text: str, limit: int = 42) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def lq_bar(
    frame: pd.DataFrame,
    *,
    title: str,
    top: int = 15,
    employment_unit: str = "persons",
    locale: str = "en",
) -> dict[str, Any]:
    """Horizontal bars of the highest location quotients, with a reference line at LQ = 1.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``industry`` (code), ``title``, ``lq``, ``employment``; one row per industry.
    title : str
        Chart title.
    top : int
        Number of industries shown, highest LQ first; rows without an LQ are left out.
    employment_unit, locale : str
        For the tooltip.

    Returns
    -------
    dict
        An ECharts option; the bar series' ``data`` items carry ``value`` (the LQ),
        ``name`` (the industry code), ``heading`` and ``rows`` for the tooltip. Bars at or
        above 1 (specialised) are dark, below 1 light. SVG export: initialise the chart
        with renderer ``"svg"``.
    """
    _require(frame, ["industry", "title", "lq", "employment"], "lq_bar")
    shown = frame[frame["lq"].notna()].sort_values("lq", ascending=False, kind="stable").head(top)
    data, labels = [], []
    for row, lq in zip(shown.itertuples(index=False), shown["lq"].to_numpy(float), strict=True):
        labels.append(f"{row.industry} · {_short(str(row.title))}")
        data.append(
            {
                "value": float(lq),
                "name": str(row.industry),
                "heading": f"{row.industry} {row.title}",
                "rows": [
                    ["Location quotient", format_number(lq, locale=locale, decimals=2)],
                    ["Employment", format_number(_num(row.employment), employment_unit, locale)],
                ],
                "itemStyle": {"color": SERIES_COLORS[0] if lq >= 1 else "#9ecae1"},
                "label": {"formatter": format_number(lq, locale=locale, decimals=2)},
            }
        )
    left_out = len(frame) - len(shown)
    subtitle = f"Top {len(shown)} of {len(frame)} industries by location quotient" + (
        f"; {int(frame['lq'].isna().sum())} without a value" if frame["lq"].isna().any() else ""
    )
    spec = _base(title, subtitle=subtitle if left_out else None)
    spec.update(
        {
            "grid": {"left": 12, "right": 56, "top": 76, "bottom": 44, "containLabel": True},
            "tooltip": _tooltip("item"),
            "xAxis": _value_axis("Location quotient (1 = same share as the reference)", min=0),
            "yAxis": {
                "type": "category",
                "data": labels,
                "inverse": True,
                "axisTick": {"show": False},
                "axisLabel": {"color": _INK, "fontSize": 12, "width": 250, "overflow": "truncate"},
            },
            "series": [
                {
                    "type": "bar",
                    "name": "Location quotient",
                    "data": data,
                    "barMaxWidth": 22,
                    "label": {"show": True, "position": "right", "color": _INK, "fontSize": 11},
                    "markLine": {
                        "silent": True,
                        "symbol": "none",
                        "lineStyle": {"type": "dashed", "color": "#3e4c59", "width": 1.5},
                        "label": {"formatter": "LQ = 1", "position": "start", "color": "#3e4c59"},
                        "data": [{"xAxis": 1}],
                    },
                }
            ],
        }
    )
    return _clean(spec)


def trend_lines(
    frame: pd.DataFrame, *, title: str, unit: str, locale: str = "en"
) -> dict[str, Any]:
    """One line per region over the years; missing years are gaps, never zeros.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long: columns ``region``, ``year``, ``value`` and optionally ``label`` (the
        series name, e.g. the region's name; the code otherwise).
    title, unit : str
        Chart title; unit of the values (y axis name and tooltips).
    locale : str
        Number formatting.

    Returns
    -------
    dict
        An ECharts option; the x axis lists every year from the first to the last, and
        each series' ``data`` has one entry per year: ``{"value", "text"}`` or ``None``.
    """
    _require(frame, ["region", "year", "value"], "trend_lines")
    if frame.empty:
        years: list[int] = []
    else:
        years = list(range(int(frame["year"].min()), int(frame["year"].max()) + 1))
    series = []
    for region, group in frame.groupby("region", sort=False):
        by_year = dict(zip(group["year"].astype(int), group["value"], strict=True))
        name = str(group["label"].iloc[0]) if "label" in group.columns else str(region)
        points: list[dict[str, Any] | None] = []
        for year in years:
            number = _num(by_year.get(year))
            points.append(
                None
                if number is None
                else {"value": number, "text": format_number(number, unit, locale)}
            )
        series.append(
            {
                "type": "line",
                "name": name,
                "data": points,
                "connectNulls": False,
                "showSymbol": True,
                "symbolSize": 6,
                "lineStyle": {"width": 2},
                "emphasis": {"focus": "series"},
            }
        )
    spec = _base(title)
    spec.update(
        {
            "grid": {"left": 16, "right": 24, "top": 92, "bottom": 36, "containLabel": True},
            "legend": {"type": "scroll", "top": 36, "left": 8, "textStyle": {"color": _INK}},
            "tooltip": _tooltip("axis"),
            "xAxis": {
                "type": "category",
                "data": [str(y) for y in years],
                "boundaryGap": False,
                "axisLabel": {"color": _MUTED},
            },
            # lines are read by their slope: the axis fits the data instead of starting at 0
            "yAxis": _value_axis(unit, nameLocation="end", nameGap=14, scale=True),
            "series": series,
        }
    )
    return _clean(spec)


def opportunity_scatter(
    frame: pd.DataFrame,
    *,
    title: str,
    feasibility: str = "density",
    attractiveness: str = "pci",
    quadrant_labels: Sequence[str] = QUADRANT_LABELS,
    employment_unit: str = "persons",
    locale: str = "en",
) -> dict[str, Any]:
    """Growth options: feasibility (relatedness density) against attractiveness (PCI or COG).

    Median lines split the plot into four quadrants (Balland et al. 2019): related and
    complex industries, top right, are the low-risk, high-benefit options.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``industry``, ``title``, ``employment`` and the two named below.
    title : str
        Chart title.
    feasibility, attractiveness : str
        Column names for the x axis (e.g. ``"density"``) and y axis (``"pci"``, ``"cog"``).
    quadrant_labels : sequence of 4 str
        Top-right, top-left, bottom-right, bottom-left.
    employment_unit, locale : str
        For the tooltip.

    Returns
    -------
    dict
        An ECharts option with one scatter series per quadrant (in the order of
        ``quadrant_labels``); each point has ``value`` ``[x, y]``, ``symbolSize`` growing
        with the square root of employment, ``name`` (code), ``heading`` and ``rows``.
        Industries without both coordinates are left out and counted in the subtitle.
        The medians are ``markLine`` entries of the first series; the quadrant labels
        are ``graphic`` texts in the plot corners.

    References
    ----------
    Balland, P.-A., Boschma, R., Crespo, J., Rigby, D. (2019). Smart specialization
    policy in the European Union: relatedness, knowledge complexity and regional
    diversification. Regional Studies 53(9), 1252-1268.
    """
    _require(
        frame,
        ["industry", "title", "employment", feasibility, attractiveness],
        "opportunity_scatter",
    )
    if len(quadrant_labels) != 4:
        raise InputError(
            f"expected 4 quadrant labels, got {len(quadrant_labels)}", field="quadrant_labels"
        )
    x_all = pd.to_numeric(frame[feasibility], errors="coerce")
    y_all = pd.to_numeric(frame[attractiveness], errors="coerce")
    ok = (x_all.notna() & y_all.notna()).to_numpy()
    shown = frame[ok]
    x, y = x_all[ok].to_numpy(float), y_all[ok].to_numpy(float)
    employment = pd.to_numeric(shown["employment"], errors="coerce").to_numpy(float)
    biggest = float(np.nanmax(employment)) if np.isfinite(employment).any() else 0.0
    x_med = float(np.median(x)) if len(x) else 0.0
    y_med = float(np.median(y)) if len(y) else 0.0
    x_name = f"Feasibility ({feasibility})"
    y_name = (
        f"Attractiveness ({attractiveness.upper() if len(attractiveness) <= 4 else attractiveness})"
    )
    quadrant_colors = [SERIES_COLORS[2], SERIES_COLORS[1], SERIES_COLORS[0], "#7b8794"]
    buckets: list[list[dict[str, Any]]] = [[], [], [], []]
    for i, row in enumerate(shown.itertuples(index=False)):
        emp = employment[i]
        size = (
            6.0
            if not np.isfinite(emp) or biggest <= 0
            else 6.0 + 24.0 * math.sqrt(max(emp, 0) / biggest)
        )
        quadrant = (0 if x[i] >= x_med else 1) if y[i] >= y_med else (2 if x[i] >= x_med else 3)
        buckets[quadrant].append(
            {
                "value": [float(x[i]), float(y[i])],
                "name": str(row.industry),
                "symbolSize": round(size, 1),
                "heading": f"{row.industry} {row.title}",
                "rows": [
                    [x_name, format_number(float(x[i]), locale=locale)],
                    [y_name, format_number(float(y[i]), locale=locale)],
                    ["Employment", format_number(_num(emp), employment_unit, locale)],
                ],
            }
        )
    series: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "name": quadrant_labels[q],
            "data": buckets[q],
            "itemStyle": {
                "color": quadrant_colors[q],
                "opacity": 0.8,
                "borderColor": "#ffffff",
                "borderWidth": 1,
            },
            "emphasis": {"focus": "self", "itemStyle": {"opacity": 1, "borderColor": _INK}},
        }
        for q in range(4)
    ]
    series[0]["markLine"] = {
        "silent": True,
        "symbol": "none",
        "lineStyle": {"type": "dashed", "color": "#7b8794", "width": 1},
        "label": {"color": _MUTED, "fontSize": 11},
        "data": [
            {
                "xAxis": x_med,
                "name": "median",
                "label": {"formatter": "median", "position": "insideEndTop"},
            },
            {
                "yAxis": y_med,
                "name": "median",
                "label": {"formatter": "median", "position": "insideEndTop"},
            },
        ],
    }
    dropped = len(frame) - len(shown)
    spec = _base(
        title,
        subtitle=f"{dropped} industries without both values not shown" if dropped else None,
    )
    corner = {"fontSize": 12, "fontWeight": 600, "fontFamily": _FONT}
    grid = {"left": 64, "right": 40, "top": 64, "bottom": 56}
    spec.update(
        {
            "grid": grid,
            "tooltip": _tooltip("item"),
            "xAxis": _value_axis(x_name, scale=True),
            "yAxis": _value_axis(y_name, scale=True, nameGap=44),
            "series": series,
            "graphic": [
                {
                    "type": "text",
                    "silent": True,
                    horizontal: grid[horizontal] + 8,
                    vertical: grid[vertical] + 8,
                    "style": {**corner, "text": label, "fill": color},
                }
                for label, color, horizontal, vertical in zip(
                    quadrant_labels,
                    quadrant_colors,
                    ("right", "left", "right", "left"),
                    ("top", "top", "bottom", "bottom"),
                    strict=True,
                )
            ],
        }
    )
    return _clean(spec)


def radar(
    themes: list[str],
    series: dict[str, list[float | None]],
    *,
    max_value: float,
    title: str = "Self-assessment by theme",
    locale: str = "en",
) -> dict[str, Any]:
    """Scores per theme (e.g. the six policy themes, 0-5), one polygon per respondent or region.

    Parameters
    ----------
    themes : list of str
        Axis names, clockwise from the top.
    series : dict of str to list of float or None
        Name -> one score per theme; None means not scored.
    max_value : float
        Top of every axis.
    title, locale : str
        Chart title; number formatting.

    Returns
    -------
    dict
        An ECharts option with one radar series whose ``data`` has one ``{"name",
        "value", "rows"}`` item per entry of ``series``; missing scores stay ``None``.
        ECharts draws a missing score at the centre, so the theme's axis name is marked
        with ``*`` and the subtitle names who has no score for it.
    """
    missing_by_theme: dict[int, list[str]] = {}
    data = []
    for name, scores in series.items():
        if len(scores) != len(themes):
            raise InputError(
                f"expected {len(themes)} scores for {name!r}, got {len(scores)}", field=name
            )
        values = [_num(s) for s in scores]
        for i, v in enumerate(values):
            if v is None:
                missing_by_theme.setdefault(i, []).append(name)
            elif not 0 <= v <= max_value:
                raise InputError(
                    f"expected scores in 0..{max_value:g}, got {v:g} for {name!r}, theme {themes[i]!r}",
                    field=name,
                )
        data.append(
            {
                "name": name,
                "value": values,
                "rows": [
                    [theme, format_number(v, f"/ {max_value:g}", locale)]
                    for theme, v in zip(themes, values, strict=True)
                ],
                "areaStyle": {"opacity": 0.12},
            }
        )
    subtitle = None
    if missing_by_theme:
        subtitle = "* no score: " + "; ".join(
            f"{themes[i]} ({', '.join(names)})" for i, names in sorted(missing_by_theme.items())
        )
    spec = _base(title, subtitle=subtitle)
    spec.update(
        {
            "legend": {"bottom": 0, "type": "scroll", "textStyle": {"color": _INK}},
            "tooltip": _tooltip("item"),
            "radar": {
                "indicator": [
                    {
                        "name": theme + (" *" if i in missing_by_theme else ""),
                        "max": max_value,
                        "min": 0,
                    }
                    for i, theme in enumerate(themes)
                ],
                "center": ["50%", "54%"],
                "radius": "58%",
                "splitNumber": int(max_value)
                if float(max_value).is_integer() and 2 <= max_value <= 10
                else 5,
                "axisName": {"color": _INK, "fontSize": 12},
                "splitLine": {"lineStyle": {"color": "#d9dee3"}},
                "splitArea": {"areaStyle": {"color": ["#ffffff", "#f5f7fa"]}},
            },
            "series": [
                {
                    "type": "radar",
                    "name": title,
                    "data": data,
                    "symbolSize": 5,
                    "lineStyle": {"width": 2},
                }
            ],
        }
    )
    return _clean(spec)


_SHIFT_SHARE = {
    "national_share": "National growth",
    "industry_mix": "Industry mix",
    "regional_shift": "Regional shift",
}


def shift_share_bar(
    frame: pd.DataFrame,
    *,
    title: str = "Shift-share decomposition",
    label: str = "industry",
    components: Mapping[str, str] | None = None,
    total: str | None = "total",
    unit: str = "",
    locale: str = "en",
) -> dict[str, Any]:
    """Stacked horizontal bars of shift-share components, one bar per row of ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``label`` column and one column per component.
    title : str
        Chart title.
    label : str
        The column naming each bar (industry or region).
    components : mapping of str to str, optional
        Column -> legend name; by default ``national_share``, ``industry_mix`` and
        ``regional_shift`` (classic decomposition).
    total : str or None
        A column with the total change, drawn as a diamond on each bar; None or an
        absent column draws none.
    unit, locale : str
        Value axis name and number formatting.

    Returns
    -------
    dict
        An ECharts option with one ``bar`` series per component (``stack`` "shift";
        negatives stack leftwards) whose ``data`` has ``{"value", "text"}`` or ``None``
        per row, and a ``scatter`` series for the total.
    """
    parts = dict(components) if components is not None else dict(_SHIFT_SHARE)
    _require(frame, [label, *parts], "shift_share_bar")
    labels = [str(v) for v in frame[label]]

    def points(column: str) -> list[dict[str, Any] | None]:
        out: list[dict[str, Any] | None] = []
        for v in frame[column]:
            number = _num(v)
            out.append(
                None
                if number is None
                else {"value": number, "text": format_number(number, unit, locale)}
            )
        return out

    series: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": name,
            "stack": "shift",
            "data": points(column),
            "barMaxWidth": 22,
            "emphasis": {"focus": "series"},
        }
        for column, name in parts.items()
    ]
    if total is not None and total in frame.columns:
        series.append(
            {
                "type": "scatter",
                "name": "Total change",
                "data": points(total),
                "symbol": "diamond",
                "symbolSize": 12,
                "itemStyle": {"color": _INK, "borderColor": "#ffffff", "borderWidth": 1},
                "z": 5,
            }
        )
    spec = _base(title)
    spec.update(
        {
            "grid": {"left": 12, "right": 32, "top": 72, "bottom": 44, "containLabel": True},
            "legend": {"top": 36, "left": 8, "textStyle": {"color": _INK}},
            "tooltip": {**_tooltip("axis"), "axisPointer": {"type": "shadow"}},
            "xAxis": _value_axis(unit or "Change"),
            "yAxis": {
                "type": "category",
                "data": [_short(v) for v in labels],
                "inverse": True,
                "axisTick": {"show": False},
                "axisLabel": {"color": _INK},
            },
            "series": series,
        }
    )
    return _clean(spec)

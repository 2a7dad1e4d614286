"""The ECharts option dicts of the explorer's charts."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from polisee.errors import InputError
from polisee.web.charts._colours import SERIES_COLORS
from polisee.web.charts._numbers import _num, format_number

__all__ = [
    "QUADRANT_LABELS",
    "Translate",
    "lq_bar",
    "opportunity_scatter",
    "radar",
    "shift_share_bar",
    "trend_lines",
]

#: Quadrants of the opportunity scatter (Balland et al. 2019), in the order
#: top-right, top-left, bottom-right, bottom-left.
QUADRANT_LABELS = (
    "Low risk, high benefit",
    "High risk, high benefit",
    "Low risk, low benefit",
    "High risk, low benefit",
)

Translate = Callable[[str], str]
"""A gettext function: the charts' own texts (axis names, tooltip rows, subtitles) are
English message ids passed through it, so that the caller's catalogue translates them."""


def _same(text: str) -> str:
    return text


_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_INK = "#1f2933"
_MUTED = "#52606d"


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


def _base(title: str, *, subtitle: str | None = None, gettext: Translate = _same) -> dict[str, Any]:
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
                    "title": gettext("Save as PNG"),
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


def _label_axis(
    labels: Sequence[str], *, width: int | None = None, font_size: int = 12
) -> dict[str, Any]:
    """The category axis of a horizontal bar chart: first label on top, no ticks; with
    ``width``, labels longer than that many pixels are cut."""
    label: dict[str, Any] = {"color": _INK}
    if width is not None:
        label |= {"fontSize": font_size, "width": width, "overflow": "truncate"}
    return {
        "type": "category",
        "data": list(labels),
        "inverse": True,
        "axisTick": {"show": False},
        "axisLabel": label,
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
    gettext: Translate = _same,
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
    gettext : callable
        Translates the chart's own texts (see :data:`Translate`).

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
                    [gettext("Location quotient"), format_number(lq, locale=locale, decimals=2)],
                    [
                        gettext("Employment"),
                        format_number(_num(row.employment), employment_unit, locale),
                    ],
                ],
                "itemStyle": {"color": SERIES_COLORS[0] if lq >= 1 else "#9ecae1"},
                "label": {"formatter": format_number(lq, locale=locale, decimals=2)},
            }
        )
    left_out = len(frame) - len(shown)
    subtitle = gettext("Top {shown} of {total} industries by location quotient").format(
        shown=len(shown), total=len(frame)
    )
    if frame["lq"].isna().any():
        subtitle += "; " + gettext("{count} without a value").format(
            count=int(frame["lq"].isna().sum())
        )
    spec = _base(title, subtitle=subtitle if left_out else None, gettext=gettext)
    spec.update(
        {
            "grid": {"left": 12, "right": 56, "top": 76, "bottom": 44, "containLabel": True},
            "tooltip": _tooltip("item"),
            "xAxis": _value_axis(
                gettext("Location quotient (1 = same share as the reference)"), min=0
            ),
            "yAxis": _label_axis(labels, width=250),
            "series": [
                {
                    "type": "bar",
                    "name": gettext("Location quotient"),
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
    frame: pd.DataFrame,
    *,
    title: str,
    unit: str,
    locale: str = "en",
    gettext: Translate = _same,
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
    gettext : callable
        Translates the chart's own texts (see :data:`Translate`).

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
    spec = _base(title, gettext=gettext)
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
    gettext: Translate = _same,
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
    gettext : callable
        Translates the chart's own texts (see :data:`Translate`).

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
    x_name = gettext("Feasibility ({measure})").format(measure=feasibility)
    y_name = gettext("Attractiveness ({measure})").format(
        measure=attractiveness.upper() if len(attractiveness) <= 4 else attractiveness
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
                    [gettext("Employment"), format_number(_num(emp), employment_unit, locale)],
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
                "name": gettext("median"),
                "label": {"formatter": gettext("median"), "position": "insideEndTop"},
            },
            {
                "yAxis": y_med,
                "name": gettext("median"),
                "label": {"formatter": gettext("median"), "position": "insideEndTop"},
            },
        ],
    }
    dropped = len(frame) - len(shown)
    spec = _base(
        title,
        subtitle=(
            gettext("{count} industries without both values not shown").format(count=dropped)
            if dropped
            else None
        ),
        gettext=gettext,
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
    gettext: Translate = _same,
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
    gettext : callable
        Translates the chart's own texts (see :data:`Translate`).

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
        subtitle = gettext("* no score: ") + "; ".join(
            f"{themes[i]} ({', '.join(names)})" for i, names in sorted(missing_by_theme.items())
        )
    spec = _base(title, subtitle=subtitle, gettext=gettext)
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
    gettext: Translate = _same,
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
    gettext : callable
        Translates the chart's own texts, including the default component names.

    Returns
    -------
    dict
        An ECharts option with one ``bar`` series per component (``stack`` "shift";
        negatives stack leftwards) whose ``data`` has ``{"value", "text"}`` or ``None``
        per row, and a ``scatter`` series for the total.
    """
    parts = (
        dict(components)
        if components is not None
        else {column: gettext(name) for column, name in _SHIFT_SHARE.items()}
    )
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
                "name": gettext("Total change"),
                "data": points(total),
                "symbol": "diamond",
                "symbolSize": 12,
                "itemStyle": {"color": _INK, "borderColor": "#ffffff", "borderWidth": 1},
                "z": 5,
            }
        )
    spec = _base(title, gettext=gettext)
    spec.update(
        {
            "grid": {"left": 12, "right": 32, "top": 72, "bottom": 44, "containLabel": True},
            "legend": {"top": 36, "left": 8, "textStyle": {"color": _INK}},
            "tooltip": {**_tooltip("axis"), "axisPointer": {"type": "shadow"}},
            "xAxis": _value_axis(unit or gettext("Change")),
            "yAxis": _label_axis([_short(v) for v in labels]),
            "series": series,
        }
    )
    return _clean(spec)

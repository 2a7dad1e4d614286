"""Chart specs of the regional scoreboard: the theme radar and the rank intervals.

The charts' own texts (axis names, tooltip rows, legend entries) come in through a
``labels`` mapping with English defaults, so that the caller passes them translated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from polisee.errors import InputError
from polisee.web.charts._colours import SERIES_COLORS
from polisee.web.charts._echarts import (
    _INK,
    _MUTED,
    Translate,
    _base,
    _clean,
    _label_axis,
    _require,
    _same,
    _short,
    _tooltip,
    _value_axis,
    radar,
)
from polisee.web.charts._numbers import _num, format_number

__all__ = ["RANK_LABELS", "rank_intervals", "scoreboard_radar"]


RANK_LABELS = {
    "axis": "Rank (1 = best)",
    "interval": "5-95 % interval of the rank",
    "rank": "Rank",
    "median": "Median rank in the simulations",
    "score": "Score",
    "robust": "Robust rank",
    "not_robust": "Rank not robust",
    "yes": "yes",
    "no": "no",
    "subtitle": "Top {shown} of {total} regions; bars: where 90 % of 1,000 simulations put each region",
}

_ROBUST = SERIES_COLORS[0]
_FRAGILE = "#f4a259"


def scoreboard_radar(
    themes: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    styles: Sequence[str] = ("solid", "dashed", "dotted"),
    locale: str = "en",
    gettext: Translate = _same,
) -> dict[str, Any]:
    """The six theme scores (0-100) of a region and its comparators, one polygon each.

    Parameters
    ----------
    themes : sequence of str
        Theme names, clockwise from the top.
    series : mapping of str to sequence of float or None
        Name -> one score per theme; the first entry is the region, drawn filled; the
        others (peer regions, the country) unfilled with the line ``styles`` in order.
    title, locale : str
        Chart title and number formatting.
    styles : sequence of str
        ECharts line types of the polygons, in the order of ``series``.
    gettext : callable
        Translates the radar's own texts.

    Returns
    -------
    dict
        The :func:`radar` option on a 0-100 scale, with per-polygon line styles.

    Examples
    --------
    >>> spec = scoreboard_radar(["A", "B", "C"], {"HU21": [50, None, 80], "Peers": [40, 60, 70]},
    ...                    title="Themes")
    >>> spec["radar"]["indicator"][1]["name"], spec["series"][0]["data"][1]["lineStyle"]["type"]
    ('B *', 'dashed')
    """
    if not series:
        raise InputError("expected at least one series of scores", field="series")
    spec = radar(
        list(themes),
        {k: list(v) for k, v in series.items()},
        max_value=100,
        title=title,
        locale=locale,
        gettext=gettext,
    )
    for i, item in enumerate(spec["series"][0]["data"]):
        style = styles[min(i, len(styles) - 1)]
        item["lineStyle"] = {"type": style, "width": 2.5 if i == 0 else 2}
        item["areaStyle"] = {"opacity": 0.18 if i == 0 else 0.0}
        item["symbol"] = "circle" if i == 0 else "emptyCircle"
    return spec


def rank_intervals(
    frame: pd.DataFrame,
    *,
    title: str,
    top: int = 30,
    labels: Mapping[str, str] | None = None,
    locale: str = "en",
    gettext: Translate = _same,
) -> dict[str, Any]:
    """Each region's rank with the 5-95 % interval of its rank in the simulations.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per region: ``region``, ``name``, ``score``, ``rank``, ``median_rank``,
        ``rank_p05``, ``rank_p95``, ``robust``. Regions without a rank are left out.
    title : str
        Chart title.
    top : int
        The best ``top`` regions by rank are shown.
    labels : mapping of str to str, optional
        The chart's texts (keys of :data:`RANK_LABELS`), translated by the caller.
    locale : str
        Number formatting.
    gettext : callable
        Translates the toolbox's texts.

    Returns
    -------
    dict
        An ECharts option: a horizontal floating bar per region from the 5th to the 95th
        percentile of its rank (dark when the rank is robust, orange when not), a point at
        its rank and a hollow point at its median rank. The bar items carry ``heading``
        and ``rows`` for the tooltip.

    Examples
    --------
    >>> frame = pd.DataFrame({"region": ["A", "B"], "name": ["Alpha", "Beta"],
    ...     "score": [70.0, 60.0], "rank": [1, 2], "median_rank": [1.0, 2.0],
    ...     "rank_p05": [1.0, 1.0], "rank_p95": [1.0, 6.0], "robust": [True, False]})
    >>> spec = rank_intervals(frame, title="Ranks")
    >>> [d["value"] for d in spec["series"][1]["data"]]
    [0.3, 5.0]
    >>> spec["series"][1]["data"][1]["itemStyle"]["color"]
    '#f4a259'
    """
    _require(
        frame,
        ["region", "name", "score", "rank", "median_rank", "rank_p05", "rank_p95", "robust"],
        "rank_intervals",
    )
    text = {**RANK_LABELS, **(labels or {})}
    ranked = frame[frame["rank"].notna()].sort_values(["rank", "score"], ascending=[True, False])
    shown = ranked.head(top)
    names, base, spans, points, medians = [], [], [], [], []
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in shown.to_dict("records")
    ]
    for row in records:
        low, high = float(row["rank_p05"]), float(row["rank_p95"])
        robust = False if row["robust"] is None or pd.isna(row["robust"]) else bool(row["robust"])
        label = f"{_short(str(row['name']), 30)} ({row['region']})"
        names.append(label)
        # A zero-width interval would not show: it is drawn 0.3 ranks wide around the rank.
        width = max(high - low, 0.3)
        start = low if high > low else low - 0.15
        base.append(start)
        rows = [
            [text["score"], format_number(_num(row["score"]), "/ 100", locale, decimals=1)],
            [text["rank"], str(int(row["rank"]))],
            [text["median"], format_number(_num(row["median_rank"]), locale=locale, decimals=1)],
            [
                text["interval"],
                f"{format_number(low, locale=locale, decimals=0)} – "
                f"{format_number(high, locale=locale, decimals=0)}",
            ],
            [text["robust"], text["yes"] if robust else text["no"]],
        ]
        spans.append(
            {
                "value": round(width, 6),
                "name": label,
                "heading": f"{row['name']} ({row['region']})",
                "rows": rows,
                "itemStyle": {"color": _ROBUST if robust else _FRAGILE, "opacity": 0.55},
            }
        )
        points.append({"value": [float(row["rank"]), label], "heading": label, "rows": rows})
        medians.append(
            {"value": [float(row["median_rank"]), label], "heading": label, "rows": rows}
        )
    total = len(ranked)
    subtitle = text["subtitle"].format(shown=len(shown), total=total)
    spec = _base(title, subtitle=subtitle, gettext=gettext)
    spec.update(
        {
            "grid": {"left": 12, "right": 28, "top": 84, "bottom": 56, "containLabel": True},
            "tooltip": _tooltip("item"),
            "legend": {
                "bottom": 0,
                "data": [text["interval"], text["rank"], text["median"]],
                "textStyle": {"color": _INK},
            },
            "xAxis": _value_axis(text["axis"], min=1, max=max(total, 1), minInterval=1),
            "yAxis": _label_axis(names, width=220, font_size=11),
            "series": [
                {
                    "type": "bar",
                    "name": "base",
                    "stack": "interval",
                    "silent": True,
                    "itemStyle": {"color": "transparent"},
                    "data": base,
                    "barMaxWidth": 14,
                    "tooltip": {"show": False},
                },
                {
                    "type": "bar",
                    "name": text["interval"],
                    "stack": "interval",
                    "data": spans,
                    "barMaxWidth": 14,
                    "color": _ROBUST,
                },
                {
                    "type": "scatter",
                    "name": text["rank"],
                    "data": points,
                    "symbolSize": 9,
                    "color": _INK,
                    "z": 3,
                },
                {
                    "type": "scatter",
                    "name": text["median"],
                    "data": medians,
                    "symbol": "emptyCircle",
                    "symbolSize": 9,
                    "color": _MUTED,
                    "z": 3,
                },
            ],
        }
    )
    return _clean(spec)

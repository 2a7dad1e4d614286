"""Charts of the self-assessment results: the radar of themes and the grouped bars of
stakeholder groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from polisee.errors import InputError
from polisee.web.charts._colours import SERIES_COLORS
from polisee.web.charts._echarts import _INK, _base, _clean, _short, _tooltip, _value_axis, radar
from polisee.web.charts._numbers import _num, format_number

__all__ = ["group_bars", "theme_radar"]

# The current round is solid; the previous round dashed grey; the peers' median orange.
_PREVIOUS_COLOR = "#7b8794"
_PEER_COLOR = "#d9822b"


def theme_radar(
    themes: Sequence[str],
    current: Sequence[float | None],
    *,
    max_value: float,
    current_label: str,
    previous: Sequence[float | None] | None = None,
    previous_label: str = "Previous round",
    peers: Sequence[float | None] | None = None,
    peers_label: str = "Peer regions (median)",
    title: str = "Self-assessment by theme",
    locale: str = "en",
) -> dict[str, Any]:
    """The radar of theme medians: this round, and where known the previous round and the
    peer regions' median as further polygons.

    Parameters
    ----------
    themes : sequence of str
        Axis names, clockwise from the top.
    current, previous, peers : sequence of float or None
        One median per theme; None where nobody scored the theme. ``previous`` and
        ``peers`` are left out when None or entirely missing.
    max_value : float
        The top of the scale (5 for the 0-5 scale).
    current_label, previous_label, peers_label, title, locale : str
        Legend names, chart title and number formatting.

    Returns
    -------
    dict
        An ECharts radar option (see :func:`polisee.web.charts.radar`) whose data items
        are, in order, this round, the previous round and the peers; the previous round is
        drawn dashed and without fill.

    >>> spec = theme_radar(["A", "B", "C"], [3, 4, None], max_value=5, current_label="2025",
    ...                    previous=[2, 4, 3], peers=[None, None, None])
    >>> [d["name"] for d in spec["series"][0]["data"]]
    ['2025', 'Previous round']
    >>> spec["radar"]["indicator"][2]["name"]
    'C *'
    """
    series: dict[str, list[float | None]] = {current_label: [_num(v) for v in current]}
    styles: dict[str, dict[str, Any]] = {
        current_label: {
            "lineStyle": {"width": 3, "color": SERIES_COLORS[0]},
            "itemStyle": {"color": SERIES_COLORS[0]},
        },
    }
    for label, values, style in (
        (
            previous_label,
            previous,
            {
                "lineStyle": {"width": 2, "type": "dashed", "color": _PREVIOUS_COLOR},
                "itemStyle": {"color": _PREVIOUS_COLOR},
                "areaStyle": {"opacity": 0},
            },
        ),
        (
            peers_label,
            peers,
            {
                "lineStyle": {"width": 2, "color": _PEER_COLOR},
                "itemStyle": {"color": _PEER_COLOR},
                "areaStyle": {"opacity": 0.08},
            },
        ),
    ):
        if values is None or all(_num(v) is None for v in values):
            continue
        if label in series:
            raise InputError(f"two series are called {label!r}", field="label")
        series[label] = [_num(v) for v in values]
        styles[label] = style
    spec = radar(list(themes), series, max_value=max_value, title=title, locale=locale)
    for item in spec["series"][0]["data"]:
        item.update(styles[item["name"]])
    spec["color"] = [styles[name]["itemStyle"]["color"] for name in series]
    return spec


def group_bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    max_value: float,
    title: str = "Medians by stakeholder group",
    locale: str = "en",
) -> dict[str, Any]:
    """Grouped vertical bars: one group of bars per category (theme or criterion), one bar
    per series (stakeholder group); a missing median leaves a gap, not a zero bar.

    >>> spec = group_bars(["Financing"], {"Public authority": [4], "Business": [None]}, max_value=5)
    >>> [s["data"] for s in spec["series"]]
    [[{'value': 4.0, 'text': '4'}], [None]]
    """
    labels = [str(c) for c in categories]
    out_series: list[dict[str, Any]] = []
    for name, values in series.items():
        if len(values) != len(labels):
            raise InputError(
                f"expected {len(labels)} values for {name!r}, got {len(values)}", field=name
            )
        data: list[dict[str, Any] | None] = []
        for value in values:
            number = _num(value)
            if number is not None and not 0 <= number <= max_value:
                raise InputError(f"expected values in 0..{max_value:g}, got {number:g}", field=name)
            data.append(
                None
                if number is None
                else {
                    "value": number,
                    "text": format_number(number, locale=locale, decimals=1 if number % 1 else 0),
                }
            )
        out_series.append(
            {
                "type": "bar",
                "name": name,
                "data": data,
                "barMaxWidth": 18,
                "emphasis": {"focus": "series"},
            }
        )
    spec = _base(title)
    spec.update(
        {
            "grid": {"left": 12, "right": 24, "top": 80, "bottom": 24, "containLabel": True},
            "legend": {"top": 36, "left": 8, "type": "scroll", "textStyle": {"color": _INK}},
            "tooltip": {**_tooltip("axis"), "axisPointer": {"type": "shadow"}},
            "xAxis": {
                "type": "category",
                "data": [_short(label) for label in labels],
                "axisLabel": {"color": _INK, "interval": 0, "width": 110, "overflow": "break"},
                "axisTick": {"show": False},
            },
            "yAxis": _value_axis("Median score", min=0, max=max_value, interval=1),
            "series": out_series,
        }
    )
    return _clean(spec)

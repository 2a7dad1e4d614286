"""The ECharts options of plan monitoring: progress bars of the KPIs against their targets,
a KPI's values with the straight path from baseline to target, and the timeline of actions
and milestones (a Gantt chart drawn by the ``polisee:gantt`` item renderer of charts.js)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from polisee.web.charts._echarts import (
    Translate,
    _base,
    _clean,
    _label_axis,
    _same,
    _short,
    _tooltip,
    _value_axis,
)
from polisee.web.charts._numbers import format_number

__all__ = [
    "ACTION_COLORS",
    "MILESTONE_COLORS",
    "STATUS_COLORS",
    "GanttAction",
    "GanttMilestone",
    "KpiBar",
    "kpi_progress",
    "kpi_trend",
    "plan_timeline",
]

STATUS_COLORS: dict[str, str] = {
    "achieved": "#1f7a3a",
    "on_track": "#0b5cad",
    "behind": "#b3261e",
    "no_data": "#9aa5b1",
}
"""KPI status -> bar colour."""
ACTION_COLORS: dict[str, str] = {
    "planned": "#9aa5b1",
    "in_progress": "#0b5cad",
    "completed": "#1f7a3a",
    "delayed": "#c2610c",
    "cancelled": "#cbd2d9",
}
"""Action status -> bar colour of the timeline."""
MILESTONE_COLORS: dict[str, str] = {
    "done": "#1f7a3a",
    "overdue": "#b3261e",
    "due_soon": "#c2610c",
    "upcoming": "#52606d",
}
"""Milestone status -> marker colour of the timeline."""
_INK = "#1f2933"


@dataclass(frozen=True)
class KpiBar:
    """One KPI in the progress chart: ``share`` and ``expected`` are shares of the way from
    baseline to target (None when unknown); the texts are formatted by the caller."""

    label: str
    share: float | None
    expected: float | None
    status: str
    status_text: str
    baseline_text: str
    latest_text: str
    target_text: str


def kpi_progress(
    bars: Sequence[KpiBar],
    *,
    title: str,
    labels: Mapping[str, str],
    locale: str = "en",
    gettext: Translate = _same,
) -> dict[str, Any]:
    """Horizontal bullet bars: per KPI the percentage of the way from baseline to target
    travelled (clipped to 0-100 for the bar; the tooltip gives the true share), coloured by
    status, with a marker where a straight path would be by the latest value's date.

    Parameters
    ----------
    bars : sequence of KpiBar
        One per KPI, in display order.
    title : str
        Chart title.
    labels : mapping
        Translated texts with keys ``axis``, ``share``, ``expected``, ``baseline``,
        ``latest``, ``target`` and ``status``.
    locale : str
        Number formatting.
    gettext : callable
        Translates the toolbox texts.

    Returns
    -------
    dict
        An ECharts option with a bar series (``None`` where the share is unknown, never 0)
        and a scatter series of the expected positions.

    Examples
    --------
    >>> bar = KpiBar("Jobs", 0.3, 0.4, "behind", "behind", "100", "130", "200")
    >>> lost = KpiBar("LQ", -2.2, 0.1, "behind", "behind", "5.1", "4.5", "5.3")
    >>> keys = ("axis", "share", "expected", "baseline", "latest", "target", "status")
    >>> spec = kpi_progress([bar, lost], title="KPIs", labels={k: k for k in keys})
    >>> [p["value"] for p in spec["series"][0]["data"]], spec["series"][0]["data"][1]["rows"][0]
    ([30.0, 0.0], ['share', '-220%'])
    >>> [p["value"] for p in spec["series"][1]["data"]]
    [[40.0, 0], [10.0, 1]]
    """
    names: list[str] = []
    points: list[dict[str, Any] | None] = []
    expected: list[dict[str, Any]] = []
    for index, bar in enumerate(bars):
        names.append(_short(bar.label, 48))
        rows = [
            [labels["share"], _percent(bar.share, locale)],
            [labels["expected"], _percent(bar.expected, locale)],
            [labels["baseline"], bar.baseline_text],
            [labels["latest"], bar.latest_text],
            [labels["target"], bar.target_text],
            [labels["status"], bar.status_text],
        ]
        color = STATUS_COLORS.get(bar.status, STATUS_COLORS["no_data"])
        if bar.share is None:
            points.append(None)
        else:
            points.append(
                {
                    "value": round(min(1.0, max(0.0, bar.share)) * 100, 1),
                    "heading": bar.label,
                    "rows": rows,
                    "itemStyle": {"color": color},
                }
            )
        if bar.expected is not None:
            expected.append(
                {
                    "value": [round(bar.expected * 100, 1), index],
                    "heading": bar.label,
                    "rows": rows,
                }
            )
    spec = _base(title, gettext=gettext)
    spec.update(
        {
            "grid": {"left": 12, "right": 40, "top": 60, "bottom": 48, "containLabel": True},
            "tooltip": _tooltip("item"),
            "xAxis": _value_axis(labels["axis"], min=0, max=100),
            "yAxis": _label_axis(names, width=260),
            "series": [
                {
                    "type": "bar",
                    "name": labels["share"],
                    "data": points,
                    "barMaxWidth": 20,
                    "showBackground": True,
                    "backgroundStyle": {"color": "#eef1f5"},
                },
                {
                    "type": "scatter",
                    "name": labels["expected"],
                    "data": expected,
                    "symbol": "rect",
                    "symbolSize": [4, 26],
                    "itemStyle": {"color": _INK},
                    "z": 3,
                },
            ],
        }
    )
    return _clean(spec)


def _percent(share: float | None, locale: str) -> str:
    if share is None:
        return "—"
    return format_number(share * 100, "%", locale, decimals=0)


def kpi_trend(
    points: Sequence[tuple[int | date, float | None]],
    *,
    baseline: float | None,
    target: float,
    baseline_year: int,
    target_year: int,
    title: str,
    labels: Mapping[str, str],
    unit: str = "",
    locale: str = "en",
    gettext: Translate = _same,
) -> dict[str, Any]:
    """A KPI's values with the straight path from its baseline to its target.

    Yearly values (computed KPIs, ``points`` keyed by year) go on a category axis of years
    from the first value or the baseline to the target year; dated values (reported KPIs)
    on a time axis, the baseline at 1 January of its year and the target at 31 December of
    its year. Missing values are gaps.

    Parameters
    ----------
    labels : mapping
        Translated series names with keys ``values``, ``path`` and ``target``.

    Examples
    --------
    >>> spec = kpi_trend([(2014, 100.0), (2015, None), (2016, 120.0)], baseline=100.0,
    ...                  target=140.0, baseline_year=2014, target_year=2018, title="Jobs",
    ...                  labels={"values": "v", "path": "p", "target": "t"})
    >>> spec["xAxis"]["data"]
    ['2014', '2015', '2016', '2017', '2018']
    >>> [None if p is None else p["value"] for p in spec["series"][0]["data"]]
    [100.0, None, 120.0, None, None]
    >>> [None if p is None else p["value"] for p in spec["series"][1]["data"]]
    [100.0, None, None, None, 140.0]
    """
    by_year = {x: v for x, v in points if isinstance(x, int)}
    yearly = len(by_year) == len(points)
    text = {"values": labels["values"], "path": labels["path"], "target": labels["target"]}

    def point(value: float | None, x: Any = None) -> dict[str, Any] | None:
        if value is None:
            return None
        shown = format_number(value, unit, locale)
        return {"value": value if x is None else [x, value], "text": shown}

    series: list[dict[str, Any]]
    if yearly:
        first = min([*by_year, baseline_year])
        last = max([*by_year, target_year])
        axis = list(range(first, last + 1))
        values = by_year
        path: list[dict[str, Any] | None] = [None] * len(axis)
        if baseline is not None:
            path[axis.index(baseline_year)] = point(baseline)
        path[axis.index(target_year)] = point(target)
        series = [
            _line(text["values"], [point(values.get(y)) for y in axis], solid=True),
            _line(text["path"], path, solid=False),
        ]
        x_axis: dict[str, Any] = {
            "type": "category",
            "data": [str(y) for y in axis],
            "boundaryGap": False,
            "axisLabel": {"color": "#52606d"},
        }
    else:
        dated = [(x.isoformat() if isinstance(x, date) else str(x), v) for x, v in points]
        start = date(baseline_year, 1, 1).isoformat()
        end = date(target_year, 12, 31).isoformat()
        series = [
            _line(text["values"], [point(v, x) for x, v in dated], solid=True),
            _line(
                text["path"],
                [p for p in (point(baseline, start), point(target, end)) if p is not None],
                solid=False,
            ),
        ]
        x_axis = {"type": "time", "axisLabel": {"color": "#52606d"}}
    series[1]["connectNulls"] = True
    spec = _base(title, gettext=gettext)
    # Several trend charts sit side by side: a long KPI title is cut, the page names it.
    spec["title"]["textStyle"].update({"fontSize": 14, "width": 300, "overflow": "truncate"})
    spec.update(
        {
            "grid": {"left": 16, "right": 24, "top": 84, "bottom": 36, "containLabel": True},
            "legend": {"top": 36, "left": 8, "textStyle": {"color": _INK}},
            "tooltip": _tooltip("axis"),
            "xAxis": x_axis,
            "yAxis": _value_axis(unit, nameLocation="end", nameGap=14, scale=True),
            "series": series,
        }
    )
    return _clean(spec)


def _line(name: str, data: list[dict[str, Any] | None], *, solid: bool) -> dict[str, Any]:
    return {
        "type": "line",
        "name": name,
        "data": data,
        "connectNulls": False,
        "showSymbol": True,
        "symbolSize": 7 if solid else 9,
        "symbol": "circle" if solid else "diamond",
        "lineStyle": {"width": 2.5 if solid else 1.5, "type": "solid" if solid else "dashed"},
        "itemStyle": {"color": "#0b5cad" if solid else "#52606d"},
    }


@dataclass(frozen=True)
class GanttAction:
    """One row of the timeline; the texts are translated and formatted by the caller."""

    label: str
    starts_on: date
    ends_on: date
    status: str
    status_text: str
    period_text: str


@dataclass(frozen=True)
class GanttMilestone:
    """A milestone on its action's row (``row`` indexes the actions)."""

    row: int
    label: str
    due_on: date
    status: str
    status_text: str
    due_text: str


def plan_timeline(
    actions: Sequence[GanttAction],
    milestones: Sequence[GanttMilestone],
    *,
    today: date,
    title: str,
    labels: Mapping[str, str],
    gettext: Translate = _same,
) -> dict[str, Any]:
    """A Gantt chart: a bar per action from its start to its end, coloured by status, its
    milestones as diamonds (done, overdue, due soon, upcoming) and a line at ``today``.

    The bars are a custom series whose ``renderItem`` is ``"polisee:gantt"`` (charts.js
    draws each item as a rectangle from ``value[1]`` to ``value[2]`` on row ``value[0]``).

    Parameters
    ----------
    labels : mapping
        Translated texts with keys ``actions``, ``milestones``, ``today``, ``period``,
        ``status`` and ``due``.

    Examples
    --------
    >>> a = GanttAction("Pilot", date(2026, 1, 1), date(2026, 6, 30), "completed", "done", "…")
    >>> m = GanttMilestone(0, "Mission", date(2026, 5, 1), "done", "done", "1 May 2026")
    >>> keys = ("actions", "milestones", "today", "period", "status", "due")
    >>> spec = plan_timeline([a], [m], today=date(2026, 11, 27), title="Timeline",
    ...                      labels={k: k for k in keys})
    >>> spec["series"][0]["renderItem"], spec["series"][0]["data"][0]["value"]
    ('polisee:gantt', [0, '2026-01-01', '2026-06-30'])
    >>> spec["series"][1]["data"][0]["value"], spec["series"][1]["markLine"]["data"]
    (['2026-05-01', 0], [{'xAxis': '2026-11-27', 'name': 'today'}])
    """
    first = min([a.starts_on for a in actions] + [m.due_on for m in milestones] + [today])
    last = max([a.ends_on for a in actions] + [m.due_on for m in milestones] + [today])
    bars = [
        {
            "name": action.label,
            "value": [row, action.starts_on.isoformat(), action.ends_on.isoformat()],
            "itemStyle": {"color": ACTION_COLORS.get(action.status, ACTION_COLORS["planned"])},
            "heading": action.label,
            "rows": [
                [labels["period"], action.period_text],
                [labels["status"], action.status_text],
            ],
        }
        for row, action in enumerate(actions)
    ]
    marks = [
        {
            "name": m.label,
            "value": [m.due_on.isoformat(), m.row],
            "itemStyle": {"color": MILESTONE_COLORS.get(m.status, MILESTONE_COLORS["upcoming"])},
            "heading": m.label,
            "rows": [[labels["due"], m.due_text], [labels["status"], m.status_text]],
        }
        for m in milestones
    ]
    spec = _base(title, gettext=gettext)
    spec.update(
        {
            "grid": {"left": 12, "right": 32, "top": 70, "bottom": 40, "containLabel": True},
            "legend": {"top": 36, "left": 8, "textStyle": {"color": _INK}},
            "tooltip": _tooltip("item"),
            "xAxis": {
                "type": "time",
                "min": date(first.year, first.month, 1).isoformat(),
                "max": date(last.year + (last.month == 12), last.month % 12 + 1, 1).isoformat(),
                "axisLabel": {"color": "#52606d", "hideOverlap": True},
                "splitLine": {"show": True, "lineStyle": {"color": "#e4e7eb"}},
            },
            "yAxis": _label_axis([_short(a.label, 40) for a in actions], width=240),
            "series": [
                {
                    "type": "custom",
                    "name": labels["actions"],
                    "renderItem": "polisee:gantt",
                    "dimensions": [
                        {"name": "row", "type": "ordinal"},
                        {"name": "start", "type": "time"},
                        {"name": "end", "type": "time"},
                    ],
                    "encode": {"x": [1, 2], "y": 0, "tooltip": [1, 2]},
                    "itemStyle": {"color": ACTION_COLORS["in_progress"], "opacity": 0.9},
                    "data": bars,
                },
                {
                    "type": "scatter",
                    "name": labels["milestones"],
                    "symbol": "diamond",
                    "symbolSize": 15,
                    "itemStyle": {
                        "color": MILESTONE_COLORS["upcoming"],
                        "borderColor": "#ffffff",
                        "borderWidth": 1,
                    },
                    "z": 4,
                    "data": marks,
                    "markLine": {
                        "silent": True,
                        "symbol": "none",
                        "lineStyle": {"type": "dashed", "color": "#b3261e", "width": 1.5},
                        # the category axis is inverted: "start" is the top of the line
                        "label": {"formatter": "{b}", "position": "start", "color": "#b3261e"},
                        "data": [{"xAxis": today.isoformat(), "name": labels["today"]}],
                    },
                },
            ],
        }
    )
    return _clean(spec)

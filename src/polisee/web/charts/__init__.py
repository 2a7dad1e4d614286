"""Chart and map specs for the evidence explorer, built by pure functions.

Every chart function returns a JSON-serialisable Apache ECharts 5 option dict that a
template embeds in ``data-spec`` (or a ``<script type="application/json">`` block) on an
element with ``data-chart``; ``static/js/charts.js`` renders it. :func:`choropleth` returns
a map spec that ``static/js/map.js`` applies to GeoJSON boundaries drawn with Leaflet.

Specs hold data, never code. Where ECharts wants a JavaScript formatter, the spec names
one that ``charts.js`` provides:

- ``"polisee:item"``: the hovered item's ``heading`` (else its name) and its ``rows``,
  a list of ``[label, formatted value]`` pairs built here with :func:`format_number`;
- ``"polisee:axis"``: the axis value, then per series its ``text`` or "no data";
- ``renderItem: "polisee:gantt"`` (custom series): a bar on row ``value[0]`` from time
  ``value[1]`` to ``value[2]``, for the timeline of :func:`plan_timeline`.

Missing values are ``None`` (JSON ``null``), never zero: lines break at them, bars and
points are left out, maps paint them in :data:`NO_DATA_COLOR`.

Each chart has a title, ``aria.enabled`` (ECharts writes a text description for screen
readers) and a toolbox ``saveAsImage`` button (PNG). SVG export works by initialising the
chart with ``echarts.init(el, null, {renderer: "svg"})``; ``charts.js`` does that when an
element has ``data-renderer="svg"`` and offers PNG and SVG download buttons for every chart.
"""

from __future__ import annotations

from polisee.web.charts._assessment import group_bars, theme_radar
from polisee.web.charts._colours import (
    NO_DATA_COLOR,
    PALETTES,
    SERIES_COLORS,
    choropleth,
    class_breaks,
    classify,
    color_scale,
)
from polisee.web.charts._echarts import (
    QUADRANT_LABELS,
    lq_bar,
    opportunity_scatter,
    radar,
    shift_share_bar,
    trend_lines,
)
from polisee.web.charts._financing import scenario_grants
from polisee.web.charts._network import COUNTRY_COLORS, collaboration_graph, links_by_year
from polisee.web.charts._numbers import format_number
from polisee.web.charts._plans import (
    ACTION_COLORS,
    MILESTONE_COLORS,
    STATUS_COLORS,
    GanttAction,
    GanttMilestone,
    KpiBar,
    kpi_progress,
    kpi_trend,
    plan_timeline,
)
from polisee.web.charts._scoreboard import RANK_LABELS, rank_intervals, scoreboard_radar

__all__ = [
    "ACTION_COLORS",
    "COUNTRY_COLORS",
    "MILESTONE_COLORS",
    "NO_DATA_COLOR",
    "PALETTES",
    "QUADRANT_LABELS",
    "RANK_LABELS",
    "SERIES_COLORS",
    "STATUS_COLORS",
    "GanttAction",
    "GanttMilestone",
    "KpiBar",
    "choropleth",
    "class_breaks",
    "classify",
    "collaboration_graph",
    "color_scale",
    "format_number",
    "group_bars",
    "kpi_progress",
    "kpi_trend",
    "links_by_year",
    "lq_bar",
    "opportunity_scatter",
    "plan_timeline",
    "radar",
    "rank_intervals",
    "scenario_grants",
    "scoreboard_radar",
    "shift_share_bar",
    "theme_radar",
    "trend_lines",
]

"""The plan monitoring charts as specs: KPI progress bullets, KPI trends with the path to
the target, and the Gantt-like timeline (no browser needed)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from polisee.web import charts
from polisee.web.charts import GanttAction, GanttMilestone, KpiBar

PROGRESS_LABELS = {
    k: k.title() for k in ("axis", "share", "expected", "baseline", "latest", "target", "status")
}
TIMELINE_LABELS = {
    k: k.title() for k in ("actions", "milestones", "today", "period", "status", "due")
}


def _bar(label: str, share: float | None, expected: float | None, status: str) -> KpiBar:
    return KpiBar(label, share, expected, status, status, "100 (2014)", "130 (2015)", "200 (2027)")


def test_progress_bars_clip_the_bar_but_tell_the_true_share() -> None:
    bars = [
        _bar("Jobs", 0.3, 0.4, "behind"),
        _bar("Reached early", 1.5, 0.2, "achieved"),
        _bar("Wrong way", -2.23, 0.08, "behind"),
        _bar("No value yet", None, None, "no_data"),
    ]
    spec = charts.kpi_progress(bars, title="Progress", labels=PROGRESS_LABELS, locale="hu")
    json.dumps(spec)  # data only, no code
    assert spec["yAxis"]["data"] == ["Jobs", "Reached early", "Wrong way", "No value yet"]
    values = [None if p is None else p["value"] for p in spec["series"][0]["data"]]
    assert values == [30.0, 100.0, 0.0, None]  # missing is a gap, never 0
    colours = [p["itemStyle"]["color"] for p in spec["series"][0]["data"] if p]
    assert colours == [charts.STATUS_COLORS[s] for s in ("behind", "achieved", "behind")]
    wrong_way = dict(spec["series"][0]["data"][2]["rows"])
    assert wrong_way["Share"] == "-223\u00a0%"  # Hungarian puts a space before the % sign
    assert wrong_way["Latest"] == "130 (2015)"
    # One expected-position marker per KPI that has one, on its row.
    assert [p["value"] for p in spec["series"][1]["data"]] == [[40.0, 0], [20.0, 1], [8.0, 2]]
    assert spec["xAxis"]["min"] == 0
    assert spec["xAxis"]["max"] == 100
    assert spec["aria"]["enabled"] is True
    assert spec["tooltip"]["formatter"] == "polisee:item"


def test_trend_of_yearly_values_with_the_path_to_the_target() -> None:
    spec = charts.kpi_trend(
        [(2012, 20252.0), (2013, None), (2014, 23607.0), (2015, 25188.0)],
        baseline=23607.0,
        target=26000.0,
        baseline_year=2014,
        target_year=2027,
        title="Automotive jobs",
        unit="persons",
        labels={"values": "Values", "path": "Path", "target": "Target"},
    )
    years = spec["xAxis"]["data"]
    assert (years[0], years[-1], len(years)) == ("2012", "2027", 16)
    values = spec["series"][0]["data"]
    assert values[1] is None  # 2013 is missing: a gap
    assert values[3] == {"value": 25188.0, "text": "25,188\u00a0persons"}
    path = spec["series"][1]["data"]
    assert [i for i, p in enumerate(path) if p is not None] == [2, 15]  # 2014 and 2027
    assert spec["series"][1]["connectNulls"] is True
    assert spec["series"][1]["lineStyle"]["type"] == "dashed"
    assert spec["series"][0]["connectNulls"] is False


def test_trend_of_dated_reports_on_a_time_axis() -> None:
    spec = charts.kpi_trend(
        [(date(2026, 5, 10), 6.0), (date(2026, 9, 15), 14.0)],
        baseline=0.0,
        target=40.0,
        baseline_year=2026,
        target_year=2027,
        title="SMEs",
        labels={"values": "Values", "path": "Path", "target": "Target"},
    )
    assert spec["xAxis"]["type"] == "time"
    assert [p["value"] for p in spec["series"][0]["data"]] == [
        ["2026-05-10", 6.0],
        ["2026-09-15", 14.0],
    ]
    assert [p["value"] for p in spec["series"][1]["data"]] == [
        ["2026-01-01", 0.0],
        ["2027-12-31", 40.0],
    ]


def test_timeline_rows_bars_milestones_and_today() -> None:
    actions = [
        GanttAction(
            "Coaching", date(2026, 1, 1), date(2027, 6, 30), "in_progress", "In progress", "p"
        ),
        GanttAction("Pilot", date(2026, 2, 1), date(2026, 10, 31), "completed", "Completed", "p"),
    ]
    milestones = [
        GanttMilestone(0, "Pre-assessment", date(2026, 11, 7), "overdue", "Overdue", "7 Nov 2026"),
        GanttMilestone(1, "Mission", date(2026, 9, 1), "done", "Done", "1 Sep 2026"),
    ]
    spec = charts.plan_timeline(
        actions, milestones, today=date(2026, 11, 27), title="Timeline", labels=TIMELINE_LABELS
    )
    json.dumps(spec)
    bars, marks = spec["series"]
    assert bars["type"] == "custom"
    assert bars["renderItem"] == "polisee:gantt"
    assert [b["value"] for b in bars["data"]] == [
        [0, "2026-01-01", "2027-06-30"],
        [1, "2026-02-01", "2026-10-31"],
    ]
    assert [b["itemStyle"]["color"] for b in bars["data"]] == [
        charts.ACTION_COLORS["in_progress"],
        charts.ACTION_COLORS["completed"],
    ]
    assert [m["value"] for m in marks["data"]] == [["2026-11-07", 0], ["2026-09-01", 1]]
    assert marks["data"][0]["itemStyle"]["color"] == charts.MILESTONE_COLORS["overdue"]
    assert dict(marks["data"][0]["rows"]) == {"Due": "7 Nov 2026", "Status": "Overdue"}
    assert marks["markLine"]["data"] == [{"xAxis": "2026-11-27", "name": "Today"}]
    # The axis runs over whole months, from the first start to past the last end.
    assert (spec["xAxis"]["min"], spec["xAxis"]["max"]) == ("2026-01-01", "2027-07-01")
    assert spec["yAxis"]["data"] == ["Coaching", "Pilot"]
    assert spec["yAxis"]["inverse"] is True


@pytest.mark.parametrize(
    ("last", "axis_max"),
    [(date(2026, 12, 15), "2027-01-01"), (date(2026, 11, 30), "2026-12-01")],
    ids=["december", "november"],
)
def test_timeline_axis_ends_on_the_next_month(last: date, axis_max: str) -> None:
    spec = charts.plan_timeline(
        [GanttAction("A", date(2026, 3, 5), last, "planned", "Planned", "p")],
        [],
        today=date(2026, 4, 1),
        title="t",
        labels=TIMELINE_LABELS,
    )
    assert spec["xAxis"]["min"] == "2026-03-01"
    assert spec["xAxis"]["max"] == axis_max

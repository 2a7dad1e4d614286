"""The radar, progress and Gantt figures of the assessment and plan reports, on tiny inputs
whose geometry is checked by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from polisee.services.reports._svg import RadarSeries, radar_chart, radar_point
from polisee.services.reports._svg_plan import (
    STATUS_COLORS,
    GanttMark,
    GanttRow,
    ProgressRow,
    gantt_chart,
    progress_chart,
    year_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def _points(polygon: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in (p.split(",") for p in polygon.attrib["points"].split())
    ]


# --- radar ---------------------------------------------------------------------------------


def test_radar_puts_each_value_on_its_axis() -> None:
    svg = radar_chart(
        ["North", "East", "South", "West"],
        [RadarSeries("This round", [5, 2.5, None, 0], "#0b3c5d")],
        title="Themes",
        max_value=5,
        width=400,
        height=300,
    )
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Themes"  # type: ignore[union-attr]
    polygons = root.findall(f"{SVG}polygon")
    # Five rings (1 to 5) and one series.
    assert len(polygons) == 6
    rings = [_points(p) for p in polygons[:5]]
    series = _points(polygons[5])
    # The rim ring's top point is the first axis at 5; the series reaches it there.
    cx = rings[0][1][0] - (rings[0][1][0] - rings[0][3][0]) / 2
    top = rings[4][0]
    assert series[0] == top
    # 2.5 of 5 on the east axis: half way from the centre to the rim's east point.
    east = rings[4][1]
    assert series[1][0] == pytest.approx(cx + (east[0] - cx) / 2, abs=0.1)
    assert series[1][1] == pytest.approx(east[1], abs=0.1)
    # Unknown (None) and 0 are both at the centre, but only known values get a dot.
    assert series[2] == pytest.approx(series[3], abs=0.1)
    assert len(root.findall(f"{SVG}circle")) == 3
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert {"North", "East", "South", "West", "This round"} <= set(labels)


def test_radar_dashes_comparison_series_and_refuses_bad_input() -> None:
    svg = radar_chart(
        ["A", "B", "C"],
        [
            RadarSeries("2025", [1, 2, 3], "#000000"),
            RadarSeries("2024", [1, 1, 1], "#999999", dashed=True),
        ],
        title="t",
        max_value=4,
    )
    root = ET.fromstring(svg)
    dashed = [p for p in root.findall(f"{SVG}polygon") if "stroke-dasharray" in p.attrib]
    assert len(dashed) == 1
    assert dashed[0].attrib["stroke"] == "#999999"
    with pytest.raises(ValueError, match="at least 3 axes"):
        radar_chart(["A", "B"], [], title="t", max_value=5)
    with pytest.raises(ValueError, match="expected 3 values in series 'x'"):
        radar_chart(["A", "B", "C"], [RadarSeries("x", [1, 2], "#000")], title="t", max_value=5)


def test_radar_point_goes_clockwise_from_the_top() -> None:
    # Four axes: 0 up, 1 right, 2 down, 3 left; values clipped to 0..max.
    assert radar_point(0, 4, 5, 5, 0, 0, 10) == (0.0, -10.0)
    assert radar_point(1, 4, 5, 5, 0, 0, 10) == (10.0, 0.0)
    assert radar_point(2, 4, 9, 5, 0, 0, 10) == pytest.approx((0.0, 10.0))
    assert radar_point(3, 4, -1, 5, 0, 0, 10) == pytest.approx((0.0, 0.0))


# --- progress ------------------------------------------------------------------------------


def test_progress_bars_run_from_baseline_to_target() -> None:
    svg = progress_chart(
        [
            ProgressRow("Jobs", 0.5, 0.25, "on_track", "50%"),
            ProgressRow("LQ", -1.0, 0.25, "behind", "-100%"),
            ProgressRow("SMEs", None, None, "no_data", "No value yet"),
        ],
        title="Progress",
        legend=[("on_track", "On track"), ("behind", "Behind")],
        expected_label="Expected",
        target_label="Target",
        tick_format=lambda v: f"{v * 100:g}%",
        width=500,
    )
    root = ET.fromstring(svg)
    rects = root.findall(f"{SVG}rect")
    bars = [r for r in rects if r.attrib.get("fill") in STATUS_COLORS.values()]
    # Two swatches in the legend, then two bars (the row without a value has none).
    assert [r.attrib["fill"] for r in bars] == [
        STATUS_COLORS["on_track"],
        STATUS_COLORS["behind"],
        STATUS_COLORS["on_track"],
        STATUS_COLORS["behind"],
    ]
    lines = root.findall(f"{SVG}line")
    zero = float(lines[-2].attrib["x1"])
    target = float(lines[-1].attrib["x1"])
    jobs, lq = bars[2], bars[3]
    # -100 % is clipped to -50 %; 50 % is half way from 0 to the target line.
    assert float(jobs.attrib["x"]) == pytest.approx(zero, abs=0.1)
    assert float(jobs.attrib["width"]) == pytest.approx((target - zero) / 2, abs=0.2)
    assert float(lq.attrib["x"]) + float(lq.attrib["width"]) == pytest.approx(zero, abs=0.1)
    assert float(lq.attrib["width"]) == pytest.approx((target - zero) / 2, abs=0.2)
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert {"50%", "-100%", "No value yet", "Target", "Expected", "-50%", "100%"} <= set(texts)


# --- Gantt ---------------------------------------------------------------------------------


def test_gantt_places_actions_and_marks_overdue_milestones() -> None:
    start, end = date(2026, 1, 1), date(2027, 12, 31)
    svg = gantt_chart(
        [
            GanttRow(
                "Coaching",
                date(2026, 1, 1),
                date(2026, 12, 31),
                "#0072B2",
                [GanttMark(date(2026, 7, 2), "overdue"), GanttMark(date(2026, 3, 1), "done")],
                late=True,
            ),
            GanttRow("Mission", date(2027, 1, 1), date(2027, 12, 31), "#9aa5b1"),
        ],
        title="Timeline",
        start=start,
        end=end,
        today=date(2026, 9, 1),
        today_label="1 Sep 2026",
        legend=[("done", "Done"), ("overdue", "Overdue")],
        width=600,
    )
    root = ET.fromstring(svg)
    bars = [r for r in root.findall(f"{SVG}rect") if r.attrib.get("rx") == "2"]
    assert len(bars) == 2
    first, second = bars
    # Each bar covers half of the two years: the second starts where the first ends.
    assert float(first.attrib["width"]) == pytest.approx(float(second.attrib["width"]), rel=0.01)
    assert float(second.attrib["x"]) == pytest.approx(
        float(first.attrib["x"]) + float(first.attrib["width"]), abs=1.5
    )
    # The overdue milestone (mid-2026, so in the middle of the first bar) is ringed; the
    # legend's overdue mark is ringed too.
    rings = root.findall(f"{SVG}circle[@data-overdue]")
    assert len(rings) == 2
    ring_x = float(rings[1].attrib["cx"])
    middle = float(first.attrib["x"]) + float(first.attrib["width"]) / 2
    assert ring_x == pytest.approx(middle, abs=2)
    texts = {t.text: t for t in root.findall(f"{SVG}text")}
    assert texts["Coaching"].attrib["fill"] != texts["Mission"].attrib["fill"]  # late: warned
    assert {"2026", "2027", "1 Sep 2026", "Done", "Overdue"} <= set(texts)
    with pytest.raises(ValueError, match="ends after it starts"):
        gantt_chart([], title="t", start=end, end=start, today=start, today_label="", legend=[])


def test_year_ticks_cover_the_period() -> None:
    assert year_ticks(date(2026, 3, 1), date(2026, 4, 1)) == [date(2026, 1, 1), date(2027, 1, 1)]

"""Chart and map specs asserted by meaning, without a browser."""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polisee.errors import InputError
from polisee.web import charts
from polisee.web.charts import (
    NO_DATA_COLOR,
    PALETTES,
    choropleth,
    class_breaks,
    classify,
    color_scale,
    format_number,
    lq_bar,
    opportunity_scatter,
    radar,
    shift_share_bar,
    trend_lines,
)


def _strict_json(spec: dict[str, Any]) -> Any:
    # allow_nan=False: a NaN that slipped through would be invalid JSON in the browser.
    return json.loads(json.dumps(spec, allow_nan=False))


def _assert_chart_basics(spec: dict[str, Any], title: str) -> None:
    _strict_json(spec)
    assert spec["title"]["text"] == title
    assert spec["aria"]["enabled"] is True
    assert spec["toolbox"]["feature"]["saveAsImage"]["type"] == "png"
    assert re.fullmatch(r"[a-z0-9-]+", spec["toolbox"]["feature"]["saveAsImage"]["name"])


LQ = pd.DataFrame(
    {
        "industry": ["C29", "C10", "J62", "K64", "A01"],
        "title": [
            "Manufacture of motor vehicles, trailers and semi-trailers",
            "Manufacture of food products",
            "Computer programming, consultancy and related activities",
            "Financial service activities",
            "Crop and animal production",
        ],
        "lq": [3.2, 0.8, 1.4, np.nan, 1.0],
        "employment": [12000.0, 3000.0, 5000.0, 800.0, np.nan],
    }
)


def test_lq_bar_sorts_drops_missing_and_marks_lq_one() -> None:
    spec = lq_bar(LQ, title="Specialisation of HU21", top=3)
    _assert_chart_basics(spec, "Specialisation of HU21")
    (series,) = spec["series"]
    assert [d["name"] for d in series["data"]] == ["C29", "J62", "A01"]  # K64 has no LQ
    assert [d["value"] for d in series["data"]] == [3.2, 1.4, 1.0]
    assert spec["yAxis"]["inverse"] is True  # highest on top
    assert spec["toolbox"]["feature"]["saveAsImage"]["name"] == "specialisation-of-hu21"
    assert spec["yAxis"]["data"][0].startswith("C29 · Manufacture of motor vehicles")
    assert series["markLine"]["data"] == [{"xAxis": 1}]
    # specialised (LQ >= 1) bars differ in colour from the rest
    full = lq_bar(LQ, title="t")["series"][0]["data"]
    colors = {d["name"]: d["itemStyle"]["color"] for d in full}
    assert colors["C29"] == colors["A01"] != colors["C10"]
    rows = dict(full[0]["rows"])
    assert rows == {"Location quotient": "3.20", "Employment": "12,000\u00a0persons"}
    a01 = next(d for d in full if d["name"] == "A01")
    assert dict(a01["rows"])["Employment"] == "no data"  # NaN employment
    assert full[0]["heading"].endswith("semi-trailers")
    assert spec["tooltip"]["formatter"] == "polisee:item"


def test_lq_bar_names_missing_columns() -> None:
    with pytest.raises(InputError, match="missing \\['employment'\\]"):
        lq_bar(LQ.drop(columns="employment"), title="t")


TREND = pd.DataFrame(
    {
        "region": ["HU21", "HU21", "HU21", "HU22", "HU22"],
        "label": ["Közép-Dunántúl"] * 3 + ["Nyugat-Dunántúl"] * 2,
        "year": [2010, 2011, 2013, 2010, 2011],
        "value": [1.0, np.nan, 3.0, 2.0, 0.0],
    }
)


def test_trend_lines_leave_gaps_for_missing_years() -> None:
    spec = trend_lines(TREND, title="Employment", unit="persons")
    _assert_chart_basics(spec, "Employment")
    assert spec["xAxis"]["data"] == ["2010", "2011", "2012", "2013"]  # 2012 absent everywhere
    hu21, hu22 = spec["series"]
    assert hu21["name"] == "Közép-Dunántúl"
    assert [None if p is None else p["value"] for p in hu21["data"]] == [1.0, None, None, 3.0]
    assert [None if p is None else p["value"] for p in hu22["data"]] == [2.0, 0.0, None, None]
    assert hu22["data"][1]["text"] == "0\u00a0persons"  # a real zero stays a zero
    assert hu21["connectNulls"] is False
    assert spec["tooltip"]["formatter"] == "polisee:axis"


def test_trend_lines_uses_codes_without_labels() -> None:
    spec = trend_lines(TREND.drop(columns="label"), title="t", unit="")
    assert [s["name"] for s in spec["series"]] == ["HU21", "HU22"]


OPPORTUNITIES = pd.DataFrame(
    {
        "industry": ["a", "b", "c", "d", "e"],
        "title": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
        "density": [0.9, 0.1, 0.8, 0.2, np.nan],
        "pci": [1.5, 1.2, -0.5, -1.0, 0.3],
        "employment": [100.0, 400.0, np.nan, 0.0, 50.0],
    }
)


def test_opportunity_scatter_splits_at_medians() -> None:
    spec = opportunity_scatter(OPPORTUNITIES, title="Growth options")
    _assert_chart_basics(spec, "Growth options")
    # plotted: a, b, c, d; median density (0.2, 0.8) = 0.5, median pci (-0.5, 1.2) = 0.35
    names = [[p["name"] for p in s["data"]] for s in spec["series"]]
    assert names == [["a"], ["b"], ["c"], ["d"]]
    assert [s["name"] for s in spec["series"]] == list(charts.QUADRANT_LABELS)
    medians = spec["series"][0]["markLine"]["data"]
    assert medians[0]["xAxis"] == pytest.approx(0.5)
    assert medians[1]["yAxis"] == pytest.approx(0.35)
    assert spec["title"]["subtext"] == "1 industries without both values not shown"
    # size grows with employment; missing employment gets the smallest size
    size = {p["name"]: p["symbolSize"] for s in spec["series"] for p in s["data"]}
    assert size["b"] > size["a"] > size["d"]
    assert size["c"] == size["d"] == 6.0
    point_a = spec["series"][0]["data"][0]
    assert point_a["value"] == [0.9, 1.5]
    assert point_a["heading"] == "a Alpha"
    assert [g["style"]["text"] for g in spec["graphic"]] == list(charts.QUADRANT_LABELS)


def test_opportunity_scatter_takes_cog_as_attractiveness() -> None:
    frame = OPPORTUNITIES.rename(columns={"pci": "cog"})
    spec = opportunity_scatter(frame, title="t", attractiveness="cog")
    assert spec["yAxis"]["name"] == "Attractiveness (COG)"


def test_radar_keeps_missing_scores_null_and_says_so() -> None:
    themes = ["Governance", "Analysis", "Vision", "Priorities", "Policy mix", "Monitoring"]
    spec = radar(
        themes,
        {"HU21": [3, 4, None, 2, 5, 1], "Peers": [2.5, 3, 3, 3, 3, 3]},
        max_value=5,
    )
    _assert_chart_basics(spec, "Self-assessment by theme")
    (series,) = spec["series"]
    assert series["data"][0]["value"] == [3.0, 4.0, None, 2.0, 5.0, 1.0]
    assert [i["max"] for i in spec["radar"]["indicator"]] == [5] * 6
    assert spec["radar"]["indicator"][2]["name"] == "Vision *"
    assert spec["title"]["subtext"] == "* no score: Vision (HU21)"
    assert dict(series["data"][0]["rows"])["Vision"] == "no data"


@pytest.mark.parametrize(
    ("scores", "match"),
    [([1, 2], "expected 3 scores"), ([1, 2, 6], "0..5")],
    ids=["wrong-length", "out-of-range"],
)
def test_radar_rejects_bad_scores(scores: list[float | None], match: str) -> None:
    with pytest.raises(InputError, match=match):
        radar(["a", "b", "c"], {"x": scores}, max_value=5)


def test_shift_share_bar_stacks_components_with_a_total() -> None:
    frame = pd.DataFrame(
        {
            "industry": ["C29", "C10"],
            "national_share": [100.0, 50.0],
            "industry_mix": [-20.0, np.nan],
            "regional_shift": [30.0, -10.0],
            "total": [110.0, 40.0],
        }
    )
    spec = shift_share_bar(frame, unit="persons")
    _assert_chart_basics(spec, "Shift-share decomposition")
    bars = [s for s in spec["series"] if s["type"] == "bar"]
    assert [s["name"] for s in bars] == ["National growth", "Industry mix", "Regional shift"]
    assert {s["stack"] for s in bars} == {"shift"}
    assert bars[1]["data"][0]["value"] == -20.0
    assert bars[1]["data"][1] is None
    (total,) = [s for s in spec["series"] if s["type"] == "scatter"]
    assert [p["value"] for p in total["data"]] == [110.0, 40.0]


# --- numbers, colours, classes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "locale", "expected"),
    [
        (1234567.8, "", "en", "1,234,568"),
        (1234.5, "EUR", "en", "1,234\u00a0EUR"),
        (12.345, "", "en", "12.3"),
        (0.012345, "", "en", "0.0123"),
        (0.0, "", "en", "0"),
        (-3.14159, "", "en", "-3.14"),
        (12.5, "%", "en", "12.5%"),
        (1234567.8, "", "de", "1.234.568"),
        (12.345, "", "de", "12,3"),
        (12.5, "%", "de", "12,5\u00a0%"),
        (1234567.0, "", "hu", "1\u00a0234\u00a0567"),
        (None, "", "en", "no data"),
        (float("nan"), "%", "en", "no data"),
    ],
    ids=[
        "big",
        "unit",
        "3-sig",
        "small",
        "zero",
        "negative",
        "percent",
        "de-big",
        "de-dec",
        "de-percent",
        "hu",
        "none",
        "nan",
    ],
)
def test_format_number(value: float | None, unit: str, locale: str, expected: str) -> None:
    assert format_number(value, unit, locale) == expected


def test_format_number_fixed_decimals_and_unknown_locale() -> None:
    assert format_number(1.2, decimals=2) == "1.20"
    assert format_number(1234.5, locale="xx_NOPE") == "1,234"


@pytest.mark.parametrize("palette", sorted(PALETTES), ids=sorted(PALETTES))
@pytest.mark.parametrize("n", [1, 3, 5, 7, 9, 12], ids=lambda n: f"n{n}")
def test_color_scale_gives_n_distinct_hex_colours(palette: str, n: int) -> None:
    colors = color_scale(n, palette)
    assert len(colors) == n
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colors)
    assert len(set(colors)) == n
    assert NO_DATA_COLOR not in colors


def test_color_scale_runs_light_to_dark() -> None:
    def lightness(color: str) -> float:
        r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for palette in PALETTES:
        light = [lightness(c) for c in color_scale(7, palette)]
        assert light == sorted(light, reverse=True), palette


def test_color_scale_rejects_bad_input() -> None:
    with pytest.raises(InputError, match="palette"):
        color_scale(3, "Rainbow")
    with pytest.raises(InputError, match="colour like"):
        color_scale(3, ["red", "blue"])


VALUES = [1.0, 2.0, 2.5, 3.0, 4.0, 10.0, 11.0, 12.0, 30.0, 31.0]


@pytest.mark.parametrize(
    "method", ["quantile", "equal", "jenks"], ids=["quantile", "equal", "jenks"]
)
def test_breaks_are_monotonic_and_cover_min_to_max(method: str) -> None:
    edges = class_breaks([*VALUES, None, float("nan")], method=method, n_classes=3)
    assert edges[0] == 1.0
    assert edges[-1] == 31.0
    assert all(a < b for a, b in itertools.pairwise(edges))
    assert len(edges) == 4


def test_jenks_finds_the_natural_groups() -> None:
    # three clear groups: 1-4, 10-12, 30-31, cut halfway: (4+10)/2 = 7, (12+30)/2 = 21
    assert class_breaks(VALUES, method="jenks", n_classes=3) == [1.0, 7.0, 21.0, 31.0]


def test_equal_and_quantile_breaks_by_hand() -> None:
    assert class_breaks([0, 10], method="equal", n_classes=5) == [0, 2, 4, 6, 8, 10]
    # quartiles of 1..5: 1, 2, 3, 4, 5
    assert class_breaks([1, 2, 3, 4, 5], method="quantile", n_classes=4) == [1, 2, 3, 4, 5]


def test_breaks_for_few_distinct_values() -> None:
    assert class_breaks([], n_classes=5) == []
    assert class_breaks([None, 2.0, 2.0]) == [2.0, 2.0]
    assert class_breaks([1, 1, 1, 1, 2], method="quantile", n_classes=4) == [1.0, 2.0]


def test_manual_breaks() -> None:
    assert class_breaks([0, 5, 10], method=[2.0, 8.0, 99.0]) == [0.0, 2.0, 8.0, 10.0]
    with pytest.raises(InputError, match="breaks"):
        class_breaks([1, 2], method="natural")


def test_classify_is_lower_inclusive_and_closes_the_last_class() -> None:
    assert classify([1.0, 2.9, 3.0, 5.0, None, float("nan")], [1.0, 3.0, 5.0]) == [
        0,
        0,
        1,
        1,
        None,
        None,
    ]


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
    method=st.sampled_from(["quantile", "equal", "jenks"]),
    n_classes=st.integers(1, 9),
)
def test_every_value_falls_in_a_class_that_contains_it(
    values: list[float], method: str, n_classes: int
) -> None:
    edges = class_breaks(values, method=method, n_classes=n_classes)
    assert edges[0] == min(values)
    assert edges[-1] == max(values)
    assert all(a < b for a, b in itertools.pairwise(edges)) or len(set(values)) == 1
    assert len(edges) - 1 <= max(n_classes, 1)
    for value, k in zip(values, classify(values, edges), strict=True):
        assert k is not None
        assert edges[k] <= value <= edges[k + 1 if k + 1 < len(edges) else k]


MAP_VALUES: dict[str, float | None] = {
    "HU11": 100.0,
    "HU12": 20.0,
    "HU21": 40.0,
    "HU22": 60.0,
    "HU23": 80.0,
    "HU31": 0.0,
    "HU32": None,
    "HU33": float("nan"),
    "HU34": 50.0,
    "HU35": 70.0,
}


@pytest.mark.parametrize(
    "method", ["quantile", "equal", "jenks"], ids=["quantile", "equal", "jenks"]
)
def test_choropleth_colours_each_region_by_its_class(method: str) -> None:
    spec = choropleth(MAP_VALUES, indicator="Employment rate", unit="%", breaks=method, n_classes=4)
    _strict_json(spec)
    assert len(spec["legend"]["items"]) == 4 == len(spec["classes"])
    edges = spec["breaks"]
    assert edges[0] == 0.0
    assert edges[-1] == 100.0
    assert all(a < b for a, b in itertools.pairwise(edges))
    for code, value in MAP_VALUES.items():
        color = spec["colors"][code]
        if value is None or math.isnan(value):
            assert color == NO_DATA_COLOR
            assert spec["values"][code] is None
            assert spec["classes_by_region"][code] is None
            continue
        k = spec["classes_by_region"][code]
        cls = spec["classes"][k]
        assert cls["lower"] <= value <= cls["upper"]
        assert color == cls["color"]
    assert spec["colors"]["HU31"] != NO_DATA_COLOR  # zero is data, not "no data"
    assert sum(c["count"] for c in spec["classes"]) == 8
    assert spec["legend"]["no_data"] == {"color": NO_DATA_COLOR, "label": "No data", "count": 2}
    assert spec["legend"]["title"] == "Employment rate (%)"
    assert spec["labels"]["HU11"] == "100%"
    assert spec["labels"]["HU32"] == "no data"


def test_choropleth_legend_labels_are_formatted_ranges() -> None:
    spec = choropleth(
        {"a": 0.5, "b": 1.2, "c": 3.4, "d": 1234.0}, indicator="x", breaks=[1.0, 2.0], locale="en"
    )
    assert [i["label"] for i in spec["legend"]["items"]] == [
        "0.5 – 1.0",
        "1.0 – 2.0",
        "2.0 – 1,234.0",
    ]


def test_choropleth_without_any_value() -> None:
    spec = choropleth({"a": None, "b": None}, indicator="x")
    assert spec["classes"] == []
    assert set(spec["colors"].values()) == {NO_DATA_COLOR}


def test_choropleth_rejects_a_no_data_colour_from_the_palette() -> None:
    with pytest.raises(InputError, match="no-data colour"):
        choropleth(MAP_VALUES, indicator="x", n_classes=3, no_data_color="#edf8b1")


def test_charts_module_stays_pure() -> None:
    source = charts.__file__
    assert source is not None
    text = "\n".join(p.read_text(encoding="utf-8") for p in Path(source).parent.glob("*.py"))
    for forbidden in ("sqlalchemy", "fastapi", "starlette", "jinja2"):
        assert not re.search(rf"^\s*(from|import) {forbidden}", text, re.M), forbidden

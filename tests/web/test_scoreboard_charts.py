"""The scoreboard's chart specs, without a browser."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from polisee.errors import InputError
from polisee.web.charts import RANK_LABELS, rank_intervals, scoreboard_radar


def ranks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["HU21", "HU22", "AT13", "SK01"],
            "name": ["Közép-Dunántúl", "Nyugat-Dunántúl", "Wien", "Bratislavský kraj"],
            "score": [55.5, 61.25, None, 70.0],
            "rank": [3.0, 2.0, None, 1.0],
            "median_rank": [3.0, 2.0, None, 1.0],
            "rank_p05": [2.0, 1.0, None, 1.0],
            "rank_p95": [3.0, 3.0, None, 1.0],
            "robust": pd.array([False, True, pd.NA, True], dtype="boolean"),
        }
    )


def test_rank_intervals_draw_a_floating_bar_per_ranked_region() -> None:
    spec = rank_intervals(ranks(), title="Innovation", top=10)
    json.dumps(spec)  # JSON-serialisable as embedded in the page
    assert spec["yAxis"]["data"] == [
        "Bratislavský kraj (SK01)",
        "Nyugat-Dunántúl (HU22)",
        "Közép-Dunántúl (HU21)",
    ]
    base, spans, points, medians = spec["series"]
    # SK01 is first in every draw: a 0.3-wide bar centred on rank 1
    assert base["data"][0] == pytest.approx(0.85)
    assert spans["data"][0]["value"] == pytest.approx(0.3)
    # HU22 from rank 1 to 3: starts at 1 and is 2 wide; robust -> the series colour
    assert (base["data"][1], spans["data"][1]["value"]) == (1.0, 2.0)
    colours = [d["itemStyle"]["color"] for d in spans["data"]]
    assert colours[1] == colours[0] != colours[2]  # HU21 is not robust
    assert [p["value"][0] for p in points["data"]] == [1.0, 2.0, 3.0]
    assert medians["data"][2]["value"] == [3.0, "Közép-Dunántúl (HU21)"]
    assert spec["xAxis"]["max"] == 3
    assert spec["title"]["subtext"].startswith("Top 3 of 3 regions")


def test_rank_intervals_speak_the_callers_language() -> None:
    labels = {**RANK_LABELS, "score": "Pontszám", "yes": "igen", "no": "nem"}
    spec = rank_intervals(ranks(), title="Innováció", labels=labels, locale="hu", top=2)
    rows = dict(spec["series"][1]["data"][1]["rows"])
    assert rows["Pontszám"] == "61,2\xa0/ 100"  # decimal comma, no-break space
    assert rows[RANK_LABELS["robust"]] == "igen"
    assert len(spec["yAxis"]["data"]) == 2


def test_rank_intervals_need_their_columns() -> None:
    with pytest.raises(InputError, match="rank_p95"):
        rank_intervals(ranks().drop(columns="rank_p95"), title="x")


def test_theme_radar_fills_the_region_and_outlines_the_comparators() -> None:
    spec = scoreboard_radar(
        ["Innovation", "Sustainability", "Skills"],
        {"HU21": [40.0, None, 60.0], "Peers": [50.0, 45.0, 55.0], "Country": [45, 40, 50]},
        title="Themes",
    )
    data = spec["series"][0]["data"]
    assert [d["lineStyle"]["type"] for d in data] == ["solid", "dashed", "dotted"]
    assert data[0]["areaStyle"]["opacity"] > data[1]["areaStyle"]["opacity"] == 0
    assert spec["radar"]["indicator"][1] == {"name": "Sustainability *", "max": 100, "min": 0}
    assert "HU21" in spec["title"]["subtext"]


@pytest.mark.parametrize(
    ("series", "match"),
    [({}, "at least one"), ({"HU21": [120.0, 1.0]}, "0..100"), ({"HU21": [1.0]}, "expected 2")],
    ids=["empty", "above-100", "too-few"],
)
def test_theme_radar_refuses_bad_series(series: dict[str, list[float]], match: str) -> None:
    with pytest.raises(InputError, match=match):
        scoreboard_radar(["A", "B"], series, title="t")

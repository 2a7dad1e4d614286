"""The assessment charts as pure functions: radar of themes and grouped bars."""

from __future__ import annotations

import json

import pytest

from polisee.errors import InputError
from polisee.web import charts

THEMES = ["Innovation", "Sustainability", "Financing"]


def test_radar_has_this_round_previous_round_and_peers() -> None:
    spec = charts.theme_radar(
        THEMES,
        [3.5, 2.0, None],
        max_value=5,
        current_label="Round 2025",
        previous=[3.0, 2.5, 2.0],
        previous_label="Round 2024",
        peers=[4.0, None, 3.0],
        peers_label="Peer regions (median of 2)",
        locale="hu",
    )
    json.dumps(spec)  # data only, no functions
    data = spec["series"][0]["data"]
    assert [d["name"] for d in data] == ["Round 2025", "Round 2024", "Peer regions (median of 2)"]
    assert data[0]["value"] == [3.5, 2.0, None]
    assert data[1]["lineStyle"]["type"] == "dashed"
    assert data[2]["value"] == [4.0, None, 3.0]
    assert [i["name"] for i in spec["radar"]["indicator"]] == [
        "Innovation",
        "Sustainability *",
        "Financing *",
    ]
    assert all(i["max"] == 5 for i in spec["radar"]["indicator"])
    assert data[0]["rows"][0] == ["Innovation", "3,5\xa0/ 5"]  # Hungarian decimal comma
    assert len(spec["color"]) == 3


def test_radar_leaves_out_missing_comparisons() -> None:
    spec = charts.theme_radar(
        THEMES,
        [1, 2, 3],
        max_value=5,
        current_label="2025",
        previous=None,
        peers=[None, None, None],
    )
    assert [d["name"] for d in spec["series"][0]["data"]] == ["2025"]
    with pytest.raises(InputError, match=r"expected scores in 0\.\.5"):
        charts.theme_radar(THEMES, [1, 2, 7], max_value=5, current_label="2025")


def test_group_bars_show_gaps_not_zeros() -> None:
    spec = charts.group_bars(
        THEMES,
        {"Public authority": [4.5, 2, None], "Business": [2, None, 3]},
        max_value=5,
        title="Theme medians by stakeholder group",
    )
    assert spec["xAxis"]["data"] == THEMES
    assert [s["name"] for s in spec["series"]] == ["Public authority", "Business"]
    assert spec["series"][0]["data"] == [
        {"value": 4.5, "text": "4.5"},
        {"value": 2.0, "text": "2"},
        None,
    ]
    assert spec["yAxis"]["max"] == 5
    with pytest.raises(InputError, match="expected 3 values"):
        charts.group_bars(THEMES, {"Business": [1, 2]}, max_value=5)
    with pytest.raises(InputError, match=r"expected values in 0\.\.5"):
        charts.group_bars(THEMES, {"Business": [1, 2, 6]}, max_value=5)

"""The simulation chart spec, built without a browser."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from polisee.errors import InputError
from polisee.web.charts import scenario_grants

FRAME = pd.DataFrame(
    {
        "scenario": ["As published"] * 3 + ["More money"] * 3 + ["Impact first"] * 2,
        "label": ["Alpha", "Beta", "Gamma", "Alpha", "Beta", "Gamma", "Gamma", "Alpha"],
        "grant": [30000.0, 10000.0, 0.0, 30000.0, 40000.0, 25000.0, 25000.0, 30000.0],
        "rank": [1, 2, 3, 1, 2, 3, 1, 2],
    }
)


def test_one_series_per_scenario_applicants_in_rank_order() -> None:
    spec = scenario_grants(
        FRAME, scenarios=["As published", "More money", "Impact first"], title="Grants by scenario"
    )
    assert [s["name"] for s in spec["series"]] == ["As published", "More money", "Impact first"]
    assert spec["yAxis"]["data"] == ["Alpha", "Beta", "Gamma"]
    assert [p["value"] for p in spec["series"][1]["data"]] == [30000.0, 40000.0, 25000.0]
    # Beta is not ranked in the third scenario: no bar, not a zero.
    assert spec["series"][2]["data"][1] is None
    # An unfunded applicant keeps its zero bar: it was ranked and got nothing.
    assert spec["series"][0]["data"][2]["value"] == 0.0
    assert spec["title"]["text"] == "Grants by scenario"
    assert spec["tooltip"]["formatter"] == "polisee:item"
    json.dumps(spec)


def test_tooltips_are_formatted_in_the_language() -> None:
    spec = scenario_grants(
        FRAME,
        scenarios=["As published"],
        title="T",
        locale="hu",
        grant_label="Támogatás",
        rank_label="Helyezés",
    )
    rows = spec["series"][0]["data"][0]["rows"]
    assert rows[0][0] == "Támogatás"
    assert rows[0][1].replace("\xa0", " ") == "30 000 EUR"
    assert rows[1] == ["Helyezés", "1"]


def test_missing_columns_are_named() -> None:
    with pytest.raises(InputError, match="rank"):
        scenario_grants(FRAME.drop(columns=["rank"]), scenarios=["As published"], title="T")

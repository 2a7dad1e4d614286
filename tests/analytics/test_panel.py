from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from polisee.analytics import Panel
from polisee.errors import InputError


def _frame(**overrides: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "geo": ["HU21", "HU21", "HU22"],
        "nace": ["C10", "C29", "C10"],
        "year": [2014, 2014, 2014],
        "emp": [10.0, 30.0, 20.0],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def _panel(df: pd.DataFrame) -> Panel:
    return Panel.from_frame(df, region="geo", industry="nace", year="year", value="emp")


def test_from_frame_builds_sorted_index_and_matrix() -> None:
    panel = _panel(_frame())
    assert list(panel.data.index.names) == ["region", "industry", "year"]
    m = panel.to_matrix(2014)
    assert m.loc["HU21", "C29"] == 30.0
    assert np.isnan(m.loc["HU22", "C29"])  # missing stays missing, never zero
    assert list(panel.regions) == ["HU21", "HU22"]
    assert panel.years == [2014]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"emp": [10.0, -3.0, 1.0]}, "emp", "got -3 at region HU21, industry C29, year 2014"),
        ({"emp": [10.0, "12x", 1.0]}, "emp", "expected a number in 'emp', got '12x'"),
        ({"year": [2014, "20l4", 2014]}, "year", "expected an integer year in 'year', got '20l4'"),
        ({"nace": ["C10", "C10", "C10"], "geo": ["A", "A", "B"]}, "geo", "duplicate key"),
    ],
    ids=["negative", "not-a-number", "bad-year", "duplicate"],
)
def test_from_frame_rejects_bad_input(
    overrides: dict[str, list[object]], field: str, fragment: str
) -> None:
    with pytest.raises(InputError) as err:
        _panel(_frame(**overrides))
    assert err.value.field == field
    assert fragment in str(err.value)


def test_missing_column_is_named() -> None:
    with pytest.raises(InputError, match="missing \\['emp'\\]"):
        _panel(_frame().drop(columns="emp"))


def test_select_and_to_matrix_need_a_known_year() -> None:
    panel = _panel(_frame())
    assert len(panel.select(regions=["HU22"])) == 1
    with pytest.raises(InputError, match="year 2015 is not in the panel"):
        panel.to_matrix(2015)

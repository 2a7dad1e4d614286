"""Shift-share: REAT's Farhauer/Kroell (2013) examples and the adding-up identity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polisee.analytics.panel import Panel
from polisee.analytics.shiftshare import shift_share
from polisee.errors import InputError

# REAT man/shift.Rd example (Farhauer/Kroell 2013); the nation is the sum of A, B, C.
REGIONS = {
    "A": ([90, 20, 10, 60], [100, 40, 10, 55]),
    "B": ([60, 30, 30, 40], [85, 55, 40, 35]),
    "C": ([250, 100, 110, 300], [255, 115, 85, 390]),
}
NATION_T = np.array([400, 150, 150, 400], dtype=float)
NATION_T1 = np.array([440, 210, 135, 480], dtype=float)


def long_panel(data: dict[str, list[list[float]]], years: list[int]) -> Panel:
    rows = [
        (region, f"i{k}", year, float(v))
        for region, series in data.items()
        for year, values in zip(years, series, strict=True)
        for k, v in enumerate(values)
    ]
    return Panel.from_frame(pd.DataFrame(rows, columns=["region", "industry", "year", "value"]))


def reat_panel() -> Panel:
    return long_panel({r: [list(a), list(b)] for r, (a, b) in REGIONS.items()}, [2000, 2001])


def by_region(out: pd.DataFrame) -> pd.DataFrame:
    return out.groupby(level="region").sum()


def test_reat_example_nation_is_the_sum_of_regions() -> None:
    total0 = sum(np.array(a, dtype=float) for a, _ in REGIONS.values())
    total1 = sum(np.array(b, dtype=float) for _, b in REGIONS.values())
    np.testing.assert_array_equal(total0, NATION_T)
    np.testing.assert_array_equal(total1, NATION_T1)


@pytest.mark.parametrize(
    ("region", "national", "mix", "regional"),
    [("A", 27.0, 1.0, -3.0), ("B", 24.0, -1.0, 32.0), ("C", 114.0, 0.0, -29.0)],
    ids=["A", "B", "C"],
)
def test_matches_reat_shift_dunn(region: str, national: float, mix: float, regional: float) -> None:
    # REAT shift(..., shift.method = "Dunn"): national share = 180 * 1265/1100 - 180 = 27;
    # industrial mix = (90*1.1 + 20*1.4 + 10*.9 + 60*1.2) - 207 = 1; regional shift = 205 - 208.
    out = by_region(shift_share(reat_panel(), start=2000, end=2001))
    assert out.loc[region, "national"] == pytest.approx(national)
    assert out.loc[region, "industry_mix"] == pytest.approx(mix, abs=1e-9)
    assert out.loc[region, "competitive"] == pytest.approx(regional)


def test_matches_reat_shift_esteban() -> None:
    # REAT shift(..., shift.method = "Esteban"): homothetic employment
    # he = sum(region1) * nation1 / sum(nation1); regional shift = sum(he * (r2/r1 - n2/n1)),
    # allocation = sum((r1 - he) * (r2/r1 - n2/n1)).
    out = by_region(shift_share(reat_panel(), start=2000, end=2001, method="esteban_marquillas"))
    for region, (r1, r2) in REGIONS.items():
        a1, a2 = np.array(r1, dtype=float), np.array(r2, dtype=float)
        he = a1.sum() * NATION_T / NATION_T.sum()
        diff = a2 / a1 - NATION_T1 / NATION_T
        assert out.loc[region, "competitive"] == pytest.approx(float((he * diff).sum()))
        assert out.loc[region, "allocation"] == pytest.approx(float(((a1 - he) * diff).sum()))
        assert out.loc[region, "national"] == pytest.approx(a1.sum() * (1265 / 1100 - 1))
    # region A by hand: competitive -0.636..., allocation -2.363...
    assert out.loc["A", "competitive"] + out.loc["A", "allocation"] == pytest.approx(-3.0)


def test_matches_reat_shiftd() -> None:
    # REAT man/shiftd.Rd: region A over 2000-2002 against nation X (not the sum of
    # regions: passed as reference). Components are summed over the two steps.
    region = long_panel(
        {"A": [[90, 20, 10, 60], [100, 40, 10, 55], [105, 45, 15, 60]]}, [2000, 2001, 2002]
    )
    nation = long_panel(
        {"X": [[400, 150, 150, 400], [440, 210, 135, 480], [460, 230, 155, 500]]},
        [2000, 2001, 2002],
    )
    out = by_region(shift_share(region, start=2000, end=2002, method="dynamic", reference=nation))
    national = 180 * (1265 / 1100 - 1) + 205 * (1345 / 1265 - 1)
    step2_expected = 100 * 460 / 440 + 40 * 230 / 210 + 10 * 155 / 135 + 55 * 500 / 480
    mix = (208 - 207) + (step2_expected - 205 * 1345 / 1265)
    regional = (205 - 208) + (225 - step2_expected)
    assert out.loc["A", "national"] == pytest.approx(national)
    assert out.loc["A", "industry_mix"] == pytest.approx(mix)
    assert out.loc["A", "competitive"] == pytest.approx(regional)
    assert out.loc["A", "change"] == pytest.approx(45.0)


def test_classic_with_nation_reference_equals_default_when_nation_is_sum() -> None:
    nation = long_panel({"X": [list(NATION_T), list(NATION_T1)]}, [2000, 2001])
    a = shift_share(reat_panel(), start=2000, end=2001)
    b = shift_share(reat_panel(), start=2000, end=2001, reference=nation)
    pd.testing.assert_frame_equal(a, b)


def test_new_industry_in_region_is_all_competitive() -> None:
    p = long_panel({"A": [[0, 10], [5, 10]], "B": [[10, 10], [10, 10]]}, [2000, 2001])
    out = shift_share(p, start=2000, end=2001, method="esteban_marquillas")
    row = out.loc[("A", "i0")]
    assert row["national"] == 0.0
    assert row["industry_mix"] == 0.0
    assert row["competitive"] == 0.0
    assert row["allocation"] == 5.0


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"start": 2001, "end": 2000}, "start < end"),
        ({"start": 2000, "end": 2005}, "2005"),
        ({"start": 2000, "end": 2001, "method": "gerfin"}, "method"),
    ],
    ids=["reversed", "unknown-year", "unknown-method"],
)
def test_bad_arguments_are_input_errors(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        shift_share(reat_panel(), **kwargs)  # type: ignore[arg-type]


# employment counts; fractional near-zero starts make Esteban-Marquillas ill-conditioned
values = st.integers(0, 100_000).map(float)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda r: st.integers(1, 4).flatmap(
            lambda i: st.lists(
                st.lists(st.lists(values, min_size=i, max_size=i), min_size=3, max_size=3),
                min_size=r,
                max_size=r,
            )
        )
    ),
    st.sampled_from(["classic", "esteban_marquillas", "dynamic"]),
)
def test_components_sum_to_the_change(data: list[list[list[float]]], method: str) -> None:
    panel = long_panel({f"R{k}": series for k, series in enumerate(data)}, [2000, 2001, 2002])
    out = shift_share(panel, start=2000, end=2002, method=method)  # type: ignore[arg-type]
    parts = [c for c in ("national", "industry_mix", "competitive", "allocation") if c in out]
    total = out[parts].sum(axis=1).to_numpy()
    change = (out["value_end"] - out["value_start"]).to_numpy()
    # exact up to rounding of the largest component involved
    scale = np.maximum(out[parts].abs().max(axis=1).to_numpy(), 1.0)
    assert np.all(np.abs(total - change) <= 1e-9 * scale)

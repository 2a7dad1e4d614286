"""Composite indices: hand-checked steps, the coverage rule, Monte Carlo ranks, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polisee.analytics.composite import (
    CompositeIndex,
    aggregate,
    normalise,
    rank_scores,
    rank_uncertainty,
    winsorise,
)
from polisee.errors import InputError


def small() -> pd.DataFrame:
    # a: 1, 2, 3 (higher better); b: 30, 10, 20 (lower better)
    return pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [30.0, 10.0, 20.0]}, index=["X", "Y", "Z"])


def test_min_max_with_direction_by_hand() -> None:
    out = normalise(small(), directions={"b": -1})
    # a: (x - 1) / 2 * 100; b negated: (-x + 30) / 20 * 100
    assert out["a"].tolist() == [0.0, 50.0, 100.0]
    assert out["b"].tolist() == [0.0, 100.0, 50.0]


def test_z_score_on_the_0_100_scale_by_hand() -> None:
    out = normalise(small(), "z-score")
    # mean 2, population sd sqrt(2/3) = 0.8165: z = -1.2247, 0, 1.2247 -> 50 + 50 z / 3
    assert out["a"].tolist() == pytest.approx([29.588, 50.0, 70.412], abs=1e-3)


def test_no_spread_gives_the_middle_and_missing_stays_missing() -> None:
    frame = pd.DataFrame({"a": [4.0, 4.0, None]}, index=["X", "Y", "Z"])
    for method in ("min-max", "z-score"):
        out = normalise(frame, method)  # type: ignore[arg-type]
        assert out["a"].iloc[:2].tolist() == [50.0, 50.0]
        assert np.isnan(out["a"].iloc[2])


def test_z_scores_are_clipped_at_three_standard_deviations() -> None:
    values = pd.DataFrame({"a": [0.0] * 19 + [100.0]})
    out = normalise(values, "z-score")["a"]
    # the outlier is 4.36 sd above the mean: clipped to 100
    assert out.iloc[-1] == 100.0
    assert out.iloc[0] == pytest.approx(50 - 50 * 0.2294 / 3, abs=1e-3)


def test_weighted_arithmetic_and_geometric_means_by_hand() -> None:
    scores = pd.DataFrame({"a": [0.0, 50.0, 100.0], "b": [100.0, 0.0, 50.0]}, index=list("XYZ"))
    weights = {"a": 3.0, "b": 1.0}
    # arithmetic: .75 a + .25 b
    assert aggregate(scores, weights).tolist() == [25.0, 37.5, 87.5]
    # geometric: max(a, 1)^.75 * max(b, 1)^.25
    expected = [1.0**0.75 * 100**0.25, 50**0.75 * 1.0**0.25, 100**0.75 * 50**0.25]
    assert aggregate(scores, weights, method="geometric").tolist() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("min_coverage", "expected"),
    [(0.5, [50.0, 60.0, 70.0]), (0.75, [np.nan, np.nan, 70.0])],
    ids=["half-is-enough", "three-quarters-needed"],
)
def test_coverage_rule_and_renormalised_weights(min_coverage: float, expected: list[float]) -> None:
    # X and Y lack b (2 of 3 indicators): their equal weights are renormalised over a and c
    scores = pd.DataFrame(
        {"a": [50.0, 60.0, 70.0], "b": [None, None, 70.0], "c": [50.0, 60.0, 70.0]},
        index=list("XYZ"),
    )
    got = aggregate(scores, min_coverage=min_coverage).tolist()
    assert got == pytest.approx(expected, nan_ok=True)


def test_missing_indicators_are_listed() -> None:
    values = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [None, 5.0, 6.0], "c": [None, None, 1.0]})
    index = CompositeIndex(winsorise=False).fit(values)
    assert index.missing_.tolist() == [("b", "c"), ("c",), ()]
    assert index.coverage_.tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert np.isnan(index.scores_.iloc[0])  # one of three indicators: below the rule
    assert index.scores_.iloc[1:].notna().all()


def test_winsorising_follows_the_jrc_rule() -> None:
    # Twenty regions from 1 to 20 and one at 500: skewness 4.6 and kurtosis 21 -> the top
    # value becomes 20, the next value; then skewness is 0 and the treatment stops.
    values = pd.DataFrame({"x": [*map(float, range(1, 21)), 500.0], "y": np.arange(21.0)})
    treated, report = winsorise(values)
    assert report.loc["x", "skewness_before"] > 2
    assert report.loc["x", "kurtosis_before"] > 3.5
    assert int(report.loc["x", "points"]) == 1
    assert treated["x"].max() == 20.0
    assert int(report.loc["y", "points"]) == 0  # symmetric: untouched
    assert treated["y"].equals(values["y"])


def test_winsorising_stops_at_five_points() -> None:
    # Six regions at 1000 and fifty at 1: share p = 6/56, skewness (1 - 2p)/sqrt(p(1 - p))
    # = 2.5 and kurtosis 4.5. Capping the top value at the next one changes nothing (it is
    # 1000 too), so the rule runs its five steps and the indicator is reported still skewed.
    values = pd.DataFrame({"x": [*([1.0] * 50), *([1000.0] * 6)]})
    treated, report = winsorise(values, max_points=5)
    assert int(report.loc["x", "points"]) == 5
    assert report.loc["x", "side"] == "upper"
    assert report.loc["x", "skewness_after"] > 2
    assert treated["x"].equals(values["x"])


def test_ranks_share_the_better_rank_on_ties() -> None:
    assert rank_scores(pd.Series([70.0, 90.0, 70.0, None])).tolist()[:3] == [2.0, 1.0, 2.0]


def test_a_dominant_region_is_robustly_first() -> None:
    # A is best on every indicator by a wide margin: first in every draw, interval [1, 1].
    rng = np.random.default_rng(7)
    values = pd.DataFrame(rng.uniform(0, 10, size=(40, 4)), columns=list("abcd"))
    values.index = [f"R{i:02d}" for i in range(40)]
    values.loc["R00"] = 100.0
    index = CompositeIndex(normalisation={"a": "z-score"}, winsorise=False).fit(values)
    out = index.uncertainty(draws=1000)
    assert out.loc["R00", ["nominal_rank", "median_rank", "rank_p05", "rank_p95"]].tolist() == [
        1.0,
        1.0,
        1.0,
        1.0,
    ]
    assert bool(out.loc["R00", "robust"])


def test_regions_that_trade_places_are_not_robust() -> None:
    # B and C swap on two indicators: whichever weighs more decides; with 30 regions and a
    # band of 3 ranks, the two regions in the middle move more than that.
    n = 30
    a = np.linspace(0, 100, n)
    values = pd.DataFrame({"a": a, "b": a[::-1]}, index=[f"R{i:02d}" for i in range(n)])
    out = CompositeIndex(winsorise=False).fit(values).uncertainty(draws=500, seed=3)
    assert not out["robust"].any()
    assert (out["rank_p95"] - out["rank_p05"]).min() > 3


def test_uncertainty_is_reproducible_and_ranks_only_scored_regions() -> None:
    values = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, None, 1.0], "c": [1.0, None, None, 2.0]},
        index=list("WXYZ"),
    )
    index = CompositeIndex(winsorise=False).fit(values)
    first = index.uncertainty(draws=100, seed=1)
    again = index.uncertainty(draws=100, seed=1)
    pd.testing.assert_frame_equal(first, again)
    assert np.isnan(first.loc["Y", "median_rank"])  # one of three indicators
    assert first.loc["Y", "robust"] is pd.NA
    assert first["rank_p95"].max() <= 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"draws": 0}, "draws"),
        ({"weight_spread": 1.0}, "weight_spread"),
        ({"aggregation": "harmonic"}, "aggregation"),
        ({"weights": {"zz": 1.0}}, "weights"),
        ({"weights": {"a": -1.0}}, "weights"),
    ],
    ids=["no-draws", "spread-too-wide", "unknown-aggregation", "unknown-weight", "negative-weight"],
)
def test_bad_parameters_name_the_field(kwargs: dict[str, object], field: str) -> None:
    v = small()
    with pytest.raises(InputError) as caught:
        rank_uncertainty(normalise(v), normalise(v, "z-score"), **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_non_numeric_input_names_region_and_indicator() -> None:
    frame = pd.DataFrame({"a": [1.0, "x"]}, index=["HU21", "HU22"])
    with pytest.raises(InputError, match="HU22, indicator a"):
        normalise(frame)


# --- invariants -------------------------------------------------------------------------

regions = st.integers(min_value=4, max_value=25)
indicators = st.integers(min_value=1, max_value=4)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n, k = draw(regions), draw(indicators)
    cells = draw(
        st.lists(
            st.one_of(st.integers(min_value=0, max_value=1000), st.none()),
            min_size=n * k,
            max_size=n * k,
        )
    )
    values = np.array([np.nan if c is None else float(c) for c in cells]).reshape(n, k)
    return pd.DataFrame(
        values, index=[f"R{i:02d}" for i in range(n)], columns=[f"i{j}" for j in range(k)]
    )


@settings(max_examples=40, deadline=None)
@given(frames(), st.integers(min_value=-8, max_value=8), st.sampled_from(["min-max", "z-score"]))
def test_scaling_an_indicator_changes_no_rank(frame: pd.DataFrame, power: int, method: str) -> None:
    # A change of unit (times 2^k, exact in floating point) leaves every step unchanged.
    scaled = frame.copy()
    scaled[frame.columns[0]] = scaled[frame.columns[0]] * 2.0**power
    before = CompositeIndex(normalisation=method).fit(frame)  # type: ignore[arg-type]
    after = CompositeIndex(normalisation=method).fit(scaled)  # type: ignore[arg-type]
    pd.testing.assert_series_equal(before.ranks_, after.ranks_)
    pd.testing.assert_frame_equal(before.uncertainty(draws=50), after.uncertainty(draws=50))


@settings(max_examples=40, deadline=None)
@given(frames(), st.sampled_from(["arithmetic", "geometric"]))
def test_a_region_above_all_others_on_every_indicator_is_first_in_every_draw(
    frame: pd.DataFrame, aggregation: str
) -> None:
    frame = frame.fillna(0.0)
    frame.loc["TOP"] = frame.max() + 1.0
    index = CompositeIndex(aggregation=aggregation, winsorise=False).fit(frame)  # type: ignore[arg-type]
    out = index.uncertainty(draws=200, vary_aggregation=True)
    assert index.ranks_["TOP"] == 1.0
    assert out.loc["TOP", "rank_p95"] == 1.0
    assert bool(out.loc["TOP", "robust"])


@settings(max_examples=30, deadline=None)
@given(frames(), st.randoms(use_true_random=False))
def test_reordering_the_regions_reorders_the_result(frame: pd.DataFrame, random: object) -> None:
    order = list(frame.index)
    random.shuffle(order)  # type: ignore[attr-defined]
    original = CompositeIndex().fit(frame)
    shuffled = CompositeIndex().fit(frame.loc[order])
    pd.testing.assert_series_equal(original.scores_, shuffled.scores_.reindex(frame.index))

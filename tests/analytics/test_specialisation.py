"""Location quotients and specialisation / concentration indices.

Peer numbers: REAT's Rd examples print their results in comments (reproduced to the
printed digits). EconGeo's Rd examples print nothing; for those the expected values
are EconGeo's own formula applied by hand to EconGeo's documented example matrix,
with the arithmetic in a comment, and EconGeo's rounding applied where it rounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polisee.analytics.panel import Panel
from polisee.analytics.specialisation import (
    concentration_indices,
    location_quotient,
    specialisation_indices,
)
from polisee.errors import InputError

# EconGeo location_quotient / locational_gini example (man/location_quotient.Rd)
ECONGEO_MAT = np.array(
    [
        [100, 0, 0, 0, 0],
        [0, 15, 5, 70, 10],
        [0, 20, 10, 20, 50],
        [0, 25, 30, 5, 40],
        [0, 40, 55, 5, 0],
    ],
    dtype=float,
)


def panel_from_matrix(
    mat: np.ndarray,
    regions: list[str] | None = None,
    industries: list[str] | None = None,
    year: int = 2020,
) -> Panel:
    regions = regions or [f"R{k + 1}" for k in range(mat.shape[0])]
    industries = industries or [f"I{k + 1}" for k in range(mat.shape[1])]
    df = pd.DataFrame(mat, index=regions, columns=industries).stack(future_stack=True)
    df = df.rename("value").rename_axis(["region", "industry"]).reset_index()
    df["year"] = year
    return Panel.from_frame(df)


def matrix(series: pd.Series, year: int = 2020) -> pd.DataFrame:
    return series.xs(year, level="year").unstack("industry")


# -- location quotient ------------------------------------------------------------


def test_matches_econgeo_location_quotient() -> None:
    # Every row and column of the example sums to 100 (total 500), so each national
    # share is 0.2 and LQ = (x / 100) / 0.2 = x / 20, e.g. R2-I4 = 70 / 20 = 3.5.
    lq = matrix(location_quotient(panel_from_matrix(ECONGEO_MAT)))
    np.testing.assert_allclose(lq.to_numpy(), ECONGEO_MAT / 20, rtol=1e-12)
    assert lq.loc["R2", "I4"] == pytest.approx(3.5)


def test_matches_reat_locq() -> None:
    # REAT locq(1714, 79006, 879213, 15593224) prints 0.3847623
    e_ij, e_j, e_i, e = 1714.0, 79006.0, 879213.0, 15593224.0
    mat = np.array([[e_ij, e_j - e_ij], [e_i - e_ij, e - e_j - (e_i - e_ij)]])
    lq = matrix(location_quotient(panel_from_matrix(mat, ["j", "rest"], ["i", "other"])))
    assert lq.loc["j", "i"] == pytest.approx(0.3847623, abs=5e-8)


def test_result_has_input_index_and_name() -> None:
    panel = panel_from_matrix(ECONGEO_MAT)
    lq = location_quotient(panel)
    assert lq.name == "lq"
    assert lq.index.equals(panel.data.index)


def test_base_sums_only_the_given_industries() -> None:
    # base {x, y}: base totals A 20, B 40, C 20, all 80; z is 20 nationally:
    # LQ_Az = (20 / 20) / (20 / 80) = 4.0 for an industry outside the base.
    mat = np.array([[10.0, 10.0, 20.0], [10.0, 30.0, 0.0], [20.0, 0.0, 0.0]])
    panel = panel_from_matrix(mat, ["A", "B", "C"], ["x", "y", "z"])
    lq = matrix(location_quotient(panel, base=["x", "y"]))
    assert lq.loc["A", "z"] == pytest.approx(4.0)
    assert lq.loc["A", "x"] == pytest.approx((10 / 20) / (40 / 80))


def test_unknown_base_industry_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown"):
        location_quotient(panel_from_matrix(ECONGEO_MAT), base=["I1", "nope"])


MISSING_MAT = np.array([[10.0, np.nan, 20.0], [10.0, 30.0, 5.0], [20.0, 5.0, 10.0]])


def test_drop_region_equals_dropping_the_region() -> None:
    panel = panel_from_matrix(MISSING_MAT, ["A", "B", "C"], ["x", "y", "z"])
    lq = matrix(location_quotient(panel, missing="drop_region"))
    assert lq.loc["A"].isna().all()
    without = matrix(location_quotient(panel.select(regions=["B", "C"])))
    pd.testing.assert_frame_equal(lq.loc[["B", "C"]], without)


def test_zero_treats_missing_as_zero() -> None:
    panel = panel_from_matrix(MISSING_MAT, ["A", "B", "C"], ["x", "y", "z"])
    zero = matrix(location_quotient(panel, missing="zero"))
    filled = matrix(
        location_quotient(
            panel_from_matrix(np.nan_to_num(MISSING_MAT), ["A", "B", "C"], ["x", "y", "z"])
        )
    )
    pd.testing.assert_frame_equal(zero, filled)


def test_raise_names_the_first_missing_cell() -> None:
    panel = panel_from_matrix(MISSING_MAT, ["A", "B", "C"], ["x", "y", "z"])
    with pytest.raises(InputError, match="region A, industry y, year 2020"):
        location_quotient(panel, missing="raise")


@pytest.mark.parametrize("missing", ["drop_region", "zero", "raise"], ids=["drop", "zero", "raise"])
@pytest.mark.parametrize(
    ("extra_row", "extra_col"),
    [(True, False), (False, True)],
    ids=["zero-region", "empty-industry"],
)
def test_degenerate_row_or_column_is_nan_for_itself_only(
    missing: str, extra_row: bool, extra_col: bool
) -> None:
    base = np.array([[10.0, 5.0, 20.0], [10.0, 30.0, 5.0], [20.0, 5.0, 10.0]])
    regions, industries = ["A", "B", "C"], ["x", "y", "z"]
    mat = base
    if extra_row:
        mat = np.vstack([base, np.zeros((1, 3))])
        regions = [*regions, "D"]
    if extra_col:
        mat = np.hstack([base, np.zeros((3, 1))])
        industries = [*industries, "w"]
    lq = matrix(location_quotient(panel_from_matrix(mat, regions, industries), missing=missing))  # type: ignore[arg-type]
    ref = matrix(location_quotient(panel_from_matrix(base, ["A", "B", "C"], ["x", "y", "z"])))
    if extra_row:
        assert lq.loc["D"].isna().all()
    if extra_col:
        assert lq["w"].isna().all()
    pd.testing.assert_frame_equal(lq.loc[["A", "B", "C"], ["x", "y", "z"]], ref)


def test_industry_missing_everywhere_does_not_drop_every_region() -> None:
    mat = np.array([[10.0, np.nan], [20.0, np.nan]])
    lq = matrix(location_quotient(panel_from_matrix(mat, ["A", "B"], ["x", "y"])))
    assert lq["y"].isna().all()
    assert lq["x"].tolist() == [1.0, 1.0]


def test_unknown_missing_policy_is_rejected() -> None:
    with pytest.raises(InputError, match="missing"):
        location_quotient(panel_from_matrix(ECONGEO_MAT), missing="ignore")  # type: ignore[arg-type]


def test_years_are_computed_separately() -> None:
    p1 = panel_from_matrix(ECONGEO_MAT, year=2019)
    p2 = panel_from_matrix(ECONGEO_MAT * np.arange(1, 6), year=2020)
    both = Panel.from_frame(pd.concat([p1.data, p2.data]).reset_index())
    lq = location_quotient(both)
    pd.testing.assert_frame_equal(matrix(lq, 2019), matrix(location_quotient(p1), 2019))
    pd.testing.assert_frame_equal(matrix(lq, 2020), matrix(location_quotient(p2), 2020))


matrices = st.integers(2, 5).flatmap(
    lambda r: st.integers(2, 5).flatmap(
        lambda c: st.lists(
            st.lists(
                st.floats(0.0, 1e6, allow_nan=False, allow_subnormal=False), min_size=c, max_size=c
            ),
            min_size=r,
            max_size=r,
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(matrices, st.floats(1e-3, 1e3))
def test_lq_unchanged_when_all_values_are_scaled(rows: list[list[float]], k: float) -> None:
    mat = np.array(rows)
    a = location_quotient(panel_from_matrix(mat)).to_numpy()
    b = location_quotient(panel_from_matrix(mat * k)).to_numpy()
    np.testing.assert_allclose(a, b, rtol=1e-9, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(matrices, st.data())
def test_results_independent_of_order(rows: list[list[float]], data: st.DataObject) -> None:
    mat = np.array(rows)
    r_perm = np.array(data.draw(st.permutations(range(mat.shape[0]))))
    c_perm = np.array(data.draw(st.permutations(range(mat.shape[1]))))
    names_r = [f"R{k}" for k in range(mat.shape[0])]
    names_c = [f"I{k}" for k in range(mat.shape[1])]
    p1 = panel_from_matrix(mat, names_r, names_c)
    # fresh labels in the new positions, so the sorted panel really is reordered
    p2 = panel_from_matrix(mat[r_perm][:, c_perm], names_r, names_c)
    back_r = {f"R{new}": f"R{old}" for new, old in enumerate(r_perm)}
    back_c = {f"I{new}": f"I{old}" for new, old in enumerate(c_perm)}

    def relabel(frame: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
        out = frame.rename(index=back_r, level="region") if "region" in frame.index.names else frame
        if "industry" in out.index.names:
            out = out.rename(index=back_c, level="industry")
        return out.sort_index()

    pd.testing.assert_series_equal(
        location_quotient(p1), relabel(location_quotient(p2)), rtol=1e-12
    )
    pd.testing.assert_frame_equal(
        specialisation_indices(p1), relabel(specialisation_indices(p2)), rtol=1e-9
    )
    pd.testing.assert_frame_equal(
        concentration_indices(p1), relabel(concentration_indices(p2)), rtol=1e-9
    )


# -- specialisation -----------------------------------------------------------------


def test_matches_econgeo_krugman_index_and_spec_coeff() -> None:
    # EconGeo krugman_index compares each region with the whole sample (national
    # shares 0.2 here): R2 = .2 + .05 + .15 + .5 + .1 = 1.0, R1 = .8 + 4 * .2 = 1.6.
    out = specialisation_indices(panel_from_matrix(ECONGEO_MAT), reference="total")
    k = out["krugman"].xs(2020, level="year")
    np.testing.assert_allclose(k.to_numpy(), [1.6, 1.0, 0.6, 0.7, 1.1], rtol=1e-12)
    # spec_coeff (Hoover coefficient of specialisation) is half of it
    np.testing.assert_allclose(out["hoover"].to_numpy(), k.to_numpy() / 2, rtol=1e-12)


def test_matches_reat_krugman_spec() -> None:
    # REAT krugman.spec(c(20,10,70,0,0), c(0,0,0,60,40)) prints 2
    mat = np.array([[20, 10, 70, 0, 0], [0, 0, 0, 60, 40]], dtype=float)
    out = specialisation_indices(panel_from_matrix(mat, ["j", "l"]), reference="rest")
    assert out.loc[("j", 2020), "krugman"] == pytest.approx(2.0)
    assert out.loc[("l", 2020), "krugman"] == pytest.approx(2.0)


def test_matches_reat_gini_spec() -> None:
    # REAT gini.spec(c(700,600,500,10000,40000), c(30000,15000,10000,60000,50000))
    # prints 0.6222222; the national totals include the region.
    e_ij = np.array([700, 600, 500, 10000, 40000], dtype=float)
    e_i = np.array([30000, 15000, 10000, 60000, 50000], dtype=float)
    out = specialisation_indices(panel_from_matrix(np.vstack([e_ij, e_i - e_ij]), ["j", "rest"]))
    assert out.loc[("j", 2020), "gini"] == pytest.approx(0.6222222, abs=5e-8)


def test_matches_econgeo_gini() -> None:
    # EconGeo Gini(c(0, 10, 10, 30, 50)) = 2 * (0 + 20 + 30 + 120 + 250) / (5 * 100) - 6/5
    # = 0.48. With equal national shares the LQ row is proportional to the region's
    # values, so the Gini of specialisation equals EconGeo's Gini of the vector.
    a = np.array([0, 10, 10, 30, 50], dtype=float)
    out = specialisation_indices(panel_from_matrix(np.vstack([a, 50 - a]), ["A", "B"]))
    assert out.loc[("A", 2020), "gini"] == pytest.approx(0.48)


def test_matches_reat_herf() -> None:
    # REAT herf(c(20,50,20,10)) prints 0.34, herf(..., norm=TRUE) prints 0.12
    mat = np.array([[20, 50, 20, 10], [5, 5, 5, 5]], dtype=float)
    out = specialisation_indices(panel_from_matrix(mat, ["A", "B"]))
    assert out.loc[("A", 2020), "hhi"] == pytest.approx(0.34)
    assert out.loc[("A", 2020), "hhi_norm"] == pytest.approx(0.12)


def test_matches_econgeo_herfindahl_hachman_entropy() -> None:
    out = specialisation_indices(panel_from_matrix(ECONGEO_MAT)).xs(2020, level="year")
    # herfindahl R2 = .15^2 + .05^2 + .7^2 + .1^2 = .525
    assert out.loc["R2", "hhi"] == pytest.approx(0.525)
    # hachman = 1 / sum(s * LQ) = 1 / sum(x^2) * 2000: R1 -> 0.2, R2 -> 2000 / 5250
    assert out.loc["R1", "hachman"] == pytest.approx(0.2)
    assert out.loc["R2", "hachman"] == pytest.approx(2000 / 5250)
    # EconGeo entropy rounds to 3 digits (and adds 1e-9 in the log): R1 prints 0,
    # R2 = -(.15 log2 .15 + .05 log2 .05 + .7 log2 .7 + .1 log2 .1) prints 1.319
    assert round(out.loc["R1", "entropy"], 3) == 0.0
    assert round(out.loc["R2", "entropy"], 3) == 1.319


def test_theil_by_hand() -> None:
    # A = (.25, .25, .5) against national (.4, .4, .2):
    # .25 ln(.625) * 2 + .5 ln(2.5) = 0.22314...
    mat = np.array([[10.0, 10.0, 20.0], [10.0, 30.0, 0.0], [20.0, 0.0, 0.0]])
    out = specialisation_indices(panel_from_matrix(mat, ["A", "B", "C"]))
    expected = 0.5 * np.log(0.625) + 0.5 * np.log(2.5)
    assert out.loc[("A", 2020), "theil"] == pytest.approx(expected)
    # C holds only industry 1 (national share .4): ln(1/.4)
    assert out.loc[("C", 2020), "theil"] == pytest.approx(np.log(2.5))


def test_specialisation_year_selection() -> None:
    out = specialisation_indices(panel_from_matrix(ECONGEO_MAT), year=2020)
    assert list(out.index.get_level_values("year").unique()) == [2020]
    with pytest.raises(InputError, match="year 1999"):
        specialisation_indices(panel_from_matrix(ECONGEO_MAT), year=1999)


# -- concentration ------------------------------------------------------------------


def test_matches_econgeo_locational_gini() -> None:
    # Rows all sum to 100, so the Lorenz x-steps are equal and the locational Gini is
    # half the plain Gini of each column: I1 (all in R1) = .8 / 2 = .4;
    # I2 sorted (0, 15, 20, 25, 40): (2 * 390 / 500 - 1.2) / 2 = .18; I3 .27; I4 .31; I5 .28
    out = concentration_indices(panel_from_matrix(ECONGEO_MAT))
    np.testing.assert_allclose(
        out["locational_gini"].to_numpy(), [0.4, 0.18, 0.27, 0.31, 0.28], rtol=1e-12
    )


def test_matches_reat_gini_conc() -> None:
    # REAT gini.conc(c(500,500,1000,7000,1000), c(20000,15000,20000,40000,5000)) prints 0.4068966
    e_ij = np.array([500, 500, 1000, 7000, 1000], dtype=float)
    e_j = np.array([20000, 15000, 20000, 40000, 5000], dtype=float)
    out = concentration_indices(
        panel_from_matrix(np.column_stack([e_ij, e_j - e_ij]), industries=["i", "other"])
    )
    assert out.loc[("i", 2020), "gini_concentration"] == pytest.approx(0.4068966, abs=5e-8)


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ([0, 10, 10, 30, 50], 25.0),
        ([10, 15, 20, 25, 30], 0.0),
        ([0, 0, 0, 0, 1], 70.0),
        ([0, 0, 0, 1, 1], 45.0),
    ],
    ids=["ind-vector", "proportional", "30pct-makes-all", "55pct-makes-all"],
)
def test_matches_econgeo_hoover_index(column: list[float], expected: float) -> None:
    # EconGeo hoover_index(x, pop = c(10,15,20,25,30)), in percent rounded to 2 digits;
    # its comments: proportional -> 0, "30% of the pop. produces 100%" -> 70,
    # "55% ... 100%" -> 45; the vector: .5 * (.1 + .05 + .1 + .05 + .2) = 25.
    pop = np.array([10, 15, 20, 25, 30], dtype=float) * 10
    ind = np.array(column, dtype=float)
    mat = np.column_stack([ind, pop - ind])  # region totals proportional to pop
    out = concentration_indices(panel_from_matrix(mat, industries=["i", "other"]))
    assert round(out.loc[("i", 2020), "hoover_concentration"] * 100, 2) == expected


def test_matches_reat_krugman_conc() -> None:
    # REAT krugman.conc(E_ij, E_ij / 2): "exactly the same structure" -> 0
    e = np.array([4388, 37489, 129423, 60941], dtype=float)
    out = concentration_indices(
        panel_from_matrix(np.column_stack([e, e / 2]), industries=["i", "u"]), reference="rest"
    )
    assert out.loc[("i", 2020), "krugman_concentration"] == pytest.approx(0.0, abs=1e-12)
    # against all employment the Krugman index is twice the Hoover index
    total = concentration_indices(panel_from_matrix(ECONGEO_MAT))
    np.testing.assert_allclose(total["krugman_concentration"], 2 * total["hoover_concentration"])


def test_matches_reat_ellison_a() -> None:
    # REAT ellison.a(E_ik, E_j, j) prints 0.05990628 (Farhauer/Kroell 2014)
    firms = pd.DataFrame(
        {
            "region": ["Wien"] * 5 + ["Linz"] * 4 + ["Graz"],
            "size": [200, 650, 12000, 100, 50, 16000, 13000, 1500, 1500, 25000],
        }
    )
    e_j = pd.Series({"Wien": 500000.0, "Linz": 400000.0, "Graz": 100000.0})
    e_ij = firms.groupby("region")["size"].sum().reindex(e_j.index).astype(float)
    z = firms["size"] / firms["size"].sum()
    h = float((z**2).sum())
    mat = np.column_stack([e_ij.to_numpy(), (e_j - e_ij).to_numpy()])
    panel = panel_from_matrix(mat, list(e_j.index), ["i", "other"])
    out = concentration_indices(panel, plants=pd.Series({"i": h}))
    assert out.loc[("i", 2020), "ellison_glaeser"] == pytest.approx(0.05990628, abs=5e-9)
    assert np.isnan(out.loc[("other", 2020), "ellison_glaeser"])
    by_year = concentration_indices(
        panel, plants=pd.Series([h], index=pd.MultiIndex.from_tuples([("i", 2020)]))
    )
    assert by_year.loc[("i", 2020), "ellison_glaeser"] == pytest.approx(0.05990628, abs=5e-9)


def test_plant_herfindahl_out_of_range_is_rejected() -> None:
    with pytest.raises(InputError, match="plant"):
        concentration_indices(panel_from_matrix(ECONGEO_MAT), plants=pd.Series({"I1": 1.5}))


def test_location_quotient_known_cells_policy() -> None:
    # A: x 10, y confidential; B: x 20, y 30. Totals over known cells: A 10, B 50,
    # x 30, y 30, all 60. LQ(A,x) = (10/10)/(30/60) = 2; LQ(B,x) = (20/50)/0.5 = 0.8;
    # LQ(B,y) = (30/50)/0.5 = 1.2; LQ(A,y) is unknown (NaN), where "zero" gives 0.
    df = pd.DataFrame(
        {
            "region": ["A", "A", "B", "B"],
            "industry": ["x", "y", "x", "y"],
            "year": 2014,
            "value": [10.0, np.nan, 20.0, 30.0],
        }
    )
    panel = Panel.from_frame(df)
    known = location_quotient(panel, missing="known").xs(2014, level="year")
    assert known[("A", "x")] == pytest.approx(2.0)
    assert known[("B", "x")] == pytest.approx(0.8)
    assert known[("B", "y")] == pytest.approx(1.2)
    assert np.isnan(known[("A", "y")])
    assert location_quotient(panel, missing="zero").xs(2014, level="year")[("A", "y")] == 0.0

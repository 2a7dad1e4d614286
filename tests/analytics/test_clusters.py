"""Cluster aggregation, US CMP strong-cluster flags (against the CMP's own output), stars."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from polisee.analytics.clusters import cluster_panel, star_ratings, strong_cluster_flags
from polisee.analytics.panel import Panel
from polisee.errors import InputError

CMP_FILE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "us_clustermapping"
    / "cmp_state_cluster_2016.csv.gz"
)


def small_panel() -> Panel:
    df = pd.DataFrame(
        {
            "region": list("AAABBB"),
            "industry": list("xyzxyz"),
            "year": 2020,
            "value": [1.0, 2.0, 4.0, 8.0, np.nan, 5.0],
        }
    )
    return Panel.from_frame(df)


def test_cluster_panel_sums_members_and_propagates_missing() -> None:
    defs = pd.DataFrame({"cluster": ["c1", "c1", "c2"], "industry": ["x", "y", "z"]})
    m = cluster_panel(small_panel(), defs).to_matrix(2020)
    assert m.loc["A", "c1"] == 3.0  # 1 + 2
    assert np.isnan(m.loc["B", "c1"])  # y is missing in B
    assert m.loc["B", "c2"] == 5.0


def test_cluster_panel_weights_and_absent_members() -> None:
    defs = pd.DataFrame(
        {
            "cluster": ["c1", "c1", "c1"],
            "industry": ["x", "z", "not-in-data"],
            "weight": [0.5, 1.0, 1.0],
        }
    )
    m = cluster_panel(small_panel(), defs).to_matrix(2020)
    # 0.5 * 1 + 4; the industry the data never holds is outside its coverage
    assert m.loc["A", "c1"] == 4.5
    assert m.loc["B", "c1"] == 9.0


def test_cluster_panel_absent_cell_is_missing() -> None:
    df = pd.DataFrame(
        {
            "region": ["A", "A", "B"],
            "industry": ["x", "y", "x"],
            "year": 2020,
            "value": [1.0, 2.0, 3.0],
        }
    )
    defs = pd.DataFrame({"cluster": ["c", "c"], "industry": ["x", "y"]})
    m = cluster_panel(Panel.from_frame(df), defs).to_matrix(2020)
    assert m.loc["A", "c"] == 3.0
    assert np.isnan(m.loc["B", "c"])


@pytest.mark.parametrize(
    ("defs", "fragment"),
    [
        (pd.DataFrame({"cluster": ["c"]}), "missing"),
        (pd.DataFrame({"cluster": ["c"], "industry": ["x"], "weight": [-1.0]}), "non-negative"),
        (pd.DataFrame({"cluster": ["c", "c"], "industry": ["x", "x"]}), "duplicate"),
    ],
    ids=["no-industry", "negative-weight", "duplicate"],
)
def test_bad_definitions_are_input_errors(defs: pd.DataFrame, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        cluster_panel(small_panel(), defs)


def flags_example() -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([list("ABCDE"), ["c"]], names=["region", "cluster"])
    lq = pd.Series([0.5, 0.8, 1.0, 1.5, 3.0], index=idx)
    emp = pd.Series([10.0, 20.0, 30.0, 40.0, 50.0], index=idx)
    return strong_cluster_flags(lq, emp, emp)


def test_strong_flags_by_hand() -> None:
    # P25(emp) = 20 -> A, B too small; P75(LQ) = 1.5, P90 = 2.4, P50 = 1.0, P25 = 0.8
    f = flags_example().droplevel("cluster")
    assert f["strong"].tolist() == [False, False, False, True, True]
    assert f["strong10"].tolist() == [False, False, False, False, True]
    assert f["significant"].tolist() == [False, False, False, True, True]
    assert f["qualifying"].tolist() == [False, False, True, True, True]


def test_strong_flags_need_matching_index() -> None:
    idx = pd.MultiIndex.from_product([list("AB"), ["c"]], names=["region", "cluster"])
    lq = pd.Series([1.0, 2.0], index=idx)
    with pytest.raises(InputError, match="employment"):
        strong_cluster_flags(lq, lq.iloc[:1], lq)
    with pytest.raises(InputError, match="region, cluster"):
        strong_cluster_flags(lq.droplevel("cluster"), lq, lq)


def read_cmp() -> pd.DataFrame:
    df = pd.read_csv(CMP_FILE, dtype={"region_code_t": str})
    traded = df[df["traded_b"]].copy()
    traded["region"] = traded["region_code_t"]
    traded["cluster"] = traded["cluster_code_t"].astype(str)
    traded["year"] = traded["year_t"].astype(int)
    return traded.set_index(["region", "cluster", "year"]).sort_index()


CMP_COLUMNS = {
    "strong": "strong_b",
    "strong10": "strong10_b",
    "significant": "significant_b",
    "qualifying": "qualifying_b",
}


@pytest.mark.slow
@pytest.mark.skipif(not CMP_FILE.exists(), reason="shared CMP data not present")
def test_matches_us_cluster_mapping_strong_flags() -> None:
    # U.S. Cluster Mapping (clustermapping.us), state x traded cluster, 2016: flags
    # recomputed from the file's own emp_tl, est_tl and lq_tf agree in all
    # 50 x 51 = 2,550 rows for every flag.
    cmp = read_cmp()
    flags = strong_cluster_flags(
        cmp["lq_tf"], cmp["emp_tl"].astype(float), cmp["est_tl"].astype(float)
    )
    assert len(flags) == 2550
    for ours, theirs in CMP_COLUMNS.items():
        published = cmp[theirs].astype(bool)
        disagree = flags[ours] != published
        assert not disagree.any(), f"{ours}: {int(disagree.sum())} rows differ"
    assert int(flags["strong"].sum()) == 512
    assert int(flags["strong10"].sum()) == 209


@pytest.mark.slow
@pytest.mark.skipif(not CMP_FILE.exists(), reason="shared CMP data not present")
@pytest.mark.parametrize(
    "variant", ["all-regions", "reported-employment"], ids=["all-regions", "reported-emp"]
)
def test_cmp_rule_variants_do_not_match(variant: str) -> None:
    # The data discriminate between conventions: taking percentiles over all states
    # (zeros included) or using employment without CMP's imputation of suppressed
    # cells both disagree with the published flags.
    cmp = read_cmp()
    emp = cmp["emp_reported_tl" if variant == "reported-employment" else "emp_tl"].astype(float)
    if variant == "all-regions":
        emp = emp + 1.0  # every state passes the employment > 0 filter
    flags = strong_cluster_flags(cmp["lq_tf"], emp, cmp["est_tl"].astype(float))
    assert (flags["qualifying"] != cmp["qualifying_b"].astype(bool)).sum() > 0


def star_panel() -> Panel:
    df = pd.DataFrame(
        {
            "region": list("AABBCC"),
            "industry": list("xyxyxy"),
            "year": 2020,
            "value": [30.0, 10.0, 10.0, 30.0, 5.0, 15.0],
        }
    )
    return Panel.from_frame(df)


DEFS = pd.DataFrame({"cluster": ["cx", "cy"], "industry": ["x", "y"]})


def test_star_ratings_by_hand() -> None:
    stars = star_ratings(
        star_panel(), clusters=DEFS, size_top=0.34, focus_top=0.34, specialisation_min=1.5
    )
    a = stars.loc[("A", "cx", 2020)]
    # x: 45 of 100 jobs; A holds 30 of its 40: LQ = .75 / .45 = 1.667 >= 1.5
    assert a["lq"] == pytest.approx(0.75 / 0.45)
    assert a["size"]
    assert a["specialisation"]
    assert a["focus"]
    assert a["stars"] == 3
    b = stars.loc[("B", "cy", 2020)]  # y: 55 jobs; B 30 of 40 -> LQ .75 / .55
    assert b["lq"] == pytest.approx(0.75 / 0.55)
    assert b["stars"] == 2  # size and focus, LQ 1.36 < 1.5
    assert "productivity" not in stars


def test_star_ratings_productivity_star() -> None:
    idx = pd.MultiIndex.from_tuples(
        [(r, c, 2020) for r in "ABC" for c in ("cx", "cy")], names=["region", "cluster", "year"]
    )
    wages = pd.Series([50.0, 10.0, 20.0, 60.0, 30.0, 20.0], index=idx)
    stars = star_ratings(
        star_panel(),
        clusters=DEFS,
        wages=wages,
        size_top=0.34,
        focus_top=0.34,
        productivity_top=0.34,
    )
    assert stars.loc[("A", "cx", 2020), "productivity"]
    assert not stars.loc[("C", "cx", 2020), "productivity"]
    assert stars.loc[("B", "cy", 2020), "productivity"]
    assert stars["stars"].max() <= 4


def test_star_ratings_missing_total_gives_no_lq_star() -> None:
    df = star_panel().data.reset_index()
    df.loc[(df["region"] == "C") & (df["industry"] == "y"), "value"] = np.nan
    stars = star_ratings(Panel.from_frame(df), clusters=DEFS, specialisation_min=0.1)
    row = stars.loc[("C", "cx", 2020)]
    assert np.isnan(row["lq"])
    assert not row["specialisation"]
    assert not row["focus"]

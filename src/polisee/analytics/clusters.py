"""Cluster mapping: industries to clusters, US CMP strong-cluster flags, ECO star ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from polisee.analytics.panel import Panel
from polisee.errors import InputError

__all__ = ["cluster_panel", "star_ratings", "strong_cluster_flags"]


def _definitions(definitions: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("cluster", "industry") if c not in definitions.columns]
    if missing:
        raise InputError(
            f"expected columns ['cluster', 'industry'], missing {missing}", field=missing[0]
        )
    d = pd.DataFrame(
        {
            "cluster": definitions["cluster"].astype(str).to_numpy(),
            "industry": definitions["industry"].astype(str).to_numpy(),
        }
    )
    if "weight" in definitions.columns:
        w = pd.to_numeric(definitions["weight"], errors="coerce").to_numpy(dtype="float64")
        bad = np.isnan(w) | (w < 0)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"expected a non-negative weight, got {definitions['weight'].iloc[pos]!r} "
                f"for cluster {d['cluster'].iloc[pos]}, industry {d['industry'].iloc[pos]}",
                field="weight",
            )
        d["weight"] = w
    else:
        d["weight"] = 1.0
    dup = d.duplicated(["cluster", "industry"])
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(
            f"duplicate definition of cluster {d['cluster'].iloc[pos]}, "
            f"industry {d['industry'].iloc[pos]}",
            field="industry",
        )
    return d


def cluster_panel(panel: Panel, definitions: pd.DataFrame) -> Panel:
    """Aggregate industries to clusters: ``value_rc = sum_i weight_ci * value_ri``.

    Parameters
    ----------
    panel : Panel
        Industry-level figures (employment, establishments, payroll...).
    definitions : pd.DataFrame
        Columns ``cluster``, ``industry`` and optionally ``weight`` (default 1;
        use fractions to split an industry between clusters).

    Returns
    -------
    Panel
        Indexed ``(region, industry, year)`` where the ``industry`` level holds the
        cluster codes.

    Notes
    -----
    Missing propagates: a cluster value is NaN for a region and year when one of
    its member industries is NaN or absent there, because a sum with a hole is not
    a lower bound anyone should read as the total. Member industries that occur
    nowhere in the panel (any region, any year) are outside the data's coverage
    and are ignored. Industries in no cluster are dropped.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("AAABBB"), "industry": list("xyzxyz"),
    ...                    "year": 2020, "value": [1., 2., 4., 8., float("nan"), 5.]})
    >>> defs = pd.DataFrame({"cluster": ["c1", "c1", "c2"], "industry": ["x", "y", "z"]})
    >>> cluster_panel(Panel.from_frame(df), defs).to_matrix(2020)
    industry   c1   c2
    region
    A         3.0  4.0
    B         NaN  5.0
    """
    d = _definitions(definitions)
    d = d[d["industry"].isin(panel.industries)]
    long = panel.values.reset_index()
    merged = long.merge(d, on="industry", how="inner")
    merged["part"] = merged["value"] * merged["weight"]
    keys = ["region", "cluster", "year"]
    grouped = merged.groupby(keys, sort=True)
    total = grouped["part"].sum()
    has_gap = merged["part"].isna().groupby([merged[k] for k in keys]).any()
    present = grouped["industry"].nunique()
    members = d.groupby("cluster")["industry"].nunique()
    expected = members.reindex(present.index.get_level_values("cluster")).to_numpy()
    complete = (~has_gap.to_numpy()) & (present.to_numpy() == expected)
    frame = total.where(complete).rename("value").reset_index()
    return Panel.from_frame(
        frame,
        region="region",
        industry="cluster",
        year="year",
        value="value",
        measure=panel.measure,
        unit=panel.unit,
    )


def _group_keys(index: pd.MultiIndex) -> list[str]:
    names = [str(n) for n in index.names]
    if names[:2] != ["region", "cluster"] or len(names) not in (2, 3):
        raise InputError(f"expected an index (region, cluster[, year]), got {names}", field="index")
    return ["cluster", *names[2:]]


def _percentiles(
    values: pd.Series, keys: list[str], qs: list[float], mask: pd.Series
) -> pd.DataFrame:
    """Per-group percentiles (linear interpolation, as numpy) over the masked rows,
    broadcast back to every row."""
    sub = values[mask]
    q = sub.groupby(level=keys).quantile(np.asarray(qs)).unstack(-1)
    q.columns = pd.Index([f"p{round(float(c) * 100)}" for c in q.columns])
    group_index = pd.MultiIndex.from_arrays([values.index.get_level_values(k) for k in keys])
    aligned = q.reindex(group_index if len(keys) > 1 else group_index.get_level_values(0))
    aligned.index = values.index
    return aligned


def strong_cluster_flags(
    lq: pd.Series, employment: pd.Series, establishments: pd.Series
) -> pd.DataFrame:
    """US Cluster Mapping Project strong / significant / qualifying cluster flags.

    Parameters
    ----------
    lq, employment, establishments : pd.Series
        Indexed ``(region, cluster)`` or ``(region, cluster, year)``, the same
        index for all three.

    Returns
    -------
    pd.DataFrame
        Index of ``lq``; boolean columns ``strong``, ``strong10``,
        ``significant`` and ``qualifying``.

    Notes
    -----
    Per cluster (and year), percentiles P are taken across the regions with
    employment > 0, with numpy's linear interpolation. With
    E = employment > P25(employment) and establishments > P25(establishments):

    * strong: LQ >= P75(LQ), LQ >= 1 and E
    * strong10: LQ >= P90(LQ), LQ >= 1 and E
    * significant: LQ > P50(LQ) and E
    * qualifying: LQ > P25(LQ) and E

    This reproduces every flag of the CMP state x traded cluster file for 2016
    (tests/analytics/test_clusters.py). A NaN input gives False.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([list("ABCDE"), ["c"]], names=["region", "cluster"])
    >>> lq = pd.Series([0.5, 0.8, 1.0, 1.5, 3.0], index=idx)
    >>> emp = pd.Series([10., 20., 30., 40., 50.], index=idx)
    >>> flags = strong_cluster_flags(lq, emp, emp)
    >>> flags.droplevel("cluster").astype(int)
            strong  strong10  significant  qualifying
    region
    A            0         0            0           0
    B            0         0            0           0
    C            0         0            0           1
    D            1         0            1           1
    E            1         1            1           1

    P25 of employment is 20, so A and B fail the size test; P75(LQ) = 1.5,
    P25(LQ) = 0.8, so C (LQ 1.0) only qualifies.
    """
    if not isinstance(lq.index, pd.MultiIndex):
        raise InputError("expected an index (region, cluster[, year])", field="index")
    keys = _group_keys(lq.index)
    for name, s in (("employment", employment), ("establishments", establishments)):
        if not s.index.equals(lq.index):
            raise InputError(f"expected {name} with the same index as lq", field=name)
    lq_v = lq.astype("float64")
    emp = employment.astype("float64")
    est = establishments.astype("float64")
    mask = emp > 0
    p_lq = _percentiles(lq_v, keys, [0.25, 0.5, 0.75, 0.9], mask)
    p_emp = _percentiles(emp, keys, [0.25], mask)
    p_est = _percentiles(est, keys, [0.25], mask)
    size = (emp > p_emp["p25"]) & (est > p_est["p25"])
    at_least_one = lq_v >= 1.0
    return pd.DataFrame(
        {
            "strong": (lq_v >= p_lq["p75"]) & at_least_one & size,
            "strong10": (lq_v >= p_lq["p90"]) & at_least_one & size,
            "significant": (lq_v > p_lq["p50"]) & size,
            "qualifying": (lq_v > p_lq["p25"]) & size,
        },
        index=lq.index,
    )


def star_ratings(
    panel: Panel,
    *,
    clusters: pd.DataFrame,
    wages: pd.Series | None = None,
    size_top: float = 0.10,
    specialisation_min: float = 2.0,
    focus_top: float = 0.10,
    productivity_top: float = 0.10,
    missing: str = "drop_region",
) -> pd.DataFrame:
    r"""European Cluster Observatory star ratings of each region's clusters.

    Parameters
    ----------
    panel : Panel
        Industry-level employment by region and year (all industries: the
        regional totals come from it).
    clusters : pd.DataFrame
        Cluster definitions, as for :func:`cluster_panel`.
    wages : pd.Series, optional
        Average wage per employee indexed ``(region, cluster, year)``; adds the
        productivity star.
    size_top, focus_top, productivity_top : float
        Share of regions (with cluster employment > 0) that earn the star.
    specialisation_min : float
        LQ threshold of the specialisation star.

    Returns
    -------
    pd.DataFrame
        Indexed ``(region, cluster, year)``: ``employment``, ``size``, ``lq``,
        ``specialisation``, ``focus_share``, ``focus`` and, with wages, ``wage``,
        ``productivity``; ``stars`` counts the criteria met.

    Notes
    -----
    One star each (European Cluster Observatory method: Sölvell, Ketels &
    Lindqvist (2008) *The European Cluster Observatory*, Europe INNOVA; the
    productivity dimension follows Ketels & Protsiv (2014) *European Cluster
    Panorama 2014*, Center for Strategy and Competitiveness, Stockholm School
    of Economics):

    * size: cluster employment >= the (1 - size_top) percentile across regions
    * specialisation: LQ >= specialisation_min, LQ against all employment
    * focus: cluster share of regional employment >= the (1 - focus_top)
      percentile across regions
    * productivity: average wage >= the (1 - productivity_top) percentile

    Percentiles are per cluster and year over regions with cluster employment
    > 0 (numpy linear interpolation). With ``missing="drop_region"`` (default) a
    region whose total has a missing cell gets NaN LQ and share and no
    specialisation or focus star; with ``missing="known"`` regional and overall
    totals are sums over the known cells (confidential cells are left out, not
    counted as zero), which keeps regions with a few confidential cells rated.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("AABBCC"), "industry": list("xyxyxy"),
    ...                    "year": 2020, "value": [30., 10., 10., 30., 5., 15.]})
    >>> defs = pd.DataFrame({"cluster": ["cx"], "industry": ["x"]})
    >>> stars = star_ratings(Panel.from_frame(df), clusters=defs, size_top=0.34, focus_top=0.34)
    >>> stars[["employment", "lq", "focus_share", "stars"]].round(3)
                         employment     lq  focus_share  stars
    region cluster year
    A      cx      2020        30.0  1.667         0.75      2
    B      cx      2020        10.0  0.556         0.25      0
    C      cx      2020         5.0  0.556         0.25      0

    x is 45 of 100 jobs; A holds 30 of its 40: LQ = .75 / .45 = 1.667 -> below 2;
    A is top in size and focus: 2 stars.
    """
    cp = cluster_panel(panel, clusters)
    emp = cp.values.rename_axis(["region", "cluster", "year"])
    vals = panel.values
    if missing not in ("drop_region", "known"):
        raise InputError(
            f"expected missing in ['drop_region', 'known'], got {missing!r}", field="missing"
        )
    totals = vals.groupby(level=["region", "year"]).sum()
    if missing == "drop_region":
        totals[vals.isna().groupby(level=["region", "year"]).any()] = np.nan
    reg_tot = totals.reindex(
        pd.MultiIndex.from_arrays(
            [emp.index.get_level_values("region"), emp.index.get_level_values("year")]
        )
    ).to_numpy(dtype="float64")
    share = emp / reg_tot
    known = ~np.isnan(reg_tot) & emp.notna().to_numpy()
    known_s = pd.Series(known, index=emp.index)
    # all-employment total per year over regions with a known total, counted once per region
    nat_tot = totals.dropna().groupby(level="year").sum()
    clus_tot = emp.where(known_s).groupby(level=["cluster", "year"]).transform("sum")
    nat = nat_tot.reindex(emp.index.get_level_values("year")).to_numpy(dtype="float64")
    lq = share / (clus_tot / nat)
    keys = ["cluster", "year"]
    mask = emp > 0
    p_size = _percentiles(emp, keys, [1 - size_top], mask).iloc[:, 0]
    p_focus = _percentiles(share, keys, [1 - focus_top], mask & known_s).iloc[:, 0]
    out = pd.DataFrame(
        {
            "employment": emp,
            "size": (emp >= p_size) & mask,
            "lq": lq,
            "specialisation": lq >= specialisation_min,
            "focus_share": share,
            "focus": (share >= p_focus) & mask,
        }
    )
    if wages is not None:
        w = wages.astype("float64").copy()
        w.index = w.index.set_names(["region", "cluster", "year"])
        w = w.reindex(emp.index)
        p_w = _percentiles(w, keys, [1 - productivity_top], mask).iloc[:, 0]
        out["wage"] = w
        out["productivity"] = (w >= p_w) & mask
    flags = [c for c in ("size", "specialisation", "focus", "productivity") if c in out]
    out["stars"] = out[flags].sum(axis=1).astype("int64")
    return out

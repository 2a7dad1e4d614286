"""The scoreboard's indicators of themes 1, 3, 5 and 6, computed from the statistics store.

Each function takes a :class:`Context` and returns :class:`IndicatorData` for the
scoreboard's regions (the regions of the level with SBS employment in the year). Missing
cells are unknown, never zero; where that makes a figure a lower bound the region gets a
note. Theme 2 (sustainability) is in ``_sustainability``; the definitions in ``_definitions``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from polisee.analytics import relatedness, relatedness_density, shift_share
from polisee.services import evidence as ev
from polisee.services.scoreboard._common import (
    annual_growth,
    empty,
    in_scope,
    share_of_business_economy,
    start_year,
)
from polisee.services.scoreboard._data import (
    EMPLOYMENT,
    GROWTH_YEARS,
    LFS_EMPLOYMENT,
    WAGES,
    cached,
    clusters,
    division_matrix,
    employment_panel,
    has_measure,
    region_facts,
    section_matrix,
    section_totals,
    stars,
    strong_flags,
)
from polisee.services.scoreboard._model import SBS_SECTIONS, Context, IndicatorData
from polisee.sources.aggregations import technology_members

__all__ = [
    "eci",
    "employment_growth",
    "htec_share",
    "kis_share",
    "krugman",
    "rd_personnel",
    "regional_shift",
    "specialisation_relatedness",
    "starred_clusters",
    "strong_cluster_growth_gap",
    "strong_cluster_share",
    "traded_share",
    "wage_growth",
]


# --- theme 1: innovation and R&D ------------------------------------------------------------


def rd_personnel(ctx: Context) -> IndicatorData:
    """R&D personnel (FTE) per 1,000 persons employed (LFS), in the nearest year with both."""
    if not (has_measure(ctx, "FTE") and has_measure(ctx, LFS_EMPLOYMENT)):
        return empty(ctx, str(ctx.year), "R&D personnel or LFS employment is not loaded.")
    rd = region_facts(ctx, "FTE").set_index(["region", "year"])["value"]
    lfs = region_facts(ctx, LFS_EMPLOYMENT).set_index(["region", "year"])["value"]
    common = sorted(
        set(rd.index.get_level_values("year")) & set(lfs.index.get_level_values("year"))
    )
    if not common:
        return empty(ctx, str(ctx.year), "No year has both R&D personnel and LFS employment.")
    year = min(common, key=lambda y: (abs(y - ctx.year), y > ctx.year))
    fte = rd.xs(year, level="year")
    thousands = lfs.xs(year, level="year")
    with np.errstate(all="ignore"):
        values = fte / thousands.reindex(fte.index)
    values = values.where(thousands.reindex(fte.index) > 0)
    summary: tuple[ev.Reading, ...] = ()
    if year != ctx.year:
        summary = (
            ev.Reading(
                "R&D personnel is published for a few years only: the figures are of {year}.",
                {"year": str(year)},
            ),
        )
    return IndicatorData(in_scope(ctx, values), str(year), summary=summary)


def htec_share(ctx: Context) -> IndicatorData:
    """Share of business-economy employment in high-technology sectors (Eurostat HTC)."""
    share, notes = share_of_business_economy(
        ctx, technology_members("HTC"), "high-technology sectors"
    )
    return IndicatorData(share, str(ctx.year), notes)


def kis_share(ctx: Context) -> IndicatorData:
    """Share of business-economy employment in knowledge-intensive services (within SBS)."""
    share, notes = share_of_business_economy(
        ctx, technology_members("KIS"), "knowledge-intensive services"
    )
    return IndicatorData(share, str(ctx.year), notes)


def eci(ctx: Context) -> IndicatorData:
    """The economic complexity index of the explorer (NUTS x NACE division employment)."""
    values = ev.map_values(ctx.store, "eci", ctx.level, ctx.year, cache=ctx.cache)
    series = pd.Series(values, dtype=float)
    return IndicatorData(in_scope(ctx, series), str(ctx.year))


# --- theme 3: internationalisation ----------------------------------------------------------


def traded_share(ctx: Context) -> IndicatorData:
    """Share of employment (industries in a cluster category) in traded clusters."""
    definition = clusters(ctx)
    weights = definition.groupby(["industry", "traded"])["weight"].sum().unstack().fillna(0.0)
    traded = weights[True] if True in weights.columns else pd.Series(0.0, index=weights.index)
    allw = weights.sum(axis=1)
    matrix = division_matrix(ctx, ctx.year)
    columns = [c for c in matrix.columns if c in allw.index and allw[c] > 0]
    part = matrix[columns]
    with np.errstate(all="ignore"):
        numerator = (part * traded.reindex(columns).to_numpy()).sum(axis=1)
        denominator = (part * allw.reindex(columns).to_numpy()).sum(axis=1)
        share = 100.0 * numerator / denominator.where(denominator > 0)
    return IndicatorData(in_scope(ctx, share), str(ctx.year))


# --- theme 5: specialisation ----------------------------------------------------------------


def strong_cluster_share(ctx: Context) -> IndicatorData:
    """Share of business-economy employment in strong traded clusters (US CMP rule)."""
    flags = strong_flags(ctx, ctx.year)
    if flags.empty:
        return empty(
            ctx, str(ctx.year), "Local units (needed for the strong-cluster test) are not loaded."
        )
    strong = flags[flags["strong"].astype(bool)]
    in_strong = strong.groupby("region")["employment"].sum()
    rated = pd.Index(flags["region"].unique())
    in_strong = in_strong.reindex(rated, fill_value=0.0)
    total = section_totals(ctx, ctx.year).reindex(rated)
    with np.errstate(all="ignore"):
        share = 100.0 * in_strong / total.where(total > 0)
    return IndicatorData(in_scope(ctx, share), str(ctx.year))


def starred_clusters(ctx: Context) -> IndicatorData:
    """Number of clusters with at least one European Cluster Observatory star."""
    table = stars(ctx, ctx.year)
    count = (table["stars"] > 0).groupby(table["region"]).sum().astype(float)
    return IndicatorData(in_scope(ctx, count), str(ctx.year))


def krugman(ctx: Context) -> IndicatorData:
    """The Krugman dissimilarity index of the region's industry mix (the explorer's)."""
    values = ev.map_values(ctx.store, "krugman", ctx.level, ctx.year, cache=ctx.cache)
    return IndicatorData(in_scope(ctx, pd.Series(values, dtype=float)), str(ctx.year))


def specialisation_relatedness(ctx: Context) -> IndicatorData:
    """Mean relatedness density (0-100) of the industries in which the region has RCA >= 1."""

    def compute() -> pd.Series:
        panel = employment_panel(ctx).select(years=[ctx.year])
        matrix = relatedness(panel, year=ctx.year, method="proximity")
        density = relatedness_density(panel, matrix, year=ctx.year).unstack("industry")
        jobs = panel.to_matrix(ctx.year).fillna(0.0)
        with np.errstate(all="ignore"):
            shares = jobs.div(jobs.sum(axis=1), axis=0)
            rca = shares.div(jobs.sum(axis=0) / jobs.to_numpy().sum(), axis=1)
        present = (rca.fillna(0.0) >= 1.0).reindex(index=density.index, columns=density.columns)
        return density.where(present.fillna(False)).mean(axis=1)

    values = cached(ctx, "specialisation_relatedness", (ctx.level, ctx.year), compute)
    return IndicatorData(in_scope(ctx, values), str(ctx.year))


# --- theme 6: skills and jobs ---------------------------------------------------------------


def employment_growth(ctx: Context) -> IndicatorData:
    """Average annual growth of total employment (LFS, persons aged 15 and over), in %."""
    if not has_measure(ctx, LFS_EMPLOYMENT):
        return empty(ctx, str(ctx.year), "LFS employment is not loaded.")
    lfs = region_facts(ctx, LFS_EMPLOYMENT).set_index(["region", "year"])["value"]
    years = sorted(int(y) for y in set(lfs.index.get_level_values("year")))
    ends = [y for y in years if y <= ctx.year]
    starts = [y for y in years if ends and ends[-1] - GROWTH_YEARS <= y < ends[-1]]
    if not starts:
        return empty(ctx, str(ctx.year), "Growth needs two years of LFS employment.")
    start, end = starts[0], ends[-1]
    change = annual_growth(lfs.xs(start, level="year"), lfs.xs(end, level="year"), end - start)
    return IndicatorData(in_scope(ctx, change), f"{start}-{end}")


def wage_growth(ctx: Context) -> IndicatorData:
    """Average annual growth of wages and salaries per person employed (SBS), in %."""
    if not has_measure(ctx, WAGES):
        return empty(ctx, str(ctx.year), "SBS wages are not loaded.")
    start = start_year(ctx)
    if start >= ctx.year:
        return empty(ctx, str(ctx.year), "Growth needs two years of SBS employment.")
    matrices = {
        (measure, year): section_matrix(ctx, year, measure).reindex(columns=list(SBS_SECTIONS))
        for measure in (WAGES, EMPLOYMENT)
        for year in (start, ctx.year)
    }
    regions = matrices[(EMPLOYMENT, ctx.year)].index
    aligned = {k: m.reindex(regions) for k, m in matrices.items()}
    both = np.ones(aligned[(EMPLOYMENT, ctx.year)].shape, dtype=bool)
    for matrix in aligned.values():
        both &= ~np.isnan(matrix.to_numpy(dtype=float))

    def average(year: int) -> pd.Series:
        wages = np.where(both, aligned[(WAGES, year)].to_numpy(dtype=float), 0.0).sum(axis=1)
        persons = np.where(both, aligned[(EMPLOYMENT, year)].to_numpy(dtype=float), 0.0).sum(axis=1)
        with np.errstate(all="ignore"):
            return pd.Series(wages * 1e6 / persons, index=regions)

    change = annual_growth(average(start), average(ctx.year), ctx.year - start)
    summary = (
        ev.Reading(
            "Nominal wages in euro (not deflated): for countries outside the euro area, "
            "exchange-rate changes are part of the growth."
        ),
    )
    return IndicatorData(in_scope(ctx, change), f"{start}-{ctx.year}", summary=summary)


def regional_shift(ctx: Context) -> IndicatorData:
    """The regional (competitive) shift of classic shift-share, % of start employment."""
    start = start_year(ctx)
    if start >= ctx.year:
        return empty(ctx, str(ctx.year), "Shift-share needs two years of SBS employment.")

    def compute() -> pd.Series:
        panel = employment_panel(ctx).select(years=[start, ctx.year])
        table = shift_share(panel, start=start, end=ctx.year)
        usable = table.dropna(subset=["competitive"])
        by_region = usable.groupby(level="region")[["competitive", "value_start"]].sum()
        with np.errstate(all="ignore"):
            return (
                100.0
                * by_region["competitive"]
                / by_region["value_start"].where(by_region["value_start"] > 0)
            )

    values = cached(ctx, "regional_shift", (ctx.level, start, ctx.year), compute)
    return IndicatorData(in_scope(ctx, values), f"{start}-{ctx.year}")


def strong_cluster_growth_gap(ctx: Context) -> IndicatorData:
    """Annual employment growth in the clusters strong at the start minus that of the rest."""
    start = start_year(ctx)
    if start >= ctx.year:
        return empty(ctx, str(ctx.year), "Growth needs two years of SBS employment.")
    first = strong_flags(ctx, start)
    last = strong_flags(ctx, ctx.year)
    if first.empty or last.empty:
        return empty(ctx, f"{start}-{ctx.year}", "Local units are not loaded.")
    strong = first[first["strong"].astype(bool)][["region", "cluster", "employment"]]
    later = last.set_index(["region", "cluster"])["employment"]
    strong = strong.assign(
        end=later.reindex(pd.MultiIndex.from_frame(strong[["region", "cluster"]])).to_numpy()
    )
    strong = strong.dropna(subset=["employment", "end"])
    s0 = strong.groupby("region")["employment"].sum()
    s1 = strong.groupby("region")["end"].sum()
    m0 = division_matrix(ctx, start)
    m1 = division_matrix(ctx, ctx.year).reindex(index=m0.index, columns=m0.columns)
    both = m0.notna() & m1.notna()
    t0 = m0.where(both).sum(axis=1)
    t1 = m1.where(both).sum(axis=1)
    years = ctx.year - start
    inside = annual_growth(s0, s1.reindex(s0.index), years)
    rest = annual_growth(
        (t0 - s0.reindex(t0.index, fill_value=0.0)),
        (t1 - s1.reindex(t1.index, fill_value=0.0)),
        years,
    )
    gap = (inside - rest.reindex(inside.index)).reindex(list(ctx.regions))
    rated = set(first["region"])
    notes = {
        region: ev.Reading("No strong cluster in {year}: not applicable.", {"year": str(start)})
        for region in ctx.regions
        if region in rated and region not in s0.index
    }
    return IndicatorData(gap.astype(float), f"{start}-{ctx.year}", notes)

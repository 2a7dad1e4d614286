"""The scoreboard's indicators, computed from the statistics store for every region at once.

Each function takes a :class:`Context` and returns :class:`IndicatorData` for the
scoreboard's regions (the regions of the level with SBS employment in the year). Missing
cells are unknown, never zero; where that makes a figure a lower bound, or an estimate
covers only part of a region's employment, the region gets a note.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from polisee.analytics import relatedness, relatedness_density, shift_share
from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services.scoreboard._data import (
    EMPLOYMENT,
    GROWTH_YEARS,
    LFS_EMPLOYMENT,
    WAGES,
    cached,
    clusters,
    country_facts,
    division_matrix,
    employment_panel,
    growth_years,
    has_measure,
    region_facts,
    region_table,
    section_matrix,
    section_totals,
    stars,
    strong_flags,
)
from polisee.services.scoreboard._model import (
    SBS_SECTIONS,
    Context,
    IndicatorData,
    IndicatorDefinition,
    register_indicator,
)
from polisee.sources.aggregations import technology_members, wiod_industries

__all__ = [
    "CARBON_INTENSITY_FACTOR",
    "DEFAULT_INDICATORS",
    "GROWTH_YEARS",
    "carbon_intensive_industries",
    "compute_indicator",
    "national_intensities",
]

CARBON_INTENSITY_FACTOR = 2.5
"""An industry is carbon-intensive when its CO2 per person employed, over the countries with
figures, is at least this multiple of the business economy's."""

EGSS_WINDOW = 3
"""EGSS figures of a country are used when reported within this many years of the
scoreboard year (the nearest year, the earlier one on a tie)."""

SBS_SCOPE = "business economy (NACE sections B-N without K)"


def _empty(ctx: Context, year: str, reason: str) -> IndicatorData:
    return IndicatorData(
        pd.Series(np.nan, index=list(ctx.regions), dtype=float), year, reason=reason
    )


def _in_scope(ctx: Context, values: pd.Series) -> pd.Series:
    return values.reindex(list(ctx.regions)).astype(float)


def _growth(start: pd.Series, end: pd.Series, years: int) -> pd.Series:
    """Average annual growth in % between two positive levels."""
    end = end.reindex(start.index)
    with np.errstate(all="ignore"):
        out = ((end / start) ** (1.0 / years) - 1.0) * 100.0
    return out.where((start > 0) & (end > 0))


def _start_year(ctx: Context) -> int:
    return growth_years(ctx)[0]


def _share_of_business_economy(
    ctx: Context, members: Sequence[str], what: str
) -> tuple[pd.Series, dict[str, ev.Reading]]:
    """100 x employment in ``members`` (known cells) / business-economy employment, and a
    lower-bound note for regions where some member cells are confidential."""
    matrix = division_matrix(ctx, ctx.year)
    columns = [m for m in members if m in matrix.columns]
    part = matrix[columns]
    numerator = part.sum(axis=1, min_count=1).fillna(0.0)
    total = section_totals(ctx, ctx.year).reindex(matrix.index)
    total = total.where(total > 0, matrix.sum(axis=1, min_count=1))
    with np.errstate(all="ignore"):
        share = 100.0 * numerator / total
    hidden = part.isna().sum(axis=1)
    notes = {
        str(region): ev.Reading(
            "Lower bound: {count} of the {total} industries counted ({what}) are confidential "
            "in this region.",
            {"count": str(int(n)), "total": str(len(columns)), "what": what},
        )
        for region, n in hidden.items()
        if n > 0
    }
    return _in_scope(ctx, share), notes


# --- theme 1: innovation and R&D ------------------------------------------------------------


def rd_personnel(ctx: Context) -> IndicatorData:
    """R&D personnel (FTE) per 1,000 persons employed (LFS), in the nearest year with both."""
    if not (has_measure(ctx, "FTE") and has_measure(ctx, LFS_EMPLOYMENT)):
        return _empty(ctx, str(ctx.year), "R&D personnel or LFS employment is not loaded.")
    rd = region_facts(ctx, "FTE").set_index(["region", "year"])["value"]
    lfs = region_facts(ctx, LFS_EMPLOYMENT).set_index(["region", "year"])["value"]
    common = sorted(
        set(rd.index.get_level_values("year")) & set(lfs.index.get_level_values("year"))
    )
    if not common:
        return _empty(ctx, str(ctx.year), "No year has both R&D personnel and LFS employment.")
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
    return IndicatorData(_in_scope(ctx, values), str(year), summary=summary)


def htec_share(ctx: Context) -> IndicatorData:
    """Share of business-economy employment in high-technology sectors (Eurostat HTC)."""
    share, notes = _share_of_business_economy(
        ctx, technology_members("HTC"), "high-technology sectors"
    )
    return IndicatorData(share, str(ctx.year), notes)


def kis_share(ctx: Context) -> IndicatorData:
    """Share of business-economy employment in knowledge-intensive services (within SBS)."""
    share, notes = _share_of_business_economy(
        ctx, technology_members("KIS"), "knowledge-intensive services"
    )
    return IndicatorData(share, str(ctx.year), notes)


def eci(ctx: Context) -> IndicatorData:
    """The economic complexity index of the explorer (NUTS x NACE division employment)."""
    values = ev.map_values(ctx.store, "eci", ctx.level, ctx.year, cache=ctx.cache)
    series = pd.Series(values, dtype=float)
    return IndicatorData(_in_scope(ctx, series), str(ctx.year))


# --- theme 2: sustainability ----------------------------------------------------------------


def national_intensities(ctx: Context, year: int) -> pd.DataFrame:
    """Country x WIOD industry: CO2 in tonnes per person employed (SBS, national), with
    ``incomplete`` marking a country x industry whose employment has a confidential division.

    Returns a long frame ``country, wiod_code, co2_t, employment, intensity, incomplete``.
    """

    def compute() -> pd.DataFrame:
        mapping = wiod_industries()[["nace_division", "wiod_code"]]
        nat = country_facts(ctx, EMPLOYMENT, industry_level="division", years=(year,))
        nat = nat.merge(mapping, left_on="industry", right_on="nace_division", how="inner")
        keys = [nat["region"], nat["wiod_code"]]
        employment = nat["value"].groupby(keys).sum(min_count=1)
        incomplete = nat["value"].isna().groupby(keys).any()
        emissions = country_facts(ctx, "CO2_KT", years=(year,))
        co2 = emissions.set_index(["region", "industry"])["value"] * 1000.0
        co2.index = co2.index.set_names(["region", "wiod_code"])
        frame = pd.DataFrame({"employment": employment, "incomplete": incomplete}).join(
            co2.rename("co2_t"), how="inner"
        )
        with np.errstate(all="ignore"):
            frame["intensity"] = frame["co2_t"] / frame["employment"]
        frame.loc[~(frame["employment"] > 0), "intensity"] = np.nan
        out = frame.reset_index().rename(columns={"region": "country"})
        return out[["country", "wiod_code", "co2_t", "employment", "intensity", "incomplete"]]

    return cached(ctx, "national_intensities", (year,), compute)


def carbon_intensive_industries(ctx: Context, year: int) -> pd.DataFrame:
    """WIOD industries by CO2 per person employed over all countries with figures.

    Returns ``wiod_code, wiod_label, intensity, carbon_intensive`` sorted by intensity
    (highest first); ``carbon_intensive`` is intensity >= :data:`CARBON_INTENSITY_FACTOR`
    times the all-industry figure.
    """
    nat = national_intensities(ctx, year)
    usable = nat.dropna(subset=["intensity"])
    by_industry = usable.groupby("wiod_code")[["co2_t", "employment"]].sum()
    by_industry["intensity"] = by_industry["co2_t"] / by_industry["employment"]
    overall = float(by_industry["co2_t"].sum() / by_industry["employment"].sum())
    labels = wiod_industries().drop_duplicates("wiod_code").set_index("wiod_code")["wiod_label"]
    out = pd.DataFrame(
        {
            "wiod_code": by_industry.index,
            "wiod_label": labels.reindex(by_industry.index).to_numpy(),
            "intensity": by_industry["intensity"].to_numpy(),
            "carbon_intensive": (
                by_industry["intensity"] >= CARBON_INTENSITY_FACTOR * overall
            ).to_numpy(),
        }
    )
    return out.sort_values("intensity", ascending=False).reset_index(drop=True)


def _has_co2(ctx: Context) -> bool:
    if not has_measure(ctx, "CO2_KT"):
        return False
    co2 = country_facts(ctx, "CO2_KT")
    return bool((co2["year"] == ctx.year).any())


def co2_intensity(ctx: Context) -> IndicatorData:
    """Estimated CO2 per person employed: regional employment by division x the national CO2
    per person employed of the division's WIOD industry."""
    if not _has_co2(ctx):
        return _empty(ctx, str(ctx.year), f"No JRC/WIOD CO2 figures for {ctx.year}.")
    nat = national_intensities(ctx, ctx.year).set_index(["country", "wiod_code"])
    matrix = division_matrix(ctx, ctx.year)
    mapping = wiod_industries().set_index("nace_division")["wiod_code"]
    columns = [c for c in matrix.columns if c in mapping.index]
    countries = region_table(ctx)["country"].reindex(matrix.index).fillna("")
    keys = pd.MultiIndex.from_arrays(
        [
            np.repeat(countries.to_numpy(), len(columns)),
            np.tile(mapping.reindex(columns).to_numpy(), len(matrix.index)),
        ]
    )
    intensity = nat["intensity"].reindex(keys).to_numpy().reshape(len(matrix.index), len(columns))
    incomplete = (
        nat["incomplete"]
        .reindex(keys)
        .fillna(False)
        .to_numpy(dtype=bool)
        .reshape(len(matrix.index), len(columns))
    )
    employment = matrix[columns].to_numpy(dtype=float)
    known = ~np.isnan(employment)
    covered = known & ~np.isnan(intensity)
    emp_covered = np.where(covered, employment, 0.0)
    with np.errstate(all="ignore"):
        value = (emp_covered * np.where(covered, intensity, 0.0)).sum(axis=1) / emp_covered.sum(
            axis=1
        )
        coverage = emp_covered.sum(axis=1) / np.where(known, employment, 0.0).sum(axis=1)
    value = np.where(coverage >= 0.5, value, np.nan)
    notes: dict[str, ev.Reading] = {}
    for i, region in enumerate(matrix.index):
        parts = []
        if np.isfinite(coverage[i]) and coverage[i] < 0.995:
            parts.append(
                ev.Reading(
                    "The estimate covers {share} of the region's known employment (industries "
                    "without national CO2 or employment figures are left out).",
                    {"share": ev.Figure(100.0 * float(coverage[i]), "%", 0)},
                )
            )
        if (incomplete[i] & covered[i]).any():
            parts.append(
                ev.Reading(
                    "Some national employment figures behind the intensities are confidential: "
                    "those intensities are upper bounds."
                )
            )
        if parts:
            notes[str(region)] = parts[0]
    values = pd.Series(value, index=matrix.index, dtype=float)
    intensive = carbon_intensive_industries(ctx, ctx.year)
    top = ", ".join(intensive.head(3)["wiod_code"])
    summary = (
        ev.Reading(
            "An estimate: each industry's national CO2 per person employed (JRC/WIOD "
            "accounts, SBS employment) times the region's employment in it, for the {scope}. "
            "Highest intensities: {industries}.",
            {"scope": SBS_SCOPE, "industries": top},
        ),
    )
    return IndicatorData(_in_scope(ctx, values), str(ctx.year), notes, summary)


def transition_exposure(ctx: Context) -> IndicatorData:
    """Share of business-economy employment in the carbon-intensive industries."""
    if not _has_co2(ctx):
        return _empty(ctx, str(ctx.year), f"No JRC/WIOD CO2 figures for {ctx.year}.")
    intensive = carbon_intensive_industries(ctx, ctx.year)
    codes = set(intensive.loc[intensive["carbon_intensive"], "wiod_code"])
    mapping = wiod_industries()
    members = mapping.loc[mapping["wiod_code"].isin(codes), "nace_division"].tolist()
    share, notes = _share_of_business_economy(ctx, members, "carbon-intensive industries")
    summary = (
        ev.Reading(
            "Carbon-intensive industries (CO2 per person employed at least {factor} times the "
            "average over the countries with figures, {year}): {industries}.",
            {
                "factor": ev.Figure(CARBON_INTENSITY_FACTOR, decimals=1),
                "year": str(ctx.year),
                "industries": ", ".join(sorted(codes)),
            },
        ),
    )
    return IndicatorData(share, str(ctx.year), notes, summary)


def _egss_ratios(ctx: Context) -> tuple[pd.DataFrame, dict[str, int]]:
    """Country x SBS section: EGSS market employment (FTE) per person employed (SBS), in
    each country's EGSS year nearest to the scoreboard year; and that year per country."""

    def compute() -> tuple[pd.DataFrame, dict[str, int]]:
        egss = country_facts(ctx, "EGSS_EMP_MKT").dropna(subset=["value"])
        totals = egss[egss["industry"] == "TOTAL"]
        chosen: dict[str, int] = {}
        for country, years in totals.groupby("region")["year"]:
            near = [int(y) for y in years if abs(int(y) - ctx.year) <= EGSS_WINDOW]
            if near:
                chosen[str(country)] = min(near, key=lambda y: (abs(y - ctx.year), y > ctx.year))
        national = country_facts(ctx, EMPLOYMENT, industries=SBS_SECTIONS)
        pairs = pd.DataFrame({"region": list(chosen), "year": list(chosen.values())})
        sbs = national.merge(pairs, on=["region", "year"]).pivot_table(
            index="region", columns="industry", values="value", aggfunc="first"
        )
        sbs = sbs.reindex(columns=list(SBS_SECTIONS))
        green = egss.merge(pairs, on=["region", "year"]).pivot_table(
            index="region", columns="industry", values="value", aggfunc="first"
        )
        # A section a country does not report is zero: its sections add up to its total
        # (the rows it leaves out are the activities without EGSS output).
        green = green.reindex(index=sbs.index, columns=list(SBS_SECTIONS)).fillna(0.0)
        with np.errstate(all="ignore"):
            ratios = green / sbs.where(sbs > 0)
        ratios = ratios[sbs.notna().any(axis=1)]
        ratios.index.name = "country"
        return ratios, chosen

    return cached(ctx, "egss_ratios", (ctx.year,), compute)


def egss_share(ctx: Context) -> IndicatorData:
    """Estimated share of business-economy employment in environmental goods and services."""
    if not has_measure(ctx, "EGSS_EMP_MKT"):
        return _empty(ctx, str(ctx.year), "EGSS employment is not loaded.")
    ratios, years = _egss_ratios(ctx)
    sections = section_matrix(ctx, ctx.year).reindex(columns=list(SBS_SECTIONS))
    countries = region_table(ctx)["country"].reindex(sections.index).fillna("")
    per_region = ratios.reindex(index=countries.to_numpy(), columns=list(SBS_SECTIONS))
    ratio = per_region.to_numpy(dtype=float)
    persons = sections.to_numpy(dtype=float)
    usable = ~np.isnan(ratio) & ~np.isnan(persons)
    with np.errstate(all="ignore"):
        green = np.where(usable, persons * ratio, 0.0).sum(axis=1)
        value = 100.0 * green / np.where(usable, persons, 0.0).sum(axis=1)
    value = np.where(usable.any(axis=1), value, np.nan)
    values = pd.Series(value, index=sections.index, dtype=float)
    notes = {
        str(region): ev.Reading(
            "Estimated from the national EGSS figures of {year}.", {"year": str(years[country])}
        )
        for region, country in countries.items()
        if country in years and years[country] != ctx.year
    }
    reported = ", ".join(f"{c} {y}" for c, y in sorted(years.items()))
    summary = (
        ev.Reading(
            "An estimate: each section's national EGSS market employment (FTE) per person "
            "employed times the region's employment in the section, for the {scope}. "
            "Countries and years used: {countries}.",
            {"scope": SBS_SCOPE, "countries": reported or "none"},
        ),
    )
    year = f"{ctx.year - EGSS_WINDOW}-{ctx.year + EGSS_WINDOW}"
    return IndicatorData(_in_scope(ctx, values), year, notes, summary)


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
    return IndicatorData(_in_scope(ctx, share), str(ctx.year))


# --- theme 5: specialisation ----------------------------------------------------------------


def strong_cluster_share(ctx: Context) -> IndicatorData:
    """Share of business-economy employment in strong traded clusters (US CMP rule)."""
    flags = strong_flags(ctx, ctx.year)
    if flags.empty:
        return _empty(
            ctx, str(ctx.year), "Local units (needed for the strong-cluster test) are not loaded."
        )
    strong = flags[flags["strong"].astype(bool)]
    in_strong = strong.groupby("region")["employment"].sum()
    rated = pd.Index(flags["region"].unique())
    in_strong = in_strong.reindex(rated, fill_value=0.0)
    total = section_totals(ctx, ctx.year).reindex(rated)
    with np.errstate(all="ignore"):
        share = 100.0 * in_strong / total.where(total > 0)
    return IndicatorData(_in_scope(ctx, share), str(ctx.year))


def starred_clusters(ctx: Context) -> IndicatorData:
    """Number of clusters with at least one European Cluster Observatory star."""
    table = stars(ctx, ctx.year)
    count = (table["stars"] > 0).groupby(table["region"]).sum().astype(float)
    return IndicatorData(_in_scope(ctx, count), str(ctx.year))


def krugman(ctx: Context) -> IndicatorData:
    """The Krugman dissimilarity index of the region's industry mix (the explorer's)."""
    values = ev.map_values(ctx.store, "krugman", ctx.level, ctx.year, cache=ctx.cache)
    return IndicatorData(_in_scope(ctx, pd.Series(values, dtype=float)), str(ctx.year))


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
    return IndicatorData(_in_scope(ctx, values), str(ctx.year))


# --- theme 6: skills and jobs ---------------------------------------------------------------


def employment_growth(ctx: Context) -> IndicatorData:
    """Average annual growth of total employment (LFS, persons aged 15 and over), in %."""
    if not has_measure(ctx, LFS_EMPLOYMENT):
        return _empty(ctx, str(ctx.year), "LFS employment is not loaded.")
    lfs = region_facts(ctx, LFS_EMPLOYMENT).set_index(["region", "year"])["value"]
    years = sorted(int(y) for y in set(lfs.index.get_level_values("year")))
    ends = [y for y in years if y <= ctx.year]
    starts = [y for y in years if ends and ends[-1] - GROWTH_YEARS <= y < ends[-1]]
    if not starts:
        return _empty(ctx, str(ctx.year), "Growth needs two years of LFS employment.")
    start, end = starts[0], ends[-1]
    growth = _growth(lfs.xs(start, level="year"), lfs.xs(end, level="year"), end - start)
    return IndicatorData(_in_scope(ctx, growth), f"{start}-{end}")


def wage_growth(ctx: Context) -> IndicatorData:
    """Average annual growth of wages and salaries per person employed (SBS), in %."""
    if not has_measure(ctx, WAGES):
        return _empty(ctx, str(ctx.year), "SBS wages are not loaded.")
    start = _start_year(ctx)
    if start >= ctx.year:
        return _empty(ctx, str(ctx.year), "Growth needs two years of SBS employment.")
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

    growth = _growth(average(start), average(ctx.year), ctx.year - start)
    summary = (
        ev.Reading(
            "Nominal wages in euro (not deflated): for countries outside the euro area, "
            "exchange-rate changes are part of the growth."
        ),
    )
    return IndicatorData(_in_scope(ctx, growth), f"{start}-{ctx.year}", summary=summary)


def regional_shift(ctx: Context) -> IndicatorData:
    """The regional (competitive) shift of classic shift-share, % of start employment."""
    start = _start_year(ctx)
    if start >= ctx.year:
        return _empty(ctx, str(ctx.year), "Shift-share needs two years of SBS employment.")

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
    return IndicatorData(_in_scope(ctx, values), f"{start}-{ctx.year}")


def strong_cluster_growth_gap(ctx: Context) -> IndicatorData:
    """Annual employment growth in the clusters strong at the start minus that of the rest."""
    start = _start_year(ctx)
    if start >= ctx.year:
        return _empty(ctx, str(ctx.year), "Growth needs two years of SBS employment.")
    first = strong_flags(ctx, start)
    last = strong_flags(ctx, ctx.year)
    if first.empty or last.empty:
        return _empty(ctx, f"{start}-{ctx.year}", "Local units are not loaded.")
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
    inside = _growth(s0, s1.reindex(s0.index), years)
    rest = _growth(
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


# --- the registry ---------------------------------------------------------------------------

_PLATFORM = ("platform",)

DEFAULT_INDICATORS: tuple[IndicatorDefinition, ...] = (
    IndicatorDefinition(
        "rd_personnel",
        "innovation",
        "R&D personnel per 1,000 employed",
        "FTE per 1,000 employed",
        1,
        "z-score",
        ("rd_p_persreg", "lfst_r_lfe2en2"),
        "R&D personnel in full-time equivalents (all sectors) divided by LFS employment "
        "(persons aged 15 and over, in thousands), in the nearest year with both.",
        decimals=1,
        compute=rd_personnel,
    ),
    IndicatorDefinition(
        "htec_share",
        "innovation",
        "Employment in high-technology sectors",
        "% of business-economy employment",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Persons employed in Eurostat's high-technology sectors (high-technology manufacturing "
        "C21, C26 and knowledge-intensive high-technology services J59-J63, M72) as a share of "
        "the business economy (SBS sections B-N without K).",
        decimals=1,
        compute=htec_share,
    ),
    IndicatorDefinition(
        "kis_share",
        "innovation",
        "Employment in knowledge-intensive services",
        "% of business-economy employment",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Persons employed in Eurostat's knowledge-intensive services that SBS covers (H50, H51, "
        "J58-J63, M69-M75, N78, N80) as a share of the business economy; finance (K) and the "
        "public and social services (O-U) are outside SBS.",
        decimals=1,
        compute=kis_share,
    ),
    IndicatorDefinition(
        "eci",
        "innovation",
        "Economic complexity index",
        "standardised index",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "Economic complexity index (eigenvector method) of the region's employment by NACE "
        "division, as in the region profiles.",
        decimals=2,
        compute=eci,
    ),
    IndicatorDefinition(
        "co2_intensity",
        "sustainability",
        "CO2 emissions per person employed (estimate)",
        "t CO2 per person employed",
        -1,
        "z-score",
        ("jrc_wiod_co2", "sbs_r_nuts06_r2"),
        "An estimate, not a measurement: for each NACE division, the national CO2 emissions of "
        "its WIOD industry (JRC/WIOD accounts) divided by national SBS employment in that "
        "industry, times the region's employment in the division; summed and divided by the "
        "region's employment in the divisions with figures (business economy).",
        estimate=True,
        decimals=1,
        compute=co2_intensity,
    ),
    IndicatorDefinition(
        "transition_exposure",
        "sustainability",
        "Employment in carbon-intensive industries",
        "% of business-economy employment",
        -1,
        "min-max",
        ("jrc_wiod_co2", "sbs_r_nuts06_r2"),
        "Persons employed in the industries whose CO2 per person employed, over all countries "
        "with figures, is at least 2.5 times that of all industries, as a share of the business "
        "economy: how exposed the region's jobs are to the low-carbon transition.",
        decimals=1,
        compute=transition_exposure,
    ),
    IndicatorDefinition(
        "egss_share",
        "sustainability",
        "Environmental goods and services employment (estimate)",
        "% of business-economy employment",
        1,
        "min-max",
        ("egss", "sbs_r_nuts06_r2"),
        "An estimate, not a measurement: for each SBS section, national employment (FTE) in "
        "environmental goods and services for the market divided by national SBS persons "
        "employed, times the region's employment in the section; only countries that report "
        "EGSS within three years of the scoreboard year have a figure.",
        estimate=True,
        decimals=2,
        compute=egss_share,
    ),
    IndicatorDefinition(
        "traded_share",
        "internationalisation",
        "Employment in traded clusters",
        "% of employment in cluster industries",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Persons employed in the industries of traded clusters (U.S. Cluster Mapping categories "
        "carried to NACE divisions), which sell beyond the region, as a share of employment in "
        "all cluster categories.",
        decimals=1,
        compute=traded_share,
    ),
    IndicatorDefinition(
        "collaborations",
        "internationalisation",
        "International collaborations recorded in the platform",
        "collaborations per cluster organisation",
        1,
        "z-score",
        _PLATFORM,
        "Partnerships of the region's cluster organisations with organisations abroad, as "
        "recorded in the platform.",
        no_data="The platform does not record international collaborations yet.",
    ),
    IndicatorDefinition(
        "funding_per_employee",
        "financing",
        "Cluster funding per employee in clusters",
        "EUR per person employed in clusters",
        1,
        "z-score",
        _PLATFORM,
        "Funding allocated to the region's cluster organisations through the platform's calls, "
        "per person employed in the region's clusters.",
        no_data="The platform does not record cluster funding calls and allocations yet.",
    ),
    IndicatorDefinition(
        "organisations_per_stage",
        "financing",
        "Cluster organisations at an advanced stage",
        "% of cluster organisations",
        1,
        "min-max",
        _PLATFORM,
        "Share of the region's cluster organisations at the upper stages of the development "
        "ladder recorded in the platform.",
        no_data="The platform does not record cluster organisations and their stages yet.",
    ),
    IndicatorDefinition(
        "strong_cluster_share",
        "specialisation",
        "Employment in strong clusters",
        "% of business-economy employment",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Persons employed in the traded clusters that pass the U.S. Cluster Mapping "
        "strong-cluster test (location quotient in the top quarter and at least 1, size above "
        "the lowest quarter) as a share of the business economy.",
        decimals=1,
        compute=strong_cluster_share,
    ),
    IndicatorDefinition(
        "starred_clusters",
        "specialisation",
        "Clusters with at least one star",
        "clusters",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "Number of the region's clusters with at least one European Cluster Observatory star "
        "(size, specialisation, focus, productivity).",
        decimals=0,
        compute=starred_clusters,
    ),
    IndicatorDefinition(
        "krugman",
        "specialisation",
        "Krugman specialisation index",
        "index 0-2",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "How far the region's mix of employment by NACE division differs from that of the "
        "other regions (0 = identical). Higher is counted as more specialised.",
        decimals=2,
        compute=krugman,
    ),
    IndicatorDefinition(
        "specialisation_relatedness",
        "specialisation",
        "Relatedness density of the specialisations",
        "index 0-100",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Mean relatedness density of the industries in which the region has a revealed "
        "comparative advantage: how closely its specialisations are related to one another "
        "(co-location proximity across regions).",
        decimals=1,
        compute=specialisation_relatedness,
    ),
    IndicatorDefinition(
        "employment_growth",
        "skills",
        "Employment growth",
        "% per year",
        1,
        "z-score",
        ("lfst_r_lfe2en2",),
        "Average annual growth of total employment (LFS, persons aged 15 and over) over the "
        "four years up to the scoreboard year.",
        decimals=2,
        compute=employment_growth,
    ),
    IndicatorDefinition(
        "wage_growth",
        "skills",
        "Growth of wages per person employed",
        "% per year",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "Average annual growth of wages and salaries per person employed in the business "
        "economy (sections with wages and employment known in both years).",
        decimals=2,
        compute=wage_growth,
    ),
    IndicatorDefinition(
        "regional_shift",
        "skills",
        "Regional shift of employment",
        "% of start employment",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "The regional (competitive) component of classic shift-share over the growth period: "
        "employment change not explained by overall growth or the industry mix, as a share of "
        "employment at the start.",
        decimals=2,
        compute=regional_shift,
    ),
    IndicatorDefinition(
        "strong_cluster_growth_gap",
        "skills",
        "Employment growth in strong clusters minus the rest",
        "percentage points per year",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "Average annual employment growth in the clusters that were strong at the start of the "
        "growth period minus that of the rest of the region's business economy.",
        decimals=2,
        compute=strong_cluster_growth_gap,
    ),
)

for _definition in DEFAULT_INDICATORS:
    register_indicator(_definition)


def _check(values: pd.Series) -> pd.Series:
    if not values.index.is_unique:
        raise InputError("an indicator returned a region twice", field="values")
    return values


def compute_indicator(definition: IndicatorDefinition, ctx: Context) -> IndicatorData:
    """One indicator for the context's regions; no data (with the reason) when it cannot be."""
    if definition.compute is None:
        return _empty(ctx, str(ctx.year), definition.no_data)
    try:
        data = definition.compute(ctx)
    except NotFound as exc:
        return _empty(ctx, str(ctx.year), str(exc))
    return IndicatorData(
        _check(_in_scope(ctx, data.values)), data.year, data.notes, data.summary, data.reason
    )

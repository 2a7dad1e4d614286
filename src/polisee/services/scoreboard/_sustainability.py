"""Theme 2, sustainability: estimated CO2 intensity, transition exposure, green jobs (EGSS).

The CO2 and EGSS figures are national; a region's figure is an estimate from its industry
mix (its employment by division or section times the country's emissions or green jobs per
person employed there), and says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from polisee.services import evidence as ev
from polisee.services.scoreboard._common import (
    SBS_SCOPE,
    empty,
    in_scope,
    share_of_business_economy,
)
from polisee.services.scoreboard._data import (
    EMPLOYMENT,
    cached,
    country_facts,
    division_matrix,
    has_measure,
    region_table,
    section_matrix,
)
from polisee.services.scoreboard._model import SBS_SECTIONS, Context, IndicatorData
from polisee.sources.aggregations import wiod_industries

__all__ = [
    "CARBON_INTENSITY_FACTOR",
    "EGSS_WINDOW",
    "carbon_intensive_industries",
    "co2_intensity",
    "egss_share",
    "national_intensities",
    "transition_exposure",
]

CARBON_INTENSITY_FACTOR = 2.5
"""An industry is carbon-intensive when its CO2 per person employed, over the countries with
figures, is at least this multiple of the business economy's."""

EGSS_WINDOW = 3
"""EGSS figures of a country are used when reported within this many years of the
scoreboard year (the nearest year, the earlier one on a tie)."""


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
        return empty(ctx, str(ctx.year), f"No JRC/WIOD CO2 figures for {ctx.year}.")
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
    return IndicatorData(in_scope(ctx, values), str(ctx.year), notes, summary)


def transition_exposure(ctx: Context) -> IndicatorData:
    """Share of business-economy employment in the carbon-intensive industries."""
    if not _has_co2(ctx):
        return empty(ctx, str(ctx.year), f"No JRC/WIOD CO2 figures for {ctx.year}.")
    intensive = carbon_intensive_industries(ctx, ctx.year)
    codes = set(intensive.loc[intensive["carbon_intensive"], "wiod_code"])
    mapping = wiod_industries()
    members = mapping.loc[mapping["wiod_code"].isin(codes), "nace_division"].tolist()
    share, notes = share_of_business_economy(ctx, members, "carbon-intensive industries")
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
        return empty(ctx, str(ctx.year), "EGSS employment is not loaded.")
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
    return IndicatorData(in_scope(ctx, values), year, notes, summary)

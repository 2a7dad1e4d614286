"""Figures read from the statistics store once and shared by the indicators (cached)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from polisee.analytics import Panel, cluster_panel, star_ratings, strong_cluster_flags
from polisee.analytics import location_quotient as lq_function
from polisee.errors import NotFound
from polisee.services import evidence as ev
from polisee.services.analysis import CLUSTER_DEFINITION
from polisee.services.i18n import region_name
from polisee.services.scoreboard._model import SBS_SECTIONS, Context
from polisee.statsdb import StatsStore

__all__ = [
    "EMPLOYMENT",
    "ESTABLISHMENTS",
    "GROWTH_YEARS",
    "LFS_EMPLOYMENT",
    "WAGES",
    "cached",
    "clusters",
    "country_facts",
    "division_matrix",
    "division_panel",
    "employment_panel",
    "growth_years",
    "has_measure",
    "region_facts",
    "region_table",
    "scope_regions",
    "section_matrix",
    "section_totals",
    "stars",
    "strong_flags",
]

EMPLOYMENT = "V16110"
ESTABLISHMENTS = "V11210"
WAGES = "V13320"
LFS_EMPLOYMENT = "THS.Y_GE15"

T = TypeVar("T")


def cached(ctx: Context, name: str, params: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()`` through the evidence cache, under a scoreboard-specific name."""
    return ctx.cache.fetch(ctx.store, f"scoreboard:{name}", params, compute)


def has_measure(ctx: Context, measure: str) -> bool:
    """Whether any loaded dataset holds ``measure`` (the list is read once per data version)."""

    def compute() -> frozenset[str]:
        return frozenset(map(str, ctx.store.measures()["measure"]))

    return measure in cached(ctx, "measures", (), compute)


def employment_panel(ctx: Context) -> Panel:
    """SBS persons employed by NACE division, every year (the explorer's cached panel)."""
    return ev.division_panel(ctx.store, ctx.level, cache=ctx.cache)


def division_panel(ctx: Context, measure: str, years: tuple[int, ...]) -> Panel:
    """SBS figures of ``measure`` by NACE division in ``years`` at the context's level."""

    def compute() -> Panel:
        return ctx.store.panel(
            measure, level=ctx.level, industry_level="division", years=list(years)
        )

    return cached(ctx, "division_panel", (measure, ctx.level, years), compute)


def division_matrix(ctx: Context, year: int) -> pd.DataFrame:
    """Region x division persons employed in one year (NaN where confidential or absent)."""

    def compute() -> pd.DataFrame:
        panel = employment_panel(ctx)
        if year not in panel.years:
            return pd.DataFrame(dtype=float)
        return panel.to_matrix(year)

    return cached(ctx, "division_matrix", (ctx.level, year), compute)


def scope_regions(
    store: StatsStore, cache: ev.EvidenceCache, level: int, year: int
) -> tuple[str, ...]:
    """Regions of ``level`` (not extra-regio) with SBS employment by division in ``year``."""

    def compute() -> tuple[str, ...]:
        panel = ev.division_panel(store, level, cache=cache)
        if year not in panel.years:
            return ()
        known = panel.to_matrix(year).notna().any(axis=1)
        extra = store.regions(level=level).set_index("code")["extra_regio"]
        codes = [str(c) for c in known.index[known.to_numpy()] if not bool(extra.get(c, False))]
        return tuple(sorted(codes))

    return cache.fetch(store, "scoreboard:scope", (level, year), compute)


def region_table(ctx: Context) -> pd.DataFrame:
    """The scoreboard's regions indexed by code: ``name``, ``country``, ``country_name``."""

    def compute() -> pd.DataFrame:
        regions = ctx.store.regions().set_index("code")
        countries = regions[regions["level"] == 0]["name_latin"].to_dict()
        mine = regions.reindex(list(ctx.regions))
        return pd.DataFrame(
            {
                "name": [
                    region_name(str(latin), str(national))
                    for latin, national in zip(
                        mine["name_latin"].fillna(""), mine["name"].fillna(""), strict=True
                    )
                ],
                "country": mine["country"].fillna("").astype(str),
                "country_name": mine["country"].map(countries).fillna(mine["country"]).astype(str),
            },
            index=pd.Index(list(ctx.regions), name="code"),
        )

    return cached(ctx, "region_table", (ctx.level, ctx.year), compute)


def section_totals(ctx: Context, year: int, measure: str = EMPLOYMENT) -> pd.Series:
    """Region -> sum of the known SBS section cells B-N without K (business economy)."""

    def compute() -> pd.Series:
        facts = ctx.store.facts(
            measure, level=ctx.level, years=[year], industries=list(SBS_SECTIONS)
        )
        known = facts.dropna(subset=["value"])
        return known.groupby("region")["value"].sum()

    return cached(ctx, "section_totals", (measure, ctx.level, year), compute)


def section_matrix(ctx: Context, year: int, measure: str = EMPLOYMENT) -> pd.DataFrame:
    """Region x SBS section figures of one year at the context's level."""

    def compute() -> pd.DataFrame:
        facts = ctx.store.facts(
            measure, level=ctx.level, years=[year], industries=list(SBS_SECTIONS)
        )
        return facts.pivot_table(
            index="region", columns="industry", values="value", aggfunc="first"
        )

    return cached(ctx, "section_matrix", (measure, ctx.level, year), compute)


def region_facts(
    ctx: Context, measure: str, industries: Sequence[str] = ("TOTAL",)
) -> pd.DataFrame:
    """Facts of an all-industry measure at the context's level: ``region, year, value``."""

    def compute() -> pd.DataFrame:
        facts = ctx.store.facts(measure, level=ctx.level, industries=list(industries))
        return facts.dropna(subset=["value"])[["region", "industry", "year", "value"]]

    return cached(ctx, "region_facts", (measure, ctx.level, tuple(industries)), compute)


def country_facts(
    ctx: Context,
    measure: str,
    *,
    industry_level: str | None = None,
    industries: tuple[str, ...] | None = None,
    years: tuple[int, ...] | None = None,
) -> pd.DataFrame:
    """National facts of ``measure`` (level 0): ``region, industry, year, value, flag``."""

    def compute() -> pd.DataFrame:
        return ctx.store.facts(
            measure,
            level=0,
            industry_level=industry_level,
            industries=None if industries is None else list(industries),
            years=None if years is None else list(years),
        )

    return cached(ctx, "country_facts", (measure, industry_level, industries, years), compute)


def clusters(ctx: Context) -> pd.DataFrame:
    """The stored cluster definition: ``cluster`` (code), ``name``, ``traded``, ``industry``,
    ``weight``."""

    def compute() -> pd.DataFrame:
        definition = ctx.store.cluster_definition(CLUSTER_DEFINITION)
        return pd.DataFrame(
            {
                "cluster": definition["cluster_code"].astype(str),
                "name": definition["cluster"].astype(str),
                "traded": definition["traded"].astype(bool),
                "industry": definition["industry"].astype(str),
                "weight": definition["weight"].astype(float),
            }
        )

    return cached(ctx, "clusters", (), compute)


GROWTH_YEARS = 4
"""Growth indicators run over this many years up to the scoreboard year (2010-2014)."""


def growth_years(ctx: Context) -> tuple[int, ...]:
    """``(start, year)`` of the growth indicators (``(year,)`` with one SBS year only)."""
    years = employment_panel(ctx).years
    earlier = [y for y in years if ctx.year - GROWTH_YEARS <= y < ctx.year]
    return (earlier[0], ctx.year) if earlier else (ctx.year,)


def strong_flags(ctx: Context, year: int) -> pd.DataFrame:
    """US CMP flags of the traded clusters in ``year``: region, cluster, strong, employment.

    The same computation as the ``strong_flags`` indicator (traded cluster employment as
    the LQ base, local units for the size test), on the cached division panels.
    """

    def compute() -> pd.DataFrame:
        definition = clusters(ctx)
        traded = definition[definition["traded"]]
        employment = employment_panel(ctx).select(years=[year])
        try:
            units = division_panel(ctx, ESTABLISHMENTS, growth_years(ctx)).select(years=[year])
        except NotFound:
            return pd.DataFrame(columns=["region", "cluster", "strong", "employment"])
        emp = cluster_panel(employment, traded)
        est = cluster_panel(units, traded)
        lq = lq_function(emp, missing="zero")
        names = ["region", "cluster", "year"]
        lq.index = lq.index.set_names(names)
        e = emp.values.rename_axis(names)
        s = est.values.rename_axis(names).reindex(e.index)
        flags = strong_cluster_flags(lq, e, s).join(e.rename("employment")).reset_index()
        return flags[["region", "cluster", "strong", "employment"]]

    return cached(ctx, "strong_flags", (ctx.level, year), compute)


def stars(ctx: Context, year: int) -> pd.DataFrame:
    """European Cluster Observatory stars of every region x cluster in ``year``."""

    def compute() -> pd.DataFrame:
        definition = clusters(ctx)[["cluster", "industry", "weight"]]
        employment = employment_panel(ctx).select(years=[year])
        wages: pd.Series | None = None
        try:
            payroll = cluster_panel(
                division_panel(ctx, WAGES, growth_years(ctx)).select(years=[year]), definition
            )
            persons = cluster_panel(employment, definition).values
            wages = (payroll.values * 1e6 / persons.reindex(payroll.values.index)).replace(
                [np.inf, -np.inf], np.nan
            )
            wages.index = wages.index.set_names(["region", "cluster", "year"])
        except NotFound:
            wages = None
        table = star_ratings(employment, clusters=definition, wages=wages, missing="known")
        return table.reset_index()[["region", "cluster", "stars"]]

    return cached(ctx, "stars", (ctx.level, year), compute)

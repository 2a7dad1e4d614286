"""Computations shared by every view, for all regions at once, cached; the lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from polisee.analytics import (
    EconomicComplexity,
    Panel,
    cluster_panel,
    location_quotient,
    shift_share,
    specialisation_indices,
)
from polisee.errors import InputError, NotFound
from polisee.services.analysis import CLUSTER_DEFINITION, cluster_industries, indicator_table
from polisee.services.evidence._cache import EvidenceCache, _cache
from polisee.services.evidence._model import EMPLOYMENT, SBS_SECTIONS
from polisee.services.i18n import region_name
from polisee.statsdb import StatsStore

__all__ = [
    "available_years",
    "clusters_list",
    "default_year",
    "display_names",
    "division_panel",
    "industries_list",
    "regions_list",
]


def _regions(store: StatsStore, cache: EvidenceCache) -> pd.DataFrame:
    return cache.fetch(store, "regions", (), lambda: store.regions().set_index("code"))


def display_names(regions: pd.DataFrame, codes: Any) -> list[str]:
    """The names of the regions ``codes`` as every list and table shows them (Latin script,
    the national form beside when it differs); ``regions`` is the store's table by code."""
    latin = regions["name_latin"].reindex(codes).fillna("")
    national = regions["name"].reindex(codes).fillna("")
    return [region_name(str(a), str(b)) for a, b in zip(latin, national, strict=True)]


def _industries(store: StatsStore, cache: EvidenceCache) -> pd.DataFrame:
    return cache.fetch(store, "industries", (), lambda: store.industries().set_index("code"))


def _has(store: StatsStore, measure: str) -> bool:
    return bool((store.measures()["measure"] == measure).any())


def _division_panel(store: StatsStore, cache: EvidenceCache, level: int) -> Panel:
    def compute() -> Panel:
        return store.panel(EMPLOYMENT, level=level, industry_level="division")

    return cache.fetch(store, "division_panel", (level,), compute)


def division_panel(
    store: StatsStore, level: int = 2, *, cache: EvidenceCache | None = None
) -> Panel:
    """SBS persons employed by NACE division, every year, at NUTS ``level`` (cached): the
    panel behind the profiles and maps, shared with other services (the scoreboard)."""
    return _division_panel(store, _cache(cache), level)


def available_years(store: StatsStore, cache: EvidenceCache | None = None) -> list[int]:
    """Years with SBS employment by NACE division (the years a profile or map can show)."""
    c = _cache(cache)
    return c.fetch(store, "years", (), lambda: _division_panel(store, c, 2).years)


def default_year(store: StatsStore, cache: EvidenceCache | None = None) -> int:
    """The latest SBS year in which at least 90 % of the regions of the best year report."""
    c = _cache(cache)

    def compute() -> int:
        panel = _division_panel(store, c, 2)
        known = panel.values.dropna()
        per_year = known.groupby(level="year").apply(
            lambda s: s.index.get_level_values("region").nunique()
        )
        good = per_year[per_year >= 0.9 * per_year.max()]
        return int(good.index.max())

    return c.fetch(store, "default_year", (), compute)


def _section_totals(store: StatsStore, cache: EvidenceCache, measure: str, level: int) -> pd.Series:
    """Sum over the SBS sections B-N (without K) of the known cells, by (region, year)."""

    def compute() -> pd.Series:
        facts = store.facts(measure, level=level, industries=SBS_SECTIONS)
        known = facts.dropna(subset=["value"])
        return known.groupby(["region", "year"])["value"].sum()

    return cache.fetch(store, "section_totals", (measure, level), compute)


def _totals(store: StatsStore, cache: EvidenceCache, measure: str, level: int) -> pd.Series:
    """Figures of an all-industry measure (GDP, R&D personnel) by (region, year)."""

    def compute() -> pd.Series:
        facts = store.facts(measure, level=level, industries=["TOTAL"])
        return facts.dropna(subset=["value"]).set_index(["region", "year"])["value"]

    return cache.fetch(store, "totals", (measure, level), compute)


@dataclass
class _YearBase:
    panel: Panel
    matrix: pd.DataFrame  # region x industry employment
    lq: pd.DataFrame  # region x industry LQ (NaN where unknown)
    ec: EconomicComplexity | None
    indices: pd.DataFrame  # region -> specialisation indices


def _year_base(store: StatsStore, cache: EvidenceCache, level: int, year: int) -> _YearBase:
    def compute() -> _YearBase:
        full = _division_panel(store, cache, level)
        if year not in full.years:
            raise NotFound(f"no employment figures for {year} (years {full.years})")
        panel = full.select(years=[year])
        lq = location_quotient(panel, missing="known")
        lq_matrix = lq.xs(year, level="year").unstack("industry")
        try:
            ec: EconomicComplexity | None = EconomicComplexity(missing="zero").fit(panel)
        except InputError:
            ec = None
        indices = specialisation_indices(panel, year=year, missing="zero").xs(year, level="year")
        indices_frame = pd.DataFrame(indices)
        return _YearBase(panel, panel.to_matrix(year), lq_matrix, ec, indices_frame)

    return cache.fetch(store, "year_base", (level, year), compute)


def _stars(store: StatsStore, cache: EvidenceCache, level: int, year: int) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        stars = indicator_table(store, "stars", level=level, year=year).table
        flags = indicator_table(store, "strong_flags", level=level, year=year).table
        flags = flags[["region", "cluster", "strong", "significant", "lq"]].rename(
            columns={"lq": "traded_lq"}
        )
        out = stars.merge(flags, on=["region", "cluster"], how="left")
        out["strong"] = out["strong"].astype("boolean").fillna(False).astype(bool)
        out["significant"] = out["significant"].astype("boolean").fillna(False).astype(bool)
        return out

    return cache.fetch(store, "stars", (level, year), compute)


def _cluster_series(store: StatsStore, cache: EvidenceCache, level: int) -> pd.Series:
    def compute() -> pd.Series:
        definitions = cluster_industries(store)
        values = cluster_panel(_division_panel(store, cache, level), definitions).values
        return values.rename_axis(["region", "cluster", "year"])

    return cache.fetch(store, "cluster_series", (level,), compute)


def _shift(
    store: StatsStore, cache: EvidenceCache, level: int, start: int, end: int
) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        return shift_share(_division_panel(store, cache, level), start=start, end=end)

    return cache.fetch(store, "shift", (level, start, end), compute)


def _clusters_meta(store: StatsStore, cache: EvidenceCache) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        definition = store.cluster_definition(CLUSTER_DEFINITION)
        definition["cluster_code"] = definition["cluster_code"].astype(str)
        grouped = definition.groupby("cluster_code").agg(
            cluster=("cluster", "first"),
            traded=("traded", "first"),
            industries=("industry", lambda s: sorted(set(s))),
        )
        return grouped.sort_values("cluster")

    return cache.fetch(store, "clusters_meta", (), compute)


def _regions_with_data(store: StatsStore, cache: EvidenceCache, level: int) -> frozenset[str]:
    # Kept apart from the panel: listing a panel's regions scans its whole index (~50 ms
    # on the SBS data), and the regions list asks for them on every page view.
    return cache.fetch(
        store,
        "regions_with_data",
        (level,),
        lambda: frozenset(_division_panel(store, cache, level).regions),
    )


def _all_regions(store: StatsStore, cache: EvidenceCache, level: int | None) -> pd.DataFrame:
    """Every region of ``level`` as the list shows it, sorted by code (kept per data version)."""

    def compute() -> pd.DataFrame:
        regions = _regions(store, cache).reset_index()
        regions = regions[~regions["extra_regio"].astype(bool)]
        countries = regions[regions["level"] == 0].set_index("country")["name_latin"].to_dict()
        if level is not None:
            regions = regions[regions["level"] == level]
        frame = pd.DataFrame(
            {
                "code": regions["code"],
                "name": regions["name_latin"],
                "name_native": regions["name"],
                "label": [
                    region_name(str(a), str(b))
                    for a, b in zip(regions["name_latin"], regions["name"], strict=True)
                ],
                "level": regions["level"].astype(int),
                "country": regions["country"],
                "country_name": regions["country"].map(countries).fillna(regions["country"]),
            }
        )
        with_data: frozenset[str] = frozenset()
        if level in (0, 1, 2):
            try:
                with_data = _regions_with_data(store, cache, level)
            except NotFound:
                with_data = frozenset()
        frame["has_data"] = frame["code"].isin(with_data)
        return frame.sort_values("code").reset_index(drop=True)

    return cache.fetch(store, "all_regions", (level,), compute)


def regions_list(
    store: StatsStore,
    *,
    level: int | None = 2,
    country: str | None = None,
    query: str | None = None,
    cache: EvidenceCache | None = None,
) -> pd.DataFrame:
    """Regions (``code, name, name_native, label, level, country, country_name, has_data``)
    by code: ``name`` in Latin script, ``name_native`` the national form, ``label`` both as
    :func:`polisee.services.i18n.region_name` shows them."""
    frame = _all_regions(store, _cache(cache), level)
    if country:
        frame = frame[frame["country"] == country.upper()]
    if query:
        needle = query.strip().casefold()
        hit = (
            frame["code"].str.casefold().str.contains(needle, regex=False)
            | frame["name"].str.casefold().str.contains(needle, regex=False)
            | frame["name_native"].str.casefold().str.contains(needle, regex=False)
        )
        frame = frame[hit]
    # A copy: callers may change what they get, the cached frame stays as it was.
    return frame.reset_index(drop=True).copy()


def industries_list(store: StatsStore, *, cache: EvidenceCache | None = None) -> pd.DataFrame:
    """NACE divisions with figures in the store: ``code, title, section``."""
    c = _cache(cache)

    def compute() -> pd.DataFrame:
        # Listing the panel's industries scans its whole index (~50 ms on the SBS data);
        # the map and the lists ask for them several times per page view.
        industries = _industries(store, c)
        codes = list(_division_panel(store, c, 2).industries)
        out = industries.reindex(codes)
        return pd.DataFrame(
            {
                "code": codes,
                "title": out["title"].fillna("").to_list(),
                "section": out["section"].fillna("").to_list(),
            }
        )

    return c.fetch(store, "industries_list", (), compute).copy()


def clusters_list(store: StatsStore, *, cache: EvidenceCache | None = None) -> pd.DataFrame:
    """Cluster categories: ``code, name, traded, industries`` (NACE divisions)."""
    meta = _clusters_meta(store, _cache(cache))
    return pd.DataFrame(
        {
            "code": meta.index.to_list(),
            "name": meta["cluster"].to_list(),
            "traded": meta["traded"].astype(bool).to_list(),
            "industries": [", ".join(i) for i in meta["industries"]],
        }
    )


def _region_row(store: StatsStore, cache: EvidenceCache, code: str) -> pd.Series:
    regions = _regions(store, cache)
    if code not in regions.index:
        raise NotFound(f"no region {code!r} in the statistics store")
    row = regions.loc[code]
    assert isinstance(row, pd.Series)
    return row

"""Map layers, cluster and industry overviews, and the comparison of regions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from polisee.errors import InputError, NotFound
from polisee.services.analysis import CLUSTER_DEFINITION
from polisee.services.evidence._base import (
    _cluster_series,
    _clusters_meta,
    _division_panel,
    _has,
    _industries,
    _regions,
    _section_totals,
    _stars,
    _totals,
    _year_base,
    default_year,
    display_names,
)
from polisee.services.evidence._cache import EvidenceCache, _cache
from polisee.services.evidence._model import (
    EMPLOYMENT,
    LOCAL_UNITS,
    MAP_INDICATORS,
    MIN_SHARE_FOR_READING,
    SBS,
    WAGES,
    Figure,
    Reading,
    _source,
)
from polisee.services.evidence._profile import _check_level, _lower_first, region_profile
from polisee.statsdb import StatsStore

__all__ = [
    "cluster_overview",
    "compare_regions",
    "industry_overview",
    "map_values",
]


def map_values(
    store: StatsStore,
    indicator: str,
    level: int,
    year: int,
    industry: str | None = None,
    cluster: str | None = None,
    *,
    cache: EvidenceCache | None = None,
) -> dict[str, float | None]:
    """``{region: value}`` of a :data:`MAP_INDICATORS` indicator for every region of ``level``."""
    c = _cache(cache)
    if indicator not in MAP_INDICATORS:
        raise InputError(
            f"expected an indicator among {sorted(MAP_INDICATORS)}, got {indicator!r}",
            field="indicator",
        )
    _check_level(level)
    needs = MAP_INDICATORS[indicator].needs
    if needs == "cluster" and not cluster:
        raise InputError(f"the indicator {indicator!r} needs a cluster", field="cluster")
    if needs == "industry|cluster" and not (industry or cluster):
        raise InputError(
            f"the indicator {indicator!r} needs an industry or a cluster", field="industry"
        )
    if industry and cluster:
        raise InputError("choose an industry or a cluster, not both", field="cluster")

    def compute() -> dict[str, float | None]:
        series = _map_series(store, c, indicator, level, year, industry, cluster)
        return {str(k): (None if pd.isna(v) else float(v)) for k, v in series.items()}

    return c.fetch(store, "map_values", (indicator, level, year, industry, cluster), compute)


def _map_series(
    store: StatsStore,
    c: EvidenceCache,
    indicator: str,
    level: int,
    year: int,
    industry: str | None,
    cluster: str | None,
) -> pd.Series:
    if cluster:
        if cluster not in _clusters_meta(store, c).index:
            raise InputError(f"no cluster {cluster!r} in {CLUSTER_DEFINITION}", field="cluster")
        stars = _stars(store, c, level, year)
        mine = stars[stars["cluster"].astype(str) == cluster].set_index("region")
        column = {"lq": "lq", "employment": "employment", "stars": "stars"}.get(indicator)
        if column is None:
            raise InputError(
                f"the indicator {indicator!r} is not defined for clusters", field="indicator"
            )
        return mine[column].astype(float)
    base = _year_base(store, c, level, year)
    if industry:
        if industry not in base.lq.columns:
            raise InputError(f"no industry {industry!r} with figures in {year}", field="industry")
        if indicator == "lq":
            return base.lq[industry]
        if indicator == "employment":
            return base.matrix[industry]
        raise InputError(
            f"the indicator {indicator!r} is not defined for industries", field="indicator"
        )
    if indicator == "eci":
        if base.ec is None:
            return pd.Series(dtype=float)
        return base.ec.eci_.xs(year, level="year")
    if indicator == "krugman":
        return base.indices["krugman"]
    measures = {
        "employment": (EMPLOYMENT, True),
        "local_units": (LOCAL_UNITS, True),
        "wages": (WAGES, True),
        "gdp": ("MIO_EUR", False),
        "gdp_pps_hab": ("PPS_HAB", False),
        "rd_fte": ("FTE", False),
    }
    measure, sections = measures[indicator]
    if not _has(store, measure):
        return pd.Series(dtype=float)
    values = (
        _section_totals(store, c, measure, level) if sections else _totals(store, c, measure, level)
    )
    years = sorted(set(values.index.get_level_values("year")))
    if not years:
        return pd.Series(dtype=float)
    # Figures published for a few years only (R&D personnel) show the nearest year.
    nearest = min(years, key=lambda y: (abs(y - year), y > year))
    return values.xs(nearest, level="year")


def _balanced_trend(values: pd.Series, last_year: int) -> pd.DataFrame:
    """Yearly sums over the regions with a value in every year up to ``last_year``: a region
    whose figure is confidential in some year would otherwise make the total jump."""
    known = values.dropna()
    known = known[known.index.get_level_values("year") <= last_year]
    wide = known.groupby(level=["region", "year"]).sum().unstack("year")
    complete = wide.dropna()
    totals = complete.sum(axis=0).rename("employment")
    totals.index = totals.index.astype(int)
    return totals.rename_axis("year").reset_index()


def cluster_overview(
    store: StatsStore,
    cluster_code: str,
    year: int,
    *,
    level: int = 2,
    cache: EvidenceCache | None = None,
) -> dict[str, Any]:
    """A cluster across regions: ``name``, ``industries``, ``ranking`` (frame), ``values``
    (region -> stars), ``trend`` (frame ``year, employment``), ``readings``, ``source``."""
    c = _cache(cache)
    meta = _clusters_meta(store, c)
    if cluster_code not in meta.index:
        raise NotFound(f"no cluster {cluster_code!r} in {CLUSTER_DEFINITION}")

    def compute() -> dict[str, Any]:
        stars = _stars(store, c, level, year)
        mine = stars[stars["cluster"].astype(str) == cluster_code]
        regions = _regions(store, c)
        ranking = pd.DataFrame(
            {
                "region": mine["region"].astype(str),
                "name": display_names(regions, mine["region"]),
                "country": regions["country"].reindex(mine["region"]).fillna("").to_numpy(),
                "employment": mine["employment"].astype(float),
                "lq": mine["lq"].astype(float),
                "stars": mine["stars"].fillna(0).astype(int),
                "strong": mine["strong"].astype(bool),
            }
        ).sort_values(["stars", "employment"], ascending=False, kind="stable")
        ranking = ranking.reset_index(drop=True)
        ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
        series = _cluster_series(store, c, level)
        in_cluster = series[series.index.get_level_values("cluster") == cluster_code]
        trend = _balanced_trend(in_cluster, default_year(store, c))
        name = str(meta.loc[cluster_code, "cluster"])
        readings = []
        if len(ranking):
            top = ranking.iloc[0]
            readings.append(
                Reading(
                    "{count} regions have at least one star in {cluster}; the leading region is "
                    "{region} ({code}) with {employment} employed.",
                    {
                        "count": str(int((ranking["stars"] > 0).sum())),
                        "cluster": name,
                        "region": str(top["name"]),
                        "code": str(top["region"]),
                        "employment": Figure(float(top["employment"]), decimals=0),
                    },
                )
            )
        return {
            "code": cluster_code,
            "name": name,
            "traded": bool(meta.loc[cluster_code, "traded"]),
            "industries": list(meta.at[cluster_code, "industries"]),  # type: ignore[arg-type]
            "ranking": ranking,
            "values": {
                str(r): float(s) for r, s in zip(ranking["region"], ranking["stars"], strict=True)
            },
            "trend": trend,
            "readings": readings,
            "source": _source(store, SBS, str(year)),
            "year": year,
        }

    return c.fetch(store, "cluster_overview", (cluster_code, level, year), compute)


def industry_overview(
    store: StatsStore,
    industry: str,
    year: int,
    *,
    level: int = 2,
    cache: EvidenceCache | None = None,
) -> dict[str, Any]:
    """An industry across regions: ``title``, ``ranking`` by LQ, ``values`` (region -> LQ),
    ``trend`` (frame ``year, employment``), ``readings``, ``source``."""
    c = _cache(cache)
    industry = industry.upper()
    base = _year_base(store, c, level, year)
    if industry not in base.lq.columns:
        raise NotFound(f"no industry {industry!r} with figures in {year}")

    def compute() -> dict[str, Any]:
        regions = _regions(store, c)
        lq = base.lq[industry]
        emp = base.matrix[industry].reindex(lq.index)
        ranking = pd.DataFrame(
            {
                "region": lq.index.astype(str),
                "name": display_names(regions, lq.index),
                "country": regions["country"].reindex(lq.index).fillna("").to_numpy(),
                "employment": emp.to_numpy(dtype=float),
                "lq": lq.to_numpy(dtype=float),
            }
        ).dropna(subset=["lq"])
        ranking = ranking.sort_values("lq", ascending=False, kind="stable").reset_index(drop=True)
        ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
        values = _division_panel(store, c, level).values
        mine = values[values.index.get_level_values("industry") == industry]
        trend = _balanced_trend(mine, default_year(store, c))
        title = str(_industries(store, c)["title"].get(industry, industry))
        readings = []
        big = ranking[ranking["employment"] >= 1000]
        if len(big):
            top = big.iloc[0]
            readings.append(
                Reading(
                    "Among regions with at least 1,000 employed in it, {region} ({code}) is the "
                    "most specialised in {industry}: {lq} times the share across the regions.",
                    {
                        "region": str(top["name"]),
                        "code": str(top["region"]),
                        "industry": _lower_first(title),
                        "industry_code": industry,
                        "lq": Figure(float(top["lq"]), decimals=1),
                    },
                )
            )
        return {
            "code": industry,
            "title": title,
            "ranking": ranking,
            "values": {
                str(r): float(v) for r, v in zip(ranking["region"], ranking["lq"], strict=True)
            },
            "trend": trend,
            "readings": readings,
            "source": _source(store, SBS, str(year)),
            "year": year,
        }

    return c.fetch(store, "industry_overview", (industry, level, year), compute)


def compare_regions(
    store: StatsStore,
    codes: Sequence[str],
    year: int | None = None,
    *,
    cache: EvidenceCache | None = None,
) -> dict[str, Any]:
    """Two to five regions side by side: their profiles, a key-figure table, an index table,
    the top five specialisations of each and an employment trend frame."""
    c = _cache(cache)
    unique = list(dict.fromkeys(code.upper() for code in codes if code))
    if not 2 <= len(unique) <= 5:
        raise InputError(f"expected two to five regions, got {len(unique)}", field="regions")
    profiles = [region_profile(store, code, year, cache=c) for code in unique]
    figures = pd.DataFrame(
        [
            {
                "region": p.code,
                "name": p.display_name,
                **{f.key: f.value for f in p.key_figures},
                "eci": p.eci,
            }
            for p in profiles
        ]
    )
    indices = pd.DataFrame(
        [
            {
                "region": p.code,
                "name": p.display_name,
                **dict(
                    zip(
                        p.block("indices").table["index"],
                        p.block("indices").table["value"],
                        strict=True,
                    )
                ),
            }
            for p in profiles
        ]
    )
    tops = {
        p.code: p.block("specialisations")
        .table[p.block("specialisations").table["share"] >= MIN_SHARE_FOR_READING]
        .head(5)
        for p in profiles
    }
    trend_rows: list[dict[str, Any]] = []
    for p in profiles:
        for figure in p.key_figures:
            if figure.key == "employment":
                trend_rows.extend(
                    {"region": p.code, "label": p.display_name, "year": y, "value": v}
                    for y, v in figure.trend
                )
    shared = set.intersection(*(set(t["industry"]) for t in tops.values())) if tops else set()
    readings = []
    if shared:
        readings.append(
            Reading(
                "Specialisations shared by all of them: {industries}.",
                {"industries": ", ".join(sorted(shared))},
            )
        )
    return {
        "profiles": profiles,
        "figures": figures,
        "indices": indices,
        "tops": tops,
        "trend": pd.DataFrame(trend_rows, columns=["region", "label", "year", "value"]),
        "readings": readings,
        "year": profiles[0].year,
    }

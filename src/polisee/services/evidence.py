"""The evidence explorer's use cases: region profiles, map layers, cluster and industry views.

Everything is computed from a :class:`~polisee.statsdb.StatsStore` and kept in an
:class:`EvidenceCache` keyed by ``(store.data_version(), name, parameters)``: the expensive
parts (a year's location quotients, economic complexity, star ratings) are computed once for
every region and shared by all profiles and maps of that year.

Text meant for people is returned as :class:`Reading` objects: an English message template
(the translation key) with named values, so that the web layer translates the sentence and
formats the numbers in the reader's language.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from polisee.analytics import (
    EconomicComplexity,
    Panel,
    cluster_panel,
    growth_opportunities,
    location_quotient,
    peer_regions,
    registry,
    shift_share,
    specialisation_indices,
)
from polisee.errors import InputError, NotFound
from polisee.services.analysis import CLUSTER_DEFINITION, cluster_industries, indicator_table
from polisee.sources.gisco import boundaries_geojson, bounds
from polisee.statsdb import StatsStore

__all__ = [
    "INDEX_KEYS",
    "MAP_INDICATORS",
    "Block",
    "CacheMiss",
    "EvidenceCache",
    "Figure",
    "KeyFigure",
    "MapIndicator",
    "Reading",
    "RegionProfile",
    "Source",
    "available_years",
    "boundaries",
    "cached_only",
    "cluster_overview",
    "clusters_list",
    "compare_regions",
    "country_bounds",
    "default_year",
    "industries_list",
    "industry_overview",
    "map_values",
    "open_store",
    "region_profile",
    "regions_list",
]

T = TypeVar("T")

EMPLOYMENT = "V16110"
LOCAL_UNITS = "V11210"
WAGES = "V13320"
SBS = "sbs_r_nuts06_r2"
# Sections covered by the SBS regional data (K, finance, is outside its scope).
SBS_SECTIONS = ("B", "C", "D", "E", "F", "G", "H", "I", "J", "L", "M", "N")
# An industry must hold this share of the region's employment to be called its specialisation
# in a reading: tiny industries reach high LQs by a handful of jobs.
MIN_SHARE_FOR_READING = 0.01
INDEX_KEYS = ("krugman", "hoover", "gini", "hhi", "hhi_norm", "theil", "entropy", "hachman")

SOURCE_TITLES = {
    "sbs_r_nuts06_r2": "Eurostat, structural business statistics by NUTS 2 region and NACE Rev. 2",
    "nama_10r_2gdp": "Eurostat, gross domestic product by NUTS 2 region",
    "lfst_r_lfe2en2": "Eurostat, employment by NUTS 2 region and NACE Rev. 2 (LFS)",
    "rd_p_persreg": "Eurostat, R&D personnel by NUTS 2 region",
}


# --- cache ---------------------------------------------------------------------------------

_CACHED_ONLY: ContextVar[bool] = ContextVar("polisee_evidence_cached_only", default=False)


class CacheMiss(Exception):
    """Raised inside :func:`cached_only` when a result would have to be computed."""


@contextmanager
def cached_only() -> Iterator[None]:
    """Within the block, :meth:`EvidenceCache.fetch` answers from the cache or raises
    :class:`CacheMiss`, and never waits for the lock: an event loop can try the cheap path
    first and hand the request to a worker thread only when something must be computed."""
    token = _CACHED_ONLY.set(True)
    try:
        yield
    finally:
        _CACHED_ONLY.reset(token)


class EvidenceCache:
    """A small, thread-safe LRU of computed evidence keyed by data version and parameters.

    The app keeps one; every store access goes through :meth:`fetch`, whose lock also
    serialises use of the store's single DuckDB connection.
    """

    def __init__(self, maxsize: int = 256, *, version_ttl: float = 2.0) -> None:
        self.maxsize = maxsize
        self.version_ttl = version_ttl
        self.lock = threading.RLock()
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._version: tuple[int, str, float] | None = None
        self.hits = 0
        self.misses = 0

    def version(self, store: StatsStore) -> str:
        """The store's data version, re-read at most every ``version_ttl`` seconds."""
        with self.lock:
            now = time.monotonic()
            if (
                self._version is None
                or self._version[0] != id(store)
                or now - self._version[2] > self.version_ttl
            ):
                self._version = (id(store), store.data_version(), now)
            return self._version[1]

    def fetch(
        self, store: StatsStore, name: str, params: tuple[Any, ...], compute: Callable[[], T]
    ) -> T:
        """The cached result of ``compute()`` for ``(data version, name, params)``."""
        if _CACHED_ONLY.get():
            if not self.lock.acquire(blocking=False):
                raise CacheMiss(name)
            try:
                hit = (self.version(store), name, params)
                if hit not in self._items:
                    raise CacheMiss(name)
                self._items.move_to_end(hit)
                self.hits += 1
                found: T = self._items[hit]
                return found
            finally:
                self.lock.release()
        with self.lock:
            key = (self.version(store), name, params)
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                value: T = self._items[key]
                return value
            self.misses += 1
            value = compute()
            self._items[key] = value
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self.lock:
            self._items.clear()
            self._version = None


def _cache(cache: EvidenceCache | None) -> EvidenceCache:
    return cache if cache is not None else EvidenceCache(64)


def open_store(path: Path) -> StatsStore | None:
    """The statistics store at ``path`` opened read-only, or None when there is none yet."""
    if not path.exists():
        return None
    try:
        return StatsStore(path, read_only=True)
    except NotFound:
        return None


@lru_cache(maxsize=8)
def _boundaries(data_dir: str, level: int) -> bytes:
    return boundaries_geojson(data_dir, level=level, tolerance=0.01 if level >= 2 else 0.02)


def boundaries(data_dir: Path, level: int) -> bytes:
    """GISCO NUTS 2021 boundaries of ``level`` as compact GeoJSON bytes (kept in memory)."""
    if level not in (0, 1, 2):
        raise InputError(f"expected a NUTS level 0, 1 or 2, got {level}", field="level")
    return _boundaries(str(data_dir), level)


@lru_cache(maxsize=64)
def _country_bounds(data_dir: str, country: str) -> tuple[float, float, float, float]:
    collection = json.loads(_boundaries(data_dir, 2))
    mine = [f for f in collection["features"] if f["properties"]["country"] == country]
    if not mine:
        raise NotFound(f"no boundaries for country {country!r}")
    return bounds({"type": "FeatureCollection", "features": mine})


def country_bounds(data_dir: Path, country: str) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of a country's NUTS 2 regions (for locator maps)."""
    return _country_bounds(str(data_dir), country)


# --- small value types -------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A number in a reading, formatted by the web layer in the reader's language."""

    value: float
    unit: str = ""
    decimals: int | None = None


@dataclass(frozen=True)
class Reading:
    """A plain-language sentence: an English template (the msgid) and its named values."""

    text: str
    values: dict[str, str | Figure] = field(default_factory=dict)

    def english(self) -> str:
        """The sentence in English with plainly formatted numbers (API, logs, tests)."""
        out: dict[str, str] = {}
        for key, value in self.values.items():
            if isinstance(value, Figure):
                digits = 2 if value.decimals is None else value.decimals
                number = (
                    f"{value.value:,.{digits}f}"
                    if abs(value.value) < 1000
                    else f"{value.value:,.0f}"
                )
                out[key] = f"{number} {value.unit}".strip()
            else:
                out[key] = value
        return self.text.format(**out)


@dataclass(frozen=True)
class Source:
    """Where a block's figures come from."""

    dataset: str
    title: str
    year: str
    loaded_at: datetime | None = None

    def english(self) -> str:
        return f"Source: {self.title} ({self.dataset}), {self.year}."


@dataclass
class Block:
    """One section of a page: a table, what it says and where it comes from."""

    key: str
    title: str
    table: pd.DataFrame
    readings: list[Reading]
    sources: list[Source]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KeyFigure:
    """A headline figure of a region with its trend and rank among regions."""

    key: str
    label: str
    unit: str
    value: float | None
    year: int | None
    rank: int | None
    of: int
    trend: tuple[tuple[int, float], ...]
    source: Source


@dataclass
class RegionProfile:
    """Everything the region page shows."""

    code: str
    name: str
    name_native: str
    country: str
    country_name: str
    level: int
    year: int
    key_figures: list[KeyFigure]
    blocks: dict[str, Block]
    eci: float | None

    def block(self, key: str) -> Block:
        return self.blocks[key]


@dataclass(frozen=True)
class MapIndicator:
    """An indicator the map can colour regions by."""

    key: str
    label: str
    unit: str
    needs: str  # "", "industry", "cluster" or "industry|cluster"


MAP_INDICATORS: dict[str, MapIndicator] = {
    m.key: m
    for m in (
        MapIndicator("lq", "Location quotient", "", "industry|cluster"),
        MapIndicator("employment", "Persons employed", "persons", ""),
        MapIndicator("stars", "Cluster stars", "stars 0-4", "cluster"),
        MapIndicator("eci", "Economic complexity index", "standardised index", ""),
        MapIndicator("gdp_pps_hab", "GDP per inhabitant", "PPS per inhabitant", ""),
        MapIndicator("gdp", "GDP at current market prices", "million EUR", ""),
        MapIndicator("local_units", "Local units", "number", ""),
        MapIndicator("wages", "Wages and salaries", "million EUR", ""),
        MapIndicator("rd_fte", "R&D personnel", "full-time equivalents", ""),
        MapIndicator("krugman", "Krugman dissimilarity index", "index 0-2", ""),
    )
}


def _source(store: StatsStore, dataset: str, year: str) -> Source:
    try:
        meta = store.dataset(dataset)
    except NotFound:
        meta = {}
    title = SOURCE_TITLES.get(dataset) or str(meta.get("title") or dataset)
    loaded = meta.get("loaded_at")
    return Source(dataset, title, year, loaded if isinstance(loaded, datetime) else None)


# --- shared computations (all regions at once, cached) ---------------------------------------


def _regions(store: StatsStore, cache: EvidenceCache) -> pd.DataFrame:
    return cache.fetch(store, "regions", (), lambda: store.regions().set_index("code"))


def _industries(store: StatsStore, cache: EvidenceCache) -> pd.DataFrame:
    return cache.fetch(store, "industries", (), lambda: store.industries().set_index("code"))


def _has(store: StatsStore, measure: str) -> bool:
    return bool((store.measures()["measure"] == measure).any())


def _division_panel(store: StatsStore, cache: EvidenceCache, level: int) -> Panel:
    def compute() -> Panel:
        return store.panel(EMPLOYMENT, level=level, industry_level="division")

    return cache.fetch(store, "division_panel", (level,), compute)


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


# --- lists -------------------------------------------------------------------------------------


def regions_list(
    store: StatsStore,
    *,
    level: int | None = 2,
    country: str | None = None,
    query: str | None = None,
    cache: EvidenceCache | None = None,
) -> pd.DataFrame:
    """Regions (``code, name, name_native, level, country, country_name, has_data``), by code."""
    c = _cache(cache)
    regions = _regions(store, c).reset_index()
    regions = regions[~regions["extra_regio"].astype(bool)]
    countries = regions[regions["level"] == 0].set_index("country")["name_latin"].to_dict()
    if level is not None:
        regions = regions[regions["level"] == level]
    if country:
        regions = regions[regions["country"] == country.upper()]
    frame = pd.DataFrame(
        {
            "code": regions["code"],
            "name": regions["name_latin"],
            "name_native": regions["name"],
            "level": regions["level"].astype(int),
            "country": regions["country"],
            "country_name": regions["country"].map(countries).fillna(regions["country"]),
        }
    )
    if query:
        needle = query.strip().casefold()
        hit = (
            frame["code"].str.casefold().str.contains(needle, regex=False)
            | frame["name"].str.casefold().str.contains(needle, regex=False)
            | frame["name_native"].str.casefold().str.contains(needle, regex=False)
        )
        frame = frame[hit]
    with_data: set[str] = set()
    if level in (0, 1, 2):
        try:
            with_data = set(_division_panel(store, c, level).regions)
        except NotFound:
            with_data = set()
    frame["has_data"] = frame["code"].isin(with_data)
    return frame.sort_values("code").reset_index(drop=True)


def industries_list(store: StatsStore, *, cache: EvidenceCache | None = None) -> pd.DataFrame:
    """NACE divisions with figures in the store: ``code, title, section``."""
    c = _cache(cache)
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


# --- region profile ------------------------------------------------------------------------


def _region_row(store: StatsStore, cache: EvidenceCache, code: str) -> pd.Series:
    regions = _regions(store, cache)
    if code not in regions.index:
        raise NotFound(f"no region {code!r} in the statistics store")
    row = regions.loc[code]
    assert isinstance(row, pd.Series)
    return row


def _rank(series: pd.Series, code: str, *, ascending: bool = False) -> tuple[int | None, int]:
    clean = series.dropna()
    if code not in clean.index:
        return None, len(clean)
    ranks = clean.rank(ascending=ascending, method="min")
    return int(ranks[code]), len(clean)


def _key_figure(
    store: StatsStore,
    key: str,
    label: str,
    unit: str,
    values: pd.Series,
    code: str,
    year: int,
    dataset: str,
) -> KeyFigure:
    """``values`` by (region, year); the figure of ``year`` or else the latest before it."""
    if code in values.index.get_level_values("region"):
        mine = values.xs(code, level="region").sort_index()
    else:
        mine = pd.Series(dtype=float)
    upto = mine[mine.index <= year]
    shown_year = int(upto.index.max()) if len(upto) else None
    value = float(upto.iloc[-1]) if len(upto) else None
    rank: int | None = None
    of = 0
    if shown_year is not None:
        rank, of = _rank(values.xs(shown_year, level="year"), code)
    trend = tuple((int(str(y)), float(v)) for y, v in mine.items())
    years = f"{min(mine.index)}-{max(mine.index)}" if len(mine) else str(year)
    return KeyFigure(
        key, label, unit, value, shown_year, rank, of, trend, _source(store, dataset, years)
    )


def _key_figures(
    store: StatsStore, c: EvidenceCache, code: str, level: int, year: int
) -> list[KeyFigure]:
    figures = []
    specs: list[tuple[str, str, str, str, str, bool]] = [
        ("employment", "Persons employed", "persons", EMPLOYMENT, SBS, True),
        ("local_units", "Local units", "number", LOCAL_UNITS, SBS, True),
        ("wages", "Wages and salaries", "million EUR", WAGES, SBS, True),
        ("gdp", "GDP at current market prices", "million EUR", "MIO_EUR", "nama_10r_2gdp", False),
        (
            "gdp_pps_hab",
            "GDP per inhabitant",
            "PPS per inhabitant",
            "PPS_HAB",
            "nama_10r_2gdp",
            False,
        ),
        ("rd_fte", "R&D personnel", "full-time equivalents", "FTE", "rd_p_persreg", False),
    ]
    for key, label, unit, measure, dataset, sections in specs:
        if not _has(store, measure):
            continue
        values = (
            _section_totals(store, c, measure, level)
            if sections
            else _totals(store, c, measure, level)
        )
        # R&D personnel is published for a few years only: show the latest one up to 2018.
        limit = max(year, 2018) if key == "rd_fte" else year
        figures.append(_key_figure(store, key, label, unit, values, code, limit, dataset))
    return figures


def _specialisations(
    store: StatsStore, c: EvidenceCache, code: str, name: str, base: _YearBase, year: int
) -> Block:
    industries = _industries(store, c)
    if code not in base.lq.index:
        raise NotFound(f"no employment figures for region {code} in {year}")
    lq = base.lq.loc[code]
    emp = base.matrix.loc[code].reindex(lq.index)
    total = float(np.nansum(emp.to_numpy(dtype=float)))
    table = pd.DataFrame(
        {
            "industry": lq.index,
            "title": industries["title"].reindex(lq.index).fillna("").to_numpy(),
            "lq": lq.to_numpy(dtype=float),
            "employment": emp.to_numpy(dtype=float),
            "share": emp.to_numpy(dtype=float) / total if total > 0 else np.nan,
        }
    )
    table = table[table["lq"].notna()].sort_values("lq", ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    readings = []
    sizeable = table[table["share"] >= MIN_SHARE_FOR_READING]
    if len(sizeable):
        top = sizeable.iloc[0]
        readings.append(
            Reading(
                "{region}'s employment is most specialised in {industry} ({code}): "
                "{lq} times the share across the regions.",
                {
                    "region": name,
                    "industry": _lower_first(str(top["title"])),
                    "code": str(top["industry"]),
                    "lq": Figure(float(top["lq"]), decimals=1),
                },
            )
        )
    specialised = int((table["lq"] >= 1.25).sum())
    readings.append(
        Reading(
            "{count} of {total} industries have a location quotient of 1.25 or more.",
            {"count": str(specialised), "total": str(len(table))},
        )
    )
    return Block(
        "specialisations",
        "Top specialisations",
        table,
        readings,
        [_source(store, SBS, str(year))],
        [
            "Location quotient of persons employed against all regions with data; "
            "confidential cells are unknown, not zero.",
        ],
    )


def _lower_first(text: str) -> str:
    """'Manufacture of motor vehicles' -> 'manufacture of motor vehicles' (mid-sentence)."""
    return text[:1].lower() + text[1:] if text[:2].isalpha() and not text[:2].isupper() else text


def _clusters_block(
    store: StatsStore, c: EvidenceCache, code: str, name: str, level: int, year: int
) -> Block:
    stars = _stars(store, c, level, year)
    mine = stars[stars["region"] == code]
    table = pd.DataFrame(
        {
            "cluster": mine["cluster"].astype(str),
            "cluster_name": mine["cluster_name"],
            "employment": mine["employment"].astype(float),
            "lq": mine["lq"].astype(float),
            "stars": mine["stars"].fillna(0).astype(int),
            "strong": mine["strong"].astype(bool),
            "significant": mine["significant"].astype(bool),
        }
    ).sort_values(["stars", "employment"], ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    starred = table[table["stars"] > 0]
    readings = []
    if len(starred):
        best = starred.iloc[0]
        readings.append(
            Reading(
                "{region} has {count} clusters with at least one star; the strongest is "
                "{cluster} with {stars} stars and {employment} employed.",
                {
                    "region": name,
                    "count": str(len(starred)),
                    "cluster": str(best["cluster_name"]),
                    "stars": str(int(best["stars"])),
                    "employment": Figure(float(best["employment"]), decimals=0),
                },
            )
        )
    else:
        readings.append(Reading("{region} has no cluster with a star.", {"region": name}))
    strong = int(table["strong"].sum())
    readings.append(
        Reading(
            "{count} traded clusters pass the U.S. Cluster Mapping strong-cluster test.",
            {"count": str(strong)},
        )
    )
    return Block(
        "clusters",
        "Clusters",
        table,
        readings,
        [_source(store, SBS, str(year))],
        [
            "Stars: European Cluster Observatory criteria (size, specialisation, focus, "
            "productivity); strong: U.S. Cluster Mapping percentile rules for traded clusters.",
            "Clusters are U.S. Cluster Mapping categories carried to NACE divisions.",
        ],
    )


def _indices_block(store: StatsStore, base: _YearBase, code: str, name: str, year: int) -> Block:
    indices = base.indices
    if code not in indices.index:
        raise NotFound(f"no specialisation indices for region {code} in {year}")
    rows: list[dict[str, Any]] = []
    for key in INDEX_KEYS:
        if key not in indices.columns:
            continue
        column = indices[key]
        value = float(column.loc[code])
        rows.append(
            {
                "index": key,
                "name": registry[key].name,
                "value": value,
                "median": float(column.median()),
                "percentile": float((column.dropna() < value).mean() * 100),
            }
        )
    table = pd.DataFrame(rows)
    readings = []
    if len(table):
        krugman = {str(k): float(v) for k, v in rows[0].items() if k in ("value", "percentile")}
        readings.append(
            Reading(
                "{region}'s industry mix differs from the rest of the regions by a Krugman "
                "index of {value}; {percentile} % of regions are less specialised.",
                {
                    "region": name,
                    "value": Figure(krugman["value"], decimals=2),
                    "percentile": Figure(krugman["percentile"], decimals=0),
                },
            )
        )
    return Block(
        "indices",
        "Specialisation indices",
        table,
        readings,
        [_source(store, SBS, str(year))],
        ["Computed on persons employed by NACE division; missing cells count as zero."],
    )


def _opportunities_block(
    store: StatsStore, c: EvidenceCache, base: _YearBase, code: str, name: str, year: int
) -> tuple[Block, float | None]:
    industries = _industries(store, c)
    columns = [
        "industry",
        "title",
        "density",
        "pci",
        "cog",
        "quadrant",
        "score",
        "rank",
        "employment",
    ]
    eci: float | None = None
    if base.ec is None:
        frame = pd.DataFrame(columns=columns)
    else:
        try:
            found = growth_opportunities(base.ec, code, year=year)
        except InputError:
            found = pd.DataFrame(columns=["density", "pci", "cog", "quadrant", "score", "rank"])
        frame = found.reset_index().rename(columns={"index": "industry"})
        if "industry" not in frame.columns:
            frame.insert(0, "industry", pd.Series(dtype=str))
        frame["title"] = industries["title"].reindex(frame["industry"]).fillna("").to_numpy()
        emp = base.matrix.loc[code] if code in base.matrix.index else pd.Series(dtype=float)
        frame["employment"] = emp.reindex(frame["industry"]).to_numpy(dtype=float)
        frame = frame[columns].reset_index(drop=True)
        key = (year, code)
        if key in base.ec.eci_.index:
            value = float(base.ec.eci_.loc[key])
            eci = None if np.isnan(value) else value
    readings = []
    best = frame[frame["quadrant"] == "low-hanging fruit"].head(3)
    if len(best):
        names = ", ".join(
            f"{_lower_first(str(t))} ({i})"
            for i, t in zip(best["industry"], best["title"], strict=True)
        )
        readings.append(
            Reading(
                "Closest and most complex options not yet specialised in: {industries}.",
                {"industries": names},
            )
        )
    if eci is not None:
        rank, of = _rank(base.ec.eci_.xs(year, level="year"), code) if base.ec else (None, 0)
        readings.append(
            Reading(
                "Economic complexity index {eci}: rank {rank} of {of} regions.",
                {"eci": Figure(eci, decimals=2), "rank": str(rank), "of": str(of)},
            )
        )
    block = Block(
        "opportunities",
        "Growth opportunities",
        frame,
        readings,
        [_source(store, SBS, str(year))],
        [
            "Industries without revealed comparative advantage, ranked by feasibility "
            "(relatedness density), complexity (PCI) and complexity outlook gain; "
            "economic complexity on NUTS 2 x NACE division employment, missing cells as zero.",
        ],
    )
    return block, eci


def _peers_block(
    store: StatsStore, c: EvidenceCache, base: _YearBase, code: str, name: str, year: int
) -> Block:
    regions = _regions(store, c)
    try:
        peers = peer_regions(base.panel, code, k=5, year=year).reset_index()
    except InputError:
        peers = pd.DataFrame(columns=["region", "distance", "structure", "size", "total", "rank"])
    table = pd.DataFrame(
        {
            "region": peers["region"].astype(str),
            "name": regions["name_latin"].reindex(peers["region"]).fillna("").to_numpy(),
            "country": regions["country"].reindex(peers["region"]).fillna("").to_numpy(),
            "distance": peers["distance"].astype(float),
            "structure": peers["structure"].astype(float),
            "employment": peers["total"].astype(float),
            "rank": peers["rank"].astype(int),
        }
    )
    readings = []
    if len(table):
        readings.append(
            Reading(
                "The region most similar to {region} in industry mix and size is {peer} ({code}).",
                {
                    "region": name,
                    "peer": str(table.iloc[0]["name"]),
                    "code": str(table.iloc[0]["region"]),
                },
            )
        )
    return Block(
        "peers",
        "Peer regions",
        table,
        readings,
        [_source(store, SBS, str(year))],
        ["Nearest regions by cosine distance of industry shares and by size of employment."],
    )


def _shift_block(
    store: StatsStore, c: EvidenceCache, code: str, name: str, level: int, year: int
) -> Block:
    full = _division_panel(store, c, level)
    start = max(min(full.years), year - 4)
    industries = _industries(store, c)
    columns = [
        "industry",
        "title",
        "value_start",
        "value_end",
        "change",
        "national",
        "industry_mix",
        "competitive",
    ]
    table = pd.DataFrame(columns=columns)
    readings: list[Reading] = []
    if start < year:
        shift = _shift(store, c, level, start, year)
        if code in shift.index.get_level_values("region"):
            mine = pd.DataFrame(shift.xs(code, level="region"))
            mine = mine.dropna(subset=["change"]).reset_index()
            mine["title"] = industries["title"].reindex(mine["industry"]).fillna("").to_numpy()
            table = (
                mine[columns]
                .sort_values("change", key=np.abs, ascending=False)
                .reset_index(drop=True)
            )
            totals = table[["change", "national", "industry_mix", "competitive"]].sum()
            readings.append(
                Reading(
                    "Between {start} and {end}, employment in the industries with figures for both "
                    "years changed by {change}: {national} from overall growth, {mix} from the "
                    "industry mix and {competitive} from regional competitiveness.",
                    {
                        "start": str(start),
                        "end": str(year),
                        "change": Figure(float(totals["change"]), decimals=0),
                        "national": Figure(float(totals["national"]), decimals=0),
                        "mix": Figure(float(totals["industry_mix"]), decimals=0),
                        "competitive": Figure(float(totals["competitive"]), decimals=0),
                    },
                )
            )
    return Block(
        "shift_share",
        "Shift-share of employment",
        table,
        readings,
        [_source(store, SBS, f"{start}-{year}")],
        [
            "Classic shift-share (Dunn 1960) against the sum of all regions; cells known at both dates."
        ],
    )


def region_profile(
    store: StatsStore,
    code: str,
    year: int | None = None,
    *,
    cache: EvidenceCache | None = None,
) -> RegionProfile:
    """The profile of region ``code`` for ``year`` (default: the last complete SBS year)."""
    c = _cache(cache)
    code = code.upper()
    if year is None:
        year = default_year(store, c)

    def compute() -> RegionProfile:
        row = _region_row(store, c, code)
        level = int(row["level"])
        if level not in (0, 1, 2):
            raise NotFound(f"profiles exist for NUTS levels 0-2; {code} is level {level}")
        name = str(row["name_latin"])
        regions = _regions(store, c)
        country = str(row["country"])
        country_name = str(regions["name_latin"].get(country, country))
        base = _year_base(store, c, level, int(year))
        blocks: dict[str, Block] = {}
        blocks["specialisations"] = _specialisations(store, c, code, name, base, int(year))
        blocks["clusters"] = _clusters_block(store, c, code, name, level, int(year))
        blocks["indices"] = _indices_block(store, base, code, name, int(year))
        blocks["opportunities"], eci = _opportunities_block(store, c, base, code, name, int(year))
        blocks["peers"] = _peers_block(store, c, base, code, name, int(year))
        blocks["shift_share"] = _shift_block(store, c, code, name, level, int(year))
        return RegionProfile(
            code=code,
            name=name,
            name_native=str(row["name"]),
            country=country,
            country_name=country_name,
            level=level,
            year=int(year),
            key_figures=_key_figures(store, c, code, level, int(year)),
            blocks=blocks,
            eci=eci,
        )

    return c.fetch(store, "region_profile", (code, int(year)), compute)


# --- maps ----------------------------------------------------------------------------------------


def _check_level(level: int) -> int:
    if level not in (0, 1, 2):
        raise InputError(f"expected a NUTS level 0, 1 or 2, got {level}", field="level")
    return level


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


# --- clusters, industries, comparison -----------------------------------------------------


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
                "name": mine["region_name"].astype(str),
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
                "name": regions["name_latin"].reindex(lq.index).fillna("").to_numpy(),
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
                "name": p.name,
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
                "name": p.name,
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
                    {"region": p.code, "label": p.name, "year": y, "value": v}
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

"""Indicators from the statistics store that can inform a criterion's self-score.

A criterion names indicator keys (``indicators: [rd_personnel_share]`` in the framework YAML);
the results page shows each one for the region and the median of its peer regions beside
the respondents' scores, with a sentence saying what the figure is.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.statsdb import StatsStore

__all__ = [
    "INDICATORS",
    "IndicatorSpec",
    "IndicatorValue",
    "region_indicators",
    "suggested_peers",
]

SBS = "sbs_r_nuts06_r2"
GROWTH_YEARS = 4


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator a criterion may name: its label, unit and how it is computed."""

    key: str
    label: str
    unit: str
    decimals: int
    note: str


INDICATORS: dict[str, IndicatorSpec] = {
    spec.key: spec
    for spec in (
        IndicatorSpec(
            "rd_personnel_share",
            "R&D personnel, share of persons employed",
            "%",
            2,
            "R&D personnel in full-time equivalents (all sectors) over LFS employment aged 15 "
            "and over, in the latest year with both figures.",
        ),
        IndicatorSpec(
            "economic_complexity",
            "Economic complexity index",
            "standardised index",
            2,
            "Eigenvector method on NUTS 2 x NACE division employment; 0 is the average region.",
        ),
        IndicatorSpec(
            "traded_employment_share",
            "Employment in traded clusters, share of the business economy",
            "%",
            1,
            "Traded clusters of the U.S. Cluster Mapping definition carried to NACE divisions; "
            "SBS persons employed, sections B-N without K.",
        ),
        IndicatorSpec(
            "gdp_per_inhabitant_eu",
            "GDP per inhabitant in PPS, share of the EU average",
            "%",
            0,
            "Eurostat regional accounts, purchasing power standards per inhabitant.",
        ),
        IndicatorSpec(
            "strong_cluster_employment_share",
            "Employment in strong clusters, share of the business economy",
            "%",
            1,
            "Strong clusters: traded clusters passing the U.S. Cluster Mapping percentile tests.",
        ),
        IndicatorSpec(
            "starred_clusters",
            "Clusters with at least one star",
            "clusters",
            0,
            "European Cluster Observatory stars for size, specialisation and focus.",
        ),
        IndicatorSpec(
            "cluster_employment_growth",
            "Employment growth in the region's starred clusters",
            "%",
            1,
            f"Change over {GROWTH_YEARS} years of SBS persons employed in the clusters with at "
            "least one star in the last year, cells known in both years.",
        ),
    )
}


@dataclass(frozen=True)
class _Figure:
    value: float | None
    year: str
    readings: tuple[ev.Reading, ...] = ()
    sources: tuple[str, ...] = (SBS,)


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator for one region: value, peers and sentences saying what it shows."""

    spec: IndicatorSpec
    region: str
    value: float | None
    year: str
    peer_values: tuple[tuple[str, float | None], ...]
    readings: tuple[ev.Reading, ...]
    sources: tuple[ev.Source, ...] = field(default_factory=tuple)

    @property
    def peer_median(self) -> float | None:
        known = [v for _, v in self.peer_values if v is not None]
        return float(statistics.median(known)) if known else None


def _latest(frame: pd.DataFrame, code: str, upto: int | None = None) -> tuple[float, int] | None:
    mine = frame[(frame["region"] == code) & frame["value"].notna()]
    if upto is not None:
        mine = mine[mine["year"] <= upto]
    if mine.empty:
        return None
    row = mine.sort_values("year").iloc[-1]
    return float(row["value"]), int(row["year"])


def _rd_share(store: StatsStore, cache: ev.EvidenceCache, code: str, year: int) -> _Figure:
    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        rd = store.facts("FTE", level=None, industries=["TOTAL"])
        lfs = store.facts("THS.Y_GE15", level=None, industries=["TOTAL"])
        return rd.dropna(subset=["value"]), lfs.dropna(subset=["value"])

    rd, lfs = cache.fetch(store, "assessment_rd_lfs", (), compute)
    mine_rd = rd[rd["region"] == code].set_index("year")["value"]
    mine_lfs = lfs[lfs["region"] == code].set_index("year")["value"]
    common = sorted(set(mine_rd.index) & set(mine_lfs.index))
    latest = _latest(rd, code)
    if not common:
        return _Figure(None, "", sources=("rd_p_persreg", "lfst_r_lfe2en2"))
    shared = int(common[-1])
    share = float(mine_rd[shared]) / (float(mine_lfs[shared]) * 1000) * 100
    readings = [
        ev.Reading(
            "R&D personnel were {share} of persons employed in {year}, the latest year with "
            "both figures.",
            {"share": ev.Figure(share, "%", 2), "year": str(shared)},
        )
    ]
    if latest is not None and latest[1] != shared:
        readings.append(
            ev.Reading(
                "In {year} the region counted {fte} full-time equivalents in R&D.",
                {"year": str(latest[1]), "fte": ev.Figure(latest[0], decimals=0)},
            )
        )
    return _Figure(share, str(shared), tuple(readings), ("rd_p_persreg", "lfst_r_lfe2en2"))


def _complexity(store: StatsStore, cache: ev.EvidenceCache, code: str, year: int) -> _Figure:
    # A NUTS code's level is its length less the two letters of the country.
    value = ev.map_values(store, "eci", len(code) - 2, year, cache=cache).get(code)
    if value is None:
        return _Figure(None, str(year))
    return _Figure(
        value,
        str(year),
        (
            ev.Reading(
                "The economic complexity index of the region's industry mix is {value} in {year}; "
                "0 is the average region, higher values mean more diverse and rarer capabilities.",
                {"value": ev.Figure(value, decimals=2), "year": str(year)},
            ),
        ),
    )


def _gdp_eu(store: StatsStore, cache: ev.EvidenceCache, code: str, year: int) -> _Figure:
    def compute() -> pd.DataFrame:
        return store.facts("PPS_HAB_EU", level=None, industries=["TOTAL"]).dropna(subset=["value"])

    found = _latest(cache.fetch(store, "assessment_gdp_eu", (), compute), code, upto=year)
    if found is None:
        return _Figure(None, str(year), sources=("nama_10r_2gdp",))
    value, shown = found
    return _Figure(
        value,
        str(shown),
        (
            ev.Reading(
                "GDP per inhabitant is {value} of the EU average in purchasing power standards "
                "({year}). EU cohesion policy 2021-2027 calls regions below 75 % less developed "
                "and regions between 75 % and 100 % transition regions.",
                {"value": ev.Figure(value, "%", 0), "year": str(shown)},
            ),
        ),
        ("nama_10r_2gdp",),
    )


def _clusters(
    store: StatsStore, cache: ev.EvidenceCache, code: str, year: int
) -> tuple[pd.DataFrame, float | None]:
    """The region's cluster table (with ``traded``) and its business-economy employment."""
    profile = ev.region_profile(store, code, year, cache=cache)
    table = profile.block("clusters").table.copy()
    traded = ev.clusters_list(store, cache=cache).set_index("code")["traded"]
    table["traded"] = table["cluster"].map(traded).fillna(False).astype(bool)
    total = next(
        (f.value for f in profile.key_figures if f.key == "employment" and f.year == year), None
    )
    return table, total


def _traded_share(store: StatsStore, cache: ev.EvidenceCache, code: str, year: int) -> _Figure:
    table, total = _clusters(store, cache, code, year)
    if not total:
        return _Figure(None, str(year))
    share = float(table.loc[table["traded"], "employment"].sum()) / total * 100
    return _Figure(
        share,
        str(year),
        (
            ev.Reading(
                "{share} of persons employed in the business economy work in traded clusters, "
                "which sell mostly outside their region ({year}).",
                {"share": ev.Figure(share, "%", 1), "year": str(year)},
            ),
        ),
    )


def _strong_share(store: StatsStore, cache: ev.EvidenceCache, code: str, year: int) -> _Figure:
    table, total = _clusters(store, cache, code, year)
    if not total:
        return _Figure(None, str(year))
    strong = table[table["strong"]]
    share = float(strong["employment"].sum()) / total * 100
    return _Figure(
        share,
        str(year),
        (
            ev.Reading(
                "{share} of persons employed in the business economy work in the region's "
                "{count} strong clusters ({year}).",
                {"share": ev.Figure(share, "%", 1), "count": str(len(strong)), "year": str(year)},
            ),
        ),
    )


def _starred(store: StatsStore, cache: ev.EvidenceCache, code: str, year: int) -> _Figure:
    table, _ = _clusters(store, cache, code, year)
    starred = table[table["stars"] > 0]
    names = ", ".join(str(n) for n in starred["cluster_name"].head(5))
    readings = [
        ev.Reading(
            "{count} clusters of the region have at least one European Cluster Observatory star "
            "in {year}.",
            {"count": str(len(starred)), "year": str(year)},
        )
    ]
    if names:
        readings.append(ev.Reading("The leading ones: {names}.", {"names": names}))
    return _Figure(float(len(starred)), str(year), tuple(readings))


def _cluster_growth(store: StatsStore, cache: ev.EvidenceCache, code: str, year: int) -> _Figure:
    start = year - GROWTH_YEARS
    if start not in ev.available_years(store, cache):
        return _Figure(None, f"{start}-{year}")
    end_table, end_total = _clusters(store, cache, code, year)
    start_table, start_total = _clusters(store, cache, code, start)
    starred = end_table[end_table["stars"] > 0].set_index("cluster")["employment"]
    before = start_table.set_index("cluster")["employment"].reindex(starred.index)
    known = starred.notna() & before.notna()
    if not known.any() or float(before[known].sum()) <= 0:
        return _Figure(None, f"{start}-{year}")
    growth = (float(starred[known].sum()) / float(before[known].sum()) - 1) * 100
    values: dict[str, str | ev.Figure] = {
        "count": str(int(known.sum())),
        "growth": ev.Figure(growth, "%", 1),
        "start": str(start),
        "end": str(year),
    }
    readings = [
        ev.Reading(
            "Employment in the region's {count} clusters with a star changed by {growth} "
            "between {start} and {end}.",
            values,
        )
    ]
    if end_total and start_total:
        overall = (end_total / start_total - 1) * 100
        readings.append(
            ev.Reading(
                "Its whole business economy changed by {overall} in the same years.",
                {"overall": ev.Figure(overall, "%", 1)},
            )
        )
    return _Figure(growth, f"{start}-{year}", tuple(readings))


_COMPUTE: dict[str, Callable[[StatsStore, ev.EvidenceCache, str, int], _Figure]] = {
    "rd_personnel_share": _rd_share,
    "economic_complexity": _complexity,
    "traded_employment_share": _traded_share,
    "gdp_per_inhabitant_eu": _gdp_eu,
    "strong_cluster_employment_share": _strong_share,
    "starred_clusters": _starred,
    "cluster_employment_growth": _cluster_growth,
}


def _figure(store: StatsStore, cache: ev.EvidenceCache, key: str, code: str, year: int) -> _Figure:
    def compute() -> _Figure:
        try:
            return _COMPUTE[key](store, cache, code, year)
        except (NotFound, InputError):
            # A region without figures (not in the store, or no SBS year) has no value.
            return _Figure(None, str(year))

    return cache.fetch(store, "assessment_indicator", (key, code, year), compute)


def region_indicators(
    store: StatsStore,
    code: str,
    keys: Sequence[str],
    *,
    peers: Sequence[str] = (),
    year: int | None = None,
    cache: ev.EvidenceCache | None = None,
) -> dict[str, IndicatorValue]:
    """The indicators ``keys`` for region ``code`` and its ``peers`` (default year: the last
    complete SBS year); a value the data cannot give is None with no sentence."""
    c = cache if cache is not None else ev.EvidenceCache(64)
    unknown = [k for k in keys if k not in INDICATORS]
    if unknown:
        raise InputError(f"unknown indicators {unknown}; expected some of {sorted(INDICATORS)}")
    shown_year = year if year is not None else ev.default_year(store, c)
    out: dict[str, IndicatorValue] = {}
    for key in dict.fromkeys(keys):
        spec = INDICATORS[key]
        mine = _figure(store, c, key, code.upper(), shown_year)
        peer_values = tuple(
            (peer, _figure(store, c, key, peer.upper(), shown_year).value) for peer in peers
        )
        readings = list(mine.readings)
        known = [v for _, v in peer_values if v is not None]
        if known and mine.value is not None:
            median = float(statistics.median(known))
            readings.append(
                ev.Reading(
                    "Median of {count} peer regions: {median}.",
                    {
                        "count": str(len(known)),
                        "median": ev.Figure(
                            median, spec.unit if spec.unit == "%" else "", spec.decimals
                        ),
                    },
                )
            )
        out[key] = IndicatorValue(
            spec=spec,
            region=code.upper(),
            value=mine.value,
            year=mine.year,
            peer_values=peer_values,
            readings=tuple(readings),
            sources=tuple(
                ev.Source(dataset, ev.SOURCE_TITLES.get(dataset, dataset), mine.year)
                for dataset in mine.sources
            ),
        )
    return out


def suggested_peers(
    store: StatsStore, code: str, *, year: int | None = None, cache: ev.EvidenceCache | None = None
) -> list[str]:
    """The region's nearest regions by industry structure and size (the profile's peers
    block); empty when the store has no figures for it."""
    try:
        profile = ev.region_profile(store, code, year, cache=cache)
    except (NotFound, InputError):
        return []
    return [str(r) for r in profile.block("peers").table["region"]]

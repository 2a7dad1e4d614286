"""The region profile: key figures and its blocks, each with readings and sources."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from polisee.analytics import (
    growth_opportunities,
    peer_regions,
    registry,
)
from polisee.errors import InputError, NotFound
from polisee.services.evidence._base import (
    _division_panel,
    _has,
    _industries,
    _region_row,
    _regions,
    _section_totals,
    _shift,
    _stars,
    _totals,
    _year_base,
    _YearBase,
    default_year,
    display_names,
)
from polisee.services.evidence._cache import EvidenceCache, _cache
from polisee.services.evidence._model import (
    EMPLOYMENT,
    INDEX_KEYS,
    LOCAL_UNITS,
    MIN_SHARE_FOR_READING,
    SBS,
    WAGES,
    Block,
    Figure,
    KeyFigure,
    Reading,
    RegionProfile,
    _source,
)
from polisee.statsdb import StatsStore

__all__ = [
    "region_profile",
]


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
                    "industry_code": str(top["industry"]),
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
                {"industries": names, "industry_codes": ", ".join(best["industry"])},
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
            "name": display_names(regions, peers["region"]),
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


def _check_level(level: int) -> int:
    if level not in (0, 1, 2):
        raise InputError(f"expected a NUTS level 0, 1 or 2, got {level}", field="level")
    return level

"""Value types of the explorer: readings, sources, blocks, profiles, map indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import pandas as pd

from polisee.errors import NotFound
from polisee.services.i18n import region_name
from polisee.statsdb import StatsStore

__all__ = [
    "EMPLOYMENT",
    "INDEX_KEYS",
    "LOCAL_UNITS",
    "MAP_INDICATORS",
    "MIN_SHARE_FOR_READING",
    "SBS",
    "SBS_SECTIONS",
    "SOURCE_TITLES",
    "WAGES",
    "Block",
    "Figure",
    "KeyFigure",
    "MapIndicator",
    "Reading",
    "RegionProfile",
    "Source",
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

    @property
    def display_name(self) -> str:
        """The name in Latin script with the national form beside it when they differ."""
        return region_name(self.name, self.name_native)


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

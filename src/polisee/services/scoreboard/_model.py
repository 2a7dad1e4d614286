"""The scoreboard's vocabulary: themes, indicator definitions (an extensible registry), results."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from polisee.analytics.composite import Aggregation, Normalisation
from polisee.errors import Conflict, InputError, NotFound
from polisee.services.evidence import EvidenceCache, Reading, Source
from polisee.statsdb import StatsStore

if TYPE_CHECKING:
    from polisee.services.scoreboard._platform import PlatformFigures

__all__ = [
    "DEFAULT_DRAWS",
    "MIN_COVERAGE",
    "SBS_SECTIONS",
    "SOURCE_TITLES",
    "THEMES",
    "Context",
    "IndicatorData",
    "IndicatorDefinition",
    "IndicatorTable",
    "Scoreboard",
    "Theme",
    "ThemeResult",
    "ThemeScore",
    "indicator_definitions",
    "indicators_of",
    "register_indicator",
    "theme",
]

DEFAULT_DRAWS = 1000
"""Monte Carlo draws of the uncertainty analysis."""

MIN_COVERAGE = 0.5
"""A theme score needs at least this share of the theme's indicators."""

# Sections covered by the SBS regional data (K, finance, is outside its scope).
SBS_SECTIONS = ("B", "C", "D", "E", "F", "G", "H", "I", "J", "L", "M", "N")

SOURCE_TITLES = {
    "sbs_r_nuts06_r2": "Eurostat, structural business statistics by NUTS 2 region and NACE Rev. 2",
    "lfst_r_lfe2en2": "Eurostat, employment by NUTS 2 region and NACE Rev. 2 (LFS)",
    "rd_p_persreg": "Eurostat, R&D personnel by NUTS 2 region",
    "jrc_wiod_co2": "JRC, WIOD environmental accounts: CO2 emissions by industry (Corsatea et al. 2019)",
    "egss": "Eurostat, environmental goods and services sector (country returns)",
    "env_ac_ainah_r2": "Eurostat, air emissions accounts by NACE Rev. 2 activity",
    "platform": "polisee platform records",
    "platform:allocations": "platform records: funding call allocations and cluster member firms",
    "platform:stages": "platform records: stage evaluations of cluster organisations",
    "platform:collaborations": (
        "platform records: accepted match requests and recorded collaborations"
    ),
}

Direction = Literal[1, -1]


@dataclass(frozen=True)
class Theme:
    """One of the six themes of the scoreboard."""

    key: str
    name: str
    description: str


THEMES: tuple[Theme, ...] = (
    Theme(
        "innovation",
        "Innovation and R&D",
        "Research capacity, high-technology and knowledge-intensive employment, complexity.",
    ),
    Theme(
        "sustainability",
        "Sustainability",
        "Carbon intensity of the economy, exposure to the low-carbon transition, green jobs.",
    ),
    Theme(
        "internationalisation",
        "Internationalisation",
        "Employment in industries that trade beyond the region; collaborations abroad.",
    ),
    Theme(
        "financing",
        "Cluster financing",
        "Funding allocated to cluster organisations and their development stages.",
    ),
    Theme(
        "smart_specialisation",
        "Specialisation",
        "Strong and starred clusters, how specialised and how coherent the economy is.",
    ),
    Theme(
        "skills_jobs",
        "Skills and jobs",
        "Growth of employment and wages, regional competitiveness, cluster-led growth.",
    ),
)


def theme(key: str) -> Theme:
    """The theme ``key``; NotFound names the themes."""
    for item in THEMES:
        if item.key == key:
            return item
    raise NotFound(f"no theme {key!r}; themes: {', '.join(t.key for t in THEMES)}")


@dataclass(frozen=True)
class Context:
    """What an indicator is computed for: the store, the cache, a NUTS level and a year."""

    store: StatsStore
    cache: EvidenceCache
    level: int
    year: int
    regions: tuple[str, ...]
    """The regions of the level with SBS employment in the year: the scoreboard's regions."""
    platform: PlatformFigures | None = None
    """The platform records behind themes 3 and 4 (None: statistics only, those say "no
    data")."""


@dataclass(frozen=True)
class IndicatorData:
    """An indicator's values for the scoreboard's regions and what a reader needs to know."""

    values: pd.Series
    """Region -> value; NaN (or absent) where the region has no figure."""
    year: str
    """The year, or period, of the figures ("2014", "2010-2014")."""
    notes: Mapping[str, Reading] = field(default_factory=dict)
    """Region -> a remark on that region's figure (a lower bound, partial coverage...)."""
    summary: tuple[Reading, ...] = ()
    """Remarks on the indicator as a whole (the industries counted, the years used...)."""
    reason: str = ""
    """Why there is no value at all, when that is so (a dataset not loaded...)."""


@dataclass(frozen=True)
class IndicatorDefinition:
    """One indicator of a theme: what it measures, how, from what, and which way is better.

    ``compute`` is None for indicators that depend on platform records that do not exist
    yet; ``no_data`` then says why the indicator is empty. The lead registers a compute
    function with :func:`register_indicator` (``replace=True``) when the records land.
    """

    key: str
    theme: str
    name: str
    unit: str
    direction: Direction
    normalisation: Normalisation
    sources: tuple[str, ...]
    method: str
    estimate: bool = False
    compute: Callable[[Context], IndicatorData] | None = None
    no_data: str = ""
    decimals: int = 1


_REGISTRY: dict[str, IndicatorDefinition] = {}


def register_indicator(
    definition: IndicatorDefinition, *, replace: bool = False
) -> IndicatorDefinition:
    """Add ``definition`` to the scoreboard; a taken key raises Conflict unless ``replace``.

    A replaced definition keeps its place in the order of indicators.
    """
    if definition.theme not in {t.key for t in THEMES}:
        raise InputError(
            f"expected a theme among {[t.key for t in THEMES]}, got {definition.theme!r}",
            field="theme",
        )
    if definition.direction not in (1, -1):
        raise InputError(
            f"expected direction 1 or -1, got {definition.direction}", field="direction"
        )
    if definition.key in _REGISTRY and not replace:
        raise Conflict(f"scoreboard indicator {definition.key!r} is already registered")
    if definition.compute is None and not definition.no_data:
        raise InputError(
            f"indicator {definition.key!r} has no compute function and no reason", field="no_data"
        )
    _REGISTRY[definition.key] = definition
    return definition


def indicator_definitions() -> list[IndicatorDefinition]:
    """Every registered indicator, theme by theme in the order of :data:`THEMES`."""
    order = {t.key: i for i, t in enumerate(THEMES)}
    return sorted(_REGISTRY.values(), key=lambda d: order[d.theme])


def indicators_of(theme_key: str) -> list[IndicatorDefinition]:
    """The indicators of one theme, in registration order."""
    theme(theme_key)
    return [d for d in indicator_definitions() if d.theme == theme_key]


@dataclass
class IndicatorTable:
    """Every indicator for every region of a level and year."""

    level: int
    year: int
    regions: pd.DataFrame
    """Indexed by code: ``name``, ``country``, ``country_name``."""
    values: pd.DataFrame
    """Regions x indicator keys (every registered indicator; NaN where missing)."""
    data: dict[str, IndicatorData]

    def sources(self, key: str, store: StatsStore) -> list[Source]:
        """Where the figures of indicator ``key`` come from."""
        definition = _REGISTRY[key]
        return [_source(store, name, self.data[key].year) for name in definition.sources]


def _source(store: StatsStore, dataset: str, year: str) -> Source:
    from datetime import datetime

    try:
        meta: dict[str, Any] = {} if dataset.startswith("platform") else store.dataset(dataset)
    except NotFound:
        meta = {}
    loaded = meta.get("loaded_at")
    return Source(
        dataset,
        SOURCE_TITLES.get(dataset, dataset),
        year,
        loaded if isinstance(loaded, datetime) else None,
    )


@dataclass
class ThemeResult:
    """One theme's composite index over the regions."""

    theme: Theme
    indicators: list[str]
    weights: dict[str, float]
    table: pd.DataFrame
    """Indexed by region: ``score``, ``rank``, ``coverage``, ``missing`` (tuple of keys),
    ``nominal_rank``, ``median_rank``, ``rank_p05``, ``rank_p95``, ``robust``."""
    normalised: pd.DataFrame
    winsorised: pd.DataFrame

    @property
    def ranked(self) -> int:
        """How many regions have a score."""
        return int(self.table["score"].notna().sum())


@dataclass
class Scoreboard:
    """The six theme indices for every region of a level and year, with their uncertainty."""

    level: int
    year: int
    aggregation: Aggregation
    weights: dict[str, float]
    draws: int
    indicators: IndicatorTable
    themes: dict[str, ThemeResult]

    def ranking(self, theme_key: str) -> pd.DataFrame:
        """One theme's regions, best first: code, name, country, score, ranks, coverage."""
        result = self.themes[theme(theme_key).key]
        regions = self.indicators.regions
        frame = result.table.join(regions[["name", "country", "country_name"]])
        frame = frame.sort_values(["rank", "score"], ascending=[True, False], na_position="last")
        frame.index.name = "region"
        return frame.reset_index()


@dataclass(frozen=True)
class ThemeScore:
    """A region's data score on one theme, for the self-assessment results and the API."""

    theme: str
    name: str
    score: float | None
    """0-100 (100 = best region on every indicator of the theme); None without enough data."""
    rank: int | None
    of: int
    coverage: float
    """Share of the theme's indicators with a figure for the region."""
    missing: tuple[str, ...]
    """Names of the theme's indicators without a figure for the region."""
    median_rank: float | None
    rank_p05: float | None
    rank_p95: float | None
    robust: bool | None
    reading: Reading

"""The evidence explorer's use cases: region profiles, map layers, cluster and industry views.

Everything is computed from a :class:`~polisee.statsdb.StatsStore` and kept in an
:class:`EvidenceCache` keyed by ``(store.data_version(), name, parameters)``: the expensive
parts (a year's location quotients, economic complexity, star ratings) are computed once for
every region and shared by all profiles and maps of that year.

Text meant for people is returned as :class:`Reading` objects: an English message template
(the translation key) with named values, so that the caller translates the sentence and
formats the numbers in the reader's language with a :class:`Formatter`.
"""

from __future__ import annotations

from polisee.services.evidence._base import (
    available_years,
    clusters_list,
    default_year,
    division_panel,
    industries_list,
    regions_list,
)
from polisee.services.evidence._cache import (
    CacheMiss,
    EvidenceCache,
    boundaries,
    cached_only,
    country_bounds,
    open_store,
)
from polisee.services.evidence._format import Formatter, full_stop, industry_titles, lower_first
from polisee.services.evidence._model import (
    INDEX_KEYS,
    MAP_INDICATORS,
    MIN_SHARE_FOR_READING,
    SOURCE_TITLES,
    Block,
    Figure,
    KeyFigure,
    MapIndicator,
    Reading,
    RegionProfile,
    Source,
)
from polisee.services.evidence._profile import region_profile
from polisee.services.evidence._views import (
    cluster_overview,
    compare_regions,
    industry_overview,
    map_values,
)

__all__ = [
    "INDEX_KEYS",
    "MAP_INDICATORS",
    "MIN_SHARE_FOR_READING",
    "SOURCE_TITLES",
    "Block",
    "CacheMiss",
    "EvidenceCache",
    "Figure",
    "Formatter",
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
    "division_panel",
    "full_stop",
    "industries_list",
    "industry_overview",
    "industry_titles",
    "lower_first",
    "map_values",
    "open_store",
    "region_profile",
    "regions_list",
]

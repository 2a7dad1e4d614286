"""The regional six-theme scoreboard: data indicators per theme, composite indices, uncertainty.

Indicators come from the statistics store (SBS, LFS, R&D personnel, JRC/WIOD CO2, EGSS)
for every region of a NUTS level with SBS employment in a year; each theme's composite
index follows the OECD/JRC Handbook (winsorising, min-max or z-score normalisation,
weighted arithmetic or geometric aggregation, a coverage rule) and its ranks are tested by
a Monte Carlo uncertainty analysis (random weights, normalisation and aggregation, 1,000
draws). Results are cached in the evidence cache per data version and parameters.

Three indicators come from the platform's own records (international collaborations;
cluster funding per employee and organisations at an upper stage): callers that have a
records session pass ``platform=platform_figures(session)``; without it (the CLI, the
benchmarks, a store alone) those indicators show "no data" with the reason.

Named weight scenarios are records: :func:`create_scenario`, :func:`update_scenario` and
:func:`delete_scenario` (owner only), each with an audit entry.
"""

from __future__ import annotations

from polisee.services.scoreboard._board import (
    RegionView,
    coverage_by_country,
    default_weights,
    indicator_table,
    national_context,
    region_view,
    scoreboard,
    theme_scores,
)
from polisee.services.scoreboard._definitions import compute_indicator
from polisee.services.scoreboard._model import (
    DEFAULT_DRAWS,
    MIN_COVERAGE,
    SOURCE_TITLES,
    THEMES,
    Context,
    IndicatorData,
    IndicatorDefinition,
    IndicatorTable,
    Scoreboard,
    Theme,
    ThemeResult,
    ThemeScore,
    indicator_definitions,
    indicators_of,
    register_indicator,
    theme,
)
from polisee.services.scoreboard._platform import (
    OrganisationFigures,
    PlatformFigures,
    platform_figures,
)
from polisee.services.scoreboard._scenarios import (
    DEMO_SCENARIOS,
    MAX_WEIGHT,
    check_weights,
    create_demo_scenarios,
    create_scenario,
    delete_scenario,
    get_scenario,
    list_scenarios,
    update_scenario,
)
from polisee.services.scoreboard._sustainability import (
    CARBON_INTENSITY_FACTOR,
    carbon_intensive_industries,
)

__all__ = [
    "CARBON_INTENSITY_FACTOR",
    "DEFAULT_DRAWS",
    "DEMO_SCENARIOS",
    "MAX_WEIGHT",
    "MIN_COVERAGE",
    "SOURCE_TITLES",
    "THEMES",
    "Context",
    "IndicatorData",
    "IndicatorDefinition",
    "IndicatorTable",
    "OrganisationFigures",
    "PlatformFigures",
    "RegionView",
    "Scoreboard",
    "Theme",
    "ThemeResult",
    "ThemeScore",
    "carbon_intensive_industries",
    "check_weights",
    "compute_indicator",
    "coverage_by_country",
    "create_demo_scenarios",
    "create_scenario",
    "default_weights",
    "delete_scenario",
    "get_scenario",
    "indicator_definitions",
    "indicator_table",
    "indicators_of",
    "list_scenarios",
    "national_context",
    "platform_figures",
    "region_view",
    "register_indicator",
    "scoreboard",
    "theme",
    "theme_scores",
    "update_scenario",
]

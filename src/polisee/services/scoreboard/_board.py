"""The scoreboard: indicators -> six composite indices with uncertainty; region views; coverage."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from polisee.analytics import peer_regions
from polisee.analytics.composite import AGGREGATIONS, Aggregation, CompositeIndex
from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services.scoreboard._data import (
    country_facts,
    employment_panel,
    has_measure,
    region_table,
    scope_regions,
)
from polisee.services.scoreboard._definitions import compute_indicator
from polisee.services.scoreboard._model import (
    DEFAULT_DRAWS,
    MIN_COVERAGE,
    THEMES,
    Context,
    IndicatorTable,
    Scoreboard,
    ThemeResult,
    ThemeScore,
    indicator_definitions,
    indicators_of,
)
from polisee.services.scoreboard._platform import PlatformFigures
from polisee.statsdb import StatsStore

__all__ = [
    "RegionView",
    "coverage_by_country",
    "default_weights",
    "indicator_table",
    "national_context",
    "region_view",
    "scoreboard",
    "theme_scores",
]

SEED = 2005


def _context(
    store: StatsStore,
    cache: ev.EvidenceCache,
    level: int,
    year: int | None,
    platform: PlatformFigures | None = None,
) -> Context:
    if level not in (1, 2):
        raise InputError(f"expected a NUTS level 1 or 2, got {level}", field="level")
    years = ev.available_years(store, cache)
    if year is None:
        year = ev.default_year(store, cache)
    if year not in years:
        raise InputError(f"expected a year among {years}, got {year}", field="year")
    regions = scope_regions(store, cache, level, int(year))
    if not regions:
        raise NotFound(f"no region of NUTS level {level} has SBS employment in {year}")
    return Context(store, cache, level, int(year), regions, platform)


def _fingerprint(platform: PlatformFigures | None) -> str:
    return "" if platform is None else platform.fingerprint


def indicator_table(
    store: StatsStore,
    *,
    level: int = 2,
    year: int | None = None,
    cache: ev.EvidenceCache | None = None,
    platform: PlatformFigures | None = None,
) -> IndicatorTable:
    """Every scoreboard indicator for every region of ``level`` with SBS data in ``year``.

    ``platform`` (from :func:`platform_figures`) feeds the indicators computed from the
    platform's records; without it they have no data.
    """
    c = cache if cache is not None else ev.EvidenceCache(64)
    ctx = _context(store, c, level, year, platform)
    keys = tuple(d.key for d in indicator_definitions())

    def compute() -> IndicatorTable:
        data = {d.key: compute_indicator(d, ctx) for d in indicator_definitions()}
        values = pd.DataFrame({k: data[k].values for k in keys}, index=list(ctx.regions))
        values.index.name = "region"
        return IndicatorTable(ctx.level, ctx.year, region_table(ctx), values, data)

    key = (ctx.level, ctx.year, keys, _fingerprint(platform))
    return c.fetch(store, "scoreboard:indicators", key, compute)


def default_weights() -> dict[str, float]:
    """Equal weights: 1 for every indicator (each theme's weights are normalised to sum to 1)."""
    return {d.key: 1.0 for d in indicator_definitions()}


def _clean_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    base = default_weights()
    if weights is None:
        return base
    unknown = sorted(set(weights) - set(base))
    if unknown:
        raise InputError(f"weights name unknown indicators {unknown}", field="weights")
    out = dict(base)
    for key, value in weights.items():
        number = float(value)
        if not math.isfinite(number) or number < 0 or number > 100:
            raise InputError(f"expected a weight from 0 to 100 for {key}, got {value!r}", field=key)
        out[key] = number
    return out


def scoreboard(
    store: StatsStore,
    *,
    level: int = 2,
    year: int | None = None,
    weights: Mapping[str, float] | None = None,
    aggregation: Aggregation = "arithmetic",
    draws: int = DEFAULT_DRAWS,
    cache: ev.EvidenceCache | None = None,
    platform: PlatformFigures | None = None,
) -> Scoreboard:
    """The six theme indices of every region of ``level`` and ``year`` with rank intervals.

    Parameters
    ----------
    weights : mapping of indicator key to weight, optional
        Missing keys weigh 1 (equal weights by default); a theme's weights are
        normalised to sum to one, so only their ratios within a theme matter. A theme
        whose weights are all zero is not scored.
    aggregation : {"arithmetic", "geometric"}
    draws : int
        Monte Carlo draws of the uncertainty analysis (random weights, normalisation
        and aggregation; see :func:`polisee.analytics.composite.rank_uncertainty`).
    platform : PlatformFigures, optional
        The platform records behind themes 3 and 4 (:func:`platform_figures`); without
        them those indicators have no data.
    """
    if aggregation not in AGGREGATIONS:
        raise InputError(
            f"expected aggregation among {list(AGGREGATIONS)}, got {aggregation!r}",
            field="aggregation",
        )
    if not 1 <= draws <= 100_000:
        raise InputError(f"expected 1 to 100000 draws, got {draws}", field="draws")
    c = cache if cache is not None else ev.EvidenceCache(64)
    table = indicator_table(store, level=level, year=year, cache=c, platform=platform)
    chosen = _clean_weights(weights)
    key = (
        table.level,
        table.year,
        tuple(sorted(chosen.items())),
        aggregation,
        draws,
        _fingerprint(platform),
    )

    def compute() -> Scoreboard:
        themes = {t.key: _theme(table, t.key, chosen, aggregation, draws) for t in THEMES}
        return Scoreboard(table.level, table.year, aggregation, chosen, draws, table, themes)

    return c.fetch(store, "scoreboard:board", key, compute)


def _theme(
    table: IndicatorTable,
    theme_key: str,
    weights: dict[str, float],
    aggregation: Aggregation,
    draws: int,
) -> ThemeResult:
    definitions = indicators_of(theme_key)
    keys = [d.key for d in definitions]
    values = table.values[keys]
    mine = {k: weights[k] for k in keys}
    theme = next(t for t in THEMES if t.key == theme_key)
    columns = [
        "score",
        "rank",
        "coverage",
        "missing",
        "nominal_rank",
        "median_rank",
        "rank_p05",
        "rank_p95",
        "robust",
    ]
    if sum(mine.values()) <= 0 or values.notna().sum().sum() == 0:
        empty = pd.DataFrame(index=values.index, columns=columns)
        empty["coverage"] = values.notna().mean(axis=1)
        empty["missing"] = [
            tuple(k for k in keys if pd.isna(row[k])) for _, row in values.iterrows()
        ]
        empty["robust"] = pd.array([pd.NA] * len(values), dtype="boolean")
        return ThemeResult(theme, keys, mine, empty, values * np.nan, pd.DataFrame())
    index = CompositeIndex(
        weights=mine,
        normalisation={d.key: d.normalisation for d in definitions},
        directions={d.key: int(d.direction) for d in definitions},
        aggregation=aggregation,
        min_coverage=MIN_COVERAGE,
    ).fit(values)
    # The issue asks for random weights and normalisation choices; the aggregation stays the
    # scenario's own (a geometric draw on an arithmetic scenario would test another index).
    uncertainty = index.uncertainty(draws=draws, seed=SEED, vary_aggregation=False)
    frame = pd.DataFrame(
        {
            "score": index.scores_,
            "rank": index.ranks_,
            "coverage": index.coverage_,
            "missing": index.missing_,
        }
    ).join(uncertainty)
    return ThemeResult(theme, keys, mine, frame, index.normalised_, index.winsorised_)


def _reading(
    name: str, theme_name: str, row: Mapping[str, Any], of: int, missing: list[str], total: int
) -> ev.Reading:
    score = row.get("score")
    if score is None or pd.isna(score):
        if total and len(missing) == total:
            return ev.Reading(
                "No {theme} score for {region}: none of its {total} indicators has data.",
                {"theme": theme_name, "region": name, "total": str(total)},
            )
        return ev.Reading(
            "No {theme} score for {region}: only {present} of {total} indicators have data "
            "(missing: {missing}).",
            {
                "theme": theme_name,
                "region": name,
                "present": str(total - len(missing)),
                "total": str(total),
                "missing": "; ".join(missing),
            },
        )
    values: dict[str, str | ev.Figure] = {
        "theme": theme_name,
        "region": name,
        "score": ev.Figure(float(score), decimals=0),
        "rank": str(int(row["rank"])),
        "of": str(of),
        "low": str(round(float(row["rank_p05"]))),
        "high": str(round(float(row["rank_p95"]))),
    }
    if bool(row.get("robust")):
        return ev.Reading(
            "{region} scores {score} of 100 on {theme}, rank {rank} of {of}; the rank is "
            "robust: 90 % of the simulations put it between {low} and {high}.",
            values,
        )
    return ev.Reading(
        "{region} scores {score} of 100 on {theme}, rank {rank} of {of}; the rank is not "
        "robust: 90 % of the simulations put it between {low} and {high}, so read it as a "
        "range.",
        values,
    )


def _theme_score(board: Scoreboard, theme_key: str, code: str) -> ThemeScore:
    result = board.themes[theme_key]
    names = {d.key: d.name for d in indicators_of(theme_key)}
    region_name = str(board.indicators.regions.loc[code, "name"])
    row = {str(k): v for k, v in result.table.loc[code].to_dict().items()}
    missing = [names[k] for k in row["missing"]] if isinstance(row["missing"], tuple) else []
    of = result.ranked

    def number(key: str) -> float | None:
        value = row.get(key)
        return None if value is None or pd.isna(value) else float(value)

    robust = row.get("robust")
    return ThemeScore(
        theme=theme_key,
        name=result.theme.name,
        score=number("score"),
        rank=None if number("rank") is None else int(row["rank"]),
        of=of,
        coverage=float(row["coverage"]),
        missing=tuple(missing),
        median_rank=number("median_rank"),
        rank_p05=number("rank_p05"),
        rank_p95=number("rank_p95"),
        robust=None if robust is None or pd.isna(robust) else bool(robust),
        reading=_reading(region_name, result.theme.name, row, of, missing, len(names)),
    )


def _level_of(code: str) -> int:
    level = len(code) - 2
    if level not in (1, 2):
        raise NotFound(f"the scoreboard covers NUTS 1 and 2 regions; {code!r} is not one")
    return level


def theme_scores(
    store: StatsStore,
    region_code: str,
    year: int | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    aggregation: Aggregation = "arithmetic",
    cache: ev.EvidenceCache | None = None,
    platform: PlatformFigures | None = None,
) -> list[ThemeScore]:
    """A region's data score, rank, rank interval, coverage and reading on each of the six themes.

    The region's NUTS level (1 or 2) is read from its code; ``year`` defaults to the last
    complete SBS year. Raises NotFound for a region without SBS figures that year.
    """
    code = region_code.strip().upper()
    board = scoreboard(
        store,
        level=_level_of(code),
        year=year,
        weights=weights,
        aggregation=aggregation,
        cache=cache,
        platform=platform,
    )
    if code not in board.indicators.regions.index:
        raise NotFound(f"no scoreboard figures for region {code!r} in {board.year}")
    return [_theme_score(board, t.key, code) for t in THEMES]


@dataclass
class RegionView:
    """What the region page shows: theme scores, peers and country means, indicators."""

    code: str
    name: str
    country: str
    country_name: str
    board: Scoreboard
    scores: list[ThemeScore]
    peers: pd.DataFrame
    """Peer regions (nearest by industry structure and size): ``region, name``, one column
    per theme with its score."""
    peer_mean: dict[str, float | None]
    country_mean: dict[str, float | None]
    indicators: pd.DataFrame
    """One row per indicator: ``theme, key, name, unit, value, year, normalised, rank, of,
    direction, normalisation, estimate, method, note, no_data``."""
    context: pd.DataFrame
    """The country's greenhouse-gas emissions by NACE section (national context)."""
    context_year: int | None


def _mean(frame: pd.DataFrame, column: str) -> float | None:
    values = frame[column].dropna()
    return float(values.mean()) if len(values) else None


def region_view(
    store: StatsStore,
    code: str,
    year: int | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    aggregation: Aggregation = "arithmetic",
    peers: int = 5,
    cache: ev.EvidenceCache | None = None,
    platform: PlatformFigures | None = None,
) -> RegionView:
    """The scoreboard of one region: theme scores with intervals, peers, indicators, context."""
    c = cache if cache is not None else ev.EvidenceCache(64)
    code = code.strip().upper()
    board = scoreboard(
        store,
        level=_level_of(code),
        year=year,
        weights=weights,
        aggregation=aggregation,
        cache=c,
        platform=platform,
    )
    regions = board.indicators.regions
    if code not in regions.index:
        raise NotFound(f"no scoreboard figures for region {code!r} in {board.year}")
    scores = [_theme_score(board, t.key, code) for t in THEMES]
    themes = {t.key: board.themes[t.key].table["score"] for t in THEMES}
    all_scores = pd.DataFrame(themes)
    ctx = Context(store, c, board.level, board.year, tuple(regions.index))
    panel = employment_panel(ctx).select(years=[board.year])
    try:
        nearest = peer_regions(panel, code, k=peers, year=board.year).index.tolist()
    except InputError:
        nearest = []
    nearest = [p for p in nearest if p in regions.index]
    peer_frame = all_scores.reindex(nearest)
    peer_frame.insert(0, "name", regions["name"].reindex(nearest).to_numpy())
    peer_frame.index.name = "region"
    country = str(regions.loc[code, "country"])
    same_country = regions.index[regions["country"] == country]
    country_scores = all_scores.reindex(same_country)
    indicators = _indicator_rows(store, board, code)
    context, context_year = national_context(store, country, board.year, cache=c)
    return RegionView(
        code=code,
        name=str(regions.loc[code, "name"]),
        country=country,
        country_name=str(regions.loc[code, "country_name"]),
        board=board,
        scores=scores,
        peers=peer_frame.reset_index(),
        peer_mean={t.key: _mean(peer_frame, t.key) for t in THEMES},
        country_mean={t.key: _mean(country_scores, t.key) for t in THEMES},
        indicators=indicators,
        context=context,
        context_year=context_year,
    )


def _indicator_rows(store: StatsStore, board: Scoreboard, code: str) -> pd.DataFrame:
    table = board.indicators
    rows = []
    for definition in indicator_definitions():
        data = table.data[definition.key]
        column = table.values[definition.key]
        value = column.get(code)
        ranks = (
            column.rank(ascending=definition.direction == -1, method="min")
            if column.notna().any()
            else column
        )
        normalised = board.themes[definition.theme].normalised
        score = normalised[definition.key].get(code) if definition.key in normalised else None
        note = data.notes.get(code)
        rows.append(
            {
                "theme": definition.theme,
                "key": definition.key,
                "name": definition.name,
                "unit": definition.unit,
                "value": None if value is None or pd.isna(value) else float(value),
                "decimals": definition.decimals,
                "year": data.year,
                "normalised": None if score is None or pd.isna(score) else float(score),
                "rank": None if value is None or pd.isna(value) else int(ranks[code]),
                "of": int(column.notna().sum()),
                "direction": int(definition.direction),
                "normalisation": definition.normalisation,
                "estimate": definition.estimate,
                "method": definition.method,
                "note": note,
                "summary": list(data.summary),
                "no_data": data.reason,
                "sources": table.sources(definition.key, store),
            }
        )
    return pd.DataFrame(rows)


def national_context(
    store: StatsStore, country: str, year: int, *, cache: ev.EvidenceCache | None = None
) -> tuple[pd.DataFrame, int | None]:
    """A country's greenhouse-gas emissions by NACE section (Eurostat air emission accounts)
    in ``year`` or the latest year before it: ``section, title, tonnes, share`` (share of
    all NACE activities, households excluded), largest first; and the year shown."""
    columns = ["section", "title", "tonnes", "share"]
    c = cache if cache is not None else ev.EvidenceCache(16)
    ctx = Context(store, c, 0, year, ())
    if not has_measure(ctx, "GHG_T"):
        return pd.DataFrame(columns=columns), None
    facts = country_facts(ctx, "GHG_T")
    mine = facts[(facts["region"] == country) & facts["value"].notna()]
    years = sorted(int(y) for y in mine["year"].unique() if int(y) <= year)
    if not years:
        return pd.DataFrame(columns=columns), None
    shown = years[-1]
    emissions: pd.Series = mine[mine["year"] == shown].set_index("industry")["value"]
    sections = emissions.drop("TOTAL", errors="ignore").sort_values(ascending=False)
    total = float(emissions["TOTAL"]) if "TOTAL" in emissions.index else float(sections.sum())
    titles = store.industries(level=1).set_index("code")["title"]
    frame = pd.DataFrame(
        {
            "section": sections.index.astype(str),
            "title": titles.reindex(sections.index).fillna("").str.capitalize().to_numpy(),
            "tonnes": sections.to_numpy(dtype=float),
            "share": (100.0 * sections / total).to_numpy(dtype=float) if total > 0 else np.nan,
        }
    )
    return frame.reset_index(drop=True), shown


def coverage_by_country(
    store: StatsStore,
    *,
    level: int = 2,
    year: int | None = None,
    cache: ev.EvidenceCache | None = None,
    platform: PlatformFigures | None = None,
) -> pd.DataFrame:
    """Per country: regions in the scoreboard, then the share (%) of them with each indicator
    and with each theme score. For the methodology note's coverage table."""
    board = scoreboard(store, level=level, year=year, cache=cache, platform=platform)
    regions = board.indicators.regions
    present = board.indicators.values.notna().astype(float) * 100.0
    present["country"] = regions["country"].reindex(present.index).to_numpy()
    themes = pd.DataFrame(
        {
            f"theme:{k}": r.table["score"].notna().astype(float) * 100.0
            for k, r in board.themes.items()
        }
    )
    themes["country"] = present["country"]
    by_country = present.groupby("country").mean().join(themes.groupby("country").mean())
    counts = present.groupby("country").size().rename("regions")
    out = by_country.join(counts)
    out = out[["regions", *[c for c in out.columns if c != "regions"]]]
    return out.sort_index()

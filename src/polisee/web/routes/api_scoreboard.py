"""The scoreboard API, version 1: theme rankings with rank intervals, a region's scores, scenarios.

Public like the pages (``evidence:read``). Numbers are plain JSON numbers; a missing value
is ``null``. Readings are in English (the pages translate them).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from polisee.services import scoreboard as sb
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes.api import API_ERRORS, ErrorOut
from polisee.web.routes.evidence import Store, cache_of
from polisee.web.routes.scoreboard import BoardQuery, board_query, load_region_view
from polisee.web.security import DbSession, require

__all__ = [
    "IndicatorDefinitionOut",
    "RegionScoreboardOut",
    "ScenarioOut",
    "ScoreboardOut",
    "ThemeOut",
    "ThemeRankOut",
    "ThemeScoreOut",
    "router",
]

router = APIRouter(
    prefix="/api/v1/scoreboard",
    tags=["scoreboard"],
    responses={
        **API_ERRORS,
        503: {"model": ErrorOut, "description": "No statistics are loaded yet"},
    },
)
Reader = Annotated[Principal, require(Permission.EVIDENCE_READ)]
Board = Annotated[BoardQuery, Depends(board_query)]


class IndicatorDefinitionOut(BaseModel):
    """An indicator of a theme and how it enters the composite index."""

    key: str
    theme: str
    name: str
    unit: str
    direction: int = Field(description="1 when higher is better, -1 when lower is better")
    normalisation: str
    estimate: bool
    method: str
    sources: list[str]
    year: str
    regions_with_data: int
    no_data: str = Field(description="Why the indicator has no value at all, if so")
    weight: float


class ThemeRankOut(BaseModel):
    """A region's place on one theme."""

    region: str
    name: str
    country: str
    score: float | None
    rank: int | None
    median_rank: float | None
    rank_p05: float | None
    rank_p95: float | None
    robust: bool | None
    coverage: float
    missing: list[str]


class ThemeOut(BaseModel):
    """One theme: its indicators and the ranking of the regions."""

    key: str
    name: str
    ranked: int
    indicators: list[IndicatorDefinitionOut]
    ranking: list[ThemeRankOut]


class ScoreboardOut(BaseModel):
    """The scoreboard of a NUTS level and year under a weighting."""

    level: int
    year: int
    aggregation: str
    draws: int
    scenario: int | None
    themes: list[ThemeOut]


class ThemeScoreOut(BaseModel):
    """A region's data score on one theme."""

    theme: str
    name: str
    score: float | None
    rank: int | None
    of: int
    coverage: float
    missing: list[str]
    median_rank: float | None
    rank_p05: float | None
    rank_p95: float | None
    robust: bool | None
    reading: str


class IndicatorValueOut(BaseModel):
    """A region's figure of one indicator."""

    key: str
    theme: str
    name: str
    unit: str
    value: float | None
    year: str
    rank: int | None
    of: int
    normalised: float | None
    estimate: bool
    note: str | None
    no_data: str


class RegionScoreboardOut(BaseModel):
    """A region's theme scores, peers and indicators."""

    code: str
    name: str
    country: str
    level: int
    year: int
    themes: list[ThemeScoreOut]
    peers: list[str]
    peer_mean: dict[str, float | None]
    country_mean: dict[str, float | None]
    indicators: list[IndicatorValueOut]


class ScenarioOut(BaseModel):
    """A named weight scenario."""

    id: int
    name: str
    description: str
    weights: dict[str, float]
    aggregation: str
    demo: bool


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _flag(value: Any) -> bool | None:
    return None if value is None or value is pd.NA or pd.isna(value) else bool(value)


@router.get("", name="api:scoreboard")
def show_scoreboard(
    request: Request, principal: Reader, store: Store, db: DbSession, q: Board
) -> ScoreboardOut:
    """Every theme's ranking with rank intervals (all themes; ``theme`` is ignored here)."""
    scenario = None if q.scenario is None else sb.get_scenario(db, q.scenario)
    board = sb.scoreboard(
        store,
        level=q.level,
        year=q.year,
        weights=None if scenario is None else dict(scenario.weights),
        aggregation="arithmetic" if scenario is None else scenario.aggregation,  # type: ignore[arg-type]
        cache=cache_of(request),
        platform=sb.platform_figures(db),
    )
    themes = []
    for theme in sb.THEMES:
        definitions = sb.indicators_of(theme.key)
        names = {d.key: d.name for d in definitions}
        indicators = [
            IndicatorDefinitionOut(
                key=d.key,
                theme=d.theme,
                name=d.name,
                unit=d.unit,
                direction=int(d.direction),
                normalisation=d.normalisation,
                estimate=d.estimate,
                method=d.method,
                sources=list(d.sources),
                year=board.indicators.data[d.key].year,
                regions_with_data=int(board.indicators.values[d.key].notna().sum()),
                no_data=board.indicators.data[d.key].reason,
                weight=board.weights[d.key],
            )
            for d in definitions
        ]
        ranking = [
            ThemeRankOut(
                region=str(row["region"]),
                name=str(row["name"]),
                country=str(row["country"]),
                score=_number(row["score"]),
                rank=None if _number(row["rank"]) is None else int(row["rank"]),
                median_rank=_number(row["median_rank"]),
                rank_p05=_number(row["rank_p05"]),
                rank_p95=_number(row["rank_p95"]),
                robust=_flag(row["robust"]),
                coverage=float(row["coverage"]),
                missing=[names[k] for k in row["missing"]]
                if isinstance(row["missing"], tuple)
                else [],
            )
            for row in board.ranking(theme.key).to_dict("records")
        ]
        themes.append(
            ThemeOut(
                key=theme.key,
                name=theme.name,
                ranked=board.themes[theme.key].ranked,
                indicators=indicators,
                ranking=ranking,
            )
        )
    return ScoreboardOut(
        level=board.level,
        year=board.year,
        aggregation=board.aggregation,
        draws=board.draws,
        scenario=q.scenario,
        themes=themes,
    )


@router.get("/regions/{code}", name="api:scoreboard_region")
def show_region(
    request: Request, principal: Reader, store: Store, db: DbSession, code: str, q: Board
) -> RegionScoreboardOut:
    """A region's theme scores with rank intervals, its peers and its indicators."""
    view, _scenario = load_region_view(request, store, db, code, q)
    return RegionScoreboardOut(
        code=view.code,
        name=view.name,
        country=view.country,
        level=view.board.level,
        year=view.board.year,
        themes=[
            ThemeScoreOut(
                theme=s.theme,
                name=s.name,
                score=s.score,
                rank=s.rank,
                of=s.of,
                coverage=s.coverage,
                missing=list(s.missing),
                median_rank=s.median_rank,
                rank_p05=s.rank_p05,
                rank_p95=s.rank_p95,
                robust=s.robust,
                reading=s.reading.english(),
            )
            for s in view.scores
        ],
        peers=[str(p) for p in view.peers["region"]],
        peer_mean=view.peer_mean,
        country_mean=view.country_mean,
        indicators=[
            IndicatorValueOut(
                key=str(row["key"]),
                theme=str(row["theme"]),
                name=str(row["name"]),
                unit=str(row["unit"]),
                value=_number(row["value"]),
                year=str(row["year"]),
                rank=None if _number(row["rank"]) is None else int(row["rank"]),
                of=int(row["of"]),
                normalised=_number(row["normalised"]),
                estimate=bool(row["estimate"]),
                note=None if row["note"] is None else row["note"].english(),
                no_data=str(row["no_data"]),
            )
            for row in view.indicators.to_dict("records")
        ],
    )


@router.get("/scenarios", name="api:scoreboard_scenarios")
def list_scenarios(principal: Reader, db: DbSession) -> list[ScenarioOut]:
    """The saved weight scenarios (indicators not named weigh 1)."""
    return [
        ScenarioOut(
            id=s.id,
            name=s.name,
            description=s.description,
            weights=dict(s.weights),
            aggregation=s.aggregation,
            demo=s.demo,
        )
        for s in sb.list_scenarios(db)
    ]

"""The regional scoreboard: rankings per theme with rank intervals, maps, region pages, weights.

Reading is public (``evidence:read``); saving weight scenarios needs ``scoreboard:edit`` and
changing one is for its owner only (checked by the service). Tables download as CSV and
XLSX; chart and map specs come from :mod:`polisee.web.charts`.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from polisee.errors import InputError, NotFound
from polisee.records.scoreboard import ScoreboardScenario
from polisee.services import evidence as ev
from polisee.services import scoreboard as sb
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore
from polisee.web import charts
from polisee.web.routes.evidence import (
    EUROPE_BOUNDS,
    Formatter,
    Store,
    cache_of,
    formatter_for,
    table_download,
)
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["BoardQuery", "board_query", "load_region_view", "router", "say"]

router = APIRouter(prefix="/scoreboard")
Reader = Annotated[Principal, require(Permission.EVIDENCE_READ)]
Editor = Annotated[Principal, require(Permission.SCOREBOARD_EDIT)]
YearQuery = Annotated[int | None, Query(ge=1990, le=2100)]
LevelQuery = Annotated[int, Query(ge=1, le=2)]
ScenarioQuery = Annotated[int | None, Query(ge=1)]
ThemeQuery = Annotated[str, Query(max_length=40)]
FORMATS = ("csv", "xlsx")


class BoardQuery:
    """The scoreboard's parameters as the visitor gave them, checked."""

    def __init__(self, theme: str, year: int | None, level: int, scenario: int | None) -> None:
        self.theme = sb.theme(theme.strip().lower()).key if theme else sb.THEMES[0].key
        self.year = year
        self.level = level
        self.scenario = scenario

    def query(self, **override: Any) -> str:
        params = {"theme": self.theme, "year": self.year, "level": self.level}
        params["scenario"] = self.scenario
        params.update(override)
        return urlencode({k: v for k, v in params.items() if v is not None})


async def board_query(
    theme: ThemeQuery = "",
    year: YearQuery = None,
    level: LevelQuery = 2,
    scenario: ScenarioQuery = None,
) -> BoardQuery:
    return BoardQuery(theme, year, level, scenario)


def _scenario(db: Session, scenario_id: int | None) -> ScoreboardScenario | None:
    return None if scenario_id is None else sb.get_scenario(db, scenario_id)


def _board(
    request: Request,
    store: StatsStore,
    db: Session,
    q: BoardQuery,
    scenario: ScoreboardScenario | None,
) -> sb.Scoreboard:
    return sb.scoreboard(
        store,
        level=q.level,
        year=q.year,
        weights=None if scenario is None else dict(scenario.weights),
        aggregation="arithmetic" if scenario is None else scenario.aggregation,  # type: ignore[arg-type]
        cache=cache_of(request),
        platform=sb.platform_figures(db),
    )


def say(fmt: Formatter, reading: ev.Reading) -> str:
    """A reading in the visitor's language, its text values (theme and indicator names, lists
    of them separated by "; ") translated too; names the catalogue does not know stay."""
    values: dict[str, str | ev.Figure] = {}
    for key, value in reading.values.items():
        if isinstance(value, str):
            values[key] = "; ".join(fmt.gettext(part) for part in value.split("; "))
        else:
            values[key] = value
    return fmt.say(ev.Reading(reading.text, values))


def _page(request: Request, name: str, context: dict[str, Any]) -> Response:
    fmt = formatter_for(request)
    return render(
        request,
        name,
        {"fmt": fmt, "say": lambda r: say(fmt, r), "nav": "scoreboard", **context},
    )


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"expected a format among csv, xlsx, got {fmt[:20]!r}", field="format")
    return fmt


def _rank_labels(fmt: Formatter) -> dict[str, str]:
    return {k: fmt.gettext(v) for k, v in charts.RANK_LABELS.items()}


def _definitions_of(theme_key: str) -> list[sb.IndicatorDefinition]:
    return sb.indicators_of(theme_key)


Board = Annotated[BoardQuery, Depends(board_query)]


def _ranking_rows(board: sb.Scoreboard, theme_key: str) -> list[dict[str, Any]]:
    names = {d.key: d.name for d in _definitions_of(theme_key)}
    rows = []
    for record in board.ranking(theme_key).to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        missing = row.get("missing")
        row["missing_names"] = [names[k] for k in missing] if isinstance(missing, tuple) else []
        row["present"] = len(names) - len(row["missing_names"])
        row["total"] = len(names)
        rows.append(row)
    return rows


def _indicator_rows(
    board: sb.Scoreboard, theme_key: str, store: StatsStore
) -> list[dict[str, Any]]:
    table = board.indicators
    winsorised = board.themes[theme_key].winsorised
    rows = []
    for definition in _definitions_of(theme_key):
        data = table.data[definition.key]
        column = table.values[definition.key]
        points = 0
        if definition.key in winsorised.index and "points" in winsorised.columns:
            points = int(str(winsorised.loc[definition.key, "points"]))
        rows.append(
            {
                "definition": definition,
                "data": data,
                "count": int(column.notna().sum()),
                "median": None if column.notna().sum() == 0 else float(column.median()),
                "winsorised": points,
                "sources": table.sources(definition.key, store),
                "weight": board.weights.get(definition.key, 1.0),
            }
        )
    return rows


@router.get("", name="scoreboard:show")
def show_scoreboard(
    request: Request, principal: Reader, store: Store, db: DbSession, q: Board
) -> Response:
    """The ranking of one theme with rank intervals, its map and its indicators."""
    scenario = _scenario(db, q.scenario)
    board = _board(request, store, db, q, scenario)
    fmt = formatter_for(request)
    _ = fmt.gettext
    theme = sb.theme(q.theme)
    rows = _ranking_rows(board, q.theme)
    frame = board.ranking(q.theme)
    intervals = charts.rank_intervals(
        frame,
        title=_("{theme}: ranks and their uncertainty").format(theme=_(theme.name)),
        top=30,
        labels=_rank_labels(fmt),
        locale=fmt.language,
        gettext=fmt.gettext,
    )
    cache = cache_of(request)

    context = {
        "board": board,
        "theme": theme,
        "themes": sb.THEMES,
        "rows": rows,
        "ranked": board.themes[q.theme].ranked,
        "indicators": _indicator_rows(board, q.theme, store),
        "intervals_spec": fmt.translate_spec(intervals),
        "query": q.query(year=board.year),
        "q": q,
        "years": ev.available_years(store, cache),
        "scenarios": sb.list_scenarios(db),
        "scenario": scenario,
        "bounds": json.dumps(EUROPE_BOUNDS),
        "robust_count": sum(1 for r in rows if r.get("robust") is True),
    }
    return _page(request, "scoreboard/index.html", context)


@router.get("/maps/{theme}.json", name="scoreboard:map_values")
def show_theme_map(
    request: Request,
    principal: Reader,
    store: Store,
    db: DbSession,
    theme: str,
    year: YearQuery = None,
    level: LevelQuery = 2,
    scenario: ScenarioQuery = None,
) -> Response:
    """The choropleth spec of one theme's scores (for map.js)."""
    q = BoardQuery(theme, year, level, scenario)
    board = _board(request, store, db, q, _scenario(db, q.scenario))
    fmt = formatter_for(request)
    _ = fmt.gettext
    scores = board.themes[q.theme].table["score"]
    values = {str(k): (None if pd.isna(v) else float(v)) for k, v in scores.items()}
    spec = charts.choropleth(
        values,
        indicator=f"{_(sb.theme(q.theme).name)}, {board.year}",
        unit=_("score 0-100"),
        breaks="quantile",
        locale=fmt.language,
        no_data_label=_("No data"),
    )
    return Response(json.dumps(spec, ensure_ascii=False), media_type="application/json")


def _board_frame(board: sb.Scoreboard) -> pd.DataFrame:
    regions = board.indicators.regions
    frame = pd.DataFrame(
        {"region": regions.index, "name": regions["name"], "country": regions["country"]}
    )
    for t in sb.THEMES:
        table = board.themes[t.key].table
        for column in (
            "score",
            "rank",
            "median_rank",
            "rank_p05",
            "rank_p95",
            "robust",
            "coverage",
        ):
            values = table[column].reindex(regions.index)
            if column == "robust":
                values = values.astype("object").where(values.notna(), None)
            frame[f"{t.key}_{column}"] = values.to_numpy()
    return frame.reset_index(drop=True)


def _notes(board: sb.Scoreboard, scenario: ScoreboardScenario | None) -> list[str]:
    notes = [
        "Scores 0-100 per theme: indicators winsorised (JRC rule), normalised over the regions "
        "of the same NUTS level and year (min-max or z-score, per indicator), weighted mean "
        "where at least half of the theme's indicators have data.",
        "Rank intervals: 5th and 95th percentiles of the rank over 1,000 simulations with "
        "random weights (plus or minus 50 %), normalisation and aggregation.",
    ]
    if scenario is not None:
        notes.append(f"Weight scenario: {scenario.name}")
    return notes


@router.get("/table.{fmt}", name="scoreboard:table")
def download_scoreboard(
    request: Request, principal: Reader, store: Store, db: DbSession, fmt: str, q: Board
) -> Response:
    """Every region's theme scores, ranks and rank intervals as CSV or XLSX."""
    fmt = _format(fmt)
    scenario = _scenario(db, q.scenario)
    board = _board(request, store, db, q, scenario)
    sources = [
        s for d in sb.indicator_definitions() for s in board.indicators.sources(d.key, store)
    ]
    return table_download(
        _board_frame(board),
        fmt=fmt,
        filename=f"polisee-scoreboard-nuts{board.level}-{board.year}",
        title="Regional scoreboard",
        sources=sources,
        notes=_notes(board, scenario),
        formatter=formatter_for(request),
    )


@router.get("/indicators.{fmt}", name="scoreboard:indicators")
def download_indicators(
    request: Request, principal: Reader, store: Store, db: DbSession, fmt: str, q: Board
) -> Response:
    """Every region's indicator values (before normalisation) as CSV or XLSX."""
    fmt = _format(fmt)
    board = _board(request, store, db, q, None)
    table = board.indicators
    frame = table.values.reset_index().merge(
        table.regions[["name", "country"]], left_on="region", right_index=True
    )
    frame = frame[["region", "name", "country", *table.values.columns]]
    notes = [
        f"{d.key}: {d.name} ({d.unit}), {table.data[d.key].year}. {d.method}"
        + (f" No data: {table.data[d.key].reason}" if table.data[d.key].reason else "")
        for d in sb.indicator_definitions()
    ]
    sources = [s for d in sb.indicator_definitions() for s in table.sources(d.key, store)]
    return table_download(
        frame,
        fmt=fmt,
        filename=f"polisee-scoreboard-indicators-nuts{board.level}-{board.year}",
        title="Regional scoreboard: indicators",
        sources=sources,
        notes=notes,
        formatter=formatter_for(request),
    )


def load_region_view(
    request: Request, store: StatsStore, db: Session, code: str, q: BoardQuery
) -> tuple[sb.RegionView, ScoreboardScenario | None]:
    clean = code.strip().upper()
    if not clean.isalnum() or len(clean) > 6:
        raise NotFound(f"no region {code[:20]!r}")
    scenario = _scenario(db, q.scenario)
    view = sb.region_view(
        store,
        clean,
        q.year,
        weights=None if scenario is None else dict(scenario.weights),
        aggregation="arithmetic" if scenario is None else scenario.aggregation,  # type: ignore[arg-type]
        cache=cache_of(request),
        platform=sb.platform_figures(db),
    )
    return view, scenario


def _radar(view: sb.RegionView, fmt: Formatter) -> dict[str, Any]:
    _ = fmt.gettext
    themes = [_(t.name) for t in sb.THEMES]
    series: dict[str, list[float | None]] = {
        view.name: [s.score for s in view.scores],
    }
    if any(v is not None for v in view.peer_mean.values()):
        series[_("Peer regions (mean)")] = [view.peer_mean[t.key] for t in sb.THEMES]
    series[_("{country} (mean of its regions)").format(country=view.country_name)] = [
        view.country_mean[t.key] for t in sb.THEMES
    ]
    spec = charts.scoreboard_radar(
        themes,
        series,
        title=_("Theme scores of {region}").format(region=view.name),
        locale=fmt.language,
        gettext=fmt.gettext,
    )
    translated: dict[str, Any] = fmt.translate_spec(spec)
    return translated


@router.get("/regions/{code}", name="scoreboard:region")
def show_region(
    request: Request, principal: Reader, store: Store, db: DbSession, code: str, q: Board
) -> Response:
    """One region: theme radar against peers and country, scores with intervals, indicators."""
    view, scenario = load_region_view(request, store, db, code, q)
    fmt = formatter_for(request)

    rows = view.indicators.to_dict("records")
    by_theme: dict[str, list[dict[str, Any]]] = {}
    for record in rows:
        row = {str(k): v for k, v in record.items()}
        by_theme.setdefault(str(row["theme"]), []).append(row)
    context = {
        "view": view,
        "themes": sb.THEMES,
        "by_theme": by_theme,
        "radar_spec": _radar(view, fmt),
        "scenario": scenario,
        "scenarios": sb.list_scenarios(db),
        "years": ev.available_years(store, cache_of(request)),
        "q": q,
        "query": q.query(year=view.board.year, theme=None),
    }
    return _page(request, "scoreboard/region.html", context)


@router.get("/regions/{code}/table.{fmt}", name="scoreboard:region_table")
def download_region(
    request: Request,
    principal: Reader,
    store: Store,
    db: DbSession,
    code: str,
    fmt: str,
    q: Board,
) -> Response:
    """A region's indicators, values, ranks and normalised scores as CSV or XLSX."""
    fmt = _format(fmt)
    view, scenario = load_region_view(request, store, db, code, q)
    frame = view.indicators.drop(columns=["summary", "sources", "note", "decimals"])
    frame["note"] = [
        "" if n is None or (isinstance(n, float) and math.isnan(n)) else n.english()
        for n in view.indicators["note"]
    ]
    themes = pd.DataFrame(
        [
            {
                "theme": score.theme,
                "key": f"theme:{score.theme}",
                "name": score.name,
                "unit": "score 0-100",
                "value": score.score,
                "rank": score.rank,
                "of": score.of,
                "note": score.reading.english(),
            }
            for score in view.scores
        ],
        columns=frame.columns,
    )
    frame = pd.concat([frame.astype(object), themes.astype(object)], ignore_index=True)
    sources = [s for items in view.indicators["sources"] for s in items]
    return table_download(
        frame,
        fmt=fmt,
        filename=f"polisee-scoreboard-{view.code}-{view.board.year}",
        title=f"Regional scoreboard: {view.name} ({view.code})",
        sources=sources,
        notes=_notes(view.board, scenario),
        formatter=formatter_for(request),
    )


# --- weight scenarios -------------------------------------------------------------------------


def _weights_form(form: Any) -> dict[str, str]:
    known = {d.key for d in sb.indicator_definitions()}
    out: dict[str, str] = {}
    for name, value in form.multi_items():
        if name.startswith("w_") and name[2:] in known and isinstance(value, str) and value.strip():
            out[name[2:]] = value
    return out


def _scenario_fields(form: Any) -> dict[str, Any]:
    def text(name: str, limit: int) -> str:
        value = form.get(name, "")
        return value[:limit] if isinstance(value, str) else ""

    return {
        "name": text("name", 200),
        "description": text("description", 5000),
        "aggregation": text("aggregation", 20) or "arithmetic",
        "weights": _weights_form(form),
    }


def _scenarios_page(
    request: Request, db: Session, principal: Principal, extra: dict[str, Any] | None = None
) -> Response:
    context = {
        "scenarios": sb.list_scenarios(db),
        "definitions": sb.indicator_definitions(),
        "themes": sb.THEMES,
        "can_edit": Permission.SCOREBOARD_EDIT in principal.permissions,
        "principal_id": principal.user_id,
        **(extra or {}),
    }
    return _page(request, "scoreboard/scenarios.html", context)


@router.get("/scenarios", name="scoreboard:scenarios")
def list_scenarios(request: Request, principal: Reader, db: DbSession) -> Response:
    """The saved weight scenarios; analysts also get the form to save a new one."""
    return _scenarios_page(request, db, principal)


async def _form(request: Request) -> FormData:
    # async so that the form is read on the event loop; the handlers stay synchronous.
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


@router.post("/scenarios", name="scoreboard:create_scenario")
def create_scenario(request: Request, principal: Editor, db: DbSession, form: Form) -> Response:
    """Save a named weight scenario."""
    scenario = sb.create_scenario(db, actor=principal.actor, **_scenario_fields(form))
    return RedirectResponse(f"/scoreboard/scenarios/{scenario.id}", status_code=303)


@router.get("/scenarios/{scenario_id}", name="scoreboard:scenario")
def show_scenario(request: Request, principal: Reader, db: DbSession, scenario_id: int) -> Response:
    """A scenario's weights; its owner can change or delete it here."""
    scenario = sb.get_scenario(db, scenario_id)
    context = {
        "scenario": scenario,
        "definitions": sb.indicator_definitions(),
        "themes": sb.THEMES,
        "weights": {**sb.default_weights(), **dict(scenario.weights)},
        "is_owner": principal.user_id is not None and scenario.owner_id == principal.user_id,
        "can_edit": Permission.SCOREBOARD_EDIT in principal.permissions,
    }
    return _page(request, "scoreboard/scenario.html", context)


@router.post("/scenarios/{scenario_id}", name="scoreboard:update_scenario")
def update_scenario(
    request: Request, principal: Editor, db: DbSession, scenario_id: int, form: Form
) -> Response:
    """Change a scenario (its owner only)."""
    sb.update_scenario(db, scenario_id, actor=principal.actor, **_scenario_fields(form))
    return RedirectResponse(f"/scoreboard/scenarios/{scenario_id}", status_code=303)


@router.post("/scenarios/{scenario_id}/delete", name="scoreboard:delete_scenario")
def delete_scenario(
    request: Request, principal: Editor, db: DbSession, scenario_id: int
) -> Response:
    """Delete a scenario (its owner only)."""
    sb.delete_scenario(db, scenario_id, actor=principal.actor)
    return RedirectResponse("/scoreboard/scenarios", status_code=303)

"""Self-assessment results: radar of themes, statistics per criterion, consensus flags, the
previous round, indicators from the statistics beside the self-scores, the benchmark against
peer regions, the peer review, and the CSV download."""

from __future__ import annotations

import csv
import io
import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from polisee.errors import NotFound
from polisee.services import assessment as sa
from polisee.services import practices as pr
from polisee.services.scoreboard import platform_figures, theme_scores
from polisee.web import charts
from polisee.web.routes._assessment_common import (
    GROUP_LABELS,
    Answerer,
    Editor,
    Reader,
    statistics,
)
from polisee.web.routes.evidence import Formatter, formatter_for
from polisee.web.security import DbSession, Semantic
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter()


def _charts(found: sa.Results, fmt: Formatter) -> dict[str, dict[str, Any]]:
    _ = fmt.gettext
    lang = fmt.language
    themes = [t.theme.label(lang) for t in found.themes]
    previous = found.previous
    bench = found.benchmark
    specs: dict[str, dict[str, Any]] = {
        "radar": charts.theme_radar(
            themes,
            [t.stats.median for t in found.themes],
            max_value=found.definition.max_score,
            current_label=_("Round %(year)s (median)") % {"year": found.assessment.round_year},
            previous=[t.previous_median for t in found.themes] if previous else None,
            previous_label=_("Round %(year)s (median)") % {"year": previous.round_year}
            if previous
            else "",
            peers=[t.peer_median for t in found.themes] if bench and bench.peers else None,
            peers_label=_("Peer regions (median of %(count)s)") % {"count": len(bench.peers)}
            if bench
            else "",
            title=_("Self-assessment by theme"),
            locale=lang,
        )
    }
    if found.groups:
        specs["groups"] = charts.group_bars(
            themes,
            {
                _(GROUP_LABELS[g.value]): [t.stats.group_medians.get(g) for t in found.themes]
                for g in found.groups
            },
            max_value=found.definition.max_score,
            title=_("Theme medians by stakeholder group"),
            locale=lang,
        )
    return {k: fmt.translate_spec(v) for k, v in specs.items()}


def _indicators(
    request: Request, found: sa.Results, peers: list[str]
) -> tuple[bool, dict[str, list[sa.IndicatorValue]]]:
    """Per theme the indicators its criteria name, computed for the region and its peers."""
    store, cache = statistics(request)
    keys = list(dict.fromkeys(k for c in found.definition.criteria for k in c.indicators))
    if store is None or not keys:
        return store is not None, {}
    values = sa.region_indicators(
        store, found.assessment.region_code, keys, peers=peers, cache=cache
    )
    by_theme: dict[str, list[sa.IndicatorValue]] = {}
    for theme in found.definition.themes:
        wanted = dict.fromkeys(k for c in theme.criteria for k in c.indicators)
        by_theme[theme.key] = [values[k] for k in wanted if values[k].value is not None]
    return True, by_theme


def _data_scores(request: Request, db: Session, found: sa.Results) -> list[sa.ThemeComparison]:
    """Each theme's self-assessed median beside the region's six-theme scoreboard rank."""
    store, cache = statistics(request)
    if store is None:
        return []
    try:
        scores = theme_scores(
            store, found.assessment.region_code, cache=cache, platform=platform_figures(db)
        )
    except NotFound:
        return []
    medians = {t.theme.key: t.stats.median for t in found.themes}
    return sa.compare_with_data(medians, found.definition.max_score, scores)


@router.get("/assessments/{assessment_id}/results", name="assessments:results")
def show_results(
    request: Request, db: DbSession, principal: Reader, semantic: Semantic, assessment_id: int
) -> Response:
    """The results page; open to the owner's organisation, reviewers, respondents who have
    submitted, and everyone signed in once published."""
    found_access = sa.access(db, assessment_id, principal)
    sa.require_results(found_access)
    store, cache = statistics(request)
    chosen = list(found_access.assessment.peer_regions)
    suggested = (
        sa.suggested_peers(store, found_access.assessment.region_code, cache=cache)
        if store is not None
        else []
    )
    peers = chosen or suggested
    found = sa.results(db, assessment_id, viewer=principal, peers=peers)
    fmt = formatter_for(request)
    gaps = sa.gaps_of(found, fmt.language)
    loaded, indicators = _indicators(request, found, peers)
    data_scores = _data_scores(request, db, found)
    threads, reviewers = sa.review_threads(db, assessment_id, principal)
    context = {
        "a": found.assessment,
        "r": found,
        "access": found_access,
        "definition": found.definition,
        "fmt": fmt,
        "charts": _charts(found, fmt),
        "groups": GROUP_LABELS,
        "stats_loaded": loaded,
        "indicators": indicators,
        "peers": peers,
        "peers_chosen": bool(chosen),
        "suggested": suggested,
        "published_regions": [
            r
            for r in sa.published_regions(db, found.framework.key)
            if r != found.assessment.region_code
        ],
        "threads": threads,
        "reviewers": reviewers,
        "gaps": gaps,
        "data_scores": data_scores,
        "recommendations": pr.recommend_practices(
            db,
            gaps,
            region_code=found.assessment.region_code,
            peer_regions=peers,
            limit_per_gap=3,
            encoder=semantic.encoder(),
        )
        if gaps
        else [],
        "pins": sa.pinned_practices(db, assessment_id, principal=principal),
        "can_pin": sa.can_pin(found_access),
        "instruments": pr.INSTRUMENTS,
        "max_peers": sa.MAX_PEERS,
    }
    return render(request, "assessments/results.html", context)


@router.get("/assessments/{assessment_id}/results.csv", name="assessments:results_csv")
def download_results(
    request: Request, db: DbSession, principal: Reader, assessment_id: int
) -> Response:
    """The results table as CSV: one row per theme, then one per criterion."""
    found = sa.results(db, assessment_id, viewer=principal)
    rows = sa.results_rows(found, formatter_for(request).language)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    name = f"polisee-assessment-{found.assessment.region_code}-{found.assessment.round_year}"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )


def _results_url(request: Request, assessment_id: int, anchor: str) -> RedirectResponse:
    url = request.url_for("assessments:results", assessment_id=assessment_id).path
    return RedirectResponse(f"{url}#{anchor}", status_code=303)


@router.post("/assessments/{assessment_id}/peers", name="assessments:set_peers")
def set_peers(
    request: Request,
    db: DbSession,
    principal: Editor,
    assessment_id: int,
    regions: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Choose the peer regions to benchmark against; an empty list uses the suggested ones."""
    sa.set_peers(
        db, assessment_id, principal=principal, regions=re.split(r"[\s,;]+", regions.strip())
    )
    return _results_url(request, assessment_id, "benchmark")


@router.post("/assessments/{assessment_id}/reviews", name="assessments:comment")
def add_comment(
    request: Request,
    db: DbSession,
    principal: Answerer,
    assessment_id: int,
    theme_key: Annotated[str, Form(max_length=64)],
    body: Annotated[str, Form(max_length=sa.MAX_MESSAGE)],
) -> Response:
    """A peer reviewer's comment on a theme."""
    sa.add_comment(db, assessment_id, principal=principal, theme_key=theme_key, body=body)
    return _results_url(request, assessment_id, f"review-{theme_key}")


@router.post("/assessments/{assessment_id}/reviews/{message_id}/replies", name="assessments:reply")
def add_reply(
    request: Request,
    db: DbSession,
    principal: Editor,
    assessment_id: int,
    message_id: int,
    body: Annotated[str, Form(max_length=sa.MAX_MESSAGE)],
) -> Response:
    """The owner's reply to a reviewer's comment."""
    message = sa.add_reply(db, assessment_id, principal=principal, comment_id=message_id, body=body)
    return _results_url(request, assessment_id, f"review-{message.theme_key}")


@router.post("/assessments/{assessment_id}/pins", name="assessments:pin")
def pin_practice(
    request: Request,
    db: DbSession,
    principal: Editor,
    assessment_id: int,
    practice_id: Annotated[int, Form()],
    criterion_key: Annotated[str, Form(max_length=64)],
    note: Annotated[str, Form(max_length=sa.MAX_NOTE)] = "",
) -> Response:
    """Keep a recommended practice for a weak criterion."""
    sa.pin_practice(
        db,
        assessment_id,
        principal=principal,
        practice_id=practice_id,
        criterion_key=criterion_key,
        note=note,
    )
    return _results_url(request, assessment_id, "pinned")


@router.post("/assessments/{assessment_id}/pins/{pin_id}/delete", name="assessments:unpin")
def unpin_practice(
    request: Request, db: DbSession, principal: Editor, assessment_id: int, pin_id: int
) -> Response:
    """Drop a pinned practice."""
    sa.unpin_practice(db, assessment_id, pin_id, principal=principal)
    return _results_url(request, assessment_id, "pinned")

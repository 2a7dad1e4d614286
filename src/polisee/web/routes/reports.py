"""Reports for download as PDF, HTML or XLSX in the reader's language: the region profile,
an assessment's results and a plan's monitoring report.

Each report is guarded like the page it prints: the region profile is public
(``evidence:read``); the assessment report needs ``assessment:read`` and the results open to
the reader; the plan report needs ``plan:read`` and the plan shared with the reader (the
services raise PermissionDenied otherwise). The language is ``?lang=``, else the visitor's
(cookie, ``Accept-Language``); the file is built by :mod:`polisee.services.reports`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services import practices as pr
from polisee.services.permissions import Permission
from polisee.services.reports import (
    FORMATS,
    ReportFile,
    assessment_report,
    export,
    plan_report,
    region_report,
)
from polisee.services.sessions import Principal
from polisee.web.routes._assessment_common import statistics
from polisee.web.routes.evidence import Store, cache_of
from polisee.web.security import DbSession, require
from polisee.web.templating import language_of

__all__ = ["router"]

router = APIRouter()
Reader = Annotated[Principal, require(Permission.EVIDENCE_READ)]
AssessmentReader = Annotated[Principal, require(Permission.ASSESSMENT_READ)]
PlanReader = Annotated[Principal, require(Permission.PLAN_READ)]
MAX_TEXT = 80


@router.get("/regions/{code}/report.{fmt}", name="reports:region")
def download_region_report(
    request: Request,
    principal: Reader,
    store: Store,
    code: str,
    fmt: str,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> Response:
    """The region profile report as an attachment named ``polisee-region-<code>-<year>-<lang>``."""
    _check_format(fmt)
    cache = cache_of(request)
    if year is not None and year not in ev.available_years(store, cache):
        raise InputError(
            f"expected a year among {ev.available_years(store, cache)}, got {year}", field="year"
        )
    report = region_report(
        store,
        code.strip()[:MAX_TEXT],
        language=language_of(request),
        year=year,
        data_dir=request.app.state.evidence.data_dir,
        cache=cache,
    )
    return _attachment(export(report, fmt))


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound(f"no report format {fmt[:MAX_TEXT]!r}; formats: {', '.join(FORMATS)}")


def _attachment(rendered: ReportFile) -> Response:
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"content-disposition": f'attachment; filename="{rendered.filename}"'},
    )


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/assessments/{assessment_id}/report.{fmt}", name="reports:assessment")
def download_assessment_report(
    request: Request, db: DbSession, principal: AssessmentReader, assessment_id: int, fmt: str
) -> Response:
    """The assessment report (``polisee-assessment-<region>-<round>-<id>-<lang>``), for
    readers to whom the results are open, as on the results page."""
    _check_format(fmt)
    store, cache = statistics(request)
    report = assessment_report(
        db,
        assessment_id,
        principal,
        language=language_of(request),
        store=store,
        cache=cache,
        encoder=pr.default_encoder(),
        base_url=_base_url(request),
    )
    return _attachment(export(report, fmt))


@router.get("/plans/{plan_id}/report.{fmt}", name="reports:plan")
def download_plan_report(
    request: Request, db: DbSession, principal: PlanReader, plan_id: int, fmt: str
) -> Response:
    """The plan monitoring report (``polisee-plan-<id>-<date>-<lang>``), for readers with
    whom the plan is shared, as on the dashboard."""
    _check_format(fmt)
    store, cache = statistics(request)
    report = plan_report(
        db,
        plan_id,
        principal,
        language=language_of(request),
        store=store,
        cache=cache,
        base_url=_base_url(request),
    )
    return _attachment(export(report, fmt))

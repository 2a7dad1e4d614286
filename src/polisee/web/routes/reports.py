"""Reports for download: the region profile as PDF, HTML or XLSX in the reader's language.

Public like the profile it prints (``evidence:read``). The language is ``?lang=``, else the
visitor's (cookie, ``Accept-Language``); the file is built by :mod:`polisee.services.reports`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services.permissions import Permission
from polisee.services.reports import FORMATS, export, region_report
from polisee.services.sessions import Principal
from polisee.web.routes.evidence import Store, cache_of
from polisee.web.security import require
from polisee.web.templating import language_of

__all__ = ["router"]

router = APIRouter()
Reader = Annotated[Principal, require(Permission.EVIDENCE_READ)]
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
    if fmt not in FORMATS:
        raise NotFound(f"no report format {fmt[:MAX_TEXT]!r}; formats: {', '.join(FORMATS)}")
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
    rendered = export(report, fmt)
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"content-disposition": f'attachment; filename="{rendered.filename}"'},
    )

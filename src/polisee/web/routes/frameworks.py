"""Assessment frameworks: their versions, one version's content, and the administrator's
edit, which stores a new version (assessments keep the version they were created with)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from polisee.errors import Conflict, InputError
from polisee.services import assessment as sa
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._assessment_common import Reader
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter(prefix="/frameworks")
FrameworkEditor = Annotated[Principal, require(Permission.FRAMEWORK_EDIT)]


def _list_page(
    request: Request, db: Session, extra: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    versions = sa.list_frameworks(db)
    stored = {v.key for v in versions}
    context = {
        "versions": versions,
        "shipped": [k for k in sa.shipped_frameworks() if k not in stored],
        "yaml_text": "",
        **(extra or {}),
    }
    return render(request, "frameworks/list.html", context, status_code=status_code)


@router.get("", name="frameworks:list")
def list_frameworks(request: Request, db: DbSession, principal: Reader) -> Response:
    """Every framework version, with how many assessments use each."""
    return _list_page(request, db)


@router.get("/{framework_id}", name="frameworks:show")
def show_framework(
    request: Request, db: DbSession, principal: Reader, framework_id: int
) -> Response:
    """One version: themes, criteria, guiding questions, evidence, indicators and its YAML."""
    framework = sa.get_framework(db, framework_id)
    latest = sa.latest_framework(db, framework.key)
    context = {
        "framework": framework,
        "definition": sa.definition_of(framework),
        "latest": latest is not None and latest.id == framework.id,
        "indicators": sa.INDICATORS,
    }
    return render(request, "frameworks/show.html", context)


@router.post("", name="frameworks:import")
def import_framework(
    request: Request,
    db: DbSession,
    principal: FrameworkEditor,
    yaml_text: Annotated[str, Form(max_length=sa.MAX_TEXT * 40)],
) -> Response:
    """Store edited or new framework YAML as a new version (administrators)."""
    try:
        framework = sa.import_framework(db, yaml_text, actor=principal.actor, source="form")
    except (InputError, Conflict) as exc:
        # Nothing was stored: the text comes back with the problem, its line and field.
        db.rollback()
        status = 422 if isinstance(exc, InputError) else 409
        return _list_page(request, db, {"error": exc, "yaml_text": yaml_text}, status)
    return RedirectResponse(
        request.url_for("frameworks:show", framework_id=framework.id).path, status_code=303
    )

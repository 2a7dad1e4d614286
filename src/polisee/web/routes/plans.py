"""Action plans: the list, a new plan (optionally from an assessment's weak criteria), the
monitoring dashboard (KPI progress, overdue milestones and reports, timeline), the KPI
table as CSV or XLSX, KPI reports, and pilot evaluations that become good practices."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from polisee.errors import InputError, NotFound
from polisee.services import assessment as sa
from polisee.services import plans as pl
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._plans_common import (
    LABELS,
    Editor,
    PlanFormatter,
    Proposer,
    Reader,
    dashboard_charts,
    formatter,
    is_htmx,
    kpi_chart,
    monitoring_of,
)
from polisee.web.routes.evidence import formatter_for, table_download
from polisee.web.security import DbSession
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter()


@router.get("/plans", name="plans:list")
def list_plans(request: Request, db: DbSession, principal: Reader) -> Response:
    """The plans the user may see; policy makers start new ones here."""
    context = {
        "fmt": formatter(request),
        "plans": pl.list_plans(db, principal),
        "can_create": Permission.PLAN_EDIT in principal.permissions,
        **LABELS,
    }
    return render(request, "plans/list.html", context)


@router.get("/plans/new", name="plans:new")
def new_plan(
    request: Request, db: DbSession, principal: Editor, assessment_id: int | None = None
) -> Response:
    """The form of a new plan; from an assessment, its weak criteria are offered as
    objectives (all ticked) and its region is filled in."""
    fmt = formatter(request)
    assessment, gaps = None, []
    if assessment_id is not None:
        found = sa.access(db, assessment_id, principal)
        sa.require_results(found)
        assessment = found.assessment
        gaps = sa.weak_criteria(db, assessment_id, viewer=principal, language=fmt.language)
    start = (date.today().replace(day=1) + timedelta(days=32)).replace(day=1)
    context = {
        "fmt": fmt,
        "organisations": pl.editing_organisations(db, principal.user_id),
        "assessment": assessment,
        "gaps": gaps,
        "starts_on": start,
        "ends_on": pl.add_months(start, 36) - timedelta(days=1),
    }
    return render(request, "plans/new.html", context)


@router.post("/plans", name="plans:create")
async def create_plan(request: Request, db: DbSession, principal: Editor) -> Response:
    """Create a plan; the ticked weak criteria of the assessment become its objectives."""
    form = await request.form()

    def text(name: str, limit: int = 4000) -> str:
        value = form.get(name)
        return value[:limit] if isinstance(value, str) else ""

    try:
        owner = int(text("owner_organisation_id", 12))
    except ValueError:
        raise InputError(
            "choose the organisation that owns the plan", field="owner_organisation_id"
        ) from None
    assessment_id = int(text("assessment_id", 12)) if text("assessment_id", 12).isdigit() else None
    chosen = {str(v) for v in form.getlist("gap")}
    objectives: list[pl.ObjectiveInput] = []
    if assessment_id is not None and chosen:
        objectives = [
            o
            for o in pl.objectives_from_gaps(
                db, assessment_id, principal, language=formatter(request).language
            )
            if set(o.criterion_keys) & chosen
        ]
    plan = pl.create_plan(
        db,
        pl.PlanInput(
            title=text("title", 300),
            summary=text("summary"),
            regions=tuple(re.split(r"[\s,;]+", text("regions", 200))),
            starts_on=text("starts_on", 10),
            ends_on=text("ends_on", 10),
        ),
        principal,
        owner_organisation_id=owner,
        assessment_id=assessment_id,
        objectives=objectives,
    )
    return RedirectResponse(str(request.url_for("plans:edit", plan_id=plan.id)), status_code=303)


@router.get("/plans/{plan_id}", name="plans:show")
def show_plan(request: Request, db: DbSession, principal: Reader, plan_id: int) -> Response:
    """The monitoring dashboard. When an owner (an editor or an action owner) opens it, the
    reminders of this plan due today are sent (once a day)."""
    found = pl.viewable(db, plan_id, principal)
    if found.is_owner:
        pl.send_reminders(db, date.today(), actor=principal.actor, plan_id=plan_id)
    monitoring = monitoring_of(request, db, principal, plan_id)
    fmt = formatter(request)
    context = {
        "fmt": fmt,
        "m": monitoring,
        "plan": monitoring.plan,
        "access": monitoring.access,
        "charts": dashboard_charts(monitoring, fmt),
        **LABELS,
    }
    return render(request, "plans/show.html", context)


@router.get("/plans/{plan_id}/kpis.{fmt}", name="plans:kpi_table")
def download_kpis(
    request: Request, db: DbSession, principal: Reader, plan_id: int, fmt: str
) -> Response:
    """The plan's KPI table (baseline, latest value, target, share travelled, status,
    reports owed) as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise NotFound(f"no KPI table as {fmt[:10]!r}")
    monitoring = monitoring_of(request, db, principal, plan_id)
    frame = pd.DataFrame(pl.kpi_rows(monitoring))
    if frame.empty:
        frame = pd.DataFrame(columns=["kpi", "title", "kind", "status"])
    slug = re.sub(r"[^a-z0-9]+", "-", monitoring.plan.title.lower()).strip("-")[:40] or "plan"
    return table_download(
        frame,
        fmt=fmt,
        filename=f"plan-{plan_id}-kpis-{slug}",
        title=monitoring.plan.title,
        sources=[],
        notes=[
            "Computed KPIs: values from the statistics store, recomputed when new data is loaded.",
            "Reported KPIs: values reported by the action owners, with their evidence.",
            "Share travelled: (latest - baseline) / (target - baseline).",
        ],
        formatter=formatter_for(request),
    )


def _reports_context(
    request: Request, db: DbSession, principal: Principal, plan_id: int, kpi_id: int
) -> dict[str, Any]:
    pl.get_kpi(db, plan_id, kpi_id, principal)
    monitoring = monitoring_of(request, db, principal, plan_id)
    state = next(s for s in monitoring.kpis if s.kpi.id == kpi_id)
    fmt: PlanFormatter = formatter(request)
    return {
        "fmt": fmt,
        "plan": monitoring.plan,
        "m": monitoring,
        "state": state,
        "kpi": state.kpi,
        "action": next((a for a in monitoring.actions if a.action.id == state.kpi.action_id), None),
        "chart": kpi_chart(state, fmt),
        "today": date.today(),
        **LABELS,
    }


@router.get("/plans/{plan_id}/kpis/{kpi_id}/reports", name="plans:kpi_reports")
def show_kpi_reports(
    request: Request, db: DbSession, principal: Reader, plan_id: int, kpi_id: int
) -> Response:
    """A KPI's values and reports; its action's owners report a new value here."""
    return render(
        request, "plans/reports.html", _reports_context(request, db, principal, plan_id, kpi_id)
    )


@router.post("/plans/{plan_id}/kpis/{kpi_id}/reports", name="plans:report_kpi")
def report_kpi(
    request: Request,
    db: DbSession,
    principal: Reader,
    plan_id: int,
    kpi_id: int,
    value: Annotated[str, Form(max_length=40)],
    as_of: Annotated[str, Form(max_length=10)],
    evidence: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Report a value with its date and evidence (htmx: the reports block comes back)."""
    error: InputError | None = None
    try:
        pl.report_value(db, plan_id, kpi_id, pl.ReportInput(value, as_of, evidence), principal)
    except InputError as exc:
        if not is_htmx(request):
            raise
        db.rollback()
        error = exc
    if is_htmx(request):
        context = _reports_context(request, db, principal, plan_id, kpi_id)
        return render(request, "plans/reports.html", {**context, "error": error}, block="reports")
    url = request.url_for("plans:kpi_reports", plan_id=plan_id, kpi_id=kpi_id)
    return RedirectResponse(str(url), status_code=303)


def _pilot_context(
    request: Request, db: DbSession, principal: Principal, plan_id: int, action_id: int
) -> dict[str, Any]:
    found, action, evaluation = pl.get_pilot(db, plan_id, action_id, principal)
    return {
        "fmt": formatter(request),
        "plan": found.plan,
        "action": action,
        "evaluation": evaluation,
        "can_evaluate": found.owns_action(action.id),
        "can_propose": found.owns_action(action.id)
        and Permission.PRACTICE_PROPOSE in principal.permissions,
        **LABELS,
    }


@router.get("/plans/{plan_id}/actions/{action_id}/pilot", name="plans:pilot")
def show_pilot(
    request: Request, db: DbSession, principal: Reader, plan_id: int, action_id: int
) -> Response:
    """A pilot action's evaluation: before, after, lessons learned, and the good practice
    made from it."""
    return render(
        request, "plans/pilot.html", _pilot_context(request, db, principal, plan_id, action_id)
    )


@router.post("/plans/{plan_id}/actions/{action_id}/pilot", name="plans:evaluate_pilot")
def evaluate_pilot(
    request: Request,
    db: DbSession,
    principal: Reader,
    plan_id: int,
    action_id: int,
    before: Annotated[str, Form(max_length=4000)] = "",
    after: Annotated[str, Form(max_length=4000)] = "",
    lessons: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Write or change the pilot's evaluation (its owners and the plan's editors)."""
    pl.save_pilot_evaluation(
        db, plan_id, action_id, pl.PilotInput(before, after, lessons), principal
    )
    url = request.url_for("plans:pilot", plan_id=plan_id, action_id=action_id)
    return RedirectResponse(str(url), status_code=303)


@router.post("/plans/{plan_id}/actions/{action_id}/pilot/practice", name="plans:pilot_practice")
def turn_pilot_into_practice(
    request: Request, db: DbSession, principal: Proposer, plan_id: int, action_id: int
) -> Response:
    """Turn the evaluated pilot into a draft good practice by the caller, who then
    completes and submits it for validation."""
    practice = pl.practice_from_pilot(
        db, plan_id, action_id, principal, language=formatter(request).language
    )
    return RedirectResponse(
        str(request.url_for("practices:show", practice_id=practice.id)), status_code=303
    )

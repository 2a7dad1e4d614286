"""Editing a plan: its header, and htmx sub-forms for objectives, actions, milestones, risks
and KPIs, each returning the editor block (or a redirect without htmx); removing items;
marking milestones done (action owners too)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from polisee.errors import InputError, NotFound
from polisee.services import accounts
from polisee.services import assessment as sa
from polisee.services import plans as pl
from polisee.services import practices as pr
from polisee.services.sessions import Principal
from polisee.web.routes._assessment_common import statistics
from polisee.web.routes._plans_common import (
    ACTION_STATUS,
    KPI_STATUS,
    LABELS,
    LEVELS,
    MILESTONE_STATUS,
    PLAN_STATUS,
    Editor,
    Reader,
    form_int,
    form_ints,
    formatter,
    is_htmx,
    monitoring_of,
)
from polisee.web.security import DbSession
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter()


def _editor_context(
    request: Request, db: DbSession, principal: Principal, plan_id: int
) -> dict[str, Any]:
    fmt = formatter(request)
    pl.editable(db, plan_id, principal)
    monitoring = pl.plan_monitoring(db, plan_id, principal, language=fmt.language)
    plan = monitoring.plan
    criteria: list[tuple[str, list[tuple[str, str]]]] = []
    if plan.assessment_id is not None:
        found = sa.access(db, plan.assessment_id, principal)
        if found.can_view:
            criteria = [
                (
                    theme.label(fmt.language),
                    [(c.key, c.title(fmt.language)) for c in theme.criteria],
                )
                for theme in found.definition.themes
            ]
    return {
        "fmt": fmt,
        "m": monitoring,
        "plan": plan,
        "criteria": criteria,
        "practices": pl.practice_choices(db, principal),
        "organisations": accounts.list_organisations(db),
        "instruments": pr.INSTRUMENTS,
        "indicators": [
            (key, kind, fmt.gettext(pl.KPI_INDICATOR_NAMES.get(key, key)))
            for key, kind in pl.KPI_INDICATORS.items()
        ],
        "plan_status": PLAN_STATUS,
        "action_status": ACTION_STATUS,
        "kpi_status": KPI_STATUS,
        "milestone_status": MILESTONE_STATUS,
        "levels": LEVELS,
        "today": date.today(),
    }


@router.get("/plans/{plan_id}/edit", name="plans:edit")
def edit_plan(request: Request, db: DbSession, principal: Editor, plan_id: int) -> Response:
    """The plan editor: header, objectives, actions, milestones, risks and KPIs."""
    return render(request, "plans/edit.html", _editor_context(request, db, principal, plan_id))


@router.post("/plans/{plan_id}", name="plans:update")
async def update_plan(request: Request, db: DbSession, principal: Editor, plan_id: int) -> Response:
    """Change the plan's title, regions, period, status and publication."""
    form = await request.form()
    pl.update_plan(
        db,
        plan_id,
        pl.PlanInput(
            title=_text(form, "title", 300),
            summary=_text(form, "summary"),
            regions=tuple(re.split(r"[\s,;]+", _text(form, "regions", 200))),
            starts_on=_text(form, "starts_on", 10),
            ends_on=_text(form, "ends_on", 10),
            status=_text(form, "status", 16),
            published=form.get("published") == "on",
        ),
        principal,
    )
    return RedirectResponse(str(request.url_for("plans:edit", plan_id=plan_id)), status_code=303)


def _text(form: FormData, name: str, limit: int = 4000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


async def _change(
    request: Request,
    db: DbSession,
    principal: Principal,
    plan_id: int,
    anchor: str,
    change: Callable[[FormData], object],
) -> Response:
    """Apply ``change`` to the posted form; htmx gets the editor block back (with the error
    of a refused input), a plain form a redirect to the editor."""
    form = await request.form()
    error: InputError | None = None
    try:
        change(form)
    except InputError as exc:
        if not is_htmx(request):
            raise
        db.rollback()
        error = exc
    if is_htmx(request):
        context = _editor_context(request, db, principal, plan_id)
        return render(
            request, "plans/edit.html", {**context, "error": error, "focus": anchor}, block="editor"
        )
    url = request.url_for("plans:edit", plan_id=plan_id)
    return RedirectResponse(f"{url}#{anchor}", status_code=303)


@router.post("/plans/{plan_id}/objectives", name="plans:add_objective")
async def add_objective(
    request: Request, db: DbSession, principal: Editor, plan_id: int
) -> Response:
    """Add an objective with its assessment criteria and the practices it transfers."""

    def change(form: FormData) -> object:
        plan = pl.get_plan(db, plan_id)
        keys = tuple(str(k) for k in form.getlist("criterion_keys"))
        return pl.add_objective(
            db,
            plan_id,
            pl.ObjectiveInput(
                title=_text(form, "title", 300),
                description=_text(form, "description"),
                assessment_id=plan.assessment_id if keys else None,
                criterion_keys=keys,
                practice_ids=form_ints(form, "practice_ids"),
            ),
            principal,
        )

    return await _change(request, db, principal, plan_id, "objectives", change)


def _action_input(db: DbSession, form: FormData) -> pl.ActionInput:
    owner = form_int(form, "owner_organisation_id", required=True)
    assert owner is not None
    email = _text(form, "responsible_email", 254).strip()
    responsible = None
    if email:
        try:
            responsible = accounts.find_user(db, email).id
        except NotFound:
            raise InputError(f"no user with email {email!r}", field="responsible_email") from None
    return pl.ActionInput(
        title=_text(form, "title", 300),
        description=_text(form, "description"),
        objective_id=form_int(form, "objective_id"),
        instrument=_text(form, "instrument", 32) or "other",
        owner_organisation_id=owner,
        responsible_id=responsible,
        partner_ids=form_ints(form, "partner_ids"),
        starts_on=_text(form, "starts_on", 10),
        ends_on=_text(form, "ends_on", 10),
        budget_eur=_text(form, "budget_eur", 20),
        funding_source=_text(form, "funding_source", 1000),
        status=_text(form, "status", 16) or "planned",
        is_pilot=form.get("is_pilot") == "on",
    )


@router.post("/plans/{plan_id}/actions", name="plans:add_action")
async def add_action(request: Request, db: DbSession, principal: Editor, plan_id: int) -> Response:
    """Add an action line (owner organisation, responsible person, partners, budget)."""
    return await _change(
        request,
        db,
        principal,
        plan_id,
        "actions",
        lambda form: pl.add_action(db, plan_id, _action_input(db, form), principal),
    )


@router.post("/plans/{plan_id}/actions/{action_id}", name="plans:update_action")
async def update_action(
    request: Request, db: DbSession, principal: Editor, plan_id: int, action_id: int
) -> Response:
    """Change an action: status, dates, budget, owners, partners."""
    return await _change(
        request,
        db,
        principal,
        plan_id,
        f"action-{action_id}",
        lambda form: pl.update_action(db, plan_id, action_id, _action_input(db, form), principal),
    )


@router.post("/plans/{plan_id}/milestones", name="plans:add_milestone")
async def add_milestone(
    request: Request, db: DbSession, principal: Editor, plan_id: int
) -> Response:
    """Add a milestone to one of the plan's actions."""

    def change(form: FormData) -> object:
        action_id = form_int(form, "action_id", required=True)
        assert action_id is not None
        data = pl.MilestoneInput(action_id, _text(form, "title", 300), _text(form, "due_on", 10))
        return pl.add_milestone(db, plan_id, data, principal)

    return await _change(request, db, principal, plan_id, "milestones", change)


@router.post("/plans/{plan_id}/milestones/{milestone_id}", name="plans:mark_milestone")
def mark_milestone(
    request: Request,
    db: DbSession,
    principal: Reader,
    plan_id: int,
    milestone_id: int,
    done_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Mark a milestone done on a date (an empty date opens it again): the action's owners
    and the plan's editors. htmx gets the dashboard's milestones block back."""
    day = pl.parse_date(done_on, "done_on", required=False)
    pl.set_milestone_done(db, plan_id, milestone_id, principal, done_on=day)
    if is_htmx(request):
        monitoring = monitoring_of(request, db, principal, plan_id)
        context = {"fmt": formatter(request), "m": monitoring, "plan": monitoring.plan, **LABELS}
        return render(request, "plans/show.html", context, block="milestones")
    url = request.url_for("plans:show", plan_id=plan_id)
    return RedirectResponse(f"{url}#milestones", status_code=303)


@router.post("/plans/{plan_id}/risks", name="plans:add_risk")
async def add_risk(request: Request, db: DbSession, principal: Editor, plan_id: int) -> Response:
    """Add a risk with its likelihood, impact and mitigation."""

    def change(form: FormData) -> object:
        data = pl.RiskInput(
            description=_text(form, "description"),
            likelihood=_text(form, "likelihood", 16),
            impact=_text(form, "impact", 16),
            mitigation=_text(form, "mitigation"),
            action_id=form_int(form, "action_id"),
        )
        return pl.add_risk(db, plan_id, data, principal)

    return await _change(request, db, principal, plan_id, "risks", change)


@router.post("/plans/{plan_id}/kpis", name="plans:add_kpi")
async def add_kpi(request: Request, db: DbSession, principal: Editor, plan_id: int) -> Response:
    """Add a KPI, computed from the statistics (checked against the data when loaded) or
    reported by the action owners."""
    store, cache = statistics(request)

    def change(form: FormData) -> object:
        data = pl.KpiInput(
            title=_text(form, "title", 300),
            kind=_text(form, "kind", 16),
            unit=_text(form, "unit", 60),
            baseline_year=_text(form, "baseline_year", 4),
            target_value=_text(form, "target_value", 40),
            target_year=_text(form, "target_year", 4),
            objective_id=form_int(form, "objective_id"),
            action_id=form_int(form, "action_id"),
            indicator_key=_text(form, "indicator_key", 64),
            measure=_text(form, "measure", 64),
            industry=_text(form, "industry", 20),
            cluster=_text(form, "cluster", 20),
            nuts_level=_text(form, "nuts_level", 2) or 2,
            value_column=_text(form, "value_column", 64),
            region_code=_text(form, "region_code", 10),
            baseline_value=_text(form, "baseline_value", 40),
            reporting_months=_text(form, "reporting_months", 3),
        )
        return pl.add_kpi(db, plan_id, data, principal, store=store, cache=cache)

    return await _change(request, db, principal, plan_id, "kpis", change)


@router.post("/plans/{plan_id}/{collection}/{item_id}/removal", name="plans:remove_item")
async def remove_item(
    request: Request, db: DbSession, principal: Editor, plan_id: int, collection: str, item_id: int
) -> Response:
    """Take an objective, action, milestone, risk or KPI out of the plan."""
    if collection not in pl.COLLECTIONS:
        raise NotFound(f"no {collection[:40]!r} in a plan")
    return await _change(
        request,
        db,
        principal,
        plan_id,
        collection,
        lambda form: pl.remove_item(db, plan_id, collection, item_id, principal),
    )

"""Writing a plan's items: actions (owners, partners, budget), milestones (action owners
mark them done), risks and KPIs, and taking items out again. Every change writes an audit
entry; nothing here commits."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Membership
from polisee.records.plans import (
    Action,
    ActionPartner,
    Kpi,
    KpiKind,
    Milestone,
    Objective,
    PilotEvaluation,
    Plan,
    Risk,
)
from polisee.services.audit import record_change, snapshot
from polisee.services.evidence import EvidenceCache
from polisee.services.plans._access import editable, viewable
from polisee.services.plans._edit import _organisation, _plain
from polisee.services.plans._kpis import KpiSource, computed_series
from polisee.services.plans._model import ActionInput, KpiInput, MilestoneInput, RiskInput
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore

__all__ = [
    "COLLECTIONS",
    "add_action",
    "add_kpi",
    "add_milestone",
    "add_risk",
    "remove_item",
    "set_milestone_done",
    "update_action",
]

_ACTION_FIELDS = (
    "title",
    "objective_id",
    "instrument",
    "owner_organisation_id",
    "responsible_id",
    "starts_on",
    "ends_on",
    "budget_eur",
    "status",
    "is_pilot",
)
_KPI_FIELDS = (
    "title",
    "kind",
    "indicator_key",
    "measure",
    "industry",
    "cluster",
    "nuts_level",
    "value_column",
    "region_code",
    "baseline_year",
    "baseline_value",
    "target_value",
    "target_year",
    "reporting_months",
    "objective_id",
    "action_id",
)


def _in_plan(
    session: Session, kind: type[Any], item_id: int | None, plan_id: int, field: str
) -> Any:
    if item_id is None:
        return None
    found = session.get(kind, item_id)
    if found is None or found.plan_id != plan_id:
        raise InputError(f"expected an item of this plan, got {item_id}", field=field)
    return found


def _action_values(session: Session, plan: Plan, data: ActionInput) -> dict[str, Any]:
    values = data.checked()
    _in_plan(session, Objective, values["objective_id"], plan.id, "objective_id")
    _organisation(session, values["owner_organisation_id"], "owner_organisation_id")
    for partner in values["partner_ids"]:
        _organisation(session, partner, "partner_ids")
    responsible = values["responsible_id"]
    if responsible is not None and (
        session.scalar(
            select(Membership.id).where(
                Membership.user_id == responsible,
                Membership.organisation_id == values["owner_organisation_id"],
            )
        )
        is None
    ):
        raise InputError(
            "the responsible person must belong to the owner organisation", field="responsible_id"
        )
    return values


def add_action(session: Session, plan_id: int, data: ActionInput, principal: Principal) -> Action:
    """Add an action line with its owner organisation, partners and budget."""
    plan = editable(session, plan_id, principal).plan
    values = _action_values(session, plan, data)
    partners = values.pop("partner_ids")
    action = Action(plan_id=plan.id, **values)
    action.partners = [ActionPartner(organisation_id=p) for p in partners]
    session.add(action)
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.action.add",
        "plan_action",
        action.id,
        after={
            "plan_id": plan.id,
            **_plain(snapshot(action, _ACTION_FIELDS)),
            "partners": partners,
        },
    )
    return action


def update_action(
    session: Session, plan_id: int, action_id: int, data: ActionInput, principal: Principal
) -> Action:
    """Change an action (its status, dates, budget, owners)."""
    plan = editable(session, plan_id, principal).plan
    action = session.scalar(
        select(Action)
        .where(Action.id == action_id, Action.plan_id == plan.id)
        .options(selectinload(Action.partners))
    )
    if action is None:
        raise NotFound(f"no action {action_id} in plan {plan_id}")
    values = _action_values(session, plan, data)
    partners = values.pop("partner_ids")
    before = {
        **_plain(snapshot(action, _ACTION_FIELDS)),
        "partners": [p.organisation_id for p in action.partners],
    }
    if not values["is_pilot"] and session.scalar(
        select(PilotEvaluation.id).where(PilotEvaluation.action_id == action.id)
    ):
        raise Conflict("this pilot has an evaluation; it stays a pilot")
    for name, value in values.items():
        setattr(action, name, value)
    keep = [p for p in action.partners if p.organisation_id in partners]
    action.partners = keep + [
        ActionPartner(organisation_id=p)
        for p in partners
        if p not in {k.organisation_id for k in keep}
    ]
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.action.update",
        "plan_action",
        action.id,
        before=before,
        after={**_plain(snapshot(action, _ACTION_FIELDS)), "partners": partners},
    )
    return action


def add_milestone(
    session: Session, plan_id: int, data: MilestoneInput, principal: Principal
) -> Milestone:
    """Add a dated milestone to one of the plan's actions."""
    plan = editable(session, plan_id, principal).plan
    values = data.checked()
    _in_plan(session, Action, values["action_id"], plan.id, "action_id")
    milestone = Milestone(**values)
    session.add(milestone)
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.milestone.add",
        "plan_milestone",
        milestone.id,
        after={"plan_id": plan.id, **_plain(values)},
    )
    return milestone


def set_milestone_done(
    session: Session,
    plan_id: int,
    milestone_id: int,
    principal: Principal,
    *,
    done_on: date | None,
) -> Milestone:
    """Mark a milestone done on ``done_on`` (None opens it again): plan editors and the
    owners of its action."""
    found = viewable(session, plan_id, principal)
    milestone = session.get(Milestone, milestone_id)
    action = session.get(Action, milestone.action_id) if milestone is not None else None
    if milestone is None or action is None or action.plan_id != found.plan.id:
        raise NotFound(f"no milestone {milestone_id} in plan {plan_id}")
    if not found.owns_action(action.id):
        raise PermissionDenied("only the action's owners and the plan's editors mark milestones")
    if done_on is not None and done_on > date.today():
        raise InputError("expected a date that is not in the future", field="done_on")
    before = {"done_on": milestone.done_on.isoformat() if milestone.done_on else None}
    milestone.done_on = done_on
    milestone.done_by_id = principal.user_id if done_on is not None else None
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.milestone.done" if done_on is not None else "plan.milestone.reopen",
        "plan_milestone",
        milestone.id,
        before=before,
        after={"done_on": done_on.isoformat() if done_on else None},
    )
    return milestone


def add_risk(session: Session, plan_id: int, data: RiskInput, principal: Principal) -> Risk:
    """Add a risk (to the plan, or to one of its actions)."""
    plan = editable(session, plan_id, principal).plan
    values = data.checked()
    _in_plan(session, Action, values["action_id"], plan.id, "action_id")
    risk = Risk(plan_id=plan.id, **values)
    session.add(risk)
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.risk.add",
        "plan_risk",
        risk.id,
        after={"plan_id": plan.id, **snapshot(risk, ("likelihood", "impact", "action_id"))},
    )
    return risk


def add_kpi(
    session: Session,
    plan_id: int,
    data: KpiInput,
    principal: Principal,
    *,
    store: StatsStore | None = None,
    cache: EvidenceCache | None = None,
) -> Kpi:
    """Add a KPI. A computed KPI's region must be one of the plan's; with a statistics
    store at hand its indicator is computed once to check that the region has data in the
    baseline year."""
    plan = editable(session, plan_id, principal).plan
    values = data.checked()
    _in_plan(session, Objective, values["objective_id"], plan.id, "objective_id")
    _in_plan(session, Action, values["action_id"], plan.id, "action_id")
    if values["kind"] is KpiKind.COMPUTED:
        regions = [r.region_code for r in plan.regions]
        if values["region_code"] not in regions:
            raise InputError(
                f"expected one of the plan's regions {regions}, got {values['region_code']!r}",
                field="region_code",
            )
        if store is not None:
            series = computed_series(store, KpiSource.of(values), cache=cache)
            if dict(series).get(values["baseline_year"]) is None:
                years = [year for year, value in series if value is not None]
                raise InputError(
                    f"no value in {values['baseline_year']} for this indicator and region "
                    f"(years with data: {years or 'none'})",
                    field="baseline_year",
                )
    kpi = Kpi(plan_id=plan.id, **values)
    session.add(kpi)
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.kpi.add",
        "plan_kpi",
        kpi.id,
        after={"plan_id": plan.id, **snapshot(kpi, _KPI_FIELDS)},
    )
    return kpi


COLLECTIONS: dict[str, type[Any]] = {
    "objectives": Objective,
    "actions": Action,
    "milestones": Milestone,
    "risks": Risk,
    "kpis": Kpi,
}
"""The plan's item kinds that can be removed, by their URL name."""


def remove_item(
    session: Session, plan_id: int, collection: str, item_id: int, principal: Principal
) -> None:
    """Take an objective, action (with its milestones), milestone, risk or KPI (with its
    reports) out of the plan. An action whose pilot became a practice stays."""
    plan = editable(session, plan_id, principal).plan
    kind = COLLECTIONS.get(collection)
    if kind is None:
        raise NotFound(f"no {collection[:40]!r} in a plan")
    item = session.get(kind, item_id)
    owner_plan = None
    if isinstance(item, Milestone):
        action = session.get(Action, item.action_id)
        owner_plan = action.plan_id if action is not None else None
    elif item is not None:
        owner_plan = item.plan_id
    if item is None or owner_plan != plan.id:
        raise NotFound(f"no {collection} {item_id} in plan {plan_id}")
    if isinstance(item, Action) and session.scalar(
        select(PilotEvaluation.practice_id).where(
            PilotEvaluation.action_id == item.id, PilotEvaluation.practice_id.is_not(None)
        )
    ):
        raise Conflict("this pilot became a good practice; it stays in the plan")
    label = getattr(item, "title", None) or getattr(item, "description", "")[:120]
    session.delete(item)
    session.flush()
    record_change(
        session,
        principal.actor,
        f"plan.{collection.rstrip('s')}.remove",
        f"plan_{collection.rstrip('s')}",
        item_id,
        before={"plan_id": plan.id, "title": label},
    )

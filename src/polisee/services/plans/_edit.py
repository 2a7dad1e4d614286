"""Writing a plan: its header, objectives, actions, milestones, risks and KPIs, and taking
items out again. Editors only (see :mod:`._access`), except milestones, which action owners
mark done. Every change writes an audit entry; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Membership, Organisation
from polisee.records.base import utcnow
from polisee.records.plans import (
    Action,
    ActionPartner,
    Kpi,
    KpiKind,
    Milestone,
    Objective,
    ObjectivePractice,
    PilotEvaluation,
    Plan,
    PlanRegion,
    Risk,
)
from polisee.records.practices import Practice, PracticeState
from polisee.services import assessment as sa
from polisee.services.audit import record_change, snapshot
from polisee.services.evidence import EvidenceCache
from polisee.services.permissions import Permission, check_permission
from polisee.services.plans._access import editable, organisations_of, viewable
from polisee.services.plans._kpis import KpiSource, computed_series
from polisee.services.plans._model import (
    ActionInput,
    KpiInput,
    MilestoneInput,
    ObjectiveInput,
    PlanInput,
    RiskInput,
)
from polisee.services.practices import can_view, get_practice
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore

__all__ = [
    "COLLECTIONS",
    "add_action",
    "add_kpi",
    "add_milestone",
    "add_objective",
    "add_risk",
    "create_plan",
    "objectives_from_gaps",
    "practice_choices",
    "remove_item",
    "set_milestone_done",
    "update_action",
    "update_plan",
]

_PLAN_FIELDS = ("title", "starts_on", "ends_on", "status", "published", "owner_organisation_id")
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


def _view(plan: Plan) -> dict[str, Any]:
    out = snapshot(plan, _PLAN_FIELDS)
    out["regions"] = [r.region_code for r in plan.regions]
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in out.items()}


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _organisation(session: Session, organisation_id: int | None, field: str) -> Organisation:
    found = session.get(Organisation, organisation_id) if organisation_id is not None else None
    if found is None:
        raise InputError(f"expected an existing organisation, got {organisation_id!r}", field=field)
    return found


def create_plan(
    session: Session,
    data: PlanInput,
    principal: Principal,
    *,
    owner_organisation_id: int,
    assessment_id: int | None = None,
    objectives: Sequence[ObjectiveInput] = (),
    demo: bool = False,
) -> Plan:
    """A new plan owned by one of the principal's organisations (needs ``plan:edit``),
    optionally started from an assessment, with its first objectives."""
    check_permission(principal.permissions, Permission.PLAN_EDIT)
    values = data.checked()
    _organisation(session, owner_organisation_id, "owner_organisation_id")
    if principal.user_id is not None and owner_organisation_id not in organisations_of(
        session, principal.user_id
    ):
        raise PermissionDenied("a plan belongs to one of your own organisations")
    if (
        assessment_id is not None
        and not sa.access(session, assessment_id, principal).can_view_results
    ):
        raise PermissionDenied("the results of this assessment are not shared with you")
    regions = values.pop("regions")
    plan = Plan(
        **values,
        owner_organisation_id=owner_organisation_id,
        assessment_id=assessment_id,
        created_by_id=principal.user_id,
        demo=demo,
    )
    plan.regions = [PlanRegion(region_code=code) for code in regions]
    session.add(plan)
    session.flush()
    record_change(session, principal.actor, "plan.create", "plan", plan.id, after=_view(plan))
    for objective in objectives:
        _add_objective(session, plan, objective, principal)
    return plan


def update_plan(session: Session, plan_id: int, data: PlanInput, principal: Principal) -> Plan:
    """Change the plan's header (title, regions, period, status, publication)."""
    plan = editable(session, plan_id, principal).plan
    before = _view(plan)
    values = data.checked()
    regions = values.pop("regions")
    used = set(session.scalars(select(Kpi.region_code).where(Kpi.plan_id == plan.id))) - {None}
    if used - set(regions):
        raise InputError(
            f"KPIs are computed for {', '.join(sorted(str(u) for u in used))}; keep those regions",
            field="regions",
        )
    for name, value in values.items():
        setattr(plan, name, value)
    keep = [r for r in plan.regions if r.region_code in regions]
    plan.regions = keep + [
        PlanRegion(region_code=code)
        for code in regions
        if code not in {r.region_code for r in keep}
    ]
    plan.updated_at = utcnow()
    session.flush()
    record_change(
        session, principal.actor, "plan.update", "plan", plan.id, before=before, after=_view(plan)
    )
    return plan


def objectives_from_gaps(
    session: Session, assessment_id: int, principal: Principal, *, language: str = "en"
) -> list[ObjectiveInput]:
    """One objective per weak criterion of the assessment (weakest first), linked to it."""
    return [
        ObjectiveInput(
            title=gap.criterion_title,
            description=gap.guiding_text,
            assessment_id=assessment_id,
            criterion_keys=(gap.criterion_key,),
        )
        for gap in sa.weak_criteria(session, assessment_id, viewer=principal, language=language)
    ]


def practice_choices(session: Session, principal: Principal) -> list[tuple[int, str]]:
    """``(id, title)`` of the practices an objective may link for this principal: the
    published ones and the principal's own."""
    query = select(Practice).where(
        or_(Practice.state == PracticeState.PUBLISHED, Practice.author_id == principal.user_id)
    )
    return [
        (p.id, p.title)
        for p in session.scalars(query.order_by(Practice.title, Practice.id))
        if can_view(p, principal)
    ]


def _add_objective(
    session: Session, plan: Plan, data: ObjectiveInput, principal: Principal
) -> Objective:
    values = data.checked()
    practice_ids = values.pop("practice_ids")
    if values["assessment_id"] is not None:
        found = sa.access(session, values["assessment_id"], principal)
        if not found.can_view:
            raise InputError("that assessment is not shared with you", field="assessment_id")
        known = {c.key for c in found.definition.criteria}
        unknown = [k for k in values["criterion_keys"] if k not in known]
        if unknown:
            raise InputError(
                f"expected criteria of the assessment's framework, got {unknown[:3]}",
                field="criterion_keys",
            )
    for practice_id in practice_ids:
        try:
            get_practice(session, practice_id, principal)
        except (NotFound, PermissionDenied):
            raise InputError(
                f"expected a good practice you can see, got {practice_id}", field="practice_ids"
            ) from None
    objective = Objective(plan_id=plan.id, **values)
    objective.practices = [ObjectivePractice(practice_id=p) for p in practice_ids]
    session.add(objective)
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.objective.add",
        "plan_objective",
        objective.id,
        after={"plan_id": plan.id, **values, "practice_ids": practice_ids},
    )
    return objective


def add_objective(
    session: Session, plan_id: int, data: ObjectiveInput, principal: Principal
) -> Objective:
    """Add an objective (assessment and criteria checked against the framework, practices
    against what the principal may see)."""
    return _add_objective(session, editable(session, plan_id, principal).plan, data, principal)


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

"""Writing a plan: its header and its objectives (assessment criteria, practices), also
from an assessment's gaps. Editors only (see :mod:`._access`). Every change writes an audit
entry; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from polisee.errors import InputError, NotFound, PermissionDenied
from polisee.records.accounts import Organisation
from polisee.records.base import utcnow
from polisee.records.plans import (
    Kpi,
    Objective,
    ObjectivePractice,
    Plan,
    PlanRegion,
)
from polisee.records.practices import Practice, PracticeState
from polisee.services import assessment as sa
from polisee.services.audit import record_change, snapshot
from polisee.services.permissions import Permission, check_permission
from polisee.services.plans._access import editable, organisations_of
from polisee.services.plans._model import (
    ObjectiveInput,
    PlanInput,
)
from polisee.services.practices import can_view, get_practice
from polisee.services.sessions import Principal

__all__ = [
    "add_objective",
    "create_plan",
    "objectives_from_gaps",
    "practice_choices",
    "update_plan",
]

_PLAN_FIELDS = ("title", "starts_on", "ends_on", "status", "published", "owner_organisation_id")


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

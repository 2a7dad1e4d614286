"""What action owners write: KPI values with evidence, and pilot evaluations, which turn
into a draft good practice in one step."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Organisation
from polisee.records.assessments import Assessment, Framework
from polisee.records.base import utcnow
from polisee.records.plans import Action, Kpi, KpiKind, KpiReport, Objective, PilotEvaluation
from polisee.records.practices import Practice
from polisee.services.assessment import definition_of
from polisee.services.audit import record_change
from polisee.services.permissions import Permission, check_permission
from polisee.services.plans._access import PlanAccess, viewable
from polisee.services.plans._model import PilotInput, ReportInput
from polisee.services.practices import PracticeInput, create_practice
from polisee.services.sessions import Principal

__all__ = [
    "DEFAULT_THEME",
    "get_kpi",
    "get_pilot",
    "pilot_practice_input",
    "practice_from_pilot",
    "report_value",
    "save_pilot_evaluation",
]

DEFAULT_THEME = "smart_specialisation"
"""The theme of a practice made from a pilot whose objective names no assessment
criteria: every action plan of the platform is a smart-specialisation plan."""


def get_kpi(
    session: Session, plan_id: int, kpi_id: int, principal: Principal
) -> tuple[PlanAccess, Kpi]:
    """The KPI of a plan the principal may see, with the principal's access."""
    found = viewable(session, plan_id, principal)
    kpi = session.get(Kpi, kpi_id)
    if kpi is None or kpi.plan_id != found.plan.id:
        raise NotFound(f"no KPI {kpi_id} in plan {plan_id}")
    return found, kpi


def report_value(
    session: Session, plan_id: int, kpi_id: int, data: ReportInput, principal: Principal
) -> KpiReport:
    """Report a value of a reported KPI: the plan's editors, or the owners of the KPI's
    action. Computed KPIs take no reports (their values come from the data)."""
    found, kpi = get_kpi(session, plan_id, kpi_id, principal)
    if not found.can_report(kpi):
        raise PermissionDenied("only the owners of this KPI's action and the plan's editors report")
    if kpi.kind is KpiKind.COMPUTED:
        raise Conflict("a computed KPI takes its values from the statistics, not from reports")
    values = data.checked()
    if values["as_of"] > utcnow().date():
        raise InputError("expected a date that is not in the future", field="as_of")
    report = KpiReport(
        kpi_id=kpi.id,
        reporter_id=principal.user_id,
        reporter_label=principal.display_name or principal.email or "cli",
        **values,
    )
    session.add(report)
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.kpi.report",
        "plan_kpi",
        kpi.id,
        after={"report": report.id, "value": report.value, "as_of": report.as_of.isoformat()},
    )
    return report


def get_pilot(
    session: Session, plan_id: int, action_id: int, principal: Principal
) -> tuple[PlanAccess, Action, PilotEvaluation | None]:
    """A pilot action of a plan the principal may see, with its evaluation if written."""
    found = viewable(session, plan_id, principal)
    action = session.get(Action, action_id)
    if action is None or action.plan_id != found.plan.id or not action.is_pilot:
        raise NotFound(f"no pilot action {action_id} in plan {plan_id}")
    evaluation = session.scalar(
        select(PilotEvaluation).where(PilotEvaluation.action_id == action.id)
    )
    return found, action, evaluation


def save_pilot_evaluation(
    session: Session, plan_id: int, action_id: int, data: PilotInput, principal: Principal
) -> PilotEvaluation:
    """Write or change a pilot's evaluation: the action's owners and the plan's editors."""
    found, action, evaluation = get_pilot(session, plan_id, action_id, principal)
    if not found.owns_action(action.id):
        raise PermissionDenied("only the pilot's owners and the plan's editors evaluate it")
    values = data.checked()
    before = None
    if evaluation is None:
        evaluation = PilotEvaluation(action_id=action.id)
        session.add(evaluation)
    else:
        before = {k: getattr(evaluation, k) for k in values}
    for name, value in values.items():
        setattr(evaluation, name, value)
    evaluation.updated_by_id = principal.user_id
    evaluation.updated_at = utcnow()
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.pilot.evaluate",
        "plan_action",
        action.id,
        before=before,
        after=values,
    )
    return evaluation


def _themes(session: Session, action: Action) -> list[str]:
    objectives = (
        [session.get(Objective, action.objective_id)]
        if action.objective_id is not None
        else list(session.scalars(select(Objective).where(Objective.plan_id == action.plan_id)))
    )
    themes: set[str] = set()
    for objective in objectives:
        if objective is None or objective.assessment_id is None:
            continue
        framework = session.scalar(
            select(Framework)
            .join(Assessment, Assessment.framework_id == Framework.id)
            .where(Assessment.id == objective.assessment_id)
        )
        if framework is None:
            continue
        definition = definition_of(framework)
        for key in objective.criterion_keys:
            try:
                themes.add(definition.criterion(key).theme_key)
            except KeyError:
                continue
    return sorted(themes) or [DEFAULT_THEME]


def pilot_practice_input(
    session: Session,
    found: PlanAccess,
    action: Action,
    evaluation: PilotEvaluation,
    *,
    language: str = "en",
) -> PracticeInput:
    """The draft practice a pilot becomes: the plan's regions, the themes of its objective's
    criteria, the action's instrument, budget, funding and years, results from before and
    after, the lessons learned as what others can transfer."""
    plan = found.plan
    owner = session.get(Organisation, action.owner_organisation_id)
    results = f"Before: {evaluation.before}\n\nAfter: {evaluation.after}"
    return PracticeInput(
        title=action.title,
        summary=action.description or f"A pilot action of the plan “{plan.title}”.",
        instrument=action.instrument.value,
        organisation=owner.name if owner else "",
        period_start=action.starts_on.year,
        period_end=action.ends_on.year,
        budget_eur=action.budget_eur,
        funding_source=action.funding_source,
        results=results,
        transferability=evaluation.lessons,
        language=language,
        themes=tuple(_themes(session, action)),
        regions=tuple(r.region_code for r in plan.regions),
    )


def practice_from_pilot(
    session: Session, plan_id: int, action_id: int, principal: Principal, *, language: str = "en"
) -> Practice:
    """Turn a pilot's evaluation into a draft good practice authored by the principal (the
    pilot's owners and the plan's editors, with ``practice:propose``); it then goes
    through the practices' validation. Conflict when it was done already or the
    evaluation lacks the situation after or the lessons."""
    check_permission(principal.permissions, Permission.PRACTICE_PROPOSE)
    found, action, evaluation = get_pilot(session, plan_id, action_id, principal)
    if not found.owns_action(action.id):
        raise PermissionDenied(
            "only the pilot's owners and the plan's editors turn it into a practice"
        )
    if evaluation is None or not evaluation.after or not evaluation.lessons:
        raise Conflict("write the situation after the pilot and the lessons learned first")
    if evaluation.practice_id is not None:
        raise Conflict(f"this pilot is practice {evaluation.practice_id} already")
    practice = create_practice(
        session,
        pilot_practice_input(session, found, action, evaluation, language=language),
        principal,
        demo=found.plan.demo,
    )
    evaluation.practice_id = practice.id
    session.flush()
    record_change(
        session,
        principal.actor,
        "plan.pilot.practice",
        "plan_action",
        action.id,
        after={"practice_id": practice.id},
    )
    return practice

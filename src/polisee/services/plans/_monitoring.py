"""The monitoring view of a plan: every KPI with its values and progress, milestones and
reports that are overdue or due soon, and the actions with their owners, partners and
pilots, as plain data that a page, a download or a report is made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from polisee.analytics import registry
from polisee.errors import InputError, NotFound
from polisee.records.accounts import Organisation, User
from polisee.records.assessments import Assessment, Framework
from polisee.records.plans import (
    Action,
    ActionStatus,
    Kpi,
    KpiKind,
    KpiReport,
    Milestone,
    Objective,
    PilotEvaluation,
    Plan,
    Risk,
)
from polisee.records.practices import Practice
from polisee.services.assessment import definition_of
from polisee.services.evidence import EvidenceCache
from polisee.services.plans._access import PlanAccess, viewable
from polisee.services.plans._deadlines import (
    DUE_SOON_DAYS,
    MilestoneStatus,
    ReportDue,
    milestone_status,
    report_due,
)
from polisee.services.plans._kpis import (
    KpiSource,
    Progress,
    computed_series,
    progress,
    year_fraction,
)
from polisee.services.practices import can_view as can_view_practice
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore

__all__ = [
    "ActionView",
    "CriterionLink",
    "KpiState",
    "MilestoneState",
    "Monitoring",
    "ObjectiveView",
    "kpi_rows",
    "plan_monitoring",
]

Problem = Literal["no_statistics", "no_baseline", "error"]


@dataclass(frozen=True)
class CriterionLink:
    """An assessment criterion an objective answers, titled in the reader's language."""

    key: str
    theme_key: str
    title: str


@dataclass(frozen=True)
class ObjectiveView:
    """An objective with its criteria and the practices the reader may see."""

    objective: Objective
    assessment: Assessment | None
    criteria: list[CriterionLink]
    practices: list[Practice]


@dataclass(frozen=True)
class MilestoneState:
    """A milestone, its action and its status; ``can_mark``: the reader may mark it."""

    milestone: Milestone
    action: Action
    status: MilestoneStatus
    days: int
    can_mark: bool


@dataclass(frozen=True)
class ActionView:
    """An action with its owners, partners, milestones and (for a pilot) its evaluation."""

    action: Action
    owner: str
    responsible: str | None
    responsible_email: str | None
    partners: list[str]
    milestones: list[MilestoneState]
    evaluation: PilotEvaluation | None
    owned: bool

    @property
    def overdue(self) -> bool:
        return self.action.status not in (ActionStatus.COMPLETED, ActionStatus.CANCELLED) and (
            any(m.status == "overdue" for m in self.milestones)
        )


@dataclass(frozen=True)
class KpiState:
    """A KPI with its values (years for computed KPIs, dates for reported ones), baseline,
    latest value, progress and the report it owes. ``name`` is the indicator's name for a
    computed KPI; ``problem`` says why it has no values (no statistics loaded, no value in
    the baseline year, or an error whose text is ``error``)."""

    kpi: Kpi
    name: str
    points: list[tuple[int | date, float | None]]
    baseline: float | None
    latest: float | None
    latest_at: int | date | None
    progress: Progress
    reports: list[KpiReport] = field(default_factory=list)
    due: ReportDue | None = None
    problem: Problem | None = None
    error: str = ""
    can_report: bool = False


@dataclass
class Monitoring:
    """Everything the dashboard, the downloads and a monitoring report show of one plan."""

    plan: Plan
    access: PlanAccess
    owner: str
    today: date
    objectives: list[ObjectiveView]
    actions: list[ActionView]
    risks: list[Risk]
    kpis: list[KpiState]
    stats_loaded: bool
    data_version: str | None

    @property
    def milestones(self) -> list[MilestoneState]:
        return sorted(
            (m for a in self.actions for m in a.milestones), key=lambda m: m.milestone.due_on
        )

    @property
    def overdue_milestones(self) -> list[MilestoneState]:
        return [m for m in self.milestones if m.status == "overdue"]

    @property
    def due_soon(self) -> list[MilestoneState]:
        return [m for m in self.milestones if m.status == "due_soon"]

    @property
    def overdue_reports(self) -> list[KpiState]:
        return [k for k in self.kpis if k.due is not None and k.due.overdue]

    @property
    def budget_eur(self) -> int:
        return sum(a.action.budget_eur or 0 for a in self.actions)


def _computed(
    kpi: Kpi, store: StatsStore | None, cache: EvidenceCache | None
) -> tuple[list[tuple[int | date, float | None]], Problem | None, str]:
    if store is None:
        return [], "no_statistics", ""
    try:
        series = computed_series(store, KpiSource.of(kpi), cache=cache)
    except (InputError, NotFound) as error:
        return [], "error", str(error)
    return list(series), None, ""


def _kpi_state(
    kpi: Kpi,
    plan: Plan,
    found: PlanAccess,
    reports: list[KpiReport],
    store: StatsStore | None,
    cache: EvidenceCache | None,
    today: date,
) -> KpiState:
    if kpi.kind is KpiKind.COMPUTED:
        points, problem, error = _computed(kpi, store, cache)
        values = dict(points)
        baseline = values.get(kpi.baseline_year)
        known = [(year, value) for year, value in points if value is not None]
        latest_at, latest = known[-1] if known else (None, None)
        at = float(latest_at) if isinstance(latest_at, int) else None
        if problem is None and baseline is None:
            problem = "no_baseline"
        key = kpi.indicator_key or ""
        name = registry[key].name if key in registry else "Stored figure"
        return KpiState(
            kpi=kpi,
            name=name,
            points=points,
            baseline=baseline,
            latest=latest,
            latest_at=latest_at,
            progress=progress(
                baseline,
                latest,
                kpi.target_value,
                start=kpi.baseline_year,
                end=kpi.target_year,
                at=at,
            ),
            problem=problem,
            error=error,
            can_report=False,
        )
    ordered = sorted(reports, key=lambda r: (r.as_of, r.id))
    last = ordered[-1] if ordered else None
    assert kpi.reporting_months is not None
    return KpiState(
        kpi=kpi,
        name="",
        points=[(r.as_of, r.value) for r in ordered],
        baseline=kpi.baseline_value,
        latest=last.value if last else None,
        latest_at=last.as_of if last else None,
        progress=progress(
            kpi.baseline_value,
            last.value if last else None,
            kpi.target_value,
            start=kpi.baseline_year,
            end=kpi.target_year,
            at=year_fraction(last.as_of) if last else None,
        ),
        reports=ordered,
        due=report_due(
            plan.starts_on, plan.ends_on, kpi.reporting_months, [r.as_of for r in ordered], today
        ),
        can_report=found.can_report(kpi),
    )


def _objectives(
    session: Session, plan: Plan, principal: Principal, language: str
) -> list[ObjectiveView]:
    objectives = list(
        session.scalars(
            select(Objective)
            .where(Objective.plan_id == plan.id)
            .options(selectinload(Objective.practices))
            .order_by(Objective.id)
        )
    )
    assessment_ids = {o.assessment_id for o in objectives if o.assessment_id is not None}
    assessments = {
        a.id: (a, f)
        for a, f in session.execute(
            select(Assessment, Framework)
            .join(Framework, Framework.id == Assessment.framework_id)
            .where(Assessment.id.in_(assessment_ids))
        ).all()
    }
    practice_ids = {p.practice_id for o in objectives for p in o.practices}
    practices = {
        p.id: p
        for p in session.scalars(select(Practice).where(Practice.id.in_(practice_ids)))
        if can_view_practice(p, principal)
    }
    out = []
    for objective in objectives:
        criteria: list[CriterionLink] = []
        assessment = None
        if objective.assessment_id in assessments:
            assessment, framework = assessments[objective.assessment_id]
            definition = definition_of(framework)
            for key in objective.criterion_keys:
                try:
                    criterion = definition.criterion(key)
                except (KeyError, NotFound):
                    continue
                criteria.append(CriterionLink(key, criterion.theme_key, criterion.title(language)))
        out.append(
            ObjectiveView(
                objective=objective,
                assessment=assessment,
                criteria=criteria,
                practices=[
                    practices[p.practice_id]
                    for p in objective.practices
                    if p.practice_id in practices
                ],
            )
        )
    return out


def _actions(
    session: Session, plan: Plan, found: PlanAccess, today: date, within_days: int
) -> list[ActionView]:
    actions = list(
        session.scalars(
            select(Action)
            .where(Action.plan_id == plan.id)
            .options(selectinload(Action.partners))
            .order_by(Action.starts_on, Action.id)
        )
    )
    ids = [a.id for a in actions]
    milestones: dict[int, list[Milestone]] = {}
    for m in session.scalars(
        select(Milestone)
        .where(Milestone.action_id.in_(ids))
        .order_by(Milestone.due_on, Milestone.id)
    ):
        milestones.setdefault(m.action_id, []).append(m)
    evaluations = {
        e.action_id: e
        for e in session.scalars(select(PilotEvaluation).where(PilotEvaluation.action_id.in_(ids)))
    }
    org_ids = {a.owner_organisation_id for a in actions} | {
        p.organisation_id for a in actions for p in a.partners
    }
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        ).all()
    )
    user_ids = {a.responsible_id for a in actions if a.responsible_id is not None}
    people = {
        row.id: (row.display_name, row.email)
        for row in session.execute(
            select(User.id, User.display_name, User.email).where(User.id.in_(user_ids))
        ).all()
    }
    out = []
    for action in actions:
        owned = found.owns_action(action.id)
        states = []
        for m in milestones.get(action.id, []):
            status, days = milestone_status(m, today, within_days)
            states.append(MilestoneState(m, action, status, days, owned))
        out.append(
            ActionView(
                action=action,
                owner=names.get(action.owner_organisation_id, ""),
                responsible=people[action.responsible_id][0]
                if action.responsible_id in people
                else None,
                responsible_email=people[action.responsible_id][1]
                if action.responsible_id in people
                else None,
                partners=sorted(names.get(p.organisation_id, "") for p in action.partners),
                milestones=states,
                evaluation=evaluations.get(action.id),
                owned=owned,
            )
        )
    return out


def plan_monitoring(
    session: Session,
    plan_id: int,
    principal: Principal,
    *,
    store: StatsStore | None = None,
    cache: EvidenceCache | None = None,
    today: date | None = None,
    language: str = "en",
    within_days: int = DUE_SOON_DAYS,
) -> Monitoring:
    """The monitoring view of a plan the principal may see (PermissionDenied otherwise).

    Computed KPIs are read from ``store`` (none: they show no values and say why);
    ``today`` decides what is overdue.
    """
    found = viewable(session, plan_id, principal)
    plan = found.plan
    day = today or date.today()
    owner = session.get(Organisation, plan.owner_organisation_id)
    kpis = list(session.scalars(select(Kpi).where(Kpi.plan_id == plan.id).order_by(Kpi.id)))
    reports: dict[int, list[KpiReport]] = {}
    for report in session.scalars(
        select(KpiReport).where(KpiReport.kpi_id.in_([k.id for k in kpis]))
    ):
        reports.setdefault(report.kpi_id, []).append(report)
    version = None
    if store is not None:
        version = cache.version(store) if cache is not None else store.data_version()
    return Monitoring(
        plan=plan,
        access=found,
        owner=owner.name if owner else "",
        today=day,
        objectives=_objectives(session, plan, principal, language),
        actions=_actions(session, plan, found, day, within_days),
        risks=list(session.scalars(select(Risk).where(Risk.plan_id == plan.id).order_by(Risk.id))),
        kpis=[_kpi_state(k, plan, found, reports.get(k.id, []), store, cache, day) for k in kpis],
        stats_loaded=store is not None,
        data_version=version,
    )


def _when(value: int | date | None) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def kpi_rows(monitoring: Monitoring) -> list[dict[str, Any]]:
    """One row per KPI: what it measures, baseline, latest value, target, the share of the
    way travelled and the expected share, status, and the report it owes."""
    rows = []
    for state in monitoring.kpis:
        kpi, p = state.kpi, state.progress
        rows.append(
            {
                "kpi": kpi.id,
                "title": kpi.title,
                "kind": kpi.kind.value,
                "indicator": kpi.indicator_key or "",
                "measure": kpi.measure or "",
                "region": kpi.region_code or "",
                "industry": kpi.industry or "",
                "cluster": kpi.cluster or "",
                "unit": kpi.unit,
                "baseline_year": kpi.baseline_year,
                "baseline": state.baseline,
                "latest_at": _when(state.latest_at),
                "latest": state.latest,
                "target_year": kpi.target_year,
                "target": kpi.target_value,
                "direction": p.direction,
                "share_travelled": p.share,
                "expected_share": p.expected,
                "status": p.status,
                "next_report_due": _when(state.due.next_due) if state.due else None,
                "report_overdue_since": _when(state.due.period_end)
                if state.due and state.due.overdue
                else None,
                "problem": state.problem or "",
                "note": state.error,
            }
        )
    return rows

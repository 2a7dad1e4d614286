"""The action-plan API, version 1: the plans a caller may see, one plan's monitoring view
(objectives, actions, milestones, KPIs with progress, overdue items) and its KPI series.

Same permission and visibility as the pages (``plan:read``; a plan is open to its owner
organisation, action owners, partners, and everyone signed in once published): anonymous
callers get 403, a plan not shared with the caller 403, an unknown plan 404. Computed KPIs
are read from the statistics store when one is loaded; criterion titles follow ``?lang=``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from polisee.services import plans as pl
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._plans_common import monitoring_of
from polisee.web.routes.api import API_ERRORS
from polisee.web.security import DbSession, require

__all__ = [
    "ActionOut",
    "CriterionOut",
    "KpiOut",
    "KpiPoint",
    "KpiSeriesOut",
    "MilestoneOut",
    "ObjectiveOut",
    "OverdueOut",
    "OverdueReportOut",
    "PlanCountsOut",
    "PlanOut",
    "PlanSummaryOut",
    "PracticeRefOut",
    "ReportOut",
    "router",
]

router = APIRouter(prefix="/api/v1", tags=["plans"], responses=API_ERRORS)
Reader = Annotated[Principal, require(Permission.PLAN_READ)]
When = int | date | None


class PlanCountsOut(BaseModel):
    """How many items the plan holds."""

    objectives: int
    actions: int
    milestones: int
    kpis: int
    risks: int


class PlanSummaryOut(BaseModel):
    """A plan in the list, with the caller's relation to it."""

    id: int
    title: str
    regions: list[str]
    owner: str
    starts_on: date
    ends_on: date
    status: str
    published: bool
    demo: bool
    relation: str = Field(description="owner, action, partner or published")
    counts: PlanCountsOut


class CriterionOut(BaseModel):
    """An assessment criterion an objective answers."""

    key: str
    theme_key: str
    title: str


class PracticeRefOut(BaseModel):
    """A good practice an objective transfers (see ``/api/v1/practices/{id}``)."""

    id: int
    title: str


class ObjectiveOut(BaseModel):
    """An objective with the criteria it answers and the practices it transfers."""

    id: int
    title: str
    description: str
    assessment_id: int | None
    criteria: list[CriterionOut]
    practices: list[PracticeRefOut]


class MilestoneOut(BaseModel):
    """A milestone; ``days`` is how late (overdue) or how far ahead it is."""

    id: int
    action_id: int
    title: str
    due_on: date
    done_on: date | None
    status: str = Field(description="done, overdue, due_soon or upcoming")
    days: int


class ActionOut(BaseModel):
    """An action line with its owners, partners, budget and milestones."""

    id: int
    objective_id: int | None
    title: str
    instrument: str
    owner: str
    responsible: str | None
    partners: list[str]
    starts_on: date
    ends_on: date
    budget_eur: int | None
    funding_source: str
    status: str
    is_pilot: bool
    overdue: bool
    milestones: list[MilestoneOut]


class KpiOut(BaseModel):
    """A KPI with baseline, latest value, target and progress."""

    id: int
    title: str
    kind: str = Field(description="computed (from the statistics) or reported")
    unit: str
    indicator: str | None
    region: str | None
    industry: str | None
    baseline_year: int
    baseline: float | None
    latest: float | None
    latest_at: When = Field(description="A year (computed KPIs) or a date (reported ones)")
    target_year: int
    target: float
    share_travelled: float | None = Field(description="(latest - baseline) / (target - baseline)")
    expected_share: float | None = Field(
        description="Share of the time from the baseline year to the target year passed"
    )
    status: str = Field(description="achieved, on_track, behind or no_data")
    problem: str | None = Field(description="no_statistics, no_baseline or error")
    next_report_due: date | None
    report_overdue_since: date | None


class OverdueReportOut(BaseModel):
    """A reported KPI whose last reporting period ended without a report."""

    kpi_id: int
    title: str
    period_end: date | None
    days_late: int


class OverdueOut(BaseModel):
    """What is overdue on the day of the request."""

    milestones: list[MilestoneOut]
    reports: list[OverdueReportOut]


class PlanOut(BaseModel):
    """A plan's monitoring view."""

    id: int
    title: str
    summary: str
    regions: list[str]
    owner: str
    starts_on: date
    ends_on: date
    status: str
    published: bool
    demo: bool
    assessment_id: int | None
    today: date
    budget_eur: int
    statistics_loaded: bool
    objectives: list[ObjectiveOut]
    actions: list[ActionOut]
    kpis: list[KpiOut]
    overdue: OverdueOut


class KpiPoint(BaseModel):
    """A value of a KPI at a year (computed) or date (reported); null when unknown."""

    at: int | date
    value: float | None


class ReportOut(BaseModel):
    """A value reported by an action owner, with the evidence."""

    as_of: date
    value: float
    reporter: str
    evidence: str


class KpiSeriesOut(BaseModel):
    """A KPI's series: baseline, the values over time, and the target."""

    id: int
    title: str
    kind: str
    unit: str
    baseline_year: int
    baseline: float | None
    target_year: int
    target: float
    values: list[KpiPoint]
    reports: list[ReportOut]


def _milestone(state: pl.MilestoneState) -> MilestoneOut:
    m = state.milestone
    return MilestoneOut(
        id=m.id,
        action_id=m.action_id,
        title=m.title,
        due_on=m.due_on,
        done_on=m.done_on,
        status=state.status,
        days=state.days,
    )


def _kpi(state: pl.KpiState) -> KpiOut:
    kpi, progress = state.kpi, state.progress
    due = state.due
    return KpiOut(
        id=kpi.id,
        title=kpi.title,
        kind=kpi.kind.value,
        unit=kpi.unit,
        indicator=kpi.indicator_key,
        region=kpi.region_code,
        industry=kpi.industry,
        baseline_year=kpi.baseline_year,
        baseline=state.baseline,
        latest=state.latest,
        latest_at=state.latest_at,
        target_year=kpi.target_year,
        target=kpi.target_value,
        share_travelled=progress.share,
        expected_share=progress.expected,
        status=progress.status,
        problem=state.problem,
        next_report_due=due.next_due if due else None,
        report_overdue_since=due.period_end if due and due.overdue else None,
    )


@router.get("/plans", name="api_plans:list")
def list_plans(db: DbSession, principal: Reader) -> list[PlanSummaryOut]:
    """The plans the caller may see, newest period first, with how much each holds."""
    plans = pl.list_plans(db, principal)
    counts = pl.plan_counts(db, [p.id for p in plans])
    return [
        PlanSummaryOut(
            id=p.id,
            title=p.title,
            regions=list(p.regions),
            owner=p.owner,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            status=p.status.value,
            published=p.published,
            demo=p.demo,
            relation=p.relation,
            counts=PlanCountsOut(**vars(counts[p.id])),
        )
        for p in plans
    ]


@router.get("/plans/{plan_id}", name="api_plans:show")
def show_plan(request: Request, db: DbSession, principal: Reader, plan_id: int) -> PlanOut:
    """One plan's monitoring view: objectives, actions with milestones, KPIs with progress,
    and what is overdue today."""
    m = monitoring_of(request, db, principal, plan_id)
    plan = m.plan
    return PlanOut(
        id=plan.id,
        title=plan.title,
        summary=plan.summary,
        regions=[r.region_code for r in plan.regions],
        owner=m.owner,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        status=plan.status.value,
        published=plan.published,
        demo=plan.demo,
        assessment_id=plan.assessment_id,
        today=m.today,
        budget_eur=m.budget_eur,
        statistics_loaded=m.stats_loaded,
        objectives=[
            ObjectiveOut(
                id=o.objective.id,
                title=o.objective.title,
                description=o.objective.description,
                assessment_id=o.objective.assessment_id,
                criteria=[
                    CriterionOut(key=c.key, theme_key=c.theme_key, title=c.title)
                    for c in o.criteria
                ],
                practices=[PracticeRefOut(id=p.id, title=p.title) for p in o.practices],
            )
            for o in m.objectives
        ],
        actions=[
            ActionOut(
                id=a.action.id,
                objective_id=a.action.objective_id,
                title=a.action.title,
                instrument=str(getattr(a.action.instrument, "value", a.action.instrument)),
                owner=a.owner,
                responsible=a.responsible,
                partners=a.partners,
                starts_on=a.action.starts_on,
                ends_on=a.action.ends_on,
                budget_eur=a.action.budget_eur,
                funding_source=a.action.funding_source,
                status=a.action.status.value,
                is_pilot=a.action.is_pilot,
                overdue=a.overdue,
                milestones=[_milestone(s) for s in a.milestones],
            )
            for a in m.actions
        ],
        kpis=[_kpi(s) for s in m.kpis],
        overdue=OverdueOut(
            milestones=[_milestone(s) for s in m.overdue_milestones],
            reports=[
                OverdueReportOut(
                    kpi_id=k.kpi.id,
                    title=k.kpi.title,
                    period_end=k.due.period_end,
                    days_late=k.due.days_late,
                )
                for k in m.overdue_reports
                if k.due is not None
            ],
        ),
    )


@router.get("/plans/{plan_id}/kpis", name="api_plans:kpis")
def list_kpi_series(
    request: Request, db: DbSession, principal: Reader, plan_id: int
) -> list[KpiSeriesOut]:
    """Every KPI of the plan as a series: baseline, values over time (years for computed
    KPIs, report dates for reported ones) and the target."""
    m = monitoring_of(request, db, principal, plan_id)
    return [
        KpiSeriesOut(
            id=s.kpi.id,
            title=s.kpi.title,
            kind=s.kpi.kind.value,
            unit=s.kpi.unit,
            baseline_year=s.kpi.baseline_year,
            baseline=s.baseline,
            target_year=s.kpi.target_year,
            target=s.kpi.target_value,
            values=[KpiPoint(at=at, value=value) for at, value in s.points],
            reports=[
                ReportOut(
                    as_of=r.as_of, value=r.value, reporter=r.reporter_label, evidence=r.evidence
                )
                for r in s.reports
            ],
        )
        for s in m.kpis
    ]

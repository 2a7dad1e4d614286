"""The action-plan aggregate: plans of one or several regions with objectives, actions
(owners, partners, budget, timeframe, pilots), milestones, risks, KPIs with their reports,
pilot evaluations, and the reminders already sent.

A computed KPI stores only what to compute (a registry indicator, its parameters, the
region, the baseline year and the target); its values come from the statistics store each
time. A reported KPI stores its baseline, and its values are the reports.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Double,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polisee.records.base import Base, UTCDateTime, str_enum, utcnow
from polisee.records.practices import Instrument

__all__ = [
    "Action",
    "ActionPartner",
    "ActionStatus",
    "Kpi",
    "KpiKind",
    "KpiReport",
    "Level",
    "Milestone",
    "Objective",
    "ObjectivePractice",
    "PilotEvaluation",
    "Plan",
    "PlanRegion",
    "PlanStatus",
    "Reminder",
    "Risk",
]


class PlanStatus(StrEnum):
    """A plan is written as a draft, monitored while active, then completed or cancelled."""

    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ActionStatus(StrEnum):
    """Where an action stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


class KpiKind(StrEnum):
    """Computed from the statistics store, or reported by people with evidence."""

    COMPUTED = "computed"
    REPORTED = "reported"


class Level(StrEnum):
    """A risk's likelihood or impact."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Plan(Base):
    """An action plan, owned by a platform organisation whose policy makers edit it.

    ``published`` opens it to every signed-in user; ``assessment_id`` is the
    self-assessment it was started from, if any. ``demo`` marks demonstration content.
    """

    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    owner_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), default=None
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[PlanStatus] = mapped_column(
        str_enum(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    regions: Mapped[list[PlanRegion]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PlanRegion.region_code",
    )


class PlanRegion(Base):
    """A region (NUTS code) a plan is for; a joint transnational plan has several."""

    __tablename__ = "plan_regions"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)


class Objective(Base):
    """What the plan wants to change, tied to assessment criteria and practices to transfer."""

    __tablename__ = "plan_objectives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), default=None
    )
    # Criterion keys of the assessment's framework version (validated by the service).
    criterion_keys: Mapped[list[str]] = mapped_column(JSON, default=list)

    practices: Mapped[list[ObjectivePractice]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ObjectivePractice.practice_id",
    )


class ObjectivePractice(Base):
    """A good practice an objective transfers."""

    __tablename__ = "plan_objective_practices"

    objective_id: Mapped[int] = mapped_column(
        ForeignKey("plan_objectives.id", ondelete="CASCADE"), primary_key=True
    )
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Action(Base):
    """An action line: who delivers it (owner organisation, responsible person, partners),
    when, with which instrument, budget and funding source; a pilot has an evaluation."""

    __tablename__ = "plan_actions"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_order"),
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="budget_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_objectives.id", ondelete="SET NULL"), default=None
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    instrument: Mapped[Instrument] = mapped_column(
        str_enum(Instrument, "action_instrument"), default=Instrument.OTHER
    )
    owner_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    budget_eur: Mapped[int | None] = mapped_column(Integer, default=None)
    funding_source: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ActionStatus] = mapped_column(
        str_enum(ActionStatus, "action_status"), default=ActionStatus.PLANNED
    )
    is_pilot: Mapped[bool] = mapped_column(Boolean, default=False)

    partners: Mapped[list[ActionPartner]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ActionPartner.organisation_id",
    )


class ActionPartner(Base):
    """A partner organisation of an action."""

    __tablename__ = "plan_action_partners"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Milestone(Base):
    """A dated step of an action; done when ``done_on`` is set."""

    __tablename__ = "plan_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date, default=None)
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class Risk(Base):
    """A risk to the plan (or to one action) with its likelihood, impact and mitigation."""

    __tablename__ = "plan_risks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="SET NULL"), default=None
    )
    description: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[Level] = mapped_column(str_enum(Level, "risk_likelihood"))
    impact: Mapped[Level] = mapped_column(str_enum(Level, "risk_impact"))
    mitigation: Mapped[str] = mapped_column(Text, default="")


class Kpi(Base):
    """A measurable target of the plan (optionally of one objective or action).

    Computed: ``indicator_key`` (a registry key, or ``figure`` for the stored value of a
    measure), ``measure``, ``industry`` or ``cluster``, ``nuts_level``, ``value_column``
    and ``region_code`` say what to compute; the baseline value is the computed value in
    ``baseline_year``. Reported: ``baseline_value`` is stored, and a report is owed every
    ``reporting_months`` months from the plan's start.
    """

    __tablename__ = "plan_kpis"
    __table_args__ = (
        CheckConstraint("target_year >= baseline_year", name="target_after_baseline"),
        CheckConstraint(
            "kind <> 'computed' OR (indicator_key IS NOT NULL AND region_code IS NOT NULL "
            "AND baseline_value IS NULL)",
            name="computed_spec",
        ),
        CheckConstraint(
            "kind <> 'reported' OR (baseline_value IS NOT NULL AND reporting_months >= 1)",
            name="reported_spec",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_objectives.id", ondelete="SET NULL"), default=None
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="SET NULL"), default=None, index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[KpiKind] = mapped_column(str_enum(KpiKind, "kpi_kind"))
    unit: Mapped[str] = mapped_column(String(60), default="")
    indicator_key: Mapped[str | None] = mapped_column(String(64), default=None)
    measure: Mapped[str | None] = mapped_column(String(64), default=None)
    industry: Mapped[str | None] = mapped_column(String(20), default=None)
    cluster: Mapped[str | None] = mapped_column(String(20), default=None)
    nuts_level: Mapped[int | None] = mapped_column(Integer, default=None)
    value_column: Mapped[str | None] = mapped_column(String(64), default=None)
    region_code: Mapped[str | None] = mapped_column(String(10), default=None)
    baseline_year: Mapped[int] = mapped_column(Integer)
    baseline_value: Mapped[float | None] = mapped_column(Double, default=None)
    target_value: Mapped[float] = mapped_column(Double)
    target_year: Mapped[int] = mapped_column(Integer)
    reporting_months: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KpiReport(Base):
    """A reported value of a KPI as of a date, with its evidence and who reported it."""

    __tablename__ = "plan_kpi_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("plan_kpis.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Double)
    as_of: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # Kept as text so that the report still says who reported after the account is gone.
    reporter_label: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PilotEvaluation(Base):
    """The evaluation of a pilot action: the situation before and after, lessons learned;
    ``practice_id`` is the good-practice record made from it."""

    __tablename__ = "plan_pilot_evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="CASCADE"), unique=True
    )
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practices.id", ondelete="SET NULL"), default=None
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reminder(Base):
    """A reminder sent to one user about one subject (a milestone, a KPI report) on one
    day: the unique key is what makes sending reminders idempotent per day."""

    __tablename__ = "plan_reminders"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "user_id", "sent_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

"""The financing aggregate: development ladders with versions, stage evaluations, funding
calls with criteria, applications, evaluators' score sheets, appeal notes and allocations.

Evaluations and allocations keep a JSON snapshot of every input they used, so a past
decision can be recomputed and explained. Score sheets are never changed once written:
a correction is a new sheet with the next version number (an update raises Conflict).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from polisee.errors import Conflict
from polisee.records.base import Base, UTCDateTime, str_enum, utcnow

__all__ = [
    "Allocation",
    "AppealNote",
    "Application",
    "CallCriterion",
    "CallStatus",
    "FundingCall",
    "LadderVersion",
    "ScoreSheet",
    "StageEvaluation",
]


class CallStatus(StrEnum):
    """Where a call is: being prepared, taking applications, closed for evaluation."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class LadderVersion(Base):
    """One imported version of a development ladder; the YAML text is kept as imported."""

    __tablename__ = "ladder_versions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    yaml_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class StageEvaluation(Base):
    """Which stage of a ladder version a cluster organisation qualified for on a date.

    ``inputs`` is the organisation's data as the evaluation read it, ``result`` the full
    outcome (rules, rubric, gaps); both are plain JSON.
    """

    __tablename__ = "stage_evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_organisations.id", ondelete="CASCADE"), index=True
    )
    ladder_version_id: Mapped[int] = mapped_column(
        ForeignKey("ladder_versions.id", ondelete="RESTRICT"), index=True
    )
    as_of: Mapped[date] = mapped_column(Date)
    stage: Mapped[str | None] = mapped_column(String(64), default=None)
    score: Mapped[Decimal | None] = mapped_column(Numeric(7, 3), default=None)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    ladder_version: Mapped[LadderVersion] = relationship(lazy="raise")


class FundingCall(Base):
    """A call for proposals open to cluster organisations at given stages of a ladder."""

    __tablename__ = "funding_calls"
    __table_args__ = (
        CheckConstraint("budget > 0", name="budget_positive"),
        CheckConstraint("max_grant > 0", name="max_grant_positive"),
        CheckConstraint(
            "cofinancing_rate > 0 AND cofinancing_rate <= 1", name="cofinancing_rate_fraction"
        ),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    ladder_key: Mapped[str] = mapped_column(String(64))
    eligible_stages: Mapped[list[str]] = mapped_column(JSON)
    budget: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    max_grant: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    cofinancing_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    min_score: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    allow_partial: Mapped[bool] = mapped_column(Boolean, default=False)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[CallStatus] = mapped_column(
        str_enum(CallStatus, "call_status", length=16), default=CallStatus.DRAFT
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), default=None
    )
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    criteria: Mapped[list[CallCriterion]] = relationship(
        back_populates="call",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="CallCriterion.position",
    )


class CallCriterion(Base):
    """A selection criterion of a call: scored from 0 to ``max_score``, with a weight."""

    __tablename__ = "call_criteria"
    __table_args__ = (
        UniqueConstraint("call_id", "key"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("max_score > 0", name="max_score_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("funding_calls.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    weight: Mapped[Decimal] = mapped_column(Numeric(7, 3))
    max_score: Mapped[int] = mapped_column(Integer, default=10)

    call: Mapped[FundingCall] = relationship(back_populates="criteria", lazy="raise")


class Application(Base):
    """A cluster organisation's application to a call, with its eligibility as checked."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("call_id", "cluster_id"),
        CheckConstraint("eligible_budget > 0", name="eligible_budget_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("funding_calls.id", ondelete="CASCADE"), index=True
    )
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    eligible_budget: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    eligible: Mapped[bool] = mapped_column(Boolean)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON)
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("stage_evaluations.id", ondelete="SET NULL"), default=None
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class ScoreSheet(Base):
    """One evaluator's scores of one application: ``scores`` maps criterion key -> score.

    Immutable once written; a correction is a new row with ``version`` + 1.
    """

    __tablename__ = "score_sheets"
    __table_args__ = (UniqueConstraint("application_id", "evaluator_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    evaluator_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(ScoreSheet, "before_update")
def _refuse_score_change(mapper: Mapper[Any], connection: Any, target: ScoreSheet) -> None:
    raise Conflict(
        f"score sheet {target.id} is submitted and cannot change; submit a correction instead"
    )


class AppealNote(Base):
    """A note on an application's appeal: filed by the applicant or answered by the agency."""

    __tablename__ = "appeal_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    author_label: Mapped[str] = mapped_column(String(254))
    by_applicant: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Allocation(Base):
    """One run of a call's budget allocation: the inputs it read and the table it produced."""

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("funding_calls.id", ondelete="CASCADE"), index=True
    )
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    total_granted: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

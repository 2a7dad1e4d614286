"""The self-assessment aggregate: framework versions, assessments, respondents and their
answers, peer reviewers and the review exchange.

A framework row is immutable: an edit adds a new version, and an assessment pins the version
it was created with, so submitted answers keep the meaning they were given.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polisee.records.base import Base, UTCDateTime, str_enum, utcnow

__all__ = [
    "Answer",
    "AnswerStatus",
    "Assessment",
    "AssessmentStatus",
    "Framework",
    "PinnedPractice",
    "Respondent",
    "RespondentInvitation",
    "ReviewKind",
    "ReviewMessage",
    "Reviewer",
    "StakeholderGroup",
]


class AssessmentStatus(StrEnum):
    """Open assessments take answers; closed ones are read-only."""

    OPEN = "open"
    CLOSED = "closed"


class StakeholderGroup(StrEnum):
    """Who a respondent speaks for (the quadruple helix plus cluster organisations)."""

    PUBLIC_AUTHORITY = "public_authority"
    CLUSTER_ORGANISATION = "cluster_organisation"
    RESEARCH = "research"
    BUSINESS = "business"
    CIVIL_SOCIETY = "civil_society"


class AnswerStatus(StrEnum):
    """A draft can be changed; a submitted answer is locked."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class ReviewKind(StrEnum):
    """A reviewer's comment on a theme, or the owner's reply to one."""

    COMMENT = "comment"
    REPLY = "reply"


class Framework(Base):
    """One version of an assessment framework; ``definition`` is the validated YAML as JSON."""

    __tablename__ = "frameworks"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assessment(Base):
    """A region's self-assessment in one round (year), run by its owner."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("round_year >= 1990 AND round_year <= 2100", name="round_year_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(10), index=True)
    round_year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), default=None, index=True
    )
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus, "assessment_status"), default=AssessmentStatus.OPEN
    )
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Region codes the owner chose to benchmark against; empty means "use the suggested ones".
    peer_regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    framework: Mapped[Framework] = relationship(lazy="raise")


class Respondent(Base):
    """An invited respondent; ``user_id`` stays empty until someone with the email signs in."""

    __tablename__ = "assessment_respondents"
    __table_args__ = (UniqueConstraint("assessment_id", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    stakeholder_group: Mapped[StakeholderGroup] = mapped_column(
        str_enum(StakeholderGroup, "stakeholder_group")
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RespondentInvitation(Base):
    """A link that lets a respondent answer without an account.

    The link carries ``selector.verifier``: the selector finds the row, the verifier is
    checked against ``verifier_hash`` (SHA-256) in constant time; the verifier itself is
    never stored. A link works until ``expires_at`` unless revoked.
    """

    __tablename__ = "assessment_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_respondents.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    selector: Mapped[str] = mapped_column(String(32), unique=True)
    verifier_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    respondent: Mapped[Respondent] = relationship(lazy="raise")


class Answer(Base):
    """One respondent's answer to one criterion; unique per (respondent, criterion)."""

    __tablename__ = "assessment_answers"
    __table_args__ = (
        UniqueConstraint("respondent_id", "criterion_key"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10)", name="score_range"),
        CheckConstraint("status = 'draft' OR score IS NOT NULL", name="submitted_has_score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_respondents.id", ondelete="CASCADE")
    )
    criterion_key: Mapped[str] = mapped_column(String(100))
    score: Mapped[int | None] = mapped_column(Integer, default=None)
    evidence: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AnswerStatus] = mapped_column(
        str_enum(AnswerStatus, "answer_status"), default=AnswerStatus.DRAFT
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Reviewer(Base):
    """A peer reviewer from another region, invited by the owner."""

    __tablename__ = "assessment_reviewers"
    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(10))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewMessage(Base):
    """One message of the peer-review exchange on a theme; messages are never edited."""

    __tablename__ = "assessment_review_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    theme_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ReviewKind] = mapped_column(str_enum(ReviewKind, "review_kind"))
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_review_messages.id", ondelete="CASCADE"), default=None
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # Kept as text so that the exchange still says who wrote after the account is gone.
    author_label: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PinnedPractice(Base):
    """A good practice the assessment's owners keep for one of its weak criteria."""

    __tablename__ = "assessment_pinned_practices"
    __table_args__ = (UniqueConstraint("assessment_id", "practice_id", "criterion_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    criterion_key: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    pinned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    pinned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

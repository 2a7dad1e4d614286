"""Thematic working groups: members, discussion threads with post history, shared documents
with versions, meeting notes, and policy recommendations reports with their history.

Nothing a member wrote is deleted by the platform: a replaced post body is kept in
:class:`GroupPostRevision`, a replaced document in an older :class:`GroupDocumentVersion`,
a report edit as a content snapshot in :class:`GroupReportEvent`, and leaving a group sets a
member's status rather than removing the row.
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
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polisee.records.base import Base, UTCDateTime, str_enum, utcnow

__all__ = [
    "GroupDocument",
    "GroupDocumentVersion",
    "GroupKind",
    "GroupMeeting",
    "GroupMember",
    "GroupPost",
    "GroupPostRevision",
    "GroupReport",
    "GroupReportCitation",
    "GroupReportEvent",
    "GroupReportRecommendation",
    "GroupRole",
    "GroupTheme",
    "GroupThread",
    "MemberStatus",
    "ReportState",
    "WorkingGroup",
]


class GroupKind(StrEnum):
    """A theme group (one per theme) or a group its founders define."""

    THEME = "theme"
    CUSTOM = "custom"


class GroupRole(StrEnum):
    """What a member does in a group: leads run membership and publish, members take part."""

    LEAD = "lead"
    MEMBER = "member"


class MemberStatus(StrEnum):
    """Where a person stands with a group: asked to join, invited, in, or gone."""

    REQUESTED = "requested"
    INVITED = "invited"
    ACTIVE = "active"
    DECLINED = "declined"
    LEFT = "left"


class ReportState(StrEnum):
    """Where a recommendations report is: written, under review, or public."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"


class WorkingGroup(Base):
    """A transnational working group with a lead organisation."""

    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[GroupKind] = mapped_column(str_enum(GroupKind, "group_kind"))
    # Set for theme groups only: at most one group per theme.
    theme_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    lead_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), default=None, index=True
    )
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    themes: Mapped[list[GroupTheme]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="GroupTheme.theme"
    )


class GroupTheme(Base):
    """A theme a group works on (a key of the six-theme vocabulary)."""

    __tablename__ = "group_themes"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class GroupMember(Base):
    """A person in a group on behalf of one of their organisations; one row per person."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), default=None
    )
    role: Mapped[GroupRole] = mapped_column(
        str_enum(GroupRole, "group_role"), default=GroupRole.MEMBER
    )
    status: Mapped[MemberStatus] = mapped_column(str_enum(MemberStatus, "member_status"))
    message: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class GroupThread(Base):
    """A discussion opened by a member; its first post holds the opening text."""

    __tablename__ = "group_threads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    author_label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    posts: Mapped[list[GroupPost]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="GroupPost.id"
    )


class GroupPost(Base):
    """One message of a thread: plain text, shown escaped with its line breaks."""

    __tablename__ = "group_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("group_threads.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    author_label: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    revisions: Mapped[list[GroupPostRevision]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="GroupPostRevision.id"
    )


class GroupPostRevision(Base):
    """A post's earlier text, kept when its author edits it."""

    __tablename__ = "group_post_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("group_posts.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupDocument(Base):
    """A shared document; its file is the newest of its versions."""

    __tablename__ = "group_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[GroupDocumentVersion]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="GroupDocumentVersion.number"
    )


class GroupDocumentVersion(Base):
    """One uploaded file of a document, stored under a random name, described by what was
    checked."""

    __tablename__ = "group_document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        CheckConstraint("size_bytes >= 0", name="size_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("group_documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    uploaded_by_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupMeeting(Base):
    """The notes of one meeting of a group."""

    __tablename__ = "group_meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    participants: Mapped[str] = mapped_column(Text, default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    author_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupReport(Base):
    """A group's policy recommendations report: context, findings, cited practices and
    numbered recommendations, written as a draft, reviewed, then published."""

    __tablename__ = "group_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    context: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ReportState] = mapped_column(
        str_enum(ReportState, "report_state"), default=ReportState.DRAFT, index=True
    )
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    return_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    citations: Mapped[list[GroupReportCitation]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="GroupReportCitation.position"
    )
    recommendations: Mapped[list[GroupReportRecommendation]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="GroupReportRecommendation.number"
    )
    events: Mapped[list[GroupReportEvent]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="GroupReportEvent.id"
    )


class GroupReportCitation(Base):
    """A published good practice the report cites, with why."""

    __tablename__ = "group_report_citations"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("group_reports.id", ondelete="CASCADE"), primary_key=True
    )
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class GroupReportRecommendation(Base):
    """One numbered recommendation, addressed to someone, on one theme."""

    __tablename__ = "group_report_recommendations"
    __table_args__ = (
        UniqueConstraint("report_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("group_reports.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    addressee: Mapped[str] = mapped_column(String(300))
    theme: Mapped[str] = mapped_column(String(64))


class GroupReportEvent(Base):
    """One step of a report's history: an edit (with the content it saved) or a transition."""

    __tablename__ = "group_report_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("group_reports.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32))
    # Distinct type names: each becomes a CHECK constraint named after it.
    from_state: Mapped[ReportState | None] = mapped_column(
        str_enum(ReportState, "report_from_state"), default=None
    )
    to_state: Mapped[ReportState] = mapped_column(str_enum(ReportState, "report_to_state"))
    note: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

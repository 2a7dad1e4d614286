"""The good-practice aggregate: practices with regions, themes, attachments, review history,
comments and stored sentence embeddings.

Full-text search reads two folded text columns kept by the service (``search_title`` and
``search_body``). On SQLite the migration adds an FTS5 table over them, kept in step by
triggers (:data:`SQLITE_SEARCH_TABLE`); on PostgreSQL a GIN index over
:data:`PG_SEARCH_VECTOR`. Neither is a mapped table, so :data:`SEARCH_INDEX_NAMES` lists
what schema comparisons must leave alone.
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
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polisee.records.base import Base, UTCDateTime, str_enum, utcnow

__all__ = [
    "PG_SEARCH_INDEX",
    "PG_SEARCH_VECTOR",
    "SEARCH_INDEX_NAMES",
    "SQLITE_SEARCH_TABLE",
    "CommentKind",
    "Instrument",
    "Practice",
    "PracticeAttachment",
    "PracticeComment",
    "PracticeEmbedding",
    "PracticeEvent",
    "PracticeRegion",
    "PracticeState",
    "PracticeTheme",
]

SQLITE_SEARCH_TABLE = "practice_search"
PG_SEARCH_INDEX = "ix_practices_search_vector"
# The index expression and the query expression must be the same text for PostgreSQL to
# use the index; the 'simple' configuration neither stems nor drops stop words, like the
# unicode61 tokenizer of SQLite's FTS5, so both dialects match the same words.
PG_SEARCH_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B'))"
)
# FTS5 creates shadow tables named after the virtual table.
SEARCH_INDEX_NAMES = frozenset(
    {
        SQLITE_SEARCH_TABLE,
        *(
            f"{SQLITE_SEARCH_TABLE}_{suffix}"
            for suffix in ("data", "idx", "content", "docsize", "config")
        ),
        PG_SEARCH_INDEX,
    }
)


class PracticeState(StrEnum):
    """Where a practice is in the two-stage validation."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    REJECTED = "rejected"


class Instrument(StrEnum):
    """The type of policy instrument a practice uses."""

    GRANT_SCHEME = "grant_scheme"
    VOUCHER = "voucher"
    ACCREDITATION = "accreditation"
    NETWORK_PROGRAMME = "network_programme"
    TRAINING = "training"
    INFRASTRUCTURE = "infrastructure"
    PROCUREMENT = "procurement"
    ADVISORY = "advisory"
    COMPETENCE_CENTRE = "competence_centre"
    OTHER = "other"


class CommentKind(StrEnum):
    """A remark or a question to the author."""

    COMMENT = "comment"
    QUESTION = "question"


class Practice(Base):
    """A documented policy practice; only published ones are visible to everyone.

    ``links`` is a list of ``{"title", "url"}``, ``result_figures`` a list of
    ``{"label", "value", "unit"}`` as published by the source.
    """

    __tablename__ = "practices"
    __table_args__ = (
        CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
            name="period_order",
        ),
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="budget_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(String(300), default="")
    instrument: Mapped[Instrument] = mapped_column(str_enum(Instrument, "practice_instrument"))
    target_group: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[int | None] = mapped_column(Integer, default=None)
    period_end: Mapped[int | None] = mapped_column(Integer, default=None)
    budget_eur: Mapped[int | None] = mapped_column(Integer, default=None)
    budget_note: Mapped[str] = mapped_column(Text, default="")
    funding_source: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    result_figures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    success_factors: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    transferability: Mapped[str] = mapped_column(Text, default="")
    contacts: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="en")
    state: Mapped[PracticeState] = mapped_column(
        str_enum(PracticeState, "practice_state"), default=PracticeState.DRAFT, index=True
    )
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    publisher_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Lower-cased, accent-folded text for the full-text index (set by the service).
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")

    regions: Mapped[list[PracticeRegion]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PracticeRegion.region_code"
    )
    themes: Mapped[list[PracticeTheme]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PracticeTheme.theme"
    )
    attachments: Mapped[list[PracticeAttachment]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PracticeAttachment.id"
    )
    events: Mapped[list[PracticeEvent]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PracticeEvent.id"
    )
    comments: Mapped[list[PracticeComment]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PracticeComment.id"
    )


class PracticeRegion(Base):
    """A region (NUTS code, or a country code for national programmes) a practice ran in."""

    __tablename__ = "practice_regions"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)


class PracticeTheme(Base):
    """A policy theme a practice addresses (a key of the theme vocabulary)."""

    __tablename__ = "practice_themes"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class PracticeAttachment(Base):
    """An uploaded file: stored under a random name, described by what was checked."""

    __tablename__ = "practice_attachments"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_non_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeEvent(Base):
    """One step of the validation history: who moved the practice from which state to which."""

    __tablename__ = "practice_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    actor_label: Mapped[str] = mapped_column(String(254))
    # Distinct type names: each becomes a CHECK constraint named after it.
    from_state: Mapped[PracticeState | None] = mapped_column(
        str_enum(PracticeState, "from_state"), default=None
    )
    to_state: Mapped[PracticeState] = mapped_column(str_enum(PracticeState, "to_state"))
    note: Mapped[str] = mapped_column(Text, default="")


class PracticeComment(Base):
    """A comment or question on a practice, by a signed-in user."""

    __tablename__ = "practice_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    author_label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CommentKind] = mapped_column(
        str_enum(CommentKind, "comment_kind"), default=CommentKind.COMMENT
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeEmbedding(Base):
    """A practice's sentence embedding (float32 little-endian bytes) and what it was made from."""

    __tablename__ = "practice_embeddings"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(200))
    dimensions: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    text_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

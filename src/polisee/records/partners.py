"""The partner matchmaking aggregate: cooperation profiles, their stored text vectors, match
requests with their message threads, saved searches, and recorded collaborations between
organisations.

A profile belongs to one platform organisation (a cluster organisation, a research or a
public body); when that organisation keeps a cluster organisation in the registry,
``cluster_id`` links it. ``version`` grows with every change, so stored vectors know the
text they were made from.
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
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polisee.records.base import Base, UTCDateTime, str_enum, utcnow

__all__ = [
    "Collaboration",
    "CollaborationKind",
    "CollaborationParticipant",
    "CooperationType",
    "MatchMessage",
    "MatchRequest",
    "MatchStatus",
    "PartnerProfile",
    "PartnerVector",
    "PartnerVisibility",
    "SavedSearch",
    "SavedSearchHit",
    "ValueChainRole",
]


class PartnerVisibility(StrEnum):
    """Who sees a profile: everyone, or signed-in users only."""

    PUBLIC = "public"
    MEMBERS = "members"


class CooperationType(StrEnum):
    """What kind of cooperation a profile looks for."""

    JOINT_RD = "joint_rd"
    MARKET_ENTRY = "market_entry"
    SUPPLY_CHAIN = "supply_chain"
    TRAINING = "training"
    EU_CONSORTIUM = "eu_consortium"


class ValueChainRole(StrEnum):
    """Where in a value chain an organisation (or its members) works."""

    RESEARCH = "research"
    DESIGN = "design"
    MATERIALS = "materials"
    COMPONENTS = "components"
    MANUFACTURING = "manufacturing"
    ASSEMBLY = "assembly"
    DISTRIBUTION = "distribution"
    SERVICES = "services"
    TRAINING = "training"
    END_USER = "end_user"


class MatchStatus(StrEnum):
    """Where a match request stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class CollaborationKind(StrEnum):
    """What sort of recorded collaboration links organisations."""

    JOINT_PROJECT = "joint_project"
    MOU = "mou"
    CONSORTIUM = "consortium"


class PartnerProfile(Base):
    """A cooperation profile: what an organisation offers and needs, and with whom it wants
    to work. ``target_regions`` holds NUTS codes of any level (a country code is level 0);
    ``region_pairing`` asks the matching to favour a partner whose region performs
    differently on the same industries (strong with weak)."""

    __tablename__ = "partner_profiles"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("cluster_organisations.id", ondelete="SET NULL"), unique=True, default=None
    )
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region_code: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text, default="")
    offers: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    target_regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    value_chain_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    nace_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    technologies: Mapped[list[str]] = mapped_column(JSON, default=list)
    cooperation_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    visibility: Mapped[PartnerVisibility] = mapped_column(
        str_enum(PartnerVisibility, "partner_visibility", length=16),
        default=PartnerVisibility.PUBLIC,
    )
    region_pairing: Mapped[bool] = mapped_column(Boolean, default=False)
    website: Mapped[str] = mapped_column(String(300), default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartnerVector(Base):
    """A stored representation of a profile's ``needs`` or ``offers`` text for one model:
    a dense unit vector (``vector``, little-endian float32) from a sentence-embedding model,
    or the term counts (``terms``) that the TF-IDF fallback weighs with the current corpus.
    ``profile_version`` says which version of the text it was made from."""

    __tablename__ = "partner_vectors"
    __table_args__ = (UniqueConstraint("profile_id", "field", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("partner_profiles.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(120))
    profile_version: Mapped[int] = mapped_column(Integer)
    dimensions: Mapped[int] = mapped_column(Integer, default=0)
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    terms: Mapped[dict[str, int] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MatchRequest(Base):
    """One organisation's expression of interest in another's profile, and the answer.

    ``score`` is the match score when the request was sent (None when sent while browsing).
    """

    __tablename__ = "partner_match_requests"
    __table_args__ = (CheckConstraint("from_profile_id <> to_profile_id", name="not_to_itself"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_profile_id: Mapped[int] = mapped_column(
        ForeignKey("partner_profiles.id", ondelete="CASCADE"), index=True
    )
    to_profile_id: Mapped[int] = mapped_column(
        ForeignKey("partner_profiles.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[MatchStatus] = mapped_column(
        str_enum(MatchStatus, "match_status", length=16), default=MatchStatus.PENDING, index=True
    )
    score: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    messages: Mapped[list[MatchMessage]] = relationship(
        back_populates="request", lazy="raise", cascade="all, delete-orphan"
    )


class MatchMessage(Base):
    """A message in a request's thread, written by a user for one of the two sides."""

    __tablename__ = "partner_match_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("partner_match_requests.id", ondelete="CASCADE"), index=True
    )
    profile_id: Mapped[int] = mapped_column(ForeignKey("partner_profiles.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[MatchRequest] = relationship(back_populates="messages", lazy="raise")


class SavedSearch(Base):
    """A user's partner search kept by name; ``filters`` as the search form sends them.
    With ``notify`` the user hears of every new profile that matches."""

    __tablename__ = "partner_saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notify: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedSearchHit(Base):
    """A profile a saved search has told its owner about (once per search and profile)."""

    __tablename__ = "partner_saved_search_hits"
    __table_args__ = (UniqueConstraint("search_id", "profile_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    search_id: Mapped[int] = mapped_column(
        ForeignKey("partner_saved_searches.id", ondelete="CASCADE"), index=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("partner_profiles.id", ondelete="CASCADE"), index=True
    )
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Collaboration(Base):
    """A recorded joint project, memorandum of understanding or consortium between two or
    more organisations, from ``started_on`` to ``ended_on`` (None while it runs)."""

    __tablename__ = "partner_collaborations"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[CollaborationKind] = mapped_column(
        str_enum(CollaborationKind, "collaboration_kind", length=16)
    )
    title: Mapped[str] = mapped_column(String(300))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, default=None)
    source_url: Mapped[str] = mapped_column(String(500), default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participants: Mapped[list[CollaborationParticipant]] = relationship(
        back_populates="collaboration", lazy="raise", cascade="all, delete-orphan"
    )


class CollaborationParticipant(Base):
    """An organisation taking part in a collaboration."""

    __tablename__ = "partner_participants"
    __table_args__ = (UniqueConstraint("collaboration_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collaboration_id: Mapped[int] = mapped_column(
        ForeignKey("partner_collaborations.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )

    collaboration: Mapped[Collaboration] = relationship(back_populates="participants", lazy="raise")

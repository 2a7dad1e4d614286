"""The cluster organisation aggregate: the registry entry, its members, annual reports and
the reports of membership changes owed to the agency."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polisee.records.base import Base, UTCDateTime, str_enum, utcnow

__all__ = [
    "AnnualReport",
    "ClusterMember",
    "ClusterOrganisation",
    "MemberType",
    "MembershipChange",
    "MembershipChangeKind",
]


class MemberType(StrEnum):
    """What kind of body a cluster member is."""

    SME = "sme"
    LARGE = "large"
    RESEARCH = "research"
    EDUCATION = "education"
    PUBLIC = "public"
    OTHER = "other"


class MembershipChangeKind(StrEnum):
    """A member joined or left."""

    JOIN = "join"
    LEAVE = "leave"


class ClusterOrganisation(Base):
    """A cluster management organisation in the registry.

    ``organisation_id`` links it to the platform organisation whose cluster managers keep
    its data. ``demo`` marks the fictional organisations of the demo data set.
    """

    __tablename__ = "cluster_organisations"
    __table_args__ = (
        CheckConstraint("management_fte >= 0", name="management_fte_non_negative"),
        CheckConstraint("founded_year >= 1900", name="founded_year_plausible"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), unique=True
    )
    name: Mapped[str] = mapped_column(String(300), unique=True)
    legal_form: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2))
    region_code: Mapped[str] = mapped_column(String(10), index=True)
    founded_year: Mapped[int] = mapped_column(Integer)
    website: Mapped[str] = mapped_column(String(300), default="")
    management_fte: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    nace_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    cluster_category: Mapped[str] = mapped_column(String(120), default="")
    technologies: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[ClusterMember]] = relationship(
        back_populates="cluster", lazy="raise", cascade="all, delete-orphan"
    )
    reports: Mapped[list[AnnualReport]] = relationship(
        back_populates="cluster", lazy="raise", cascade="all, delete-orphan"
    )


class ClusterMember(Base):
    """A member of a cluster with the dates it joined and (if it did) left."""

    __tablename__ = "cluster_members"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
        CheckConstraint("employees IS NULL OR employees >= 0", name="employees_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    member_type: Mapped[MemberType] = mapped_column(str_enum(MemberType, "member_type", length=16))
    employees: Mapped[int | None] = mapped_column(Integer, default=None)
    country: Mapped[str] = mapped_column(String(2))
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date, default=None)

    cluster: Mapped[ClusterOrganisation] = relationship(back_populates="members", lazy="raise")


class AnnualReport(Base):
    """What a cluster reported for one calendar year; money in euro, shares as fractions."""

    __tablename__ = "cluster_annual_reports"
    __table_args__ = (
        UniqueConstraint("cluster_id", "year"),
        CheckConstraint("export_share >= 0 AND export_share <= 1", name="export_share_fraction"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_organisations.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    members_turnover: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    export_share: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    rd_spending: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    joint_projects: Mapped[int] = mapped_column(Integer)
    patents: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    services: Mapped[int] = mapped_column(Integer)
    staff_fte: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cluster: Mapped[ClusterOrganisation] = relationship(back_populates="reports", lazy="raise")


class MembershipChange(Base):
    """A member's joining or leaving that the cluster owes the agency a report on.

    ``changed_on`` is the date of the change, ``reported_on`` the date the report was
    submitted (None while it is pending).
    """

    __tablename__ = "cluster_membership_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_organisations.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_members.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MembershipChangeKind] = mapped_column(
        str_enum(MembershipChangeKind, "membership_change_kind", length=16)
    )
    changed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reported_on: Mapped[date | None] = mapped_column(Date, default=None)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    member: Mapped[ClusterMember] = relationship(lazy="raise")

"""What an evaluation reads about a cluster organisation: plain frozen dataclasses that
round-trip through JSON, so a stored evaluation can be recomputed from its snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from polisee.errors import InputError

__all__ = ["Award", "MemberFacts", "OrganisationFacts", "ReportFacts", "add_years"]


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 28 February in common years.

    >>> add_years(date(2024, 2, 29), 2)
    datetime.date(2026, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _date(value: Any, field_name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"expected an ISO date, got {value!r}", field=field_name) from None


@dataclass(frozen=True)
class MemberFacts:
    """A member as of the snapshot: type (``sme``, ``large``, ...), country, dates."""

    name: str
    member_type: str
    country: str
    employees: int | None
    joined_on: date
    left_on: date | None = None

    def active_on(self, day: date) -> bool:
        """Whether the member belonged to the cluster on ``day`` (it leaves at ``left_on``)."""
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "member_type": self.member_type,
            "country": self.country,
            "employees": self.employees,
            "joined_on": self.joined_on.isoformat(),
            "left_on": self.left_on.isoformat() if self.left_on else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MemberFacts:
        return cls(
            name=str(data["name"]),
            member_type=str(data["member_type"]),
            country=str(data["country"]),
            employees=None if data.get("employees") is None else int(data["employees"]),
            joined_on=_date(data["joined_on"], "joined_on"),
            left_on=_date(data["left_on"], "left_on") if data.get("left_on") else None,
        )


@dataclass(frozen=True)
class ReportFacts:
    """One annual report; money in euro, ``export_share`` a fraction of turnover."""

    year: int
    members_turnover: Decimal
    export_share: Decimal
    rd_spending: Decimal
    joint_projects: int
    patents: int
    events: int
    services: int
    staff_fte: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "members_turnover": str(self.members_turnover),
            "export_share": str(self.export_share),
            "rd_spending": str(self.rd_spending),
            "joint_projects": self.joint_projects,
            "patents": self.patents,
            "events": self.events,
            "services": self.services,
            "staff_fte": str(self.staff_fte),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportFacts:
        return cls(
            year=int(data["year"]),
            members_turnover=Decimal(str(data["members_turnover"])),
            export_share=Decimal(str(data["export_share"])),
            rd_spending=Decimal(str(data["rd_spending"])),
            joint_projects=int(data["joint_projects"]),
            patents=int(data["patents"]),
            events=int(data["events"]),
            services=int(data["services"]),
            staff_fte=Decimal(str(data["staff_fte"])),
        )


@dataclass(frozen=True)
class Award:
    """A stage an earlier stored evaluation awarded, and until when."""

    stage: str
    awarded_on: date
    valid_until: date | None
    evaluation_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "awarded_on": self.awarded_on.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "evaluation_id": self.evaluation_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Award:
        return cls(
            stage=str(data["stage"]),
            awarded_on=_date(data["awarded_on"], "awarded_on"),
            valid_until=_date(data["valid_until"], "valid_until")
            if data.get("valid_until")
            else None,
            evaluation_id=data.get("evaluation_id"),
        )


@dataclass(frozen=True)
class OrganisationFacts:
    """A cluster organisation's data as one evaluation read it."""

    name: str
    country: str
    founded_year: int
    management_fte: Decimal
    website: str = ""
    members: tuple[MemberFacts, ...] = ()
    reports: tuple[ReportFacts, ...] = field(default=())

    def active_members(self, day: date) -> list[MemberFacts]:
        """The members on ``day``."""
        return [m for m in self.members if m.active_on(day)]

    def reports_before(self, day: date) -> list[ReportFacts]:
        """Reports of calendar years that ended before ``day``, newest first."""
        return sorted((r for r in self.reports if r.year < day.year), key=lambda r: -r.year)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "founded_year": self.founded_year,
            "management_fte": str(self.management_fte),
            "website": self.website,
            "members": [m.to_json() for m in self.members],
            "reports": [r.to_json() for r in sorted(self.reports, key=lambda r: r.year)],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrganisationFacts:
        return cls(
            name=str(data["name"]),
            country=str(data["country"]),
            founded_year=int(data["founded_year"]),
            management_fte=Decimal(str(data["management_fte"])),
            website=str(data.get("website", "")),
            members=tuple(MemberFacts.from_json(m) for m in data.get("members", [])),
            reports=tuple(ReportFacts.from_json(r) for r in data.get("reports", [])),
        )

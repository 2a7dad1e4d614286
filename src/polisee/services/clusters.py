"""The cluster organisation registry: profiles, members with joining and leaving dates,
annual reports, and the membership-change reports owed to the agency.

Who may do what: a cluster manager (``cluster_manager`` role in the platform organisation
linked to the cluster organisation) reads and edits that organisation; holders of
``cluster:read_all`` (analysts, policy makers, administrators) read every one;
administrators edit every one. Every change is audited; nothing here commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Organisation, OrganisationKind
from polisee.records.base import utcnow
from polisee.records.clusters import (
    AnnualReport,
    ClusterMember,
    ClusterOrganisation,
    MembershipChange,
    MembershipChangeKind,
    MemberType,
)
from polisee.records.permissions import Permission, Role
from polisee.services.accounts import memberships_of
from polisee.services.audit import Actor, record_change, snapshot

__all__ = [
    "CLI_VIEWER",
    "MEMBER_TYPES",
    "ChangeStatus",
    "ClusterProfile",
    "ClusterProfileInput",
    "Viewer",
    "add_member",
    "create_cluster",
    "get_cluster",
    "list_changes",
    "list_clusters",
    "member_leaves",
    "members_of",
    "overdue_changes",
    "registrable_organisations",
    "report_changes",
    "reports_of",
    "save_report",
    "update_cluster",
    "viewer_for",
]

MEMBER_TYPES = tuple(t.value for t in MemberType)
_PROFILE_FIELDS = (
    "name",
    "legal_form",
    "country",
    "region_code",
    "founded_year",
    "website",
    "management_fte",
    "nace_codes",
    "cluster_category",
    "technologies",
    "description",
)
_REPORT_FIELDS = (
    "year",
    "members_turnover",
    "export_share",
    "rd_spending",
    "joint_projects",
    "patents",
    "events",
    "services",
    "staff_fte",
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_REGION = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
_NACE = re.compile(r"^[A-U](\d{2}(\.\d{1,2})?)?$")


@dataclass(frozen=True)
class Viewer:
    """Who is asking, with what they may see: the permissions of their roles, the platform
    organisations they manage a cluster for, and every organisation they belong to."""

    user_id: int | None
    label: str
    permissions: frozenset[Permission]
    managed: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    admin: bool = False

    @property
    def actor(self) -> Actor:
        """This viewer as the author of an audited change."""
        return Actor(self.user_id, self.label)

    @property
    def reads_all(self) -> bool:
        """Whether every cluster organisation is visible."""
        return Permission.CLUSTER_READ_ALL in self.permissions

    def manages(self, cluster: ClusterOrganisation) -> bool:
        """Whether this viewer keeps the cluster organisation's data."""
        return self.admin or (
            Permission.CLUSTER_EDIT in self.permissions and cluster.organisation_id in self.managed
        )

    def can_read(self, cluster: ClusterOrganisation) -> bool:
        """Whether the cluster organisation is visible to this viewer."""
        return self.reads_all or self.manages(cluster)


CLI_VIEWER = Viewer(None, "cli", frozenset(Permission), admin=True)


def viewer_for(
    session: Session, user_id: int | None, permissions: frozenset[Permission], label: str
) -> Viewer:
    """The viewer behind a signed-in user (or an anonymous one without organisations)."""
    if user_id is None:
        return Viewer(None, label or "anonymous", permissions)
    rows = memberships_of(session, user_id)
    return Viewer(
        user_id=user_id,
        label=label,
        permissions=permissions,
        managed=frozenset(org for org, role in rows if role == Role.CLUSTER_MANAGER),
        organisations=frozenset(org for org, _ in rows),
        admin=any(role == Role.ADMIN for _, role in rows),
    )


# --- validation ----------------------------------------------------------------------------


def _text(value: str, field: str, *, limit: int = 300, required: bool = True) -> str:
    clean = " ".join(value.split())
    if (required and not clean) or len(clean) > limit:
        raise InputError(f"expected 1 to {limit} characters, got {len(clean)}", field=field)
    return clean


def _country(value: str, field: str = "country") -> str:
    clean = value.strip().upper()
    if not _COUNTRY.match(clean):
        raise InputError(f"expected a two-letter country code like HU, got {value!r}", field=field)
    return clean


def _region(value: str) -> str:
    clean = value.strip().upper()
    if not _REGION.match(clean):
        raise InputError(f"expected a NUTS code like HU21, got {value!r}", field="region_code")
    return clean


def _website(value: str) -> str:
    clean = value.strip()
    if clean and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", clean):
        raise InputError(f"expected an http(s) address, got {value!r}", field="website")
    return clean[:300]


def _decimal(value: Decimal | str | float, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"expected a number, got {value!r}", field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise InputError(f"expected a number from {low} to {high}, got {value}", field=field)
    return number


def _int(value: int, field: str, *, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InputError(f"expected a whole number from {low} to {high}, got {value}", field=field)
    return value


def _codes(values: Iterable[str], field: str, pattern: re.Pattern[str] | None = None) -> list[str]:
    out: list[str] = []
    for raw in values:
        clean = " ".join(raw.split())
        if not clean:
            continue
        if pattern is not None:
            clean = clean.upper()
            if not pattern.match(clean):
                raise InputError(f"expected NACE codes like C29 or C29.3, got {raw!r}", field=field)
        if len(clean) > 60:
            raise InputError(f"expected at most 60 characters, got {len(clean)}", field=field)
        if clean not in out:
            out.append(clean)
    if len(out) > 40:
        raise InputError(f"expected at most 40 entries, got {len(out)}", field=field)
    return out


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterProfile:
    """A registry row: the organisation and what the list shows about it."""

    cluster: ClusterOrganisation
    members: int
    editable: bool


def get_cluster(session: Session, viewer: Viewer, cluster_id: int) -> ClusterOrganisation:
    """The cluster organisation; NotFound, or PermissionDenied when the viewer may not see it."""
    cluster = session.get(ClusterOrganisation, cluster_id)
    if cluster is None:
        raise NotFound(f"no cluster organisation with id {cluster_id}")
    if not viewer.can_read(cluster):
        raise PermissionDenied(
            "only the cluster's own managers and the agency see this organisation"
        )
    return cluster


def _editable(session: Session, viewer: Viewer, cluster_id: int) -> ClusterOrganisation:
    cluster = get_cluster(session, viewer, cluster_id)
    if not viewer.manages(cluster):
        raise PermissionDenied("only the cluster's own managers change its data")
    return cluster


def list_clusters(
    session: Session,
    viewer: Viewer,
    *,
    country: str | None = None,
    region: str | None = None,
    category: str | None = None,
    search: str | None = None,
    today: date | None = None,
) -> list[ClusterProfile]:
    """The cluster organisations the viewer may see, by name, with optional filters."""
    query = select(ClusterOrganisation).order_by(ClusterOrganisation.name)
    if not viewer.reads_all and not viewer.admin:
        if not viewer.managed:
            return []
        query = query.where(ClusterOrganisation.organisation_id.in_(viewer.managed))
    if country:
        query = query.where(ClusterOrganisation.country == country.strip().upper()[:2])
    if region:
        query = query.where(ClusterOrganisation.region_code.startswith(region.strip().upper()[:10]))
    if category:
        query = query.where(ClusterOrganisation.cluster_category == category.strip()[:120])
    if search:
        pattern = f"%{search.strip()[:80]}%"
        query = query.where(
            or_(
                ClusterOrganisation.name.ilike(pattern),
                ClusterOrganisation.cluster_category.ilike(pattern),
            )
        )
    day = today or date.today()
    clusters = list(session.scalars(query))
    counts: dict[int, int] = {}
    if clusters:
        for cluster_id, joined, left in session.execute(
            select(ClusterMember.cluster_id, ClusterMember.joined_on, ClusterMember.left_on).where(
                ClusterMember.cluster_id.in_([c.id for c in clusters])
            )
        ):
            if joined <= day and (left is None or left > day):
                counts[cluster_id] = counts.get(cluster_id, 0) + 1
    return [ClusterProfile(c, counts.get(c.id, 0), viewer.manages(c)) for c in clusters]


def registrable_organisations(session: Session, viewer: Viewer) -> list[Organisation]:
    """Platform organisations without a cluster organisation yet that the viewer may register
    one for: those it manages a cluster for, and for administrators every organisation of
    kind ``cluster_organisation``."""
    taken = select(ClusterOrganisation.organisation_id)
    query = select(Organisation).where(Organisation.id.not_in(taken)).order_by(Organisation.name)
    return [
        o
        for o in session.scalars(query)
        if o.id in viewer.managed
        or (viewer.admin and o.kind == OrganisationKind.CLUSTER_ORGANISATION)
    ]


def members_of(session: Session, cluster_id: int) -> list[ClusterMember]:
    """Every member ever registered, current ones first, each group by name."""
    rows = session.scalars(select(ClusterMember).where(ClusterMember.cluster_id == cluster_id))
    return sorted(rows, key=lambda m: (m.left_on is not None, m.name.lower(), m.id))


def reports_of(session: Session, cluster_id: int) -> list[AnnualReport]:
    """The annual reports, newest year first."""
    return list(
        session.scalars(
            select(AnnualReport)
            .where(AnnualReport.cluster_id == cluster_id)
            .order_by(AnnualReport.year.desc())
        )
    )


# --- changing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterProfileInput:
    """The profile fields of a cluster organisation, as registered or edited."""

    name: str
    country: str
    region_code: str
    founded_year: int
    legal_form: str = ""
    website: str = ""
    management_fte: Decimal | str = "0"
    nace_codes: Sequence[str] = ()
    cluster_category: str = ""
    technologies: Sequence[str] = ()
    description: str = ""

    def checked(self, today: date) -> dict[str, object]:
        """The column values, validated (InputError names the field)."""
        return {
            "name": _text(self.name, "name"),
            "legal_form": _text(self.legal_form, "legal_form", limit=120, required=False),
            "country": _country(self.country),
            "region_code": _region(self.region_code),
            "founded_year": _int(self.founded_year, "founded_year", low=1900, high=today.year),
            "website": _website(self.website),
            "management_fte": _decimal(
                self.management_fte, "management_fte", low=Decimal(0), high=Decimal(1000)
            ),
            "nace_codes": _codes(self.nace_codes, "nace_codes", _NACE),
            "cluster_category": _text(
                self.cluster_category, "cluster_category", limit=120, required=False
            ),
            "technologies": _codes(self.technologies, "technologies"),
            "description": _text(self.description, "description", limit=4000, required=False),
        }


def create_cluster(
    session: Session,
    viewer: Viewer,
    profile: ClusterProfileInput,
    *,
    organisation_id: int | None,
    demo: bool = False,
    today: date | None = None,
) -> ClusterOrganisation:
    """Register a cluster organisation for a platform organisation the viewer manages.

    Administrators may leave ``organisation_id`` out: a platform organisation of kind
    ``cluster_organisation`` with the same name is created for it.
    """
    values = profile.checked(today or date.today())
    if session.scalar(
        select(ClusterOrganisation.id).where(ClusterOrganisation.name == values["name"])
    ):
        raise Conflict(f"a cluster organisation named {values['name']!r} exists already")
    if organisation_id is None:
        if not viewer.admin:
            raise PermissionDenied("only administrators register a cluster for a new organisation")
        org = Organisation(
            name=str(values["name"]),
            kind=OrganisationKind.CLUSTER_ORGANISATION,
            country=str(values["country"]),
            region_code=str(values["region_code"]),
        )
        session.add(org)
        session.flush()
        record_change(
            session,
            viewer.actor,
            "organisation.create",
            "organisation",
            org.id,
            after=snapshot(org, ("name", "kind", "country", "region_code")),
        )
        organisation_id = org.id
    elif session.get(Organisation, organisation_id) is None:
        raise NotFound(f"no organisation with id {organisation_id}")
    elif not viewer.admin and organisation_id not in viewer.managed:
        raise PermissionDenied("cluster managers register only their own organisation's cluster")
    if session.scalar(
        select(ClusterOrganisation.id).where(ClusterOrganisation.organisation_id == organisation_id)
    ):
        raise Conflict("this organisation has a cluster organisation already")
    cluster = ClusterOrganisation(organisation_id=organisation_id, demo=demo, **values)
    session.add(cluster)
    session.flush()
    record_change(
        session,
        viewer.actor,
        "cluster.create",
        "cluster_organisation",
        cluster.id,
        after={**_snap(cluster), "demo": demo},
    )
    return cluster


def _snap(cluster: ClusterOrganisation) -> dict[str, object]:
    data = snapshot(cluster, _PROFILE_FIELDS)
    data["management_fte"] = str(cluster.management_fte)
    return data


def update_cluster(
    session: Session,
    viewer: Viewer,
    cluster_id: int,
    profile: ClusterProfileInput,
    *,
    today: date | None = None,
) -> ClusterOrganisation:
    """Replace the profile fields of a cluster organisation the viewer manages."""
    cluster = _editable(session, viewer, cluster_id)
    values = profile.checked(today or date.today())
    clash = session.scalar(
        select(ClusterOrganisation.id).where(
            ClusterOrganisation.name == values["name"], ClusterOrganisation.id != cluster.id
        )
    )
    if clash:
        raise Conflict(f"a cluster organisation named {values['name']!r} exists already")
    before = _snap(cluster)
    for key, value in values.items():
        setattr(cluster, key, value)
    cluster.updated_at = utcnow()
    session.flush()
    record_change(
        session,
        viewer.actor,
        "cluster.update",
        "cluster_organisation",
        cluster.id,
        before=before,
        after=_snap(cluster),
    )
    return cluster


def _member_type(value: str) -> MemberType:
    try:
        return MemberType(value)
    except ValueError:
        raise InputError(
            f"expected one of {list(MEMBER_TYPES)}, got {value!r}", field="member_type"
        ) from None


def add_member(
    session: Session,
    viewer: Viewer,
    cluster_id: int,
    *,
    name: str,
    member_type: str,
    country: str,
    joined_on: date,
    employees: int | None = None,
    today: date | None = None,
) -> ClusterMember:
    """Add a member; the joining is recorded as a membership change to be reported."""
    cluster = _editable(session, viewer, cluster_id)
    day = today or date.today()
    if joined_on > day:
        raise InputError(f"expected a date up to {day}, got {joined_on}", field="joined_on")
    if employees is not None:
        _int(employees, "employees", low=0, high=10_000_000)
    member = ClusterMember(
        cluster_id=cluster.id,
        name=_text(name, "name"),
        member_type=_member_type(member_type),
        country=_country(country),
        employees=employees,
        joined_on=joined_on,
    )
    session.add(member)
    session.flush()
    session.add(
        MembershipChange(
            cluster_id=cluster.id,
            member_id=member.id,
            kind=MembershipChangeKind.JOIN,
            changed_on=joined_on,
            details={"name": member.name, "member_type": member.member_type.value},
        )
    )
    record_change(
        session,
        viewer.actor,
        "cluster.member_add",
        "cluster_member",
        member.id,
        after={
            "cluster_id": cluster.id,
            **snapshot(member, ("name", "member_type", "country", "employees", "joined_on")),
            "joined_on": joined_on.isoformat(),
        },
    )
    return member


def member_leaves(
    session: Session,
    viewer: Viewer,
    cluster_id: int,
    member_id: int,
    *,
    left_on: date,
    today: date | None = None,
) -> ClusterMember:
    """Record that a member left on ``left_on``; the leaving is a change to be reported."""
    cluster = _editable(session, viewer, cluster_id)
    member = session.get(ClusterMember, member_id)
    if member is None or member.cluster_id != cluster.id:
        raise NotFound(f"no member {member_id} in cluster organisation {cluster_id}")
    if member.left_on is not None:
        raise Conflict(f"{member.name} left on {member.left_on} already")
    day = today or date.today()
    if not member.joined_on <= left_on <= day:
        raise InputError(
            f"expected a date from {member.joined_on} to {day}, got {left_on}", field="left_on"
        )
    member.left_on = left_on
    session.add(
        MembershipChange(
            cluster_id=cluster.id,
            member_id=member.id,
            kind=MembershipChangeKind.LEAVE,
            changed_on=left_on,
            details={"name": member.name, "member_type": member.member_type.value},
        )
    )
    session.flush()
    record_change(
        session,
        viewer.actor,
        "cluster.member_leave",
        "cluster_member",
        member.id,
        before={"left_on": None},
        after={"cluster_id": cluster.id, "left_on": left_on.isoformat()},
    )
    return member


def save_report(
    session: Session,
    viewer: Viewer,
    cluster_id: int,
    *,
    year: int,
    members_turnover: Decimal | str,
    export_share: Decimal | str,
    rd_spending: Decimal | str,
    joint_projects: int,
    patents: int,
    events: int,
    services: int,
    staff_fte: Decimal | str,
    today: date | None = None,
) -> AnnualReport:
    """Create or replace the annual report of ``year`` (a finished year: before this one)."""
    cluster = _editable(session, viewer, cluster_id)
    day = today or date.today()
    money = Decimal("1e13")
    values = {
        "year": _int(year, "year", low=min(cluster.founded_year, day.year - 1), high=day.year - 1),
        "members_turnover": _decimal(
            members_turnover, "members_turnover", low=Decimal(0), high=money
        ),
        "export_share": _decimal(export_share, "export_share", low=Decimal(0), high=Decimal(1)),
        "rd_spending": _decimal(rd_spending, "rd_spending", low=Decimal(0), high=money),
        "joint_projects": _int(joint_projects, "joint_projects", low=0, high=100_000),
        "patents": _int(patents, "patents", low=0, high=100_000),
        "events": _int(events, "events", low=0, high=100_000),
        "services": _int(services, "services", low=0, high=100_000),
        "staff_fte": _decimal(staff_fte, "staff_fte", low=Decimal(0), high=Decimal(1000)),
    }
    report = session.scalar(
        select(AnnualReport).where(AnnualReport.cluster_id == cluster.id, AnnualReport.year == year)
    )
    before = None
    if report is None:
        report = AnnualReport(cluster_id=cluster.id, **values)
        session.add(report)
    else:
        before = {k: str(v) for k, v in snapshot(report, _REPORT_FIELDS).items()}
        for key, value in values.items():
            setattr(report, key, value)
        report.submitted_at = utcnow()
    session.flush()
    record_change(
        session,
        viewer.actor,
        "cluster.report_save",
        "cluster_annual_report",
        report.id,
        before=before,
        after={"cluster_id": cluster.id, **{k: str(v) for k, v in values.items()}},
    )
    return report


# --- membership-change reports ------------------------------------------------------------


@dataclass(frozen=True)
class ChangeStatus:
    """A membership change with its reporting deadline and where it stands.

    ``status`` is ``pending`` (not reported, not yet due), ``overdue`` (not reported, past
    due), ``reported`` or ``reported_late``.
    """

    change: MembershipChange
    cluster_id: int
    cluster_name: str
    member_name: str
    due_on: date
    status: str
    days_late: int


def _status(change: MembershipChange, within_days: int, today: date) -> tuple[date, str, int]:
    due = change.changed_on + timedelta(days=within_days)
    if change.reported_on is None:
        late = (today - due).days
        return due, ("overdue" if late > 0 else "pending"), max(late, 0)
    late = (change.reported_on - due).days
    return due, ("reported_late" if late > 0 else "reported"), max(late, 0)


def _statuses(
    session: Session,
    clusters: Sequence[ClusterOrganisation],
    within_days: int,
    today: date,
) -> list[ChangeStatus]:
    if not clusters:
        return []
    names = {c.id: c.name for c in clusters}
    rows = session.execute(
        select(MembershipChange, ClusterMember.name)
        .join(ClusterMember, ClusterMember.id == MembershipChange.member_id)
        .where(MembershipChange.cluster_id.in_(list(names)))
        .order_by(MembershipChange.changed_on.desc(), MembershipChange.id.desc())
    ).all()
    out = []
    for change, member_name in rows:
        due, status, late = _status(change, within_days, today)
        out.append(
            ChangeStatus(
                change, change.cluster_id, names[change.cluster_id], member_name, due, status, late
            )
        )
    return out


def list_changes(
    session: Session,
    viewer: Viewer,
    cluster_id: int,
    *,
    within_days: int,
    today: date | None = None,
) -> list[ChangeStatus]:
    """The cluster's membership changes, newest first, with their reporting status."""
    cluster = get_cluster(session, viewer, cluster_id)
    return _statuses(session, [cluster], within_days, today or date.today())


def overdue_changes(
    session: Session, viewer: Viewer, *, within_days: int, today: date | None = None
) -> list[ChangeStatus]:
    """Unreported changes past their deadline, in every cluster organisation the viewer sees."""
    clusters = [p.cluster for p in list_clusters(session, viewer, today=today)]
    return [
        s
        for s in _statuses(session, clusters, within_days, today or date.today())
        if s.status == "overdue"
    ]


def report_changes(
    session: Session, viewer: Viewer, cluster_id: int, *, today: date | None = None
) -> int:
    """Mark every pending change of the cluster as reported today; returns how many."""
    cluster = _editable(session, viewer, cluster_id)
    day = today or date.today()
    pending = list(
        session.scalars(
            select(MembershipChange).where(
                MembershipChange.cluster_id == cluster.id, MembershipChange.reported_on.is_(None)
            )
        )
    )
    for change in pending:
        change.reported_on = day
    if pending:
        session.flush()
        record_change(
            session,
            viewer.actor,
            "cluster.changes_report",
            "cluster_organisation",
            cluster.id,
            after={"reported_on": day.isoformat(), "changes": sorted(c.id for c in pending)},
        )
    return len(pending)

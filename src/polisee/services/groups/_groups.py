"""Groups and their members: founding a group, the list and the group page, join requests
and invitations decided by a lead, roles, and leaving."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Membership, Organisation, User
from polisee.records.base import utcnow
from polisee.records.groups import (
    GroupKind,
    GroupMember,
    GroupReport,
    GroupRole,
    GroupTheme,
    MemberStatus,
    ReportState,
    WorkingGroup,
)
from polisee.services.audit import record_change
from polisee.services.groups._access import (
    NOTIFICATION_TEXTS,
    clean_text,
    lead_ids,
    load_group,
    member_of,
    require_lead,
    who,
)
from polisee.services.notifications import notify
from polisee.services.permissions import Permission, check_permission
from polisee.services.practices import THEMES
from polisee.services.sessions import Principal

__all__ = [
    "GroupInput",
    "GroupOverview",
    "GroupSummary",
    "MemberView",
    "answer_invitation",
    "create_group",
    "decide_request",
    "group_overview",
    "invite_member",
    "leave_group",
    "list_groups",
    "request_to_join",
    "set_member_role",
]


@dataclass(frozen=True)
class GroupInput:
    """What a founder writes; :meth:`checked` returns cleaned values or raises InputError."""

    name: str
    description: str = ""
    themes: tuple[str, ...] = ()
    lead_organisation_id: int | str | None = None

    def checked(self, session: Session) -> tuple[str, str, list[str], int | None]:
        """Name, description, theme keys and lead organisation id, validated."""
        name = clean_text(self.name, "name", limit=200, required=True, single_line=True)
        description = clean_text(self.description, "description", limit=5000)
        themes = sorted(set(self.themes))
        unknown = [t for t in themes if t not in THEMES]
        if unknown or not themes:
            raise InputError(
                f"expected one or more of {', '.join(THEMES)}, got {unknown or 'none'}",
                field="themes",
            )
        organisation: int | None = None
        if self.lead_organisation_id not in (None, ""):
            try:
                organisation = int(str(self.lead_organisation_id))
            except ValueError:
                raise InputError(
                    f"expected an organisation id, got {self.lead_organisation_id!r}",
                    field="lead_organisation_id",
                ) from None
            if session.get(Organisation, organisation) is None:
                raise InputError(
                    f"no organisation with id {organisation}", field="lead_organisation_id"
                )
        return name, description, themes, organisation


def _user_organisation(session: Session, user_id: int, wanted: int | None) -> int | None:
    """The organisation the user takes part for: ``wanted`` if they belong to it (else
    InputError), otherwise their first organisation by name."""
    organisations = list(
        session.scalars(
            select(Organisation.id)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id)
            .distinct()
            .order_by(Organisation.id)
        )
    )
    if wanted is not None:
        if wanted not in organisations:
            raise InputError(
                f"expected one of your organisations, got id {wanted}", field="organisation_id"
            )
        return wanted
    return organisations[0] if organisations else None


def create_group(
    session: Session,
    data: GroupInput,
    principal: Principal,
    *,
    kind: GroupKind = GroupKind.CUSTOM,
    theme_key: str | None = None,
    demo: bool = False,
    links: Iterable[dict[str, str]] = (),
) -> WorkingGroup:
    """A new group; a signed-in founder becomes its first lead. Custom groups need
    ``group:create``; a theme group (one per theme, ``theme_key``) is made by the seed with
    the administrator's rights. Conflict if the name or the theme group exists."""
    if kind is GroupKind.THEME:
        check_permission(principal.permissions, Permission.ORGANISATIONS_MANAGE)
        if theme_key not in THEMES:
            raise InputError(
                f"expected one of {', '.join(THEMES)}, got {theme_key!r}", field="theme"
            )
        if session.scalar(select(WorkingGroup.id).where(WorkingGroup.theme_key == theme_key)):
            raise Conflict(f"the theme group for {theme_key!r} exists already")
    else:
        check_permission(principal.permissions, Permission.GROUP_CREATE)
        theme_key = None
    name, description, themes, organisation = data.checked(session)
    if session.scalar(select(WorkingGroup.id).where(func.lower(WorkingGroup.name) == name.lower())):
        raise Conflict(f"a working group named {name!r} exists already")
    group = WorkingGroup(
        name=name,
        description=description,
        kind=kind,
        theme_key=theme_key,
        lead_organisation_id=organisation,
        links=list(links),
        demo=demo,
        created_by_id=principal.user_id,
    )
    group.themes = [GroupTheme(theme=t) for t in themes]
    session.add(group)
    session.flush()
    if principal.user_id is not None:
        own = _user_organisation(session, principal.user_id, None)
        if organisation is not None:
            with contextlib.suppress(InputError):
                own = _user_organisation(session, principal.user_id, organisation)
        session.add(
            GroupMember(
                group_id=group.id,
                user_id=principal.user_id,
                organisation_id=own,
                role=GroupRole.LEAD,
                status=MemberStatus.ACTIVE,
                decided_at=utcnow(),
                decided_by_id=principal.user_id,
            )
        )
    record_change(
        session,
        principal.actor,
        "group.create",
        "working_group",
        group.id,
        after={
            "name": name,
            "kind": kind.value,
            "themes": themes,
            "lead_organisation": organisation,
            "demo": demo,
        },
    )
    return group


@dataclass(frozen=True)
class GroupSummary:
    """One row of the group list."""

    group: WorkingGroup
    lead_organisation: str
    members: int
    countries: list[str]
    published_reports: int


def list_groups(session: Session, *, theme: str = "") -> list[GroupSummary]:
    """Every group (theme groups first, then by name), optionally only one theme's."""
    query = select(WorkingGroup).options(selectinload(WorkingGroup.themes))
    if theme:
        query = query.where(
            WorkingGroup.id.in_(select(GroupTheme.group_id).where(GroupTheme.theme == theme))
        )
    groups = list(session.scalars(query.order_by(WorkingGroup.kind.desc(), WorkingGroup.name)))
    ids = [g.id for g in groups]
    counts: dict[int, int] = {}
    countries: dict[int, set[str]] = {}
    for group_id, country in session.execute(
        select(GroupMember.group_id, Organisation.country)
        .outerjoin(Organisation, Organisation.id == GroupMember.organisation_id)
        .where(GroupMember.group_id.in_(ids), GroupMember.status == MemberStatus.ACTIVE)
    ):
        counts[group_id] = counts.get(group_id, 0) + 1
        if country:
            countries.setdefault(group_id, set()).add(country)
    reports: dict[int, int] = dict(
        session.execute(
            select(GroupReport.group_id, func.count())
            .where(GroupReport.group_id.in_(ids), GroupReport.state == ReportState.PUBLISHED)
            .group_by(GroupReport.group_id)
        ).all()
    )
    lead_ids_ = [g.lead_organisation_id for g in groups if g.lead_organisation_id is not None]
    leads: dict[int, str] = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(lead_ids_))
        ).all()
    )
    return [
        GroupSummary(
            group=g,
            lead_organisation=leads.get(g.lead_organisation_id or 0, ""),
            members=counts.get(g.id, 0),
            countries=sorted(countries.get(g.id, set())),
            published_reports=reports.get(g.id, 0),
        )
        for g in groups
    ]


@dataclass(frozen=True)
class MemberView:
    """A person in (or asking to join) a group, with the organisation and region they
    take part for."""

    id: int
    user_id: int
    name: str
    email: str
    organisation: str
    country: str
    region_code: str
    role: GroupRole
    status: MemberStatus
    message: str


@dataclass
class GroupOverview:
    """What the group page shows and what the principal may do there."""

    group: WorkingGroup
    lead_organisation: Organisation | None
    members: list[MemberView]
    by_country: dict[str, list[MemberView]]
    pending: list[MemberView]
    invited: list[MemberView]
    reports: list[GroupReport]
    mine: GroupMember | None
    is_member: bool
    is_lead: bool
    my_organisations: list[Organisation] = field(default_factory=list)


def _views(session: Session, group_id: int) -> list[MemberView]:
    rows = session.execute(
        select(GroupMember, User, Organisation)
        .join(User, User.id == GroupMember.user_id)
        .outerjoin(Organisation, Organisation.id == GroupMember.organisation_id)
        .where(GroupMember.group_id == group_id)
        .order_by(GroupMember.role, User.display_name)
    ).all()
    return [
        MemberView(
            id=m.id,
            user_id=u.id,
            name=u.display_name,
            email=u.email,
            organisation=o.name if o is not None else "",
            country=(o.country or "") if o is not None else "",
            region_code=(o.region_code or "") if o is not None else "",
            role=m.role,
            status=m.status,
            message=m.message,
        )
        for m, u, o in rows
    ]


def group_overview(session: Session, group_id: int, principal: Principal) -> GroupOverview:
    """The group page: members by country and region, requests (for leads), the reports
    the principal may see (published ones for everyone, drafts for members)."""
    check_permission(principal.permissions, Permission.GROUP_READ)
    group = load_group(session, group_id)
    views = _views(session, group_id)
    active = [v for v in views if v.status is MemberStatus.ACTIVE]
    by_country: dict[str, list[MemberView]] = {}
    for view in sorted(active, key=lambda v: (v.country or "~", v.region_code, v.name)):
        by_country.setdefault(view.country, []).append(view)
    mine = member_of(session, group_id, principal.user_id)
    is_member = mine is not None and mine.status is MemberStatus.ACTIVE
    lead = is_member and mine is not None and mine.role is GroupRole.LEAD
    query = select(GroupReport).where(GroupReport.group_id == group_id)
    if not is_member:
        query = query.where(GroupReport.state == ReportState.PUBLISHED)
    reports = list(session.scalars(query.order_by(GroupReport.id.desc())))
    organisations: list[Organisation] = []
    if principal.user_id is not None:
        organisations = list(
            session.scalars(
                select(Organisation)
                .join(Membership, Membership.organisation_id == Organisation.id)
                .where(Membership.user_id == principal.user_id)
                .distinct()
                .order_by(Organisation.name)
            )
        )
    return GroupOverview(
        group=group,
        lead_organisation=(
            session.get(Organisation, group.lead_organisation_id)
            if group.lead_organisation_id
            else None
        ),
        members=active,
        by_country=by_country,
        pending=[v for v in views if v.status is MemberStatus.REQUESTED] if lead else [],
        invited=[v for v in views if v.status is MemberStatus.INVITED] if lead else [],
        reports=reports,
        mine=mine,
        is_member=is_member,
        is_lead=lead,
        my_organisations=organisations,
    )


def _link(group: WorkingGroup) -> str:
    return f"/groups/{group.id}"


def request_to_join(
    session: Session,
    group_id: int,
    principal: Principal,
    *,
    organisation_id: int | None = None,
    message: str = "",
) -> GroupMember:
    """Ask to join for one of the principal's organisations; the leads are notified.
    An open invitation is accepted instead. Conflict for a member or a pending request."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    if principal.user_id is None:
        raise PermissionDenied("only a signed-in user may join a working group")
    group = load_group(session, group_id)
    row = member_of(session, group_id, principal.user_id)
    if row is not None and row.status is MemberStatus.INVITED:
        return answer_invitation(
            session, group_id, True, principal, organisation_id=organisation_id
        )
    if row is not None and row.status in (MemberStatus.ACTIVE, MemberStatus.REQUESTED):
        raise Conflict(f"you are already {row.status.value} in “{group.name}”")
    text = clean_text(message, "message", limit=2000)
    organisation = _user_organisation(session, principal.user_id, organisation_id)
    before = row.status.value if row is not None else None
    if row is None:
        row = GroupMember(
            group_id=group.id, user_id=principal.user_id, status=MemberStatus.REQUESTED
        )
        session.add(row)
    row.status, row.role, row.organisation_id, row.message = (
        MemberStatus.REQUESTED,
        GroupRole.MEMBER,
        organisation,
        text,
    )
    row.requested_at, row.decided_at, row.decided_by_id = utcnow(), None, None
    session.flush()
    record_change(
        session,
        principal.actor,
        "group.request",
        "group_member",
        row.id,
        before={"status": before},
        after={"group": group.id, "status": row.status.value, "organisation": organisation},
    )
    notify(
        session,
        lead_ids(session, group.id),
        kind="group.request",
        text_key=NOTIFICATION_TEXTS["group.request"],
        params={"who": who(principal), "group": group.name},
        link=_link(group),
    )
    return row


def invite_member(session: Session, group_id: int, email: str, principal: Principal) -> GroupMember:
    """A lead invites a platform user by email; the invitee accepts or declines."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_lead(session, group, principal)
    address = email.strip().lower()
    user = session.scalar(select(User).where(User.email == address, User.active.is_(True)))
    if user is None:
        raise InputError(f"no active user with the email {email!r}", field="email")
    row = member_of(session, group.id, user.id)
    if row is not None and row.status in (MemberStatus.ACTIVE, MemberStatus.INVITED):
        raise Conflict(f"{user.display_name} is already {row.status.value} in “{group.name}”")
    before = row.status.value if row is not None else None
    if row is None:
        row = GroupMember(group_id=group.id, user_id=user.id, status=MemberStatus.INVITED)
        session.add(row)
    row.status, row.role = MemberStatus.INVITED, GroupRole.MEMBER
    row.organisation_id = _user_organisation(session, user.id, None)
    row.requested_at, row.decided_at, row.decided_by_id = utcnow(), None, principal.user_id
    session.flush()
    record_change(
        session,
        principal.actor,
        "group.invite",
        "group_member",
        row.id,
        before={"status": before},
        after={"group": group.id, "status": row.status.value, "user": user.id},
    )
    notify(
        session,
        [user.id],
        kind="group.invitation",
        text_key=NOTIFICATION_TEXTS["group.invitation"],
        params={"who": who(principal), "group": group.name},
        link=_link(group),
    )
    return row


def _decide(
    session: Session,
    group: WorkingGroup,
    row: GroupMember,
    accept: bool,
    principal: Principal,
    action: str,
) -> GroupMember:
    before = row.status.value
    row.status = MemberStatus.ACTIVE if accept else MemberStatus.DECLINED
    row.decided_at, row.decided_by_id = utcnow(), principal.user_id
    session.flush()
    record_change(
        session,
        principal.actor,
        action,
        "group_member",
        row.id,
        before={"status": before},
        after={"group": group.id, "status": row.status.value},
    )
    return row


def decide_request(
    session: Session, group_id: int, member_id: int, accept: bool, principal: Principal
) -> GroupMember:
    """A lead accepts or declines a join request; the person asking is notified."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_lead(session, group, principal)
    row = session.get(GroupMember, member_id)
    if row is None or row.group_id != group.id:
        raise NotFound(f"working group {group_id} has no member row {member_id}")
    if row.status is not MemberStatus.REQUESTED:
        raise Conflict(f"there is no open request to decide: the person is {row.status.value}")
    _decide(session, group, row, accept, principal, "group.accept" if accept else "group.decline")
    kind = "group.accepted" if accept else "group.declined"
    notify(
        session,
        [row.user_id],
        kind=kind,
        text_key=NOTIFICATION_TEXTS[kind],
        params={"group": group.name},
        link=_link(group),
    )
    return row


def answer_invitation(
    session: Session,
    group_id: int,
    accept: bool,
    principal: Principal,
    *,
    organisation_id: int | None = None,
) -> GroupMember:
    """The invitee accepts (for one of their organisations) or declines an invitation."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    row = member_of(session, group_id, principal.user_id)
    if row is None or row.status is not MemberStatus.INVITED or principal.user_id is None:
        raise Conflict(f"you have no open invitation to “{group.name}”")
    if accept:
        row.organisation_id = _user_organisation(session, principal.user_id, organisation_id)
    return _decide(
        session,
        group,
        row,
        accept,
        principal,
        "group.invitation_accept" if accept else "group.invitation_decline",
    )


def _leads_left(session: Session, group_id: int, without: int) -> int:
    return len([u for u in lead_ids(session, group_id) if u != without])


def leave_group(session: Session, group_id: int, principal: Principal) -> GroupMember:
    """The principal leaves; their posts, documents and notes stay. Conflict for the last
    lead (who first makes another member lead)."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    row = member_of(session, group_id, principal.user_id)
    if row is None or row.status is not MemberStatus.ACTIVE or principal.user_id is None:
        raise Conflict(f"you are not a member of “{group.name}”")
    if row.role is GroupRole.LEAD and _leads_left(session, group.id, principal.user_id) == 0:
        raise Conflict("the last lead cannot leave: make another member lead first")
    row.status, row.role = MemberStatus.LEFT, GroupRole.MEMBER
    row.decided_at, row.decided_by_id = utcnow(), principal.user_id
    record_change(
        session,
        principal.actor,
        "group.leave",
        "group_member",
        row.id,
        before={"status": MemberStatus.ACTIVE.value},
        after={"group": group.id, "status": row.status.value},
    )
    return row


def set_member_role(
    session: Session, group_id: int, member_id: int, role: GroupRole | str, principal: Principal
) -> GroupMember:
    """A lead makes an active member lead or member; a group keeps at least one lead."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    try:
        role = GroupRole(role)
    except ValueError:
        raise InputError(f"expected lead or member, got {role!r}", field="role") from None
    group = load_group(session, group_id)
    require_lead(session, group, principal)
    row = session.get(GroupMember, member_id)
    if row is None or row.group_id != group.id or row.status is not MemberStatus.ACTIVE:
        raise NotFound(f"working group {group_id} has no active member {member_id}")
    if (
        role is GroupRole.MEMBER
        and row.role is GroupRole.LEAD
        and _leads_left(session, group.id, row.user_id) == 0
    ):
        raise Conflict("a working group keeps at least one lead")
    before = row.role.value
    row.role = role
    record_change(
        session,
        principal.actor,
        "group.role",
        "group_member",
        row.id,
        before={"role": before},
        after={"group": group.id, "role": role.value},
    )
    return row

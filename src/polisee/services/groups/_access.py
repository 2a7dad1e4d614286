"""Who is in a group and what that lets them do; the texts of group notifications."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import InputError, NotFound, PermissionDenied
from polisee.records.groups import GroupMember, GroupRole, MemberStatus, WorkingGroup
from polisee.services.sessions import Principal

__all__ = [
    "NOTIFICATION_TEXTS",
    "active_member_ids",
    "clean_text",
    "is_lead",
    "lead_ids",
    "load_group",
    "member_group",
    "member_of",
    "require_lead",
    "require_member",
    "who",
]

# Notification text keys (English msgids, translated when shown) by kind.
NOTIFICATION_TEXTS: dict[str, str] = {
    "group.request": "%(who)s asked to join the working group “%(group)s”.",
    "group.invitation": "%(who)s invited you to the working group “%(group)s”.",
    "group.accepted": "You are now a member of the working group “%(group)s”.",
    "group.declined": "Your request to join the working group “%(group)s” was declined.",
    "group.thread": "%(who)s opened the discussion “%(title)s” in “%(group)s”.",
    "group.reply": "%(who)s replied to “%(title)s” in “%(group)s”.",
    "group.review": "%(who)s asks for a review of the report “%(title)s” of “%(group)s”.",
    "group.approved": "%(who)s approved the report “%(title)s”; a lead may publish it.",
    "group.returned": "%(who)s sent the report “%(title)s” back to draft: %(reason)s",
    "group.published": "The report “%(title)s” of “%(group)s” was published by %(who)s.",
}


def who(principal: Principal) -> str:
    """The name shown for the principal's posts and history steps."""
    return principal.display_name or principal.email or "cli"


def clean_text(
    value: str | None, field: str, *, limit: int, required: bool = False, single_line: bool = False
) -> str:
    """Trimmed text with Unix line breaks; InputError if required and empty, or too long."""
    text = (value or "").replace("\r\n", "\n").strip()
    if single_line:
        text = " ".join(text.split())
    if required and not text:
        raise InputError("expected a value, got an empty field", field=field)
    if len(text) > limit:
        raise InputError(f"expected at most {limit} characters, got {len(text)}", field=field)
    return text


def load_group(session: Session, group_id: int) -> WorkingGroup:
    """The group with its themes; NotFound if absent."""
    group = session.scalar(
        select(WorkingGroup)
        .where(WorkingGroup.id == group_id)
        .options(selectinload(WorkingGroup.themes))
    )
    if group is None:
        raise NotFound(f"no working group with id {group_id}")
    return group


def member_of(session: Session, group_id: int, user_id: int | None) -> GroupMember | None:
    """The user's row in the group (any status), or None."""
    if user_id is None:
        return None
    return session.scalar(
        select(GroupMember).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
    )


def _active(row: GroupMember | None) -> bool:
    return row is not None and row.status is MemberStatus.ACTIVE


def is_lead(session: Session, group_id: int, principal: Principal) -> bool:
    """True when the principal is an active lead of the group."""
    row = member_of(session, group_id, principal.user_id)
    return _active(row) and row is not None and row.role is GroupRole.LEAD


def require_member(session: Session, group: WorkingGroup, principal: Principal) -> GroupMember:
    """The principal's active membership; PermissionDenied for anyone else."""
    row = member_of(session, group.id, principal.user_id)
    if row is None or not _active(row):
        raise PermissionDenied(f"only members of the working group “{group.name}” may do this")
    return row


def require_lead(session: Session, group: WorkingGroup, principal: Principal) -> GroupMember:
    """The principal's active lead membership; PermissionDenied for anyone else."""
    row = require_member(session, group, principal)
    if row.role is not GroupRole.LEAD:
        raise PermissionDenied(f"only a lead of the working group “{group.name}” may do this")
    return row


def active_member_ids(session: Session, group_id: int) -> list[int]:
    """The user ids of the group's active members."""
    return list(
        session.scalars(
            select(GroupMember.user_id).where(
                GroupMember.group_id == group_id, GroupMember.status == MemberStatus.ACTIVE
            )
        )
    )


def lead_ids(session: Session, group_id: int) -> list[int]:
    """The user ids of the group's active leads."""
    return list(
        session.scalars(
            select(GroupMember.user_id).where(
                GroupMember.group_id == group_id,
                GroupMember.status == MemberStatus.ACTIVE,
                GroupMember.role == GroupRole.LEAD,
            )
        )
    )


def member_group(session: Session, group_id: int, principal: Principal) -> WorkingGroup:
    """The group, when the principal is one of its active members (else PermissionDenied)."""
    group = load_group(session, group_id)
    require_member(session, group, principal)
    return group

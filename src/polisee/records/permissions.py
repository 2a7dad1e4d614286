"""Roles and permissions as plain data: a ``StrEnum`` each and a role -> permissions map."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = ["ANONYMOUS_PERMISSIONS", "ROLE_PERMISSIONS", "Permission", "Role", "permissions_for"]


class Role(StrEnum):
    """What a member does in an organisation; stored on memberships and invitations."""

    ADMIN = "admin"
    ANALYST = "analyst"
    POLICY_MAKER = "policy_maker"
    CLUSTER_MANAGER = "cluster_manager"
    MEMBER = "member"


class Permission(StrEnum):
    """One thing a caller may do; routes and services name the permission they need."""

    EVIDENCE_READ = "evidence:read"
    ACCOUNT_MANAGE = "account:manage"
    ORGANISATION_READ = "organisation:read"
    CLUSTER_EDIT = "cluster:edit"
    PRACTICE_PROPOSE = "practice:propose"
    ASSESSMENT_EDIT = "assessment:edit"
    PLAN_EDIT = "plan:edit"
    DATA_LOAD = "data:load"
    ANALYSIS_EXPORT = "analysis:export"
    USERS_READ = "users:read"
    USERS_INVITE = "users:invite"
    ROLES_GRANT = "roles:grant"
    ORGANISATIONS_MANAGE = "organisations:manage"
    AUDIT_READ = "audit:read"
    SCOREBOARD_EDIT = "scoreboard:edit"


# Anonymous visitors read the published evidence and nothing else.
ANONYMOUS_PERMISSIONS: frozenset[Permission] = frozenset({Permission.EVIDENCE_READ})

_MEMBER = ANONYMOUS_PERMISSIONS | {Permission.ACCOUNT_MANAGE, Permission.ORGANISATION_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MEMBER: frozenset(_MEMBER),
    Role.CLUSTER_MANAGER: frozenset(
        _MEMBER | {Permission.CLUSTER_EDIT, Permission.PRACTICE_PROPOSE}
    ),
    Role.POLICY_MAKER: frozenset(
        _MEMBER | {Permission.ASSESSMENT_EDIT, Permission.PLAN_EDIT, Permission.PRACTICE_PROPOSE}
    ),
    Role.ANALYST: frozenset(
        _MEMBER
        | {
            Permission.DATA_LOAD,
            Permission.ANALYSIS_EXPORT,
            Permission.ASSESSMENT_EDIT,
            Permission.PRACTICE_PROPOSE,
            Permission.SCOREBOARD_EDIT,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def permissions_for(roles: Iterable[Role]) -> frozenset[Permission]:
    """The union of what the given roles allow; every signed-in user is at least a member.

    >>> sorted(permissions_for([]))[:2]
    [<Permission.ACCOUNT_MANAGE: 'account:manage'>, <Permission.EVIDENCE_READ: 'evidence:read'>]
    >>> Permission.AUDIT_READ in permissions_for([Role.ANALYST])
    False
    >>> Permission.AUDIT_READ in permissions_for([Role.MEMBER, Role.ADMIN])
    True
    """
    allowed: set[Permission] = set(ROLE_PERMISSIONS[Role.MEMBER])
    for role in roles:
        allowed |= ROLE_PERMISSIONS[role]
    return frozenset(allowed)

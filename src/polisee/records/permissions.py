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
    PRACTICE_READ = "practice:read"
    PRACTICE_PROPOSE = "practice:propose"
    ASSESSMENT_READ = "assessment:read"
    ASSESSMENT_ANSWER = "assessment:answer"
    PRACTICE_VALIDATE = "practice:validate"
    PRACTICE_COMMENT = "practice:comment"
    ASSESSMENT_EDIT = "assessment:edit"
    FRAMEWORK_EDIT = "framework:edit"
    PLAN_EDIT = "plan:edit"
    PLAN_READ = "plan:read"
    DATA_LOAD = "data:load"
    ANALYSIS_EXPORT = "analysis:export"
    USERS_READ = "users:read"
    USERS_INVITE = "users:invite"
    ROLES_GRANT = "roles:grant"
    ORGANISATIONS_MANAGE = "organisations:manage"
    AUDIT_READ = "audit:read"
    CLUSTER_READ = "cluster:read"
    CLUSTER_READ_ALL = "cluster:read_all"
    STAGE_EVALUATE = "stage:evaluate"
    LADDER_IMPORT = "ladder:import"
    CALL_READ = "call:read"
    CALL_MANAGE = "call:manage"
    APPLICATION_EVALUATE = "application:evaluate"
    SCOREBOARD_EDIT = "scoreboard:edit"
    PARTNER_READ = "partner:read"
    PARTNER_CONTACT = "partner:contact"
    PARTNER_EDIT = "partner:edit"
    PARTNER_MONITOR = "partner:monitor"
    NETWORK_READ = "network:read"
    GROUP_READ = "group:read"
    GROUP_PARTICIPATE = "group:participate"
    GROUP_CREATE = "group:create"
    GROUP_REVIEW = "group:review"


# Anonymous visitors read the published evidence, the published good practices and the
# public partner profiles (members-only profiles are filtered per object by services.partners).
# Working groups, their member organisations and their published recommendations reports are
# public too; threads, documents and meeting notes are for a group's members only.
ANONYMOUS_PERMISSIONS: frozenset[Permission] = frozenset(
    {
        Permission.EVIDENCE_READ,
        Permission.PRACTICE_READ,
        Permission.PARTNER_READ,
        Permission.GROUP_READ,
    }
)

# Every signed-in user may see assessments open to them and answer or review where invited;
# which assessments those are is decided per object by the assessment service. Signed-in
# users also see members-only partner profiles and the collaboration network, keep saved
# searches, and send or answer match requests for the organisations they belong to.
# Likewise for action plans: the plan service lets the owner organisation's policy makers
# edit, action owners report on their actions, and everyone else read published plans only.
_MEMBER = ANONYMOUS_PERMISSIONS | {
    Permission.ACCOUNT_MANAGE,
    Permission.ORGANISATION_READ,
    Permission.ASSESSMENT_READ,
    Permission.ASSESSMENT_ANSWER,
    Permission.PRACTICE_COMMENT,
    Permission.PARTNER_CONTACT,
    Permission.NETWORK_READ,
    Permission.PLAN_READ,
    Permission.GROUP_PARTICIPATE,
}
# Working groups: every signed-in user may ask to join a group and, once a member, take part
# (services.groups checks membership per object; only a group's leads manage its members and
# publish). Founding a custom group is for the roles that run policy work, and the
# validators may review any group's recommendations report.
# Cluster financing: cluster managers read and edit their own cluster organisation and apply
# to calls; the agency's policy makers run calls, its analysts evaluate; both read every
# cluster organisation (object-level rules live in services.financing).
_FINANCING = {
    Permission.CLUSTER_READ,
    Permission.STAGE_EVALUATE,
    Permission.CALL_READ,
}

# Partner profiles and collaborations are published for one's own organisation (checked per
# object in services.partners); only administrators see the aggregate request numbers.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MEMBER: frozenset(_MEMBER),
    Role.CLUSTER_MANAGER: frozenset(
        _MEMBER
        | _FINANCING
        | {
            Permission.CLUSTER_EDIT,
            Permission.PRACTICE_PROPOSE,
            Permission.PARTNER_EDIT,
            Permission.GROUP_CREATE,
        }
    ),
    Role.POLICY_MAKER: frozenset(
        _MEMBER
        | _FINANCING
        | {
            Permission.ASSESSMENT_EDIT,
            Permission.PLAN_EDIT,
            Permission.PRACTICE_PROPOSE,
            Permission.CLUSTER_READ_ALL,
            Permission.CALL_MANAGE,
            Permission.PARTNER_EDIT,
            Permission.GROUP_CREATE,
        }
    ),
    Role.ANALYST: frozenset(
        _MEMBER
        | {
            Permission.DATA_LOAD,
            Permission.ANALYSIS_EXPORT,
            Permission.ASSESSMENT_EDIT,
            Permission.PRACTICE_PROPOSE,
            Permission.PRACTICE_VALIDATE,
            Permission.CLUSTER_READ_ALL,
            Permission.APPLICATION_EVALUATE,
            Permission.SCOREBOARD_EDIT,
            Permission.PARTNER_EDIT,
            Permission.GROUP_CREATE,
            Permission.GROUP_REVIEW,
        }
        | _FINANCING
    ),
    Role.ADMIN: frozenset(Permission),
}


def permissions_for(roles: Iterable[Role]) -> frozenset[Permission]:
    """The union of what the given roles allow; every signed-in user is at least a member.

    >>> sorted(permissions_for([]))[:2]
    [<Permission.ACCOUNT_MANAGE: 'account:manage'>, <Permission.ASSESSMENT_ANSWER: 'assessment:answer'>]
    >>> Permission.EVIDENCE_READ in permissions_for([])
    True
    >>> Permission.AUDIT_READ in permissions_for([Role.ANALYST])
    False
    >>> Permission.AUDIT_READ in permissions_for([Role.MEMBER, Role.ADMIN])
    True
    """
    allowed: set[Permission] = set(ROLE_PERMISSIONS[Role.MEMBER])
    for role in roles:
        allowed |= ROLE_PERMISSIONS[role]
    return frozenset(allowed)

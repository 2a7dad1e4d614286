"""What each role may do (plain data in :mod:`polisee.records.permissions`) and the check."""

from __future__ import annotations

from polisee.errors import PermissionDenied
from polisee.records.permissions import (
    ANONYMOUS_PERMISSIONS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    permissions_for,
)

__all__ = [
    "ANONYMOUS_PERMISSIONS",
    "ROLE_PERMISSIONS",
    "Permission",
    "Role",
    "check_permission",
    "permissions_for",
]


def check_permission(granted: frozenset[Permission], needed: Permission) -> None:
    """Raise :class:`PermissionDenied` unless ``needed`` is among ``granted``.

    >>> check_permission(ANONYMOUS_PERMISSIONS, Permission.EVIDENCE_READ)
    >>> check_permission(ANONYMOUS_PERMISSIONS, Permission.AUDIT_READ)
    Traceback (most recent call last):
    ...
    polisee.errors.PermissionDenied: needs permission 'audit:read'
    """
    if needed not in granted:
        raise PermissionDenied(f"needs permission {needed.value!r}")

"""Who is asking: the partner viewer behind a user, and the object-level checks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polisee.errors import NotFound, PermissionDenied
from polisee.records.partners import PartnerProfile
from polisee.records.permissions import Permission, Role
from polisee.services.accounts import memberships_of
from polisee.services.partners._model import PUBLISHING_ROLES, PartnerViewer

__all__ = ["editable_profile", "partner_viewer", "visible_profile"]


def partner_viewer(
    session: Session, user_id: int | None, permissions: frozenset[Permission], label: str
) -> PartnerViewer:
    """The viewer behind a signed-in user (or an anonymous one without organisations)."""
    if user_id is None:
        return PartnerViewer(None, label or "anonymous", permissions)
    rows = memberships_of(session, user_id)
    return PartnerViewer(
        user_id=user_id,
        label=label,
        permissions=permissions,
        organisations=frozenset(org for org, _ in rows),
        publishers=frozenset(org for org, role in rows if role in PUBLISHING_ROLES),
        admin=any(role == Role.ADMIN for _, role in rows),
    )


def visible_profile(session: Session, viewer: PartnerViewer, profile_id: int) -> PartnerProfile:
    """The profile; NotFound, or PermissionDenied when it is for members only and the
    viewer is not signed in."""
    profile = session.get(PartnerProfile, profile_id)
    if profile is None:
        raise NotFound(f"no partner profile with id {profile_id}")
    if not viewer.can_see(profile):
        raise PermissionDenied("this profile is shown to signed-in members only")
    return profile


def editable_profile(session: Session, viewer: PartnerViewer, profile_id: int) -> PartnerProfile:
    """The profile if the viewer may change it (its own organisation's publishers, admins)."""
    profile = visible_profile(session, viewer, profile_id)
    if not viewer.can_edit(profile):
        raise PermissionDenied("only the organisation's own people change its profile")
    return profile

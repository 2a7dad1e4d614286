"""What the partner service tests share: organisations with their own people, and profiles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from polisee.services import accounts
from polisee.services import partners as pt
from polisee.services.audit import CLI_ACTOR
from polisee.services.permissions import Role, permissions_for

__all__ = ["Org", "anonymous", "make_org", "make_profile", "profile_input", "viewer"]

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Org:
    """A platform organisation and one user per given role in it (role -> user id)."""

    id: int
    users: dict[str, int]


def make_org(
    db: Session, name: str, *, kind: str = "cluster_organisation", roles: tuple[str, ...] = ()
) -> Org:
    org = accounts.create_organisation(db, name=name, kind=kind, actor=CLI_ACTOR)
    users = {}
    for role in roles:
        stem = f"{role}.{'-'.join(name.lower().split())}"
        user = accounts.create_user(
            db, email=f"{stem}@example.eu", display_name=stem, password=PASSWORD, actor=CLI_ACTOR
        )
        accounts.grant_role(db, user_id=user.id, organisation_id=org.id, role=role, actor=CLI_ACTOR)
        users[role] = user.id
    return Org(org.id, users)


def viewer(db: Session, user_id: int) -> pt.PartnerViewer:
    """The partner viewer behind a user, with the permissions of their roles."""
    roles = accounts.roles_of(db, user_id)
    return pt.partner_viewer(db, user_id, permissions_for([Role(r) for r in roles]), f"u{user_id}")


def anonymous() -> pt.PartnerViewer:
    from polisee.services.permissions import ANONYMOUS_PERMISSIONS

    return pt.PartnerViewer(None, "anonymous", ANONYMOUS_PERMISSIONS)


def profile_input(**changes: Any) -> pt.ProfileInput:
    values: dict[str, Any] = {
        "region_code": "HU21",
        "summary": "Supplier network.",
        "offers": "Precision machining of engine parts",
        "needs": "Aluminium die casting of battery housings",
        "target_regions": ("AT", "RO"),
        "nace_codes": ("C29",),
        "cooperation_types": ("supply_chain",),
        "languages": ("hu", "en"),
    }
    values.update(changes)
    return pt.ProfileInput(**values)


def make_profile(db: Session, org: Org, **changes: Any) -> int:
    profile = pt.create_profile(db, pt.CLI_PARTNER_VIEWER, org.id, profile_input(**changes))
    return profile.id

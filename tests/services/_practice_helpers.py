"""What the practice tests share: users with a role, and practices in a given state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.records.accounts import Organisation
from polisee.services import accounts
from polisee.services import practices as pr
from polisee.services.audit import CLI_ACTOR
from polisee.services.permissions import Role, permissions_for
from polisee.services.sessions import ANONYMOUS, Principal

__all__ = ["ANONYMOUS", "make_principal", "practice_input", "published_practice"]

PASSWORD = "correct horse battery"


def make_principal(db: Session, name: str, role: str) -> Principal:
    """A new user holding ``role`` in the test organisation, as the web would see them."""
    org = db.scalar(select(Organisation).where(Organisation.name == "Test Agency"))
    if org is None:
        org = accounts.create_organisation(db, name="Test Agency", kind="agency", actor=CLI_ACTOR)
    user = accounts.create_user(
        db,
        email=f"{name}@example.eu",
        display_name=name.title(),
        password=PASSWORD,
        actor=CLI_ACTOR,
    )
    accounts.grant_role(db, user_id=user.id, organisation_id=org.id, role=role, actor=CLI_ACTOR)
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        permissions=permissions_for([Role(role)]),
    )


def practice_input(**changes: Any) -> pr.PracticeInput:
    """A valid practice with the given fields changed."""
    values: dict[str, Any] = {
        "title": "Cluster accreditation scheme",
        "summary": "Clusters are accredited by an independent body.",
        "instrument": "accreditation",
        "themes": ("smart_specialisation",),
        "regions": ("HU",),
        "period_start": 2008,
    }
    values.update(changes)
    return pr.PracticeInput(**values)


def published_practice(db: Session, author: Principal, validator: Principal, **changes: Any) -> int:
    """A practice by ``author`` taken through the whole validation; returns its id."""
    practice = pr.create_practice(db, practice_input(**changes), author)
    pr.submit_practice(db, practice.id, author)
    pr.decide(db, practice.id, "review", validator)
    pr.decide(db, practice.id, "publish", validator)
    return practice.id

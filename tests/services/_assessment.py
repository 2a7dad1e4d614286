"""Shared set-up of the assessment tests: people with roles, principals, a scenario."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from polisee.errors import NotFound
from polisee.records.accounts import User
from polisee.records.assessments import Assessment, StakeholderGroup
from polisee.records.permissions import permissions_for
from polisee.services import accounts
from polisee.services import assessment as sa
from polisee.services.audit import CLI_ACTOR
from polisee.services.sessions import Principal

PASSWORD = "correct horse battery"


@cache
def _hash() -> str:
    return PasswordHasher().hash(PASSWORD)


def person(
    db: Session, email: str, *, role: str | None = None, organisation: str | None = None
) -> Principal:
    """A user (created if new), optionally with a role in an organisation (created if new)."""
    try:
        user = accounts.find_user(db, email)
    except NotFound:
        # Stored directly with one hash computed per test session: argon2 takes half a
        # second per hash here, and these tests are about assessments, not accounts.
        user = User(
            email=email, display_name=email.split("@")[0], password_hash=_hash(), active=True
        )
        db.add(user)
        db.flush()
    if role is not None and organisation is not None:
        try:
            org = accounts.find_organisation(db, organisation)
        except NotFound:
            org = accounts.create_organisation(
                db, name=organisation, kind="agency", actor=CLI_ACTOR
            )
        if role not in {r.value for r in accounts.roles_of(db, user.id)}:
            accounts.grant_role(
                db, user_id=user.id, organisation_id=org.id, role=role, actor=CLI_ACTOR
            )
    return principal_of(db, email)


def principal_of(db: Session, email: str) -> Principal:
    user = accounts.find_user(db, email)
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        permissions=permissions_for(accounts.roles_of(db, user.id)),
    )


@dataclass
class Scenario:
    """An open HU21 assessment by an owner, with three invited respondents."""

    assessment_id: int
    owner: Principal
    public_a: Principal
    public_b: Principal
    business: Principal
    outsider: Principal


def scenario(db: Session, *, region: str = "HU21", year: int = 2025) -> Scenario:
    owner = person(db, "owner@example.eu", role="policy_maker", organisation="Pannon Agency")
    public_a = person(db, "pa1@example.eu")
    public_b = person(db, "pa2@example.eu")
    business = person(db, "biz@example.eu")
    outsider = person(db, "outsider@example.eu", role="policy_maker", organisation="Other Agency")
    assessment: Assessment = sa.create_assessment(
        db, principal=owner, region_code=region, round_year=year
    )
    for who, group in (
        (public_a, StakeholderGroup.PUBLIC_AUTHORITY),
        (public_b, StakeholderGroup.PUBLIC_AUTHORITY),
        (business, StakeholderGroup.BUSINESS),
    ):
        sa.invite_respondent(
            db, assessment.id, principal=owner, email=who.email, stakeholder_group=group
        )
    db.commit()
    return Scenario(assessment.id, owner, public_a, public_b, business, outsider)


def all_answers(db: Session, assessment_id: int, score: int) -> dict[str, sa.AnswerInput]:
    """The same score for every criterion of the assessment's framework."""
    definition = sa.definition_of(
        sa.get_framework(db, sa.get_assessment(db, assessment_id).framework_id)
    )
    return {c.key: sa.AnswerInput(score, evidence="seen it") for c in definition.criteria}

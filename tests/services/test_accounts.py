from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound
from polisee.records.accounts import PasswordResetToken
from polisee.records.audit import AuditEntry
from polisee.records.base import utcnow
from polisee.records.permissions import Role
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR
from polisee.services.sessions import (
    LoginFailed,
    TooManyAttempts,
    resolve_session,
    sign_in,
)

PASSWORD = "correct horse battery"


def _actions(db: Session) -> list[str]:
    return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_create_user_normalises_email_and_audits(db: Session) -> None:
    user = accounts.create_user(
        db, email=" Ana@Example.EU ", display_name="Ana", password=PASSWORD, actor=CLI_ACTOR
    )
    assert user.email == "ana@example.eu"
    assert PASSWORD not in user.password_hash
    entry = db.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor_label, entry.before) == ("user.create", "cli", None)
    assert entry.after == {"email": "ana@example.eu", "display_name": "Ana", "active": True}
    with pytest.raises(Conflict):
        accounts.create_user(
            db, email="ANA@example.eu", display_name="B", password=PASSWORD, actor=CLI_ACTOR
        )


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [("not-an-email", PASSWORD, "email"), ("a@b.eu", "short", "password")],
    ids=["bad-email", "short-password"],
)
def test_create_user_rejects_bad_input(db: Session, email: str, password: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        accounts.create_user(db, email=email, display_name="A", password=password, actor=CLI_ACTOR)
    assert caught.value.field == field


def test_authenticate(db: Session) -> None:
    accounts.create_user(db, email="a@b.eu", display_name="A", password=PASSWORD, actor=CLI_ACTOR)
    assert accounts.authenticate(db, "A@B.eu", PASSWORD) is not None
    assert accounts.authenticate(db, "a@b.eu", "wrong password") is None
    assert accounts.authenticate(db, "nobody@b.eu", PASSWORD) is None


def test_change_password_checks_the_current_one(db: Session) -> None:
    user = accounts.create_user(
        db, email="a@b.eu", display_name="A", password=PASSWORD, actor=CLI_ACTOR
    )
    with pytest.raises(InputError):
        accounts.change_password(
            db,
            user.id,
            current_password="nope nope nope",
            new_password="another secret",
            actor=CLI_ACTOR,
        )
    accounts.change_password(
        db, user.id, current_password=PASSWORD, new_password="another secret", actor=CLI_ACTOR
    )
    assert accounts.authenticate(db, "a@b.eu", "another secret") is not None
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "user.password_change")).one()
    assert entry.after == {"password": "changed"}


def test_reset_token_is_single_use_and_expires(db: Session) -> None:
    accounts.create_user(db, email="a@b.eu", display_name="A", password=PASSWORD, actor=CLI_ACTOR)
    token = accounts.issue_reset_token(db, "a@b.eu", actor=CLI_ACTOR)
    assert db.scalar(select(PasswordResetToken.token_hash)) != token
    accounts.consume_reset_token(db, token, "brand new secret")
    assert accounts.authenticate(db, "a@b.eu", "brand new secret") is not None
    with pytest.raises(NotFound):
        accounts.consume_reset_token(db, token, "yet another secret")
    late = accounts.issue_reset_token(db, "a@b.eu", actor=CLI_ACTOR)
    for reset in db.scalars(select(PasswordResetToken)):
        reset.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(NotFound):
        accounts.consume_reset_token(db, late)


def test_invitation_creates_account_with_role(db: Session) -> None:
    org = accounts.create_organisation(
        db, name="Pannon Cluster", kind="cluster_organisation", actor=CLI_ACTOR
    )
    token = accounts.invite(
        db, email="new@b.eu", organisation_id=org.id, role="analyst", actor=CLI_ACTOR
    )
    user = accounts.accept_invitation(db, token, display_name="New", password=PASSWORD)
    assert accounts.roles_of(db, user.id) == {Role.ANALYST}
    with pytest.raises(NotFound):
        accounts.get_invitation(db, token)
    assert _actions(db) == [
        "organisation.create",
        "invitation.create",
        "user.create",
        "invitation.accept",
        "membership.grant",
    ]


def test_grant_role_twice_conflicts(db: Session) -> None:
    user = accounts.create_user(
        db, email="a@b.eu", display_name="A", password=PASSWORD, actor=CLI_ACTOR
    )
    org = accounts.create_organisation(db, name="Agency", kind="agency", actor=CLI_ACTOR)
    accounts.grant_role(db, user_id=user.id, organisation_id=org.id, role="admin", actor=CLI_ACTOR)
    with pytest.raises(Conflict):
        accounts.grant_role(
            db, user_id=user.id, organisation_id=org.id, role="admin", actor=CLI_ACTOR
        )
    with pytest.raises(InputError):
        accounts.grant_role(
            db, user_id=user.id, organisation_id=org.id, role="king", actor=CLI_ACTOR
        )
    [summary] = accounts.list_users(db)
    assert summary.roles == (("Agency", Role.ADMIN),)


def test_sign_in_rate_limit_per_account(db: Session) -> None:
    accounts.create_user(db, email="a@b.eu", display_name="A", password=PASSWORD, actor=CLI_ACTOR)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            sign_in(db, "a@b.eu", "wrong password", client="1.2.3.4")
    with pytest.raises(TooManyAttempts):
        sign_in(db, "a@b.eu", PASSWORD, client="5.6.7.8")


def test_sign_in_opens_a_session(db: Session) -> None:
    accounts.create_user(db, email="a@b.eu", display_name="A", password=PASSWORD, actor=CLI_ACTOR)
    started = sign_in(db, "a@b.eu", PASSWORD, client="1.2.3.4")
    principal = resolve_session(db, started.token)
    assert principal.email == "a@b.eu"
    assert principal.csrf_token
    assert not resolve_session(db, "forged").is_authenticated


def test_password_reset_ends_every_session(db: Session) -> None:
    accounts.create_user(db, email="a@b.eu", display_name="A", password=PASSWORD, actor=CLI_ACTOR)
    started = sign_in(db, "a@b.eu", PASSWORD, client="1.2.3.4")
    token = accounts.issue_reset_token(db, "a@b.eu", actor=CLI_ACTOR)
    accounts.consume_reset_token(db, token, "brand new secret")
    assert not resolve_session(db, started.token).is_authenticated

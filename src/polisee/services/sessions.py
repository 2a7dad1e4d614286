"""Sign-in: server-side web sessions, the principal behind a cookie, login rate limiting."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from polisee.errors import PermissionDenied
from polisee.records.accounts import User
from polisee.records.base import utcnow
from polisee.records.permissions import ANONYMOUS_PERMISSIONS, Permission, permissions_for
from polisee.records.sessions import LoginFailure, WebSession
from polisee.services.accounts import authenticate, find_user, hash_token, roles_of
from polisee.services.audit import Actor, record_change

__all__ = [
    "ACCOUNT_FAILURE_LIMIT",
    "ANONYMOUS",
    "FAILURE_WINDOW",
    "IP_FAILURE_LIMIT",
    "LoginFailed",
    "Principal",
    "SignIn",
    "TooManyAttempts",
    "end_other_sessions",
    "end_session",
    "principal_of",
    "principal_of_user",
    "resolve_session",
    "sign_in",
]

SESSION_TTL = timedelta(days=14)
FAILURE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURE_LIMIT = 5
IP_FAILURE_LIMIT = 20


class LoginFailed(PermissionDenied):
    """Wrong email or password (the message never says which)."""


class TooManyAttempts(PermissionDenied):
    """Too many failed sign-ins for this account or address; ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Principal:
    """Who is behind a request: a signed-in user or the anonymous visitor."""

    user_id: int | None = None
    email: str = ""
    display_name: str = ""
    permissions: frozenset[Permission] = field(default=ANONYMOUS_PERMISSIONS)
    csrf_token: str | None = None

    @property
    def is_authenticated(self) -> bool:
        """True for a signed-in user."""
        return self.user_id is not None

    @property
    def actor(self) -> Actor:
        """This principal as the author of an audited change."""
        return Actor(self.user_id, self.email or "anonymous")


ANONYMOUS = Principal()


@dataclass(frozen=True)
class SignIn:
    """A new session: the cookie token (shown once) and the principal."""

    token: str
    principal: Principal


def _failures(session: Session, scope: str, key: str) -> int:
    since = utcnow() - FAILURE_WINDOW
    count = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at > since)
    )
    return count or 0


def sign_in(
    session: Session, email: str, password: str, *, client: str, replaces: str | None = None
) -> SignIn:
    """Check the password and open a new session (a new id: any old one is ended).

    Raises TooManyAttempts after 5 failures for the account or 20 for the address in
    15 minutes, and LoginFailed (after recording it) when the password does not match.
    """
    account = email.strip().lower()
    if (
        _failures(session, "account", account) >= ACCOUNT_FAILURE_LIMIT
        or _failures(session, "ip", client) >= IP_FAILURE_LIMIT
    ):
        raise TooManyAttempts(
            "too many failed sign-ins; try again later", int(FAILURE_WINDOW.total_seconds())
        )
    user = authenticate(session, account, password)
    if user is None:
        session.add_all(
            [LoginFailure(scope="account", key=account), LoginFailure(scope="ip", key=client)]
        )
        session.execute(delete(LoginFailure).where(LoginFailure.at <= utcnow() - FAILURE_WINDOW))
        raise LoginFailed("wrong email or password")
    session.execute(
        delete(LoginFailure).where(LoginFailure.scope == "account", LoginFailure.key == account)
    )
    if replaces:
        end_session(session, replaces)
    session.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
    before = user.last_login_at
    user.last_login_at = utcnow()
    record_change(
        session,
        Actor(user.id, user.email),
        "user.login",
        "user",
        user.id,
        before={"last_login_at": before.isoformat() if before else None},
        after={"last_login_at": user.last_login_at.isoformat()},
    )
    token = secrets.token_urlsafe(32)
    web = WebSession(
        token_hash=hash_token(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + SESSION_TTL,
    )
    session.add(web)
    session.flush()
    return SignIn(token, principal_of(session, user, csrf_token=web.csrf_token))


def principal_of(session: Session, user: User, *, csrf_token: str | None = None) -> Principal:
    """``user`` as a principal with the permissions of their roles today: the principal of a
    web session, or of a command-line job or demo loader acting as that user."""
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        permissions=permissions_for(roles_of(session, user.id)),
        csrf_token=csrf_token,
    )


def principal_of_user(session: Session, email: str) -> Principal:
    """The principal of the user with ``email``, for acting as that user outside the web
    (``polisee report assessment 3 --as pm@agency.eu``): their roles' permissions, no session.
    NotFound for an unknown email; PermissionDenied for a deactivated account."""
    user = find_user(session, email)
    if not user.active:
        raise PermissionDenied(f"the account {user.email!r} is deactivated")
    return principal_of(session, user)


def resolve_session(session: Session, token: str | None) -> Principal:
    """The principal of a session cookie; ANONYMOUS if unknown, expired or the user inactive."""
    if not token:
        return ANONYMOUS
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == hash_token(token), WebSession.expires_at > utcnow())
    ).first()
    if row is None or not row.User.active:
        return ANONYMOUS
    return principal_of(session, row.User, csrf_token=row.WebSession.csrf_token)


def end_session(session: Session, token: str) -> None:
    """Forget the session behind this cookie token (nothing happens for an unknown one)."""
    session.execute(delete(WebSession).where(WebSession.token_hash == hash_token(token)))


def end_other_sessions(session: Session, user_id: int, keep_token: str | None) -> None:
    """Sign the user out everywhere but the session behind ``keep_token`` (after a password change)."""
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_token:
        query = query.where(WebSession.token_hash != hash_token(keep_token))
    session.execute(query)

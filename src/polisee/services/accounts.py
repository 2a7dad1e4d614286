"""Accounts use cases: users, passwords, reset tokens, invitations, organisations and roles.

Every change adds an audit entry with its before and after; nothing here commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import Conflict, InputError, NotFound
from polisee.records.accounts import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    PasswordResetToken,
    User,
)
from polisee.records.base import utcnow
from polisee.records.permissions import ROLE_PERMISSIONS, Permission, Role
from polisee.records.sessions import WebSession
from polisee.services.audit import Actor, record_change, snapshot

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "UserSummary",
    "accept_invitation",
    "authenticate",
    "change_password",
    "consume_reset_token",
    "create_organisation",
    "create_user",
    "find_organisation",
    "find_user",
    "generate_password",
    "get_invitation",
    "get_user",
    "grant_role",
    "hash_token",
    "invite",
    "issue_reset_token",
    "list_organisations",
    "list_users",
    "memberships_of",
    "normalise_email",
    "organisations_granting",
    "roles_of",
]

MIN_PASSWORD_LENGTH = 10
RESET_TTL = timedelta(hours=2)
INVITATION_TTL = timedelta(days=7)
_USER_FIELDS = ("email", "display_name", "active")
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_hex(16))


def hash_token(token: str) -> str:
    """The stored form of a secret token (SHA-256 hex); tokens are random, so no salt.

    >>> len(hash_token("abc"))
    64
    """
    return hashlib.sha256(token.encode()).hexdigest()


def generate_password() -> str:
    """A random password of 20 URL-safe characters."""
    return secrets.token_urlsafe(15)


def normalise_email(email: str) -> str:
    """The email stripped and lower-cased; raises InputError unless it looks like one.

    >>> normalise_email("  Ana@Example.EU ")
    'ana@example.eu'
    """
    value = email.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or len(value) > 254:
        raise InputError(
            f"expected an email address like name@example.eu, got {email!r}", field="email"
        )
    return value


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"expected at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}", field=field
        )


def _check_name(name: str, field: str) -> str:
    value = name.strip()
    if not value or len(value) > 200:
        raise InputError(f"expected 1 to 200 characters, got {len(value)}", field=field)
    return value


def create_user(
    session: Session, *, email: str, display_name: str, password: str, actor: Actor
) -> User:
    """A new active user; Conflict if the email (case-insensitively) is taken."""
    address = normalise_email(email)
    _check_password(password)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(f"a user with email {address!r} exists already")
    user = User(
        email=address,
        display_name=_check_name(display_name, "display_name"),
        password_hash=_hasher.hash(password),
        active=True,
    )
    session.add(user)
    session.flush()
    record_change(
        session, actor, "user.create", "user", user.id, after=snapshot(user, _USER_FIELDS)
    )
    return user


def get_user(session: Session, user_id: int) -> User:
    """The user with this id, else NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    return user


def find_user(session: Session, email: str) -> User:
    """The user with this email (any case), else NotFound."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with email {email.strip()!r}")
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user whose password matches, else None.

    An unknown email costs one hash verification too, so timing does not tell
    which accounts exist.
    """
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    stored = user.password_hash if user is not None else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _set_password(session: Session, user: User, password: str, actor: Actor, action: str) -> None:
    user.password_hash = _hasher.hash(password)
    # The hash never goes into the audit log; the entry says that it changed.
    record_change(session, actor, action, "user", user.id, after={"password": "changed"})


def change_password(
    session: Session, user_id: int, *, current_password: str, new_password: str, actor: Actor
) -> None:
    """Replace the password after checking the current one (InputError if it is wrong)."""
    user = get_user(session, user_id)
    try:
        _hasher.verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise InputError("the current password is not correct", field="current_password") from None
    _check_password(new_password, "new_password")
    _set_password(session, user, new_password, actor, "user.password_change")


def issue_reset_token(session: Session, email: str, *, actor: Actor) -> str:
    """A one-time reset token for the user (valid two hours); only its hash is stored."""
    user = find_user(session, email)
    token = secrets.token_urlsafe(32)
    reset = PasswordResetToken(
        token_hash=hash_token(token), user_id=user.id, expires_at=utcnow() + RESET_TTL
    )
    session.add(reset)
    session.flush()
    record_change(
        session,
        actor,
        "user.reset_issue",
        "user",
        user.id,
        after={"expires_at": reset.expires_at.isoformat()},
    )
    return token


def _live_reset(session: Session, token: str) -> PasswordResetToken:
    reset = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise NotFound("this reset link is unknown, used or expired")
    return reset


def consume_reset_token(session: Session, token: str, new_password: str | None = None) -> User:
    """The token's user; with ``new_password`` the password is set and the token used up.

    Without a password the token is only checked (NotFound if unknown, used or expired).
    """
    reset = _live_reset(session, token)
    user = get_user(session, reset.user_id)
    if new_password is None:
        return user
    _check_password(new_password)
    reset.used_at = utcnow()
    # Whoever knew the old password loses their sessions with it.
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    _set_password(session, user, new_password, Actor(user.id, user.email), "user.password_reset")
    return user


def create_organisation(
    session: Session,
    *,
    name: str,
    kind: OrganisationKind | str,
    actor: Actor,
    country: str | None = None,
    region_code: str | None = None,
) -> Organisation:
    """A new organisation; Conflict if the name is taken."""
    clean = _check_name(name, "name")
    try:
        kind = OrganisationKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in OrganisationKind)
        raise InputError(f"expected one of {choices}, got {kind!r}", field="kind") from None
    if session.scalar(select(Organisation.id).where(Organisation.name == clean)) is not None:
        raise Conflict(f"an organisation named {clean!r} exists already")
    org = Organisation(name=clean, kind=kind, country=country, region_code=region_code)
    session.add(org)
    session.flush()
    record_change(
        session,
        actor,
        "organisation.create",
        "organisation",
        org.id,
        after=snapshot(org, ("name", "kind", "country", "region_code")),
    )
    return org


def find_organisation(session: Session, name: str) -> Organisation:
    """The organisation with this exact name, else NotFound."""
    org = session.scalar(select(Organisation).where(Organisation.name == name.strip()))
    if org is None:
        raise NotFound(f"no organisation named {name.strip()!r}")
    return org


def list_organisations(session: Session) -> list[Organisation]:
    """Every organisation, by name."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)).all())


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InputError(f"expected one of {choices}, got {value!r}", field="role") from None


def grant_role(
    session: Session, *, user_id: int, organisation_id: int, role: Role | str, actor: Actor
) -> Membership:
    """Give the user a role in the organisation; Conflict if held already."""
    role = _role(role)
    user = get_user(session, user_id)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"no organisation with id {organisation_id}")
    held = session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.organisation_id == org.id,
            Membership.role == role,
        )
    )
    if held is not None:
        raise Conflict(f"{user.email} is {role.value} in {org.name} already")
    membership = Membership(user_id=user.id, organisation_id=org.id, role=role)
    session.add(membership)
    session.flush()
    record_change(
        session,
        actor,
        "membership.grant",
        "membership",
        membership.id,
        after={"user": user.email, "organisation": org.name, "role": role.value},
    )
    return membership


def roles_of(session: Session, user_id: int) -> frozenset[Role]:
    """Every role the user holds in any organisation."""
    return frozenset(session.scalars(select(Membership.role).where(Membership.user_id == user_id)))


def memberships_of(session: Session, user_id: int | None) -> list[tuple[int, Role]]:
    """``(organisation id, role)`` for every role the user holds; none for anonymous."""
    if user_id is None:
        return []
    rows = session.execute(
        select(Membership.organisation_id, Membership.role).where(Membership.user_id == user_id)
    ).all()
    return [(organisation, role) for organisation, role in rows]


def organisations_granting(
    session: Session, user_id: int | None, permission: Permission
) -> list[Organisation]:
    """The organisations, by name, in which the user holds a role that grants ``permission``
    (where a new assessment or plan may belong, for instance)."""
    if user_id is None:
        return []
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if permission in perms]
    return list(
        session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id, Membership.role.in_(roles))
            .distinct()
            .order_by(Organisation.name)
        )
    )


def invite(
    session: Session, *, email: str, organisation_id: int, role: Role | str, actor: Actor
) -> str:
    """An invitation token (valid seven days) to join the organisation with the role."""
    address = normalise_email(email)
    role = _role(role)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"no organisation with id {organisation_id}")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=hash_token(token),
        email=address,
        organisation_id=org.id,
        role=role,
        invited_by_id=actor.user_id,
        expires_at=utcnow() + INVITATION_TTL,
    )
    session.add(invitation)
    session.flush()
    record_change(
        session,
        actor,
        "invitation.create",
        "invitation",
        invitation.id,
        after={"email": address, "organisation": org.name, "role": role.value},
    )
    return token


def get_invitation(session: Session, token: str) -> Invitation:
    """The open invitation for this token (NotFound if unknown, accepted or expired)."""
    invitation = session.scalar(
        select(Invitation)
        .where(Invitation.token_hash == hash_token(token))
        .options(selectinload(Invitation.organisation))
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise NotFound("this invitation is unknown, accepted or expired")
    return invitation


def accept_invitation(
    session: Session,
    token: str,
    *,
    display_name: str,
    password: str,
    signed_in_user_id: int | None = None,
) -> User:
    """Accept: creates the account (or uses the signed-in one with the same email) and grants the role."""
    invitation = get_invitation(session, token)
    existing = session.scalar(select(User).where(User.email == invitation.email))
    if existing is not None and existing.id != signed_in_user_id:
        raise Conflict(
            f"an account for {invitation.email} exists; sign in first, then open the link"
        )
    actor = Actor(existing.id, existing.email) if existing else Actor(None, invitation.email)
    user = existing or create_user(
        session, email=invitation.email, display_name=display_name, password=password, actor=actor
    )
    invitation.accepted_at = utcnow()
    record_change(
        session,
        Actor(user.id, user.email),
        "invitation.accept",
        "invitation",
        invitation.id,
        before={"accepted_at": None},
        after={"accepted_at": invitation.accepted_at.isoformat()},
    )
    if invitation.role not in _roles_in(session, user.id, invitation.organisation_id):
        grant_role(
            session,
            user_id=user.id,
            organisation_id=invitation.organisation_id,
            role=invitation.role,
            actor=Actor(user.id, user.email),
        )
    return user


def _roles_in(session: Session, user_id: int, organisation_id: int) -> set[Role]:
    return set(
        session.scalars(
            select(Membership.role).where(
                Membership.user_id == user_id, Membership.organisation_id == organisation_id
            )
        )
    )


@dataclass(frozen=True)
class UserSummary:
    """A user as the admin list shows it: roles as (organisation, role) pairs."""

    id: int
    email: str
    display_name: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    roles: tuple[tuple[str, Role], ...]


def list_users(session: Session, search: str | None = None) -> list[UserSummary]:
    """Every user by email, with roles; ``search`` filters on email or name (any case)."""
    query = select(User).options(
        selectinload(User.memberships).selectinload(Membership.organisation)
    )
    if search and search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(User.email.like(pattern) | User.display_name.ilike(pattern))
    return [
        UserSummary(
            id=u.id,
            email=u.email,
            display_name=u.display_name,
            active=u.active,
            created_at=u.created_at,
            last_login_at=u.last_login_at,
            roles=tuple(sorted((m.organisation.name, m.role) for m in u.memberships)),
        )
        for u in session.scalars(query.order_by(User.email)).all()
    ]

"""Notifications inside the platform: any area tells a user that something happened.

A notification holds a text key (the English msgid, translated when shown) with its
parameters and a same-site link. Creating one is a side effect of an audited change and is
not audited itself; marking as read is a user's change and is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from polisee.errors import InputError, NotFound, PermissionDenied
from polisee.records.base import utcnow
from polisee.records.notifications import Notification
from polisee.services.audit import Actor, record_change

__all__ = [
    "list_notifications",
    "mark_all_read",
    "mark_read",
    "notify",
    "unread_count",
]


def notify(
    session: Session,
    user_ids: Iterable[int],
    *,
    kind: str,
    text_key: str,
    params: dict[str, Any] | None = None,
    link: str = "",
) -> list[Notification]:
    """One notification per distinct user; ``link`` must be a same-site path."""
    if link and (not link.startswith("/") or link.startswith("//")):
        raise InputError(f"expected a same-site path starting with '/', got {link!r}", field="link")
    created = [
        Notification(
            user_id=user_id, kind=kind, text_key=text_key, params=dict(params or {}), link=link
        )
        for user_id in sorted(set(user_ids))
    ]
    session.add_all(created)
    session.flush()
    return created


def list_notifications(
    session: Session, user_id: int, *, unread_only: bool = False, limit: int = 100
) -> list[Notification]:
    """The user's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return list(session.scalars(query.limit(min(max(limit, 1), 500))))


def unread_count(session: Session, user_id: int) -> int:
    """How many of the user's notifications are unread."""
    count = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return count or 0


def mark_read(session: Session, notification_id: int, *, actor: Actor) -> Notification:
    """Mark one of the actor's own notifications read (PermissionDenied for anyone else's)."""
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound(f"no notification with id {notification_id}")
    if notification.user_id != actor.user_id:
        raise PermissionDenied("this notification belongs to another user")
    if notification.read_at is None:
        notification.read_at = utcnow()
        record_change(
            session,
            actor,
            "notification.read",
            "notification",
            notification.id,
            before={"read_at": None},
            after={"read_at": notification.read_at.isoformat()},
        )
    return notification


def mark_all_read(session: Session, *, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    if actor.user_id is None:
        raise PermissionDenied("only a signed-in user has notifications")
    now = utcnow()
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    changed: int = getattr(result, "rowcount", 0) or 0
    if changed:
        record_change(
            session,
            actor,
            "notification.read_all",
            "user",
            actor.user_id,
            after={"read": changed, "read_at": now.isoformat()},
        )
    return changed

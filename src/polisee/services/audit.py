"""The audit log: every change a service makes is written here with its before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polisee.records.audit import AuditEntry

__all__ = ["CLI_ACTOR", "Actor", "AuditPage", "list_entries", "record_change", "snapshot"]


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in user, or the command line (``user_id`` None)."""

    user_id: int | None
    label: str


CLI_ACTOR = Actor(user_id=None, label="cli")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(record: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of ``record`` as a JSON-ready dict (datetimes as ISO text).

    >>> from types import SimpleNamespace
    >>> snapshot(SimpleNamespace(email="a@b.eu", active=True), ("email", "active"))
    {'email': 'a@b.eu', 'active': True}
    """
    return {name: _plain(getattr(record, name)) for name in fields}


def record_change(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit entry to the session (the caller commits it with the change)."""
    entry = AuditEntry(
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log, newest first."""

    entries: list[AuditEntry]
    total: int
    offset: int
    limit: int


def list_entries(
    session: Session, *, action: str | None = None, offset: int = 0, limit: int = 50
) -> AuditPage:
    """The audit entries, newest first, optionally only one action."""
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
        count = count.where(AuditEntry.action == action)
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    rows = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    ).all()
    return AuditPage(list(rows), session.scalar(count) or 0, offset, limit)

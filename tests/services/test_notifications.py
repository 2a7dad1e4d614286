"""Notifications: created for users, counted, read only by their owner."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services._practice_helpers import make_principal

from polisee.errors import InputError, NotFound, PermissionDenied
from polisee.records.audit import AuditEntry
from polisee.services import notifications


def test_notify_count_and_read(db: Session) -> None:
    ana = make_principal(db, "ana", "member")
    bea = make_principal(db, "bea", "member")
    assert ana.user_id is not None
    assert bea.user_id is not None
    made = notifications.notify(
        db,
        [ana.user_id, ana.user_id, bea.user_id],
        kind="test",
        text_key="Hello %(name)s",
        params={"name": "x"},
        link="/practices/1",
    )
    assert len(made) == 2
    assert notifications.unread_count(db, ana.user_id) == 1
    with pytest.raises(PermissionDenied):
        notifications.mark_read(db, made[0].id, actor=bea.actor)
    assert notifications.unread_count(db, ana.user_id) == 1
    notifications.mark_read(db, made[0].id, actor=ana.actor)
    assert notifications.unread_count(db, ana.user_id) == 0
    assert notifications.list_notifications(db, ana.user_id, unread_only=True) == []
    assert notifications.mark_all_read(db, actor=bea.actor) == 1
    assert notifications.mark_all_read(db, actor=bea.actor) == 0
    actions = list(
        db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("notification.%")))
    )
    assert actions == ["notification.read", "notification.read_all"]
    with pytest.raises(NotFound):
        notifications.mark_read(db, 999, actor=ana.actor)


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/", "//evil.example/x", "javascript:x"],
    ids=["absolute", "protocol-relative", "scheme"],
)
def test_links_stay_on_the_site(db: Session, link: str) -> None:
    ana = make_principal(db, "ana", "member")
    assert ana.user_id is not None
    with pytest.raises(InputError):
        notifications.notify(db, [ana.user_id], kind="x", text_key="x", link=link)

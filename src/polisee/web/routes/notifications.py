"""Notifications inside the platform: the list, the unread count for the bell, marking read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from polisee.services import notifications
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter(prefix="/notifications")
SignedIn = Annotated[Principal, require(Permission.ACCOUNT_MANAGE)]


@router.get("", name="notifications:list")
def list_notifications(request: Request, db: DbSession, principal: SignedIn) -> Response:
    """The signed-in user's notifications, newest first."""
    assert principal.user_id is not None
    items = notifications.list_notifications(db, principal.user_id)
    return render(request, "notifications/list.html", {"items": items})


@router.get("/count", name="notifications:count")
def count_notifications(request: Request, db: DbSession, principal: SignedIn) -> Response:
    """The bell's label with the unread count (an htmx fragment)."""
    assert principal.user_id is not None
    unread = notifications.unread_count(db, principal.user_id)
    return render(request, "notifications/list.html", {"unread": unread}, block="bell")


@router.post("/{notification_id}/read", name="notifications:read")
def read_notification(db: DbSession, principal: SignedIn, notification_id: int) -> Response:
    """Mark one notification read and go to what it is about."""
    item = notifications.mark_read(db, notification_id, actor=principal.actor)
    return RedirectResponse(item.link or "/notifications", status_code=303)


@router.post("/read", name="notifications:read_all")
def read_all_notifications(db: DbSession, principal: SignedIn) -> Response:
    """Mark every notification read."""
    notifications.mark_all_read(db, actor=principal.actor)
    return RedirectResponse("/notifications", status_code=303)

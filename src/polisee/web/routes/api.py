"""The JSON API, version 1: same permissions as the pages; schema at ``/openapi.json``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel

from polisee.services import accounts
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.security import DbSession, require

__all__ = ["API_ERRORS", "ErrorOut", "Me", "RoleOut", "UserOut", "router"]


class ErrorOut(BaseModel):
    """Every error of the API: what went wrong and, for bad input, where."""

    detail: str
    where: str | None = None


API_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "Not allowed (sign in, or a missing permission)"},
    404: {"model": ErrorOut, "description": "No such thing"},
    422: {"model": ErrorOut, "description": "Invalid input, naming the field"},
    429: {"model": ErrorOut, "description": "Too many requests"},
}
"""The error responses every API route may give, documented in the OpenAPI schema."""

router = APIRouter(prefix="/api/v1", tags=["platform"], responses=API_ERRORS)


class Me(BaseModel):
    """The signed-in user and what they may do."""

    id: int
    email: str
    display_name: str
    permissions: list[str]


class RoleOut(BaseModel):
    """A role held in an organisation."""

    organisation: str
    role: str


class UserOut(BaseModel):
    """A user as administrators see it."""

    id: int
    email: str
    display_name: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    roles: list[RoleOut]


@router.get("/me", name="api:me")
def show_me(principal: Annotated[Principal, require(Permission.ACCOUNT_MANAGE)]) -> Me:
    """Who the session belongs to."""
    assert principal.user_id is not None
    return Me(
        id=principal.user_id,
        email=principal.email,
        display_name=principal.display_name,
        permissions=sorted(p.value for p in principal.permissions),
    )


@router.get("/users", name="api:users")
def list_users(
    db: DbSession, principal: Annotated[Principal, require(Permission.USERS_READ)]
) -> list[UserOut]:
    """Every user with roles."""
    return [
        UserOut(
            id=u.id,
            email=u.email,
            display_name=u.display_name,
            active=u.active,
            created_at=u.created_at,
            last_login_at=u.last_login_at,
            roles=[RoleOut(organisation=o, role=r.value) for o, r in u.roles],
        )
        for u in accounts.list_users(db)
    ]

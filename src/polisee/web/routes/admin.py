"""Administration: users, invitations, roles, organisations and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from polisee.records.accounts import OrganisationKind
from polisee.services import accounts
from polisee.services.audit import list_entries
from polisee.services.permissions import Permission, Role
from polisee.services.sessions import Principal
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter(prefix="/admin")


def _users_page(
    request: Request, db: DbSession, search: str | None, extra: dict[str, object] | None = None
) -> Response:
    context = {
        "users": accounts.list_users(db, search),
        "organisations": accounts.list_organisations(db),
        "roles": [r.value for r in Role],
        "kinds": [k.value for k in OrganisationKind],
        "search": search or "",
        **(extra or {}),
    }
    block = "users_table" if request.headers.get("hx-request") == "true" else None
    return render(request, "admin/users.html", context, block=block)


@router.get("/users", name="admin:users")
def list_users(
    request: Request,
    db: DbSession,
    principal: Annotated[Principal, require(Permission.USERS_READ)],
    q: str | None = None,
) -> Response:
    """Users with their roles; htmx search re-renders only the table."""
    return _users_page(request, db, q)


@router.post("/invitations", name="admin:invite")
def invite_user(
    request: Request,
    db: DbSession,
    principal: Annotated[Principal, require(Permission.USERS_INVITE)],
    email: Annotated[str, Form(max_length=254)],
    organisation_id: Annotated[int, Form()],
    role: Annotated[str, Form(max_length=32)],
) -> Response:
    """Create an invitation; its link is shown once, here (there is no mail server)."""
    token = accounts.invite(
        db, email=email, organisation_id=organisation_id, role=role, actor=principal.actor
    )
    link = str(request.url_for("auth:invitation_form", token=token))
    return _users_page(request, db, None, {"invitation_link": link, "invited": email})


@router.post("/users/{user_id}/roles", name="admin:grant_role")
def grant_role(
    request: Request,
    db: DbSession,
    principal: Annotated[Principal, require(Permission.ROLES_GRANT)],
    user_id: int,
    organisation_id: Annotated[int, Form()],
    role: Annotated[str, Form(max_length=32)],
) -> Response:
    """Give a user a role in an organisation."""
    accounts.grant_role(
        db, user_id=user_id, organisation_id=organisation_id, role=role, actor=principal.actor
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/organisations", name="admin:create_organisation")
def create_organisation(
    request: Request,
    db: DbSession,
    principal: Annotated[Principal, require(Permission.ORGANISATIONS_MANAGE)],
    name: Annotated[str, Form(max_length=300)],
    kind: Annotated[str, Form(max_length=32)],
    country: Annotated[str, Form(max_length=2)] = "",
    region_code: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Register an organisation."""
    accounts.create_organisation(
        db,
        name=name,
        kind=kind,
        actor=principal.actor,
        country=country.upper() or None,
        region_code=region_code.upper() or None,
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/audit", name="admin:audit")
def list_audit(
    request: Request,
    db: DbSession,
    principal: Annotated[Principal, require(Permission.AUDIT_READ)],
    action: str | None = None,
    offset: int = 0,
) -> Response:
    """The audit log, newest first."""
    page = list_entries(db, action=action or None, offset=offset)
    return render(request, "admin/audit.html", {"page": page, "action": action or ""})

"""Signing in and out, password change and reset, accepting invitations."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from polisee.services import accounts
from polisee.services.permissions import Permission
from polisee.services.sessions import (
    LoginFailed,
    Principal,
    end_other_sessions,
    end_session,
    sign_in,
)
from polisee.web.security import CSRF_COOKIE, SESSION_COOKIE, DbSession, require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter()
SESSION_MAX_AGE = int(timedelta(days=14).total_seconds())


def _safe_next(target: str | None) -> str:
    # Only same-site paths: "//evil.example" and "https://..." would leave the site.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", name="auth:login_form")
def show_login(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return render(request, "auth/login.html", {"next": _safe_next(next)})


@router.post("/login", name="auth:login")
def login(
    request: Request,
    db: DbSession,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password, rotate the session id and go on to ``next``."""
    client = request.client.host if request.client else "unknown"
    try:
        started = sign_in(
            db, email, password, client=client, replaces=request.cookies.get(SESSION_COOKIE)
        )
    except LoginFailed:
        return render(
            request,
            "auth/login.html",
            {"next": _safe_next(next), "error": True, "email": email},
            status_code=401,
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.post("/logout", name="auth:logout")
def logout(
    request: Request,
    db: DbSession,
    principal: Annotated[Principal, require(Permission.ACCOUNT_MANAGE)],
) -> Response:
    """End the session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(db, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account/password", name="auth:password_form")
def show_password_form(
    request: Request, principal: Annotated[Principal, require(Permission.ACCOUNT_MANAGE)]
) -> Response:
    """The change-password form."""
    return render(request, "auth/password.html")


@router.post("/account/password", name="auth:password_change")
def change_password(
    request: Request,
    db: DbSession,
    principal: Annotated[Principal, require(Permission.ACCOUNT_MANAGE)],
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Replace the signed-in user's password."""
    assert principal.user_id is not None
    accounts.change_password(
        db,
        principal.user_id,
        current_password=current_password,
        new_password=new_password,
        actor=principal.actor,
    )
    end_other_sessions(db, principal.user_id, request.cookies.get(SESSION_COOKIE))
    return render(request, "auth/password.html", {"changed": True})


@router.get("/reset/{token}", name="auth:reset_form")
def show_reset_form(request: Request, db: DbSession, token: str) -> Response:
    """The set-a-new-password form behind a reset link (404 if the link is dead)."""
    user = accounts.consume_reset_token(db, token)
    return render(request, "auth/reset.html", {"token": token, "email": user.email})


@router.post("/reset/{token}", name="auth:reset")
def reset_password(
    request: Request, db: DbSession, token: str, new_password: Annotated[str, Form(max_length=1024)]
) -> Response:
    """Set the new password and use up the link."""
    accounts.consume_reset_token(db, token, new_password)
    return RedirectResponse("/login?reset=1", status_code=303)


@router.get("/invitations/{token}", name="auth:invitation_form")
def show_invitation(request: Request, db: DbSession, token: str) -> Response:
    """The accept-invitation form (404 if the invitation is dead)."""
    invitation = accounts.get_invitation(db, token)
    return render(
        request,
        "auth/invitation.html",
        {
            "token": token,
            "email": invitation.email,
            "organisation": invitation.organisation.name,
            "role": invitation.role.value,
        },
    )


@router.post("/invitations/{token}", name="auth:invitation_accept")
def accept_invitation(
    request: Request,
    db: DbSession,
    token: str,
    display_name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Create the account and grant the invited role, then ask the user to sign in."""
    principal: Principal | None = getattr(request.state, "principal", None)
    accounts.accept_invitation(
        db,
        token,
        display_name=display_name,
        password=password,
        signed_in_user_id=principal.user_id if principal else None,
    )
    return RedirectResponse("/login?joined=1", status_code=303)

"""Who may do what on the web: principal, permission dependencies, CSRF, security headers.

Routes are denied by default: each route declares ``require(Permission.X)`` or stands on
:data:`PUBLIC_ROUTES`; a test walks ``app.routes`` to keep it so.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from polisee.services.permissions import Permission, check_permission
from polisee.services.semantic import SemanticSearch
from polisee.services.sessions import ANONYMOUS, Principal, resolve_session

__all__ = [
    "CSRF_COOKIE",
    "PUBLIC_ROUTES",
    "SESSION_COOKIE",
    "CsrfRejected",
    "DbSession",
    "SecurityHeadersMiddleware",
    "Semantic",
    "csrf_token_for",
    "get_db",
    "get_principal",
    "get_semantic",
    "iter_routes",
    "require",
    "route_permission",
    "verify_csrf",
]

SESSION_COOKIE = "polisee_session"
CSRF_COOKIE = "polisee_csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Pages anyone must reach to get in at all, plus static files and the API schema, and the
# assessment questionnaire behind an invitation link (the link's token is checked instead).
PUBLIC_ROUTES = frozenset(
    {
        "assessments:link_form",
        "assessments:link_save",
        "assessments:link_save_answer",
        "auth:login_form",
        "auth:login",
        "auth:reset_form",
        "auth:reset",
        "auth:invitation_form",
        "auth:invitation_accept",
        "static",
        "openapi",
    }
)


class CsrfRejected(Exception):
    """An unsafe request came from another site or without the form token."""


def get_db(request: Request) -> Iterator[Session]:
    """The request's session: committed when the handler returns, rolled back if it raises."""
    with request.app.state.session_factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


DbSession = Annotated[Session, Depends(get_db, scope="function")]


def get_semantic(request: Request) -> SemanticSearch:
    """The deployment's semantic search (``Settings.semantic``; on unless switched off)."""
    search: SemanticSearch = getattr(request.app.state, "semantic", SemanticSearch())
    return search


Semantic = Annotated[SemanticSearch, Depends(get_semantic)]


def get_principal(request: Request, db: DbSession) -> Principal:
    """The signed-in user behind the session cookie, or ANONYMOUS."""
    principal = resolve_session(db, request.cookies.get(SESSION_COOKIE))
    request.state.principal = principal
    return principal


class _Require:
    """The dependency behind :func:`require`; ``permission`` is read by the route walk."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        check_permission(principal.permissions, self.permission)
        return principal


def require(permission: Permission) -> Any:
    """A dependency that lets the request through only with ``permission``; yields the principal."""
    return Depends(_Require(permission))


def iter_routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, with included routers flattened (FastAPI keeps them as wrappers)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from iter_routes(inner.routes)
        else:
            yield route


def route_permission(route: BaseRoute) -> Permission | None:
    """The permission a route declared with :func:`require`, if any."""
    if not isinstance(route, APIRoute):
        return None
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        if isinstance(dependant.call, _Require):
            return dependant.call.permission
        pending.extend(dependant.dependencies)
    return None


def _signer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.secret_key, salt="polisee-csrf")


def csrf_token_for(request: Request) -> str:
    """The form token: the session's own, or for anonymous visitors one kept in a signed cookie."""
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    if principal.csrf_token:
        return principal.csrf_token
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie:
        try:
            value = _signer(request).loads(cookie)
            if isinstance(value, str):
                return value
        except BadSignature:
            pass
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = secrets.token_urlsafe(32)
        request.state.new_csrf = fresh
        request.state.new_csrf_cookie = _signer(request).dumps(fresh)
    return fresh


async def verify_csrf(
    request: Request, principal: Annotated[Principal, Depends(get_principal)]
) -> None:
    """On unsafe methods: same-site only (Sec-Fetch-Site / Origin) and the form token must match."""
    if request.method not in UNSAFE_METHODS:
        return
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise CsrfRejected(f"cross-site request refused (Sec-Fetch-Site: {site})")
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin is not None and origin != own:
        raise CsrfRejected(f"request from another origin refused ({origin})")
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = (
        csrf_token_for(request)
        if request.cookies.get(CSRF_COOKIE) or principal.csrf_token
        else None
    )
    if not sent or expected is None or not secrets.compare_digest(sent, expected):
        raise CsrfRejected("the form token is missing or stale; reload the page and try again")


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeadersMiddleware:
    """Adds CSP (no inline script), nosniff, frame denial and referrer policy to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in _HEADERS if h[0] not in present)
                if scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"public, max-age=3600"))
                else:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

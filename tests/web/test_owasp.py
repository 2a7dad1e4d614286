"""The OWASP Top 10 (2021) as it applies to this platform, one named case per control.

A01 access control (between organisations, CSRF on every unsafe route, redirects),
A02 secrets at rest, A03 injection (SQL into every filter, XSS into every user-text
field), A04 limits by design (body size, uploads), A05 configuration, A07 sessions and
sign-in (fixation, expiry, logout, rate limits), A08 integrity (signed tokens, backups),
A09 audit trail, A10 no server-side fetches. A06 (vulnerable components) is a
dependency audit outside the test suite: pinned versions in pyproject and CI's fresh
install. Routes of the evidence explorer are read-only and public; their filters are
fuzzed by schemathesis (tests/web/test_schemathesis.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.web.conftest import PASSWORD, form_token
from tests.web.test_permissions import _snapshot

from polisee.errors import InputError
from polisee.records.accounts import Invitation, Membership, Organisation, User
from polisee.records.audit import AuditEntry
from polisee.records.base import utcnow
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.records.sessions import LoginFailure, WebSession
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR
from polisee.services.backup import backup, restore
from polisee.web.security import SESSION_COOKIE, iter_routes, route_permission

Login = Callable[[TestClient, str], None]

XSS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
]
SQL = ["' OR '1'='1", "x'; DROP TABLE users; --", "%' UNION SELECT password_hash FROM users --"]


def _session(url: str) -> Any:
    engine = make_engine(url)
    return engine, make_session_factory(engine)()


def _other_organisation_member(url: str) -> tuple[int, str]:
    """An organisation apart from the people's one, with an admin-less member."""
    with transaction(url) as db:
        other = accounts.create_organisation(
            db, name="Other Cluster", kind="cluster_organisation", actor=CLI_ACTOR
        )
        user = accounts.create_user(
            db, email="outsider@example.eu", display_name="Out", password=PASSWORD, actor=CLI_ACTOR
        )
        accounts.grant_role(
            db, user_id=user.id, organisation_id=other.id, role="cluster_manager", actor=CLI_ACTOR
        )
        return other.id, user.email


def _assert_inert(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert all(s.get("src") and not s.get_text().strip() for s in soup.find_all("script")), where
    handlers = [
        (t.name, a) for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")
    ]
    assert not handlers, (where, handlers)
    assert not soup.find_all(["svg", "img"], attrs={"src": "x"}), where
    links = [a.get("href", "") for a in soup.find_all(["a", "form"])]
    assert not [h for h in links if str(h).strip().lower().startswith("javascript:")], where


# -- A01 Broken access control ----------------------------------------------------------------


def test_A01_member_of_another_organisation_cannot_invite_or_grant(
    client: TestClient, people: dict[str, str], database_url: str, login: Login
) -> None:
    _, outsider = _other_organisation_member(database_url)
    engine, db = _session(database_url)
    with db:
        pannon = db.scalar(select(Organisation.id).where(Organisation.name == "Pannon Agency"))
        admin = db.scalar(select(User.id).where(User.email == people["admin"]))
    engine.dispose()
    login(client, outsider)
    token = form_token(client, "/account/password")
    before = _snapshot(database_url)
    attempts = [
        (
            "/admin/invitations",
            {"email": "spy@example.eu", "organisation_id": str(pannon), "role": "admin"},
        ),
        (f"/admin/users/{admin}/roles", {"organisation_id": str(pannon), "role": "member"}),
        ("/admin/organisations", {"name": "Hostile", "kind": "agency"}),
    ]
    for path, form in attempts:
        response = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 403, path
    assert client.get("/api/v1/users").status_code == 403
    assert _snapshot(database_url) == before


def test_A01_invitation_grants_only_its_own_organisation_and_role(
    client: TestClient, people: dict[str, str], database_url: str
) -> None:
    other, _ = _other_organisation_member(database_url)
    with transaction(database_url) as db:
        pannon = accounts.find_organisation(db, "Pannon Agency")
        token = accounts.invite(
            db, email="new@example.eu", organisation_id=pannon.id, role="member", actor=CLI_ACTOR
        )
    csrf = form_token(client, f"/invitations/{token}")
    # Extra fields naming another organisation and role are not part of the form: ignored.
    client.post(
        f"/invitations/{token}",
        data={
            "display_name": "New",
            "password": PASSWORD,
            "csrf_token": csrf,
            "organisation_id": str(other),
            "role": "admin",
        },
    )
    engine, db = _session(database_url)
    with db:
        held = db.execute(
            select(Membership.organisation_id, Membership.role)
            .join(User, User.id == Membership.user_id)
            .where(User.email == "new@example.eu")
        ).all()
    engine.dispose()
    assert [(org, role.value) for org, role in held] == [(pannon.id, "member")]


def _unsafe_routes(app: FastAPI) -> list[str]:
    return sorted(
        route.path
        for route in iter_routes(app.routes)
        if isinstance(route, APIRoute) and {"POST", "PUT", "PATCH", "DELETE"} & set(route.methods)
    )


@pytest.mark.parametrize(
    "attack",
    ["foreign-origin", "cross-site-fetch", "no-token", "other-sessions-token"],
    ids=lambda a: a,
)
def test_A01_csrf_is_refused_on_every_unsafe_route(
    app: FastAPI,
    client: TestClient,
    people: dict[str, str],
    database_url: str,
    login: Login,
    attack: str,
) -> None:
    routes = _unsafe_routes(app)
    assert "/admin/organisations" in routes
    with TestClient(app, base_url="http://testserver") as other:
        login(other, people["member"])
        foreign_token = form_token(other, "/account/password")
    login(client, people["admin"])
    token = form_token(client, "/admin/users")
    headers: dict[str, str] = {}
    if attack == "foreign-origin":
        headers["Origin"] = "https://evil.example"
    elif attack == "cross-site-fetch":
        headers["Sec-Fetch-Site"] = "cross-site"
    sent = {"no-token": None, "other-sessions-token": foreign_token}.get(attack, token)
    before = _snapshot(database_url)
    for path in routes:
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        form = {"name": "CSRF Org", "kind": "agency", "email": "c@example.eu"}
        if sent is not None:
            form["csrf_token"] = sent
        response = client.post(concrete, data=form, headers=headers, follow_redirects=False)
        assert response.status_code == 403, (attack, path, response.status_code)
    assert _snapshot(database_url) == before


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"],
    ids=["protocol-relative", "absolute", "backslash", "javascript"],
)
def test_A01_redirect_after_sign_in_stays_on_the_site(
    client: TestClient, people: dict[str, str], target: str
) -> None:
    page = client.get("/login", params={"next": target})
    _assert_inert(page.text, "login form")
    response = client.post(
        "/login",
        data={
            "email": people["member"],
            "password": PASSWORD,
            "csrf_token": form_token(client),
            "next": target,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


# -- A02 Cryptographic failures ------------------------------------------------------------------


def test_A02_passwords_and_tokens_are_stored_hashed(
    client: TestClient, people: dict[str, str], database_url: str, login: Login
) -> None:
    login(client, people["admin"])
    cookie = client.cookies[SESSION_COOKIE]
    client.post(
        "/admin/invitations",
        data={
            "email": "hashed@example.eu",
            "organisation_id": "1",
            "role": "member",
            "csrf_token": form_token(client, "/admin/users"),
        },
    )
    engine, db = _session(database_url)
    with db:
        hashes = list(db.scalars(select(User.password_hash)))
        sessions = list(db.scalars(select(WebSession.token_hash)))
        invitations = list(db.scalars(select(Invitation.token_hash)))
    engine.dispose()
    assert hashes
    assert all(h.startswith("$argon2") and PASSWORD not in h for h in hashes)
    assert hashlib.sha256(cookie.encode()).hexdigest() in sessions
    assert cookie not in sessions
    assert invitations
    assert all(len(h) == 64 for h in invitations)
    set_cookie = client.post(
        "/login",
        data={"email": people["member"], "password": PASSWORD, "csrf_token": form_token(client)},
        follow_redirects=False,
    ).headers.get("set-cookie", "")
    assert "HttpOnly" in set_cookie
    assert "samesite=lax" in set_cookie.lower()


# -- A03 Injection --------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", SQL, ids=["tautology", "stacked-drop", "union"])
def test_A03_sql_in_every_filter_is_only_a_value(
    client: TestClient, people: dict[str, str], database_url: str, login: Login, payload: str
) -> None:
    login(client, people["admin"])
    before = _snapshot(database_url)
    users = client.get("/admin/users", params={"q": payload})
    assert users.status_code == 200
    rows = BeautifulSoup(users.text, "html.parser").select("#users-table tbody tr")
    assert [r.get_text(strip=True) for r in rows] == ["No users match."]
    audit = client.get("/admin/audit", params={"action": payload})
    assert audit.status_code == 200
    assert "$argon2" not in users.text + audit.text
    for path in ("/api/v1/regions", "/api/v1/indicators/lq"):
        # No statistics in this app: the filters are refused or answered 503, never 500.
        status = client.get(
            path, params={"q": payload, "country": payload, "measure": payload}
        ).status_code
        assert status in (422, 503), path
    assert _snapshot(database_url) == before


@pytest.mark.parametrize("payload", XSS, ids=["script", "img-onerror", "svg-onload"])
def test_A03_xss_in_every_user_text_field_renders_inert(
    client: TestClient, people: dict[str, str], database_url: str, login: Login, payload: str
) -> None:
    # Every text a user can put into the platform on this branch: organisation name,
    # invited email, display name (accepting an invitation), search text, sign-in email.
    login(client, people["admin"])
    token = form_token(client, "/admin/users")
    created = client.post(
        "/admin/organisations",
        data={"name": f"Org {payload}", "kind": "agency", "csrf_token": token},
        follow_redirects=False,
    )
    assert created.status_code == 303
    invited = client.post(
        "/admin/invitations",
        data={
            "email": f"x{payload}@example.eu",
            "organisation_id": "1",
            "role": "member",
            "csrf_token": token,
        },
    )
    assert invited.status_code in (200, 422)
    _assert_inert(invited.text, "invitation answer")
    with transaction(database_url) as db:
        org = accounts.find_organisation(db, "Pannon Agency")
        link = accounts.invite(
            db, email="guest@example.eu", organisation_id=org.id, role="member", actor=CLI_ACTOR
        )
    pages = {
        "users": client.get("/admin/users").text,
        "search": client.get("/admin/users", params={"q": payload}).text,
        "search-fragment": client.get(
            "/admin/users", params={"q": payload}, headers={"HX-Request": "true"}
        ).text,
    }
    with TestClient(client.app, base_url="http://testserver") as guest:
        accepted = guest.post(
            f"/invitations/{link}",
            data={
                "display_name": payload,
                "password": PASSWORD,
                "csrf_token": form_token(guest, f"/invitations/{link}"),
            },
            follow_redirects=False,
        )
        assert accepted.status_code == 303
        login(guest, "guest@example.eu")
        pages["home-of-guest"] = guest.get("/").text
        guest.post("/logout", data={"csrf_token": form_token(guest, "/account/password")})
        failed = guest.post(
            "/login",
            data={"email": payload, "password": "wrong password", "csrf_token": form_token(guest)},
        )
        pages["failed-sign-in"] = failed.text
    pages["users-after"] = client.get("/admin/users").text
    pages["audit"] = client.get("/admin/audit").text
    for where, html in pages.items():
        _assert_inert(html, where)
    # The text is shown as text, not dropped.
    assert f"Org {payload}" in BeautifulSoup(pages["users-after"], "html.parser").get_text()


# -- A04 Insecure design: limits -------------------------------------------------------------------


def test_A04_request_bodies_are_limited_and_only_checked_routes_take_uploads(
    app: FastAPI, client: TestClient
) -> None:
    uploads = [
        route.path
        for route in iter_routes(app.routes)
        if isinstance(route, APIRoute)
        and any(
            "UploadFile" in repr(p.field_info.annotation)
            or "bytes" in repr(p.field_info.annotation)
            for p in route.dependant.body_params
        )
    ]
    # The upload routes check type by magic bytes (and office containers), size, double
    # extensions and names through services.uploads (tests/services/test_practice_attachments.py,
    # tests/services/test_groups.py, tests/web/test_practices.py, tests/web/test_groups_pages.py).
    assert sorted(uploads) == [
        "/groups/{group_id}/documents",
        "/groups/{group_id}/documents/{document_id}/versions",
        "/practices/{practice_id}/attachments",
    ]
    big = client.post(
        "/login",
        files={"file": ("big.csv", b"x" * 200_000, "text/csv")},
        data={"csrf_token": form_token(client)},
    )
    assert big.status_code == 413


# -- A05 Security misconfiguration ------------------------------------------------------------------


def test_A05_no_interactive_docs_no_traces_no_caching(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    for path in ("/docs", "/redoc"):
        assert client.get(path).status_code == 404
    missing = client.get("/no/such/page")
    assert "Traceback" not in missing.text
    assert "polisee/" not in missing.text
    login(client, people["admin"])
    page = client.get("/admin/users")
    assert page.headers["cache-control"] == "no-store"
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    bad = client.post(
        "/admin/organisations",
        data={"name": "", "kind": "x", "csrf_token": form_token(client, "/admin/users")},
    )
    assert bad.status_code == 422
    assert "Traceback" not in bad.text


# -- A07 Identification and authentication failures --------------------------------------------------


def test_A07_a_planted_session_id_is_never_adopted(
    client: TestClient, people: dict[str, str]
) -> None:
    token = form_token(client)
    client.cookies.set(SESSION_COOKIE, "attacker-chosen-value", domain="testserver.local")
    response = client.post(
        "/login",
        data={"email": people["member"], "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    issued = response.cookies[SESSION_COOKIE]
    assert issued != "attacker-chosen-value"
    with TestClient(client.app, base_url="http://testserver") as attacker:
        attacker.cookies.set(SESSION_COOKIE, "attacker-chosen-value")
        assert attacker.get("/api/v1/me").status_code == 403


def test_A07_expired_and_ended_sessions_are_anonymous(
    client: TestClient, people: dict[str, str], database_url: str, login: Login
) -> None:
    login(client, people["member"])
    assert client.get("/api/v1/me").status_code == 200
    engine, db = _session(database_url)
    with db, db.begin():
        db.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    engine.dispose()
    assert client.get("/api/v1/me").status_code == 403
    login(client, people["member"])
    cookie = client.cookies[SESSION_COOKIE]
    client.post("/logout", data={"csrf_token": form_token(client, "/account/password")})
    client.cookies.set(SESSION_COOKIE, cookie)
    assert client.get("/api/v1/me").status_code == 403


def test_A07_sign_in_is_rate_limited(client: TestClient, people: dict[str, str]) -> None:
    token = form_token(client)
    for _ in range(5):
        wrong = {"email": people["analyst"], "password": "not the password", "csrf_token": token}
        assert client.post("/login", data=wrong).status_code == 401
    right = {"email": people["analyst"], "password": PASSWORD, "csrf_token": token}
    limited = client.post("/login", data=right)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0


def test_A07_short_passwords_are_refused(client: TestClient, database_url: str) -> None:
    with transaction(database_url) as db:
        org = accounts.create_organisation(db, name="Short", kind="agency", actor=CLI_ACTOR)
        link = accounts.invite(
            db, email="s@example.eu", organisation_id=org.id, role="member", actor=CLI_ACTOR
        )
    response = client.post(
        f"/invitations/{link}",
        data={
            "display_name": "S",
            "password": "short",
            "csrf_token": form_token(client, f"/invitations/{link}"),
        },
    )
    assert response.status_code == 422


# -- A08 Software and data integrity ----------------------------------------------------------------


def test_A08_forged_signed_tokens_and_tampered_backups_are_refused(
    client: TestClient, people: dict[str, str], tmp_path: Path
) -> None:
    form_token(client)
    client.cookies.set("polisee_csrf", "forged.signature")
    forged = client.post(
        "/login", data={"email": people["member"], "password": PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    from polisee.records.migrate import upgrade

    upgrade(url)
    backup(tmp_path / "bk", database_url=url, stats=None)
    (tmp_path / "bk" / "records.sqlite3").write_bytes(b"SQLite format 3\0tampered")
    with pytest.raises(InputError, match="has changed"):
        restore(tmp_path / "bk", database_url=url, stats_path=tmp_path / "s.duckdb")


# -- A09 Security logging and monitoring --------------------------------------------------------------


def test_A09_changes_and_failed_sign_ins_are_recorded(
    client: TestClient, people: dict[str, str], database_url: str, login: Login
) -> None:
    client.post(
        "/login",
        data={
            "email": people["member"],
            "password": "wrong password",
            "csrf_token": form_token(client),
        },
    )
    login(client, people["admin"])
    client.post(
        "/admin/organisations",
        data={
            "name": "Audited",
            "kind": "agency",
            "csrf_token": form_token(client, "/admin/users"),
        },
    )
    engine, db = _session(database_url)
    with db:
        failures = db.scalars(select(LoginFailure.key).where(LoginFailure.scope == "account")).all()
        entry = db.scalars(
            select(AuditEntry).where(AuditEntry.action == "organisation.create")
        ).all()[-1]
    engine.dispose()
    assert people["member"] in failures
    assert entry.actor_label == people["admin"]
    assert entry.after is not None
    assert entry.after["name"] == "Audited"
    audit = BeautifulSoup(client.get("/admin/audit").text, "html.parser").get_text()
    assert "organisation.create" in audit


# -- A10 Server-side request forgery --------------------------------------------------------------------


def test_A10_the_web_layer_fetches_no_urls(app: FastAPI) -> None:
    web = Path(__file__).resolve().parents[2] / "src" / "polisee" / "web"
    fetchers = re.compile(
        r"^\s*(import|from)\s+(httpx|urllib\.request|requests|http\.client|socket|polisee\.sources\.(_http|fetch))\b",
        re.M,
    )
    offenders = [p.name for p in web.rglob("*.py") if fetchers.search(p.read_text())]
    assert offenders == []
    url_params = [
        (route.path, p.name)
        for route in iter_routes(app.routes)
        if isinstance(route, APIRoute) and route_permission(route) is not None
        for p in route.dependant.query_params + route.dependant.body_params
        if p.name.lower() in ("url", "uri", "href", "callback", "webhook")
    ]
    assert url_params == []

from __future__ import annotations

from collections.abc import Callable

from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, form_token

from polisee.records.db import transaction
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR

Login = Callable[[TestClient, str], None]


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    token = form_token(client)
    response = client.post(
        "/login",
        data={
            "email": people["member"],
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("polisee_session=")
    )
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie
    assert client.get("/api/v1/me").json()["email"] == people["member"]
    session_token = client.cookies["polisee_session"]
    out = client.post(
        "/logout", data={"csrf_token": form_token(client, "/")}, follow_redirects=False
    )
    assert out.status_code == 303
    client.cookies.clear()
    client.cookies.set("polisee_session", session_token)
    assert client.get("/api/v1/me").status_code == 403


def test_session_cookie_is_secure_over_https(app: object, people: dict[str, str]) -> None:
    with TestClient(app, base_url="https://testserver") as secure:  # type: ignore[arg-type]
        token = form_token(secure)
        response = secure.post(
            "/login",
            data={"email": people["member"], "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("polisee_session=")
    )
    assert "Secure" in cookie


def test_session_id_is_rotated_at_login(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    # An attacker plants a session of their own, then the victim signs in on that browser.
    login(client, people["member"])
    planted = client.cookies["polisee_session"]
    login(client, people["admin"])
    fresh = client.cookies["polisee_session"]
    assert fresh != planted
    client.cookies.clear()
    client.cookies.set("polisee_session", planted)
    assert client.get("/api/v1/me").status_code == 403
    client.cookies.clear()
    client.cookies.set("polisee_session", fresh)
    assert client.get("/api/v1/me").json()["email"] == people["admin"]


def test_wrong_password_is_401_without_saying_which(
    client: TestClient, people: dict[str, str]
) -> None:
    token = form_token(client)
    for email in (people["member"], "nobody@example.eu"):
        response = client.post(
            "/login", data={"email": email, "password": "wrong password", "csrf_token": token}
        )
        assert response.status_code == 401
        assert "Wrong email or password." in response.text


def test_login_is_rate_limited_per_account(client: TestClient, people: dict[str, str]) -> None:
    token = form_token(client)
    for _ in range(5):
        bad = {"email": people["analyst"], "password": "wrong password", "csrf_token": token}
        assert client.post("/login", data=bad).status_code == 401
    good = {"email": people["analyst"], "password": PASSWORD, "csrf_token": token}
    response = client.post("/login", data=good)
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    # Other accounts from the same address are not yet locked out.
    other = {"email": people["member"], "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=other, follow_redirects=False).status_code == 303


def test_login_is_rate_limited_per_address(client: TestClient, people: dict[str, str]) -> None:
    token = form_token(client)
    for i in range(20):
        bad = {"email": f"guess{i}@example.eu", "password": "wrong password", "csrf_token": token}
        assert client.post("/login", data=bad).status_code == 401
    good = {"email": people["member"], "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=good).status_code == 429


def test_change_password(
    client: TestClient, app: FastAPI, people: dict[str, str], login: Login
) -> None:
    with TestClient(app) as elsewhere:
        login(elsewhere, people["member"])
        assert elsewhere.get("/api/v1/me").status_code == 200
        login(client, people["member"])
    token = form_token(client, "/account/password")
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "not it at all",
            "new_password": "a new secret!",
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 422
    assert "current_password" in wrong.text
    ok = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a new secret!", "csrf_token": token},
    )
    assert ok.status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    # Every other session of the account ends with the old password.
    with TestClient(app, cookies=dict(elsewhere.cookies)) as stale:
        assert stale.get("/api/v1/me").status_code == 403


def test_reset_link_sets_a_new_password_once(
    client: TestClient, people: dict[str, str], database_url: str, login: Login
) -> None:
    with transaction(database_url) as db:
        reset = accounts.issue_reset_token(db, people["member"], actor=CLI_ACTOR)
    token = form_token(client, f"/reset/{reset}")
    response = client.post(
        f"/reset/{reset}",
        data={"new_password": "fresh secret 1", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get(f"/reset/{reset}").status_code == 404
    login(client, people["member"], "fresh secret 1")  # type: ignore[call-arg]


def test_invitation_from_admin_page_to_new_account(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    login(client, people["admin"])
    page = BeautifulSoup(client.get("/admin/users").text, "html.parser")
    org_id = page.select_one("#invite-org option")["value"]  # type: ignore[index]
    token = form_token(client, "/admin/users")
    created = client.post(
        "/admin/invitations",
        data={
            "email": "New@Example.eu",
            "organisation_id": org_id,
            "role": "policy_maker",
            "csrf_token": token,
        },
    )
    assert created.status_code == 200
    link = BeautifulSoup(created.text, "html.parser").select_one("code.copy").get_text()  # type: ignore[union-attr]
    path = link.removeprefix("http://testserver")
    client.cookies.clear()
    accept_token = form_token(client, path)
    accepted = client.post(
        path,
        data={"display_name": "Nora", "password": "nora's secret", "csrf_token": accept_token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    login(client, "new@example.eu", "nora's secret")  # type: ignore[call-arg]
    me = client.get("/api/v1/me").json()
    assert "plan:edit" in me["permissions"]
    assert client.get(path).status_code == 404

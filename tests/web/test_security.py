from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, form_token

from polisee.records.db import transaction
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR

Login = Callable[[TestClient, str], None]


def _login_data(client: TestClient, email: str) -> dict[str, str]:
    return {"email": email, "password": PASSWORD, "csrf_token": form_token(client)}


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}],
    ids=["foreign-origin", "cross-site-fetch"],
)
def test_cross_site_post_is_refused_even_with_a_token(
    client: TestClient, people: dict[str, str], headers: dict[str, str]
) -> None:
    response = client.post("/login", data=_login_data(client, people["member"]), headers=headers)
    assert response.status_code == 403
    assert "polisee_session" not in client.cookies


def test_same_origin_post_is_accepted(client: TestClient, people: dict[str, str]) -> None:
    headers = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    response = client.post(
        "/login",
        data=_login_data(client, people["member"]),
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 303


@pytest.mark.parametrize("token", [None, "forged-token"], ids=["missing-token", "wrong-token"])
def test_post_without_the_form_token_is_refused(
    client: TestClient, people: dict[str, str], login: Login, token: str | None
) -> None:
    login(client, people["admin"])
    data = {"name": "Evil Org", "kind": "agency"}
    if token:
        data["csrf_token"] = token
    assert client.post("/admin/organisations", data=data).status_code == 403
    page = client.get("/admin/users").text
    assert "Evil Org" not in page


def test_anonymous_token_must_match_its_cookie(client: TestClient, people: dict[str, str]) -> None:
    data = _login_data(client, people["member"])
    client.cookies.clear()
    assert client.post("/login", data=data).status_code == 403


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script(client: TestClient) -> None:
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    scripts = soup.find_all("script")
    assert scripts
    assert all(s.get("src") and not s.get_text().strip() for s in scripts)
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)


def test_large_body_is_413(client: TestClient) -> None:
    token = form_token(client)
    response = client.post(
        "/login", data={"email": "a@b.eu", "password": "x" * 100_000, "csrf_token": token}
    )
    assert response.status_code == 413


def test_script_in_names_renders_inert(
    client: TestClient, people: dict[str, str], database_url: str, login: Login
) -> None:
    evil = "<script>alert('x')</script>"
    with transaction(database_url) as db:
        user = accounts.create_user(
            db, email="evil@example.eu", display_name=evil, password=PASSWORD, actor=CLI_ACTOR
        )
        org = accounts.create_organisation(db, name=f"Org {evil}", kind="company", actor=CLI_ACTOR)
        accounts.grant_role(
            db, user_id=user.id, organisation_id=org.id, role="member", actor=CLI_ACTOR
        )
    login(client, people["admin"])
    for path in ("/admin/users", "/admin/audit"):
        html = client.get(path).text
        soup = BeautifulSoup(html, "html.parser")
        assert all(s.get("src") for s in soup.find_all("script")), path
        assert evil not in html
    login(client, "evil@example.eu")
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    assert soup.select_one(".who").get_text() == evil  # type: ignore[union-attr]
    assert all(s.get("src") for s in soup.find_all("script"))


def test_errors_map_to_status_pages(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/reset/unknown-token").status_code == 404
    login(client, people["admin"])
    token = form_token(client, "/admin/users")
    bad_kind = client.post(
        "/admin/organisations", data={"name": "X", "kind": "pirate", "csrf_token": token}
    )
    assert bad_kind.status_code == 422
    assert "field kind" in BeautifulSoup(bad_kind.text, "html.parser").get_text()
    dup = {"name": "Pannon Agency", "kind": "agency", "csrf_token": token}
    assert client.post("/admin/organisations", data=dup).status_code == 409


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    response = client.get("/admin/users", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/users"
    assert client.get("/api/v1/users").status_code == 403

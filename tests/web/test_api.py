from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Login = Callable[[TestClient, str], None]


def test_openapi_schema_lists_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/users"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 404


def test_users_for_admins_only(client: TestClient, people: dict[str, str], login: Login) -> None:
    login(client, people["analyst"])
    assert client.get("/api/v1/users").status_code == 403
    assert client.get("/api/v1/users").json()["detail"] == "needs permission 'users:read'"
    login(client, people["admin"])
    users = client.get("/api/v1/users").json()
    assert {u["email"] for u in users} == set(people.values())
    admin = next(u for u in users if u["email"] == people["admin"])
    assert admin["roles"] == [{"organisation": "Pannon Agency", "role": "admin"}]


def test_htmx_search_returns_only_the_table(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    login(client, people["admin"])
    fragment = client.get("/admin/users?q=analyst", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="users-table"')
    assert "analyst@example.eu" in fragment
    assert "member@example.eu" not in fragment

"""Routes are denied by default, and the denial matrix: role x route x method."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import Mount, Route
from tests.web.conftest import ROLES, form_token

from polisee.records.accounts import Organisation, User
from polisee.records.base import Base
from polisee.records.db import make_engine, make_session_factory
from polisee.web.security import PUBLIC_ROUTES, iter_routes, route_permission

Login = Callable[[TestClient, str], None]
SIGNED_IN = frozenset(ROLES)
ADMIN = frozenset({"admin"})
EVERYONE = SIGNED_IN | {"anonymous"}


def test_every_route_declares_a_permission_or_is_public(app: FastAPI) -> None:
    unguarded = []
    for route in iter_routes(app.routes):
        name = getattr(route, "name", None)
        if route_permission(route) is None and name not in PUBLIC_ROUTES:
            unguarded.append((getattr(route, "path", "?"), name))
    assert not unguarded
    assert len(list(iter_routes(app.routes))) > 10
    assert not {r.name for r in iter_routes(app.routes) if route_permission(r)} & PUBLIC_ROUTES  # type: ignore[attr-defined]


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        state = {
            table.name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr)
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return state


def _ids(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        org = db.scalars(select(Organisation.id)).first()
        user = db.scalar(select(User.id).where(User.email == "member@example.eu"))
    engine.dispose()
    assert org is not None
    assert user is not None
    return org, user


# The evidence explorer (route path, a concrete path, status): public and read-only; the
# test app has no statistics store, so its data routes answer 503 "no data loaded".
EVIDENCE = [
    ("/map", "/map", 503),
    ("/maps/values.json", "/maps/values.json", 503),
    ("/maps/nuts{level}.geojson", "/maps/nuts9.geojson", 404),
    ("/maps/layer.geojson", "/maps/layer.geojson", 503),
    ("/maps/table.{fmt}", "/maps/table.csv", 503),
    ("/maps/locator/{code}.json", "/maps/locator/HU21.json", 503),
    ("/regions", "/regions", 503),
    ("/regions/{code}", "/regions/HU21", 503),
    ("/regions/{code}/tables/{table}.{fmt}", "/regions/HU21/tables/peers.csv", 503),
    ("/clusters", "/clusters", 503),
    ("/clusters/{code}", "/clusters/4", 503),
    ("/clusters/{code}/ranking.{fmt}", "/clusters/4/ranking.csv", 503),
    ("/industries", "/industries", 503),
    ("/industries/{code}", "/industries/C29", 503),
    ("/industries/{code}/ranking.{fmt}", "/industries/C29/ranking.csv", 503),
    ("/compare", "/compare", 503),
    ("/compare/table.{fmt}", "/compare/table.csv", 503),
    ("/api/v1/regions", "/api/v1/regions", 503),
    ("/api/v1/regions/{code}", "/api/v1/regions/HU21", 503),
    ("/api/v1/industries", "/api/v1/industries", 503),
    ("/api/v1/clusters", "/api/v1/clusters", 503),
    ("/api/v1/indicators", "/api/v1/indicators", 200),
    ("/api/v1/indicators/{key}", "/api/v1/indicators/lq", 503),
]

# The scoreboard: reading is public like the explorer (503 without a store); the weight
# scenarios are records, so listing them works without one and an unknown one is 404.
SCOREBOARD = [
    ("/scoreboard", "/scoreboard", 503),
    ("/scoreboard/maps/{theme}.json", "/scoreboard/maps/innovation.json", 503),
    ("/scoreboard/table.{fmt}", "/scoreboard/table.csv", 503),
    ("/scoreboard/indicators.{fmt}", "/scoreboard/indicators.xlsx", 503),
    ("/scoreboard/regions/{code}", "/scoreboard/regions/HU21", 503),
    ("/scoreboard/regions/{code}/table.{fmt}", "/scoreboard/regions/HU21/table.csv", 503),
    ("/scoreboard/scenarios", "/scoreboard/scenarios", 200),
    ("/scoreboard/scenarios/{scenario_id}", "/scoreboard/scenarios/999999", 404),
    ("/api/v1/scoreboard", "/api/v1/scoreboard", 503),
    ("/api/v1/scoreboard/regions/{code}", "/api/v1/scoreboard/regions/HU21", 503),
    ("/api/v1/scoreboard/scenarios", "/api/v1/scoreboard/scenarios", 200),
]
SCOREBOARD_EDITORS = frozenset({"analyst", "admin"})
# (route path, concrete path, form, status when allowed): saving needs scoreboard:edit;
# changing an unknown scenario is 404 for an editor (the owner rule is tested apart).
SCOREBOARD_POSTS = [
    ("/scoreboard/scenarios", "/scoreboard/scenarios", {"name": "Matrix", "w_eci": "2"}, 303),
    (
        "/scoreboard/scenarios/{scenario_id}",
        "/scoreboard/scenarios/999999",
        {"name": "Changed", "w_eci": "1"},
        404,
    ),
    ("/scoreboard/scenarios/{scenario_id}/delete", "/scoreboard/scenarios/999999/delete", {}, 404),
]


# (method, path, form, roles allowed, status when allowed); logout last: it ends the session.
def _cases(
    org: int, user: int
) -> list[tuple[str, str, dict[str, str] | None, frozenset[str], int]]:
    return [
        ("GET", "/", None, EVERYONE, 200),
        ("GET", "/account/password", None, SIGNED_IN, 200),
        (
            "POST",
            "/account/password",
            {"current_password": "not the one", "new_password": "x" * 12},
            SIGNED_IN,
            422,
        ),
        ("GET", "/admin/users", None, ADMIN, 200),
        (
            "POST",
            "/admin/invitations",
            {"email": "n@e.eu", "organisation_id": str(org), "role": "member"},
            ADMIN,
            200,
        ),
        (
            "POST",
            f"/admin/users/{user}/roles",
            {"organisation_id": str(org), "role": "analyst"},
            ADMIN,
            303,
        ),
        ("POST", "/admin/organisations", {"name": "New Org", "kind": "university"}, ADMIN, 303),
        ("GET", "/admin/audit", None, ADMIN, 200),
        ("GET", "/api/v1/me", None, SIGNED_IN, 200),
        ("GET", "/api/v1/users", None, ADMIN, 200),
        *(("GET", path, None, EVERYONE, status) for _, path, status in EVIDENCE),
        *(("GET", path, None, EVERYONE, status) for _, path, status in SCOREBOARD),
        *(
            ("POST", path, form, SCOREBOARD_EDITORS, status)
            for _, path, form, status in SCOREBOARD_POSTS
        ),
        ("POST", "/logout", {}, SIGNED_IN, 303),
    ]


def test_matrix_covers_every_guarded_route(app: FastAPI) -> None:
    guarded = {
        (method, route.path)
        for route in iter_routes(app.routes)
        if isinstance(route, Route) and not isinstance(route, Mount) and route_permission(route)
        for method in (route.methods or set()) - {"HEAD"}
    }
    template = {path: route for route, path, _ in EVIDENCE + SCOREBOARD}
    template |= {path: route for route, path, *_ in SCOREBOARD_POSTS}
    covered = {(m, template.get(p, p.replace("/1/", "/{user_id}/"))) for m, p, *_ in _cases(1, 1)}
    assert guarded == covered


@pytest.mark.parametrize("role", ["anonymous", *ROLES], ids=["anonymous", *ROLES])
def test_denial_matrix(
    client: TestClient, people: dict[str, str], database_url: str, login: Login, role: str
) -> None:
    if role != "anonymous":
        login(client, people[role])
    org, user = _ids(database_url)
    token = form_token(client, "/login")
    failures = []
    for method, path, form, allowed, ok_status in _cases(org, user):
        before = _snapshot(database_url) if method != "GET" else None
        data = None if form is None else {**form, "csrf_token": token}
        response = client.request(method, path, data=data, follow_redirects=False)
        if role in allowed:
            expected = ok_status
        elif role == "anonymous" and not path.startswith("/api/"):
            expected = 303
        else:
            expected = 403
        if response.status_code != expected:
            failures.append((method, path, response.status_code, expected))
        if expected == 303 and role == "anonymous" and response.headers["location"] != "/":
            assert response.headers["location"].startswith("/login?next=")
        if role not in allowed and before is not None and _snapshot(database_url) != before:
            failures.append((method, path, "database changed", None))
    assert not failures


def test_route_walk_catches_an_unguarded_route(app: FastAPI) -> None:
    @app.get("/forgotten", name="oops:forgotten")
    def show_forgotten() -> dict[str, str]:
        return {}

    names = {
        getattr(r, "name", None) for r in iter_routes(app.routes) if route_permission(r) is None
    }
    assert "oops:forgotten" in names - PUBLIC_ROUTES

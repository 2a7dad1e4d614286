"""Routes are denied by default, and the denial matrix: role x route x method."""

from __future__ import annotations

import io
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
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.services import accounts, notifications
from polisee.services import practices as pr
from polisee.services.audit import CLI_ACTOR
from polisee.services.permissions import Role, permissions_for
from polisee.services.sessions import Principal
from polisee.web.security import PUBLIC_ROUTES, iter_routes, route_permission

Login = Callable[[TestClient, str], None]
SIGNED_IN = frozenset(ROLES)
ADMIN = frozenset({"admin"})
EDITORS = frozenset({"policy_maker", "analyst", "admin"})
EVERYONE = SIGNED_IN | {"anonymous"}
PROPOSERS = frozenset({"cluster_manager", "policy_maker", "analyst", "admin"})
VALIDATORS = frozenset({"analyst", "admin"})
# Object-level rules: the practices and the notification below belong to a user who is
# none of the roles tested, so every role is refused (403) and nothing changes.
NOBODY: frozenset[str] = frozenset()
PDF = ("report.pdf", b"%PDF-1.4 matrix", "application/pdf")


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
    ("/regions/{code}/report.{fmt}", "/regions/HU21/report.pdf", 503),
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


# The self-assessment (method, route path, concrete path, form, roles allowed, status when
# allowed). Object routes name an assessment that does not exist: the roles a route lets
# through get 404; who may do what with an existing one is in test_assessment_pages.py.
_A = "/assessments/999999"
ASSESSMENTS = [
    ("GET", "/assessments", "/assessments", None, SIGNED_IN, 200),
    (
        "POST",
        "/assessments",
        "/assessments",
        {"region_code": "HU21", "round_year": "2025"},
        EDITORS,
        303,
    ),
    ("GET", "/assessments/{assessment_id}", _A, None, SIGNED_IN, 404),
    (
        "POST",
        "/assessments/{assessment_id}/respondents",
        f"{_A}/respondents",
        {"email": "r@example.eu", "stakeholder_group": "business"},
        EDITORS,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/reviewers",
        f"{_A}/reviewers",
        {"email": "admin@example.eu", "region_code": "AT11"},
        EDITORS,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/status",
        f"{_A}/status",
        {"status": "closed"},
        EDITORS,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/publication",
        f"{_A}/publication",
        {"published": "true"},
        EDITORS,
        404,
    ),
    ("GET", "/assessments/{assessment_id}/answers", f"{_A}/answers", None, SIGNED_IN, 404),
    (
        "POST",
        "/assessments/{assessment_id}/answers",
        f"{_A}/answers",
        {"action": "draft", "score-rd_strategy": "3"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/answers/{criterion_key}",
        f"{_A}/answers/rd_strategy",
        {"action": "draft", "score-rd_strategy": "3"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/invitations",
        f"{_A}/invitations",
        {"email": "r@example.eu", "name": "R", "stakeholder_group": "business"},
        EDITORS,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/invitations/{invitation_id}/revocation",
        f"{_A}/invitations/1/revocation",
        {},
        EDITORS,
        404,
    ),
    ("GET", "/assessments/{assessment_id}/results", f"{_A}/results", None, SIGNED_IN, 404),
    ("GET", "/assessments/{assessment_id}/results.csv", f"{_A}/results.csv", None, SIGNED_IN, 404),
    ("GET", "/assessments/{assessment_id}/report.{fmt}", f"{_A}/report.pdf", None, SIGNED_IN, 404),
    (
        "POST",
        "/assessments/{assessment_id}/peers",
        f"{_A}/peers",
        {"regions": "HU22"},
        EDITORS,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/reviews",
        f"{_A}/reviews",
        {"theme_key": "financing", "body": "A comment"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/reviews/{message_id}/replies",
        f"{_A}/reviews/1/replies",
        {"body": "A reply"},
        EDITORS,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/pins",
        f"{_A}/pins",
        {"practice_id": "1", "criterion_key": "rd_strategy"},
        EDITORS,
        404,
    ),
    (
        "POST",
        "/assessments/{assessment_id}/pins/{pin_id}/delete",
        f"{_A}/pins/1/delete",
        {},
        EDITORS,
        404,
    ),
    ("GET", "/frameworks", "/frameworks", None, SIGNED_IN, 200),
    ("GET", "/frameworks/{framework_id}", "/frameworks/999999", None, SIGNED_IN, 404),
    ("POST", "/frameworks", "/frameworks", {"yaml_text": "key: [not closed"}, ADMIN, 422),
]


def _practice_ids(url: str, uploads: Any) -> dict[str, int]:
    """A published practice with a file, a draft, a submitted practice and a notification,
    all belonging to an author outside the tested roles."""
    with transaction(url) as db:
        org = db.scalars(select(Organisation.id)).first()
        assert org is not None
        user = accounts.create_user(
            db, email="author@example.eu", display_name="Author", password="x" * 12, actor=CLI_ACTOR
        )
        accounts.grant_role(
            db, user_id=user.id, organisation_id=org, role="cluster_manager", actor=CLI_ACTOR
        )
        author = Principal(
            user_id=user.id, email=user.email, permissions=permissions_for([Role.CLUSTER_MANAGER])
        )
        validator = Principal(user_id=None, email="cli", permissions=permissions_for([Role.ADMIN]))
        values = pr.PracticeInput(
            title="Matrix practice",
            summary="Cluster vouchers.",
            instrument="voucher",
            themes=("innovation",),
            regions=("HU21",),
        )
        published = pr.create_practice(db, values, author)
        attachment = pr.add_attachment(
            db,
            published.id,
            filename="report.pdf",
            stream=io.BytesIO(PDF[1]),
            upload_dir=uploads,
            max_bytes=1024,
            principal=author,
        )
        pr.submit_practice(db, published.id, author)
        pr.decide(db, published.id, "review", validator)
        pr.decide(db, published.id, "publish", validator)
        draft = pr.create_practice(db, values, author)
        submitted = pr.create_practice(db, values, author)
        pr.submit_practice(db, submitted.id, author)
        [note] = notifications.notify(db, [user.id], kind="test", text_key="Test")
        return {
            "published": published.id,
            "attachment": attachment.id,
            "draft": draft.id,
            "submitted": submitted.id,
            "notification": note.id,
        }


_DUMMY = {"published": 1, "attachment": 1, "draft": 1, "submitted": 1, "notification": 1}


# (method, route path, concrete path, form, roles allowed, status when allowed)
def _practice_cases(
    ids: dict[str, int],
) -> list[tuple[str, str, str, dict[str, Any] | None, frozenset[str], int]]:
    pub, draft, sub = ids["published"], ids["draft"], ids["submitted"]
    new = {
        "title": "New practice",
        "summary": "s",
        "instrument": "voucher",
        "themes": "innovation",
        "regions": "HU21",
    }
    return [
        ("GET", "/practices", "/practices", None, EVERYONE, 200),
        (
            "GET",
            "/practices/recommendations",
            "/practices/recommendations?criterion=vouchers&region=HU21",
            None,
            EVERYONE,
            200,
        ),
        ("GET", "/practices/new", "/practices/new", None, PROPOSERS, 200),
        ("POST", "/practices", "/practices", new, PROPOSERS, 303),
        ("GET", "/practices/{practice_id}", f"/practices/{pub}", None, EVERYONE, 200),
        ("GET", "/practices/{practice_id}/edit", f"/practices/{draft}/edit", None, NOBODY, 200),
        ("POST", "/practices/{practice_id}", f"/practices/{draft}", new, NOBODY, 303),
        (
            "POST",
            "/practices/{practice_id}/submissions",
            f"/practices/{draft}/submissions",
            {},
            NOBODY,
            303,
        ),
        (
            "POST",
            "/practices/{practice_id}/reviews",
            f"/practices/{sub}/reviews",
            {"decision": "reject", "note": "no source"},
            VALIDATORS,
            303,
        ),
        (
            "POST",
            "/practices/{practice_id}/comments",
            f"/practices/{pub}/comments",
            {"body": "A question"},
            SIGNED_IN,
            303,
        ),
        (
            "POST",
            "/practices/{practice_id}/attachments",
            f"/practices/{draft}/attachments",
            {"file": PDF},
            NOBODY,
            303,
        ),
        (
            "GET",
            "/practices/{practice_id}/attachments/{attachment_id}",
            f"/practices/{pub}/attachments/{ids['attachment']}",
            None,
            EVERYONE,
            200,
        ),
        ("GET", "/notifications", "/notifications", None, SIGNED_IN, 200),
        ("GET", "/notifications/count", "/notifications/count", None, SIGNED_IN, 200),
        (
            "POST",
            "/notifications/{notification_id}/read",
            f"/notifications/{ids['notification']}/read",
            {},
            NOBODY,
            303,
        ),
        ("POST", "/notifications/read", "/notifications/read", {}, SIGNED_IN, 303),
        ("GET", "/api/v1/practices", "/api/v1/practices?q=vouchers", None, EVERYONE, 200),
        (
            "GET",
            "/api/v1/practices/recommendations",
            "/api/v1/practices/recommendations?region=HU21&criterion=vouchers",
            None,
            EVERYONE,
            200,
        ),
        ("GET", "/api/v1/practices/{practice_id}", f"/api/v1/practices/{draft}", None, NOBODY, 200),
    ]


# Cluster organisations and financing (method, route path, concrete path, form, roles allowed,
# status when allowed). Object routes name objects that do not exist: allowed roles get 404
# after the permission check, the others 403 (or the sign-in redirect), and nothing changes.
CLUSTER_READ = frozenset({"cluster_manager", "policy_maker", "analyst", "admin"})
CLUSTER_EDIT = frozenset({"cluster_manager", "admin"})
CALL_MANAGE = frozenset({"policy_maker", "admin"})
EVALUATORS = frozenset({"analyst", "admin"})
NO = "999999"
PROFILE = {"name": "X", "country": "HU", "region_code": "HU21", "founded_year": "2015"}
FINANCING: list[tuple[str, str, str, dict[str, str] | None, frozenset[str], int]] = [
    ("GET", "/cluster-organisations", "/cluster-organisations", None, CLUSTER_READ, 200),
    ("POST", "/cluster-organisations", "/cluster-organisations", {}, CLUSTER_EDIT, 422),
    (
        "GET",
        "/cluster-organisations/{cluster_id}",
        f"/cluster-organisations/{NO}",
        None,
        CLUSTER_READ,
        404,
    ),
    (
        "POST",
        "/cluster-organisations/{cluster_id}",
        f"/cluster-organisations/{NO}",
        PROFILE,
        CLUSTER_EDIT,
        404,
    ),
    (
        "POST",
        "/cluster-organisations/{cluster_id}/members",
        f"/cluster-organisations/{NO}/members",
        {"name": "M", "member_type": "sme", "country": "HU", "joined_on": "2026-01-02"},
        CLUSTER_EDIT,
        404,
    ),
    (
        "POST",
        "/cluster-organisations/{cluster_id}/members/{member_id}/leave",
        f"/cluster-organisations/{NO}/members/{NO}/leave",
        {"left_on": "2026-01-02"},
        CLUSTER_EDIT,
        404,
    ),
    (
        "POST",
        "/cluster-organisations/{cluster_id}/reports",
        f"/cluster-organisations/{NO}/reports",
        {
            "year": "2025",
            "members_turnover": "1",
            "export_share_percent": "10",
            "rd_spending": "0",
            "joint_projects": "1",
            "patents": "0",
            "events": "1",
            "services": "1",
            "staff_fte": "1",
        },
        CLUSTER_EDIT,
        404,
    ),
    (
        "POST",
        "/cluster-organisations/{cluster_id}/membership-changes",
        f"/cluster-organisations/{NO}/membership-changes",
        {},
        CLUSTER_EDIT,
        404,
    ),
    (
        "POST",
        "/cluster-organisations/{cluster_id}/evaluations",
        f"/cluster-organisations/{NO}/evaluations",
        {"ladder": "hu_cluster"},
        CLUSTER_READ,
        404,
    ),
    (
        "GET",
        "/cluster-organisations/{cluster_id}/evaluations/{evaluation_id}",
        f"/cluster-organisations/{NO}/evaluations/{NO}",
        None,
        CLUSTER_READ,
        404,
    ),
    ("GET", "/membership-changes", "/membership-changes", None, CLUSTER_READ, 200),
    ("GET", "/ladders", "/ladders", None, CLUSTER_READ, 200),
    ("POST", "/ladders", "/ladders", {"yaml_text": "key: [broken"}, ADMIN, 422),
    (
        "GET",
        "/ladders/{key}/versions/{version}.yaml",
        "/ladders/hu_cluster/versions/1.yaml",
        None,
        CLUSTER_READ,
        200,
    ),
    ("GET", "/calls", "/calls", None, CLUSTER_READ, 200),
    ("POST", "/calls", "/calls", {}, CALL_MANAGE, 422),
    ("GET", "/calls/{call_id}", f"/calls/{NO}", None, CLUSTER_READ, 404),
    (
        "POST",
        "/calls/{call_id}/status",
        f"/calls/{NO}/status",
        {"status": "open"},
        CALL_MANAGE,
        404,
    ),
    (
        "POST",
        "/calls/{call_id}/applications",
        f"/calls/{NO}/applications",
        {"cluster_id": NO, "title": "T", "eligible_budget": "100"},
        CLUSTER_EDIT,
        404,
    ),
    (
        "GET",
        "/calls/{call_id}/applications/{application_id}",
        f"/calls/{NO}/applications/{NO}",
        None,
        CLUSTER_READ,
        404,
    ),
    (
        "POST",
        "/calls/{call_id}/applications/{application_id}/scores",
        f"/calls/{NO}/applications/{NO}/scores",
        {},
        EVALUATORS,
        404,
    ),
    (
        "POST",
        "/calls/{call_id}/applications/{application_id}/notes",
        f"/calls/{NO}/applications/{NO}/notes",
        {"text": "An appeal"},
        CLUSTER_READ,
        404,
    ),
    ("POST", "/calls/{call_id}/allocations", f"/calls/{NO}/allocations", {}, CALL_MANAGE, 404),
    ("GET", "/calls/{call_id}/results.{fmt}", f"/calls/{NO}/results.csv", None, CLUSTER_READ, 404),
    ("GET", "/calls/{call_id}/simulate", f"/calls/{NO}/simulate", None, CALL_MANAGE, 404),
    (
        "GET",
        "/api/v1/cluster-organisations",
        "/api/v1/cluster-organisations",
        None,
        CLUSTER_READ,
        200,
    ),
    (
        "GET",
        "/api/v1/cluster-organisations/{cluster_id}",
        f"/api/v1/cluster-organisations/{NO}",
        None,
        CLUSTER_READ,
        404,
    ),
    (
        "GET",
        "/api/v1/cluster-organisations/{cluster_id}/evaluations/{evaluation_id}",
        f"/api/v1/cluster-organisations/{NO}/evaluations/{NO}",
        None,
        CLUSTER_READ,
        404,
    ),
]


# Partner matchmaking (method, route path, concrete path, form, roles allowed, status when
# allowed). Public profiles and matches are open to everyone; object routes name objects
# that do not exist, so allowed roles get 404 after the permission check. Object-level rules
# (own organisation, members-only profiles, request threads) are in test_partners_pages.py.
PARTNER_EDIT = frozenset({"cluster_manager", "policy_maker", "analyst", "admin"})
PARTNERS: list[tuple[str, str, str, dict[str, str] | None, frozenset[str], int]] = [
    ("GET", "/partners", "/partners", None, EVERYONE, 200),
    ("POST", "/partners/searches", "/partners/searches", {"name": "S", "q": "x"}, SIGNED_IN, 303),
    (
        "POST",
        "/partners/searches/{search_id}/delete",
        f"/partners/searches/{NO}/delete",
        {},
        SIGNED_IN,
        404,
    ),
    ("GET", "/partners/profiles/new", "/partners/profiles/new", None, PARTNER_EDIT, 200),
    ("POST", "/partners/profiles", "/partners/profiles", {}, PARTNER_EDIT, 422),
    ("GET", "/partners/profiles/{profile_id}", f"/partners/profiles/{NO}", None, EVERYONE, 404),
    (
        "GET",
        "/partners/profiles/{profile_id}/edit",
        f"/partners/profiles/{NO}/edit",
        None,
        PARTNER_EDIT,
        404,
    ),
    (
        "POST",
        "/partners/profiles/{profile_id}",
        f"/partners/profiles/{NO}",
        {"region_code": "HU21", "offers": "x"},
        PARTNER_EDIT,
        404,
    ),
    (
        "GET",
        "/partners/profiles/{profile_id}/matches",
        f"/partners/profiles/{NO}/matches",
        None,
        EVERYONE,
        404,
    ),
    (
        "POST",
        "/partners/profiles/{profile_id}/requests",
        f"/partners/profiles/{NO}/requests",
        {"from_profile_id": NO, "body": "Hello"},
        SIGNED_IN,
        404,
    ),
    ("GET", "/partners/requests", "/partners/requests", None, SIGNED_IN, 200),
    ("GET", "/partners/requests/summary", "/partners/requests/summary", None, ADMIN, 200),
    ("GET", "/partners/requests/{request_id}", f"/partners/requests/{NO}", None, SIGNED_IN, 404),
    (
        "POST",
        "/partners/requests/{request_id}/answers",
        f"/partners/requests/{NO}/answers",
        {"decision": "accept"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/partners/requests/{request_id}/messages",
        f"/partners/requests/{NO}/messages",
        {"body": "Hello"},
        SIGNED_IN,
        404,
    ),
    ("GET", "/partners/network", "/partners/network", None, SIGNED_IN, 200),
    ("POST", "/partners/collaborations", "/partners/collaborations", {}, PARTNER_EDIT, 422),
    (
        "GET",
        "/regions/{code}/international",
        "/regions/HU21/international",
        None,
        SIGNED_IN,
        200,
    ),
    ("GET", "/api/v1/partners/profiles", "/api/v1/partners/profiles", None, EVERYONE, 200),
    (
        "GET",
        "/api/v1/partners/profiles/{profile_id}",
        f"/api/v1/partners/profiles/{NO}",
        None,
        EVERYONE,
        404,
    ),
    (
        "GET",
        "/api/v1/partners/profiles/{profile_id}/matches",
        f"/api/v1/partners/profiles/{NO}/matches",
        None,
        EVERYONE,
        404,
    ),
    ("GET", "/api/v1/partners/network", "/api/v1/partners/network", None, SIGNED_IN, 200),
    (
        "GET",
        "/api/v1/partners/requests/summary",
        "/api/v1/partners/requests/summary",
        None,
        ADMIN,
        200,
    ),
]


# Action plans (method, route path, concrete path, form, roles allowed, status when allowed).
# Object routes name a plan that does not exist: the roles a route lets through get 404;
# who may do what with an existing plan is in test_plan_pages.py (object-level denials).
PLAN_EDITORS = frozenset({"policy_maker", "admin"})
_P = "/plans/999999"
_ACTION = {
    "title": "A",
    "owner_organisation_id": "1",
    "starts_on": "2026-01-01",
    "ends_on": "2026-02-01",
}
PLANS: list[tuple[str, str, str, dict[str, str] | None, frozenset[str], int]] = [
    ("GET", "/plans", "/plans", None, SIGNED_IN, 200),
    ("GET", "/plans/new", "/plans/new", None, PLAN_EDITORS, 200),
    ("POST", "/plans", "/plans", {}, PLAN_EDITORS, 422),
    ("GET", "/plans/{plan_id}", _P, None, SIGNED_IN, 404),
    ("GET", "/plans/{plan_id}/kpis.{fmt}", f"{_P}/kpis.csv", None, SIGNED_IN, 404),
    ("GET", "/plans/{plan_id}/report.{fmt}", f"{_P}/report.pdf", None, SIGNED_IN, 404),
    ("GET", "/api/v1/plans", "/api/v1/plans", None, SIGNED_IN, 200),
    ("GET", "/api/v1/plans/{plan_id}", f"/api/v1{_P}", None, SIGNED_IN, 404),
    ("GET", "/api/v1/plans/{plan_id}/kpis", f"/api/v1{_P}/kpis", None, SIGNED_IN, 404),
    ("GET", "/plans/{plan_id}/kpis/{kpi_id}/reports", f"{_P}/kpis/1/reports", None, SIGNED_IN, 404),
    (
        "POST",
        "/plans/{plan_id}/kpis/{kpi_id}/reports",
        f"{_P}/kpis/1/reports",
        {"value": "1", "as_of": "2026-01-02"},
        SIGNED_IN,
        404,
    ),
    (
        "GET",
        "/plans/{plan_id}/actions/{action_id}/pilot",
        f"{_P}/actions/1/pilot",
        None,
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/plans/{plan_id}/actions/{action_id}/pilot",
        f"{_P}/actions/1/pilot",
        {"before": "b", "after": "a", "lessons": "l"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/plans/{plan_id}/actions/{action_id}/pilot/practice",
        f"{_P}/actions/1/pilot/practice",
        {},
        PROPOSERS,
        404,
    ),
    ("GET", "/plans/{plan_id}/edit", f"{_P}/edit", None, PLAN_EDITORS, 404),
    (
        "POST",
        "/plans/{plan_id}",
        _P,
        {"title": "T", "regions": "HU21", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        PLAN_EDITORS,
        404,
    ),
    ("POST", "/plans/{plan_id}/objectives", f"{_P}/objectives", {"title": "O"}, PLAN_EDITORS, 404),
    ("POST", "/plans/{plan_id}/actions", f"{_P}/actions", _ACTION, PLAN_EDITORS, 404),
    ("POST", "/plans/{plan_id}/actions/{action_id}", f"{_P}/actions/1", _ACTION, PLAN_EDITORS, 404),
    (
        "POST",
        "/plans/{plan_id}/milestones",
        f"{_P}/milestones",
        {"action_id": "1", "title": "M", "due_on": "2026-01-02"},
        PLAN_EDITORS,
        404,
    ),
    (
        "POST",
        "/plans/{plan_id}/milestones/{milestone_id}",
        f"{_P}/milestones/1",
        {"done_on": "2026-01-02"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/plans/{plan_id}/risks",
        f"{_P}/risks",
        {"description": "R", "likelihood": "low", "impact": "low"},
        PLAN_EDITORS,
        404,
    ),
    (
        "POST",
        "/plans/{plan_id}/kpis",
        f"{_P}/kpis",
        {"title": "K", "kind": "reported", "baseline_year": "2026", "target_value": "1"},
        PLAN_EDITORS,
        404,
    ),
    (
        "POST",
        "/plans/{plan_id}/{collection}/{item_id}/removal",
        f"{_P}/kpis/1/removal",
        {},
        PLAN_EDITORS,
        404,
    ),
]


# Working groups (method, route path, concrete path, form, roles allowed, status when allowed).
# Object routes name a group that does not exist: the roles a route lets through get 404;
# the object rules (members only, leads manage, authors edit, publishing needs a reviewer)
# are tested with real groups in test_groups_pages.py and tests/services/test_groups.py.
GROUP_CREATORS = frozenset({"cluster_manager", "policy_maker", "analyst", "admin"})
_G = "/groups/999999"
GROUPS: list[tuple[str, str, str, dict[str, Any] | None, frozenset[str], int]] = [
    ("GET", "/groups", "/groups", None, EVERYONE, 200),
    ("GET", "/groups/new", "/groups/new", None, GROUP_CREATORS, 200),
    ("POST", "/groups", "/groups", {"name": ""}, GROUP_CREATORS, 422),
    ("GET", "/groups/{group_id}", _G, None, EVERYONE, 404),
    ("POST", "/groups/{group_id}/requests", f"{_G}/requests", {}, SIGNED_IN, 404),
    (
        "POST",
        "/groups/{group_id}/invitations",
        f"{_G}/invitations",
        {"email": "member@example.eu"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/groups/{group_id}/invitations/answers",
        f"{_G}/invitations/answers",
        {"answer": "accept"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/groups/{group_id}/members/{member_id}",
        f"{_G}/members/1",
        {"decision": "accept"},
        SIGNED_IN,
        404,
    ),
    ("POST", "/groups/{group_id}/departures", f"{_G}/departures", {}, SIGNED_IN, 404),
    ("GET", "/groups/{group_id}/threads", f"{_G}/threads", None, SIGNED_IN, 404),
    (
        "POST",
        "/groups/{group_id}/threads",
        f"{_G}/threads",
        {"title": "T", "body": "B"},
        SIGNED_IN,
        404,
    ),
    ("GET", "/groups/{group_id}/threads/{thread_id}", f"{_G}/threads/1", None, SIGNED_IN, 404),
    (
        "POST",
        "/groups/{group_id}/threads/{thread_id}/posts",
        f"{_G}/threads/1/posts",
        {"body": "B"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/groups/{group_id}/threads/{thread_id}/posts/{post_id}",
        f"{_G}/threads/1/posts/1",
        {"body": "B"},
        SIGNED_IN,
        404,
    ),
    ("GET", "/groups/{group_id}/documents", f"{_G}/documents", None, SIGNED_IN, 404),
    ("POST", "/groups/{group_id}/documents", f"{_G}/documents", {"file": PDF}, SIGNED_IN, 404),
    (
        "POST",
        "/groups/{group_id}/documents/{document_id}/versions",
        f"{_G}/documents/1/versions",
        {"file": PDF},
        SIGNED_IN,
        404,
    ),
    (
        "GET",
        "/groups/{group_id}/documents/{document_id}/versions/{version_id}",
        f"{_G}/documents/1/versions/1",
        None,
        SIGNED_IN,
        404,
    ),
    ("GET", "/groups/{group_id}/meetings", f"{_G}/meetings", None, SIGNED_IN, 404),
    (
        "POST",
        "/groups/{group_id}/meetings",
        f"{_G}/meetings",
        {"held_on": "2026-01-02", "online": "true", "notes": "n"},
        SIGNED_IN,
        404,
    ),
    ("GET", "/groups/{group_id}/reports/new", f"{_G}/reports/new", None, SIGNED_IN, 404),
    ("POST", "/groups/{group_id}/reports", f"{_G}/reports", {"title": "R"}, SIGNED_IN, 404),
    ("GET", "/groups/{group_id}/reports/{report_id}", f"{_G}/reports/1", None, EVERYONE, 404),
    (
        "GET",
        "/groups/{group_id}/reports/{report_id}/edit",
        f"{_G}/reports/1/edit",
        None,
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/groups/{group_id}/reports/{report_id}",
        f"{_G}/reports/1",
        {"title": "R"},
        SIGNED_IN,
        404,
    ),
    (
        "POST",
        "/groups/{group_id}/reports/{report_id}/transitions",
        f"{_G}/reports/1/transitions",
        {"action": "submit"},
        SIGNED_IN,
        404,
    ),
]


# (method, path, form, roles allowed, status when allowed); logout last: it ends the session.
def _cases(
    org: int, user: int, practice_ids: dict[str, int] = _DUMMY
) -> list[tuple[str, str, dict[str, Any] | None, frozenset[str], int]]:
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
        *((m, path, form, allowed, status) for m, _, path, form, allowed, status in ASSESSMENTS),
        *((m, path, form, allowed, status) for m, _, path, form, allowed, status in FINANCING),
        *((m, path, form, allowed, status) for m, _, path, form, allowed, status in PARTNERS),
        *((m, path, form, allowed, status) for m, _, path, form, allowed, status in PLANS),
        *((m, path, form, allowed, status) for m, _, path, form, allowed, status in GROUPS),
        *(
            (m, path, form, allowed, status)
            for m, _, path, form, allowed, status in _practice_cases(practice_ids)
        ),
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
    template = {path: route for route, path, _ in EVIDENCE}
    template |= {path: route for _, route, path, *_ in ASSESSMENTS}
    template |= {path: route for _, route, path, *_ in _practice_cases(_DUMMY)}
    template |= {path: route for _, route, path, *_ in FINANCING}
    template |= {path: route for route, path, _ in SCOREBOARD}
    template |= {path: route for route, path, *_ in SCOREBOARD_POSTS}
    template |= {path: route for _, route, path, *_ in PARTNERS}
    template |= {path: route for _, route, path, *_ in PLANS}
    template |= {path: route for _, route, path, *_ in GROUPS}
    covered = {(m, template.get(p, p.replace("/1/", "/{user_id}/"))) for m, p, *_ in _cases(1, 1)}
    assert guarded == covered


@pytest.mark.parametrize("role", ["anonymous", *ROLES], ids=["anonymous", *ROLES])
def test_denial_matrix(
    app: FastAPI,
    client: TestClient,
    people: dict[str, str],
    database_url: str,
    login: Login,
    role: str,
) -> None:
    if role != "anonymous":
        login(client, people[role])
    org, user = _ids(database_url)
    practice_ids = _practice_ids(database_url, app.state.uploads_dir)
    token = form_token(client, "/login")
    failures = []
    for method, path, form, allowed, ok_status in _cases(org, user, practice_ids):
        before = _snapshot(database_url) if method != "GET" else None
        fields = {k: v for k, v in (form or {}).items() if not isinstance(v, tuple)}
        files = {k: v for k, v in (form or {}).items() if isinstance(v, tuple)} or None
        data = None if form is None else {**fields, "csrf_token": token}
        response = client.request(method, path, data=data, files=files, follow_redirects=False)
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


# The questionnaire behind an invitation link: public routes (the token is the credential).
# With a token that opens nothing, every visitor gets 404 and nothing changes.
_LINK = f"{_A}/invitations/{'x' * 16}.{'y' * 43}"
LINK_ROUTES = [
    ("GET", "/assessments/{assessment_id}/invitations/{token}", _LINK, None),
    (
        "POST",
        "/assessments/{assessment_id}/invitations/{token}/answers",
        f"{_LINK}/answers",
        {"action": "draft", "score-rd_strategy": "3"},
    ),
    (
        "POST",
        "/assessments/{assessment_id}/invitations/{token}/answers/{criterion_key}",
        f"{_LINK}/answers/rd_strategy",
        {"action": "draft", "score-rd_strategy": "3"},
    ),
]


def test_link_routes_are_public_and_cover_the_unguarded_assessment_routes(app: FastAPI) -> None:
    public = {
        (method, route.path)
        for route in iter_routes(app.routes)
        if isinstance(route, Route)
        and route.name.startswith("assessments:")
        and route.name in PUBLIC_ROUTES
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert public == {(m, path) for m, path, _, _ in LINK_ROUTES}


@pytest.mark.parametrize("role", ["anonymous", *ROLES], ids=["anonymous", *ROLES])
def test_link_routes_refuse_a_dead_token_to_everyone(
    client: TestClient,
    people: dict[str, str],
    database_url: str,
    login: Login,
    role: str,
) -> None:
    if role != "anonymous":
        login(client, people[role])
    token = form_token(client, "/login")
    for method, _, path, form in LINK_ROUTES:
        before = _snapshot(database_url)
        data = None if form is None else {**form, "csrf_token": token}
        response = client.request(method, path, data=data, follow_redirects=False)
        assert response.status_code == 404, (method, path, response.status_code)
        assert _snapshot(database_url) == before


def test_route_walk_catches_an_unguarded_route(app: FastAPI) -> None:
    @app.get("/forgotten", name="oops:forgotten")
    def show_forgotten() -> dict[str, str]:
        return {}

    names = {
        getattr(r, "name", None) for r in iter_routes(app.routes) if route_permission(r) is None
    }
    assert "oops:forgotten" in names - PUBLIC_ROUTES

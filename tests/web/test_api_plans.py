"""The action-plan API: the plans a caller may see, one plan's monitoring view and its KPI
series, with the dashboard's visibility rules and documented errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web._plans import VISITOR, PlanIds, demo_plan_app, make_plans
from tests.web.conftest import log_in

from polisee.records.db import transaction
from polisee.records.plans import Plan
from polisee.services import plans as pl

Login = Callable[[TestClient, str], None]


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    application = demo_plan_app(tmp_path_factory, "api-plans")
    with transaction(str(application.state.engine.url)) as db:
        application.state.plan_id = db.scalar(
            select(Plan.id).where(Plan.title == pl.DEMO_PLAN_TITLE)
        )
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def visitor(demo_app: FastAPI) -> TestClient:
    client = TestClient(demo_app, base_url="http://testserver")
    log_in(client, VISITOR)
    return client


@pytest.mark.slow
def test_the_demo_plan_through_the_api(demo_app: FastAPI, visitor: TestClient) -> None:
    plan_id = demo_app.state.plan_id
    [listed] = visitor.get("/api/v1/plans").json()
    assert listed["id"] == plan_id
    assert listed["title"] == pl.DEMO_PLAN_TITLE
    assert listed["regions"] == ["HU21"]
    assert listed["relation"] == "published"
    assert listed["counts"] == {
        "objectives": 3,
        "actions": 3,
        "milestones": 6,
        "kpis": 5,
        "risks": 2,
    }
    plan = visitor.get(f"/api/v1/plans/{plan_id}").json()
    assert plan["statistics_loaded"] is True
    assert plan["budget_eur"] == 235_000
    assert [len(o["criteria"]) for o in plan["objectives"]] == [1, 1, 1]
    assert sum(len(a["milestones"]) for a in plan["actions"]) == 6
    kpis = {k["title"]: k for k in plan["kpis"]}
    cars = kpis["Persons employed in the automotive cluster, Central Transdanubia"]
    # The dashboard's figures: 23,607 (2014) -> 25,188 (2015), target 26,000 in 2027.
    assert (cars["baseline"], cars["latest"], cars["latest_at"], cars["target"]) == (
        23607,
        25188,
        2015,
        26000,
    )
    assert cars["share_travelled"] == pytest.approx((25188 - 23607) / (26000 - 23607))
    assert cars["status"] == "on_track"
    [late] = plan["overdue"]["milestones"]
    assert late["title"] == "[demo] Pre-assessment of three cluster organisations"
    assert late["status"] == "overdue"
    [report] = plan["overdue"]["reports"]
    assert report["title"].startswith("[demo] Cluster organisations coached")
    assert report["days_late"] > 0
    series = {k["title"]: k for k in visitor.get(f"/api/v1/plans/{plan_id}/kpis").json()}
    values = {p["at"]: p["value"] for p in series[cars["title"]]["values"]}
    assert values[2014] == 23607
    assert values[2015] == 25188
    reported = [s for s in series.values() if s["kind"] == "reported"]
    assert len(reported) == 2
    assert all(len(s["reports"]) == 1 and s["reports"][0]["evidence"] for s in reported)


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("anonymous", "/api/v1/plans", 403),
        ("anonymous", "/api/v1/plans/{plan}", 403),
        ("policy_maker", "/api/v1/plans/{other}", 403),
        ("policy_maker", "/api/v1/plans/{other}/kpis", 403),
        ("policy_maker", "/api/v1/plans/999999", 404),
        ("policy_maker", "/api/v1/plans/99999999999999999999/kpis", 404),
    ],
    ids=["anonymous-list", "anonymous-plan", "other-plan", "other-kpis", "unknown", "too-large"],
)
def test_errors_are_json_with_a_detail(
    client: TestClient,
    people: dict[str, str],
    database_url: str,
    login: Login,
    who: str,
    path: str,
    status: int,
) -> None:
    ids: PlanIds = make_plans(database_url)
    if who != "anonymous":
        login(client, people[who])
    response = client.get(path.format(plan=ids.plan, other=ids.other_plan))
    assert response.status_code == status
    assert response.json()["detail"]


def test_a_member_lists_only_the_plans_shared_with_them(
    client: TestClient, people: dict[str, str], database_url: str, login: Login
) -> None:
    ids = make_plans(database_url)
    login(client, people["member"])
    listed = client.get("/api/v1/plans").json()
    assert [p["id"] for p in listed] == [ids.plan]
    assert listed[0]["relation"] == "owner"
    assert listed[0]["counts"]["kpis"] == 2
    plan = client.get(f"/api/v1/plans/{ids.plan}").json()
    assert plan["statistics_loaded"] is False
    assert {k["problem"] for k in plan["kpis"]} == {None, "no_statistics"}

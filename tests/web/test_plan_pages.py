"""Plan pages: list, dashboard (en, hu), editor with htmx sub-forms, KPI reports, milestones,
pilots, downloads, the link from an assessment's gaps, reminders on opening, and
object-level denials that leave the database unchanged."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web._plans import MANAGER, OUTSIDER, PlanIds, make_plans
from tests.web.conftest import form_token
from tests.web.test_permissions import _snapshot

from polisee.records.db import make_engine, make_session_factory
from polisee.records.notifications import Notification
from polisee.records.plans import Kpi, KpiReport, Milestone, Objective
from polisee.records.practices import Practice

Login = Callable[[TestClient, str], None]
HTMX = {"HX-Request": "true"}


def _soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def _count(url: str, model: Any, *where: Any) -> int:
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        found = db.scalar(select(func.count()).select_from(model).where(*where)) or 0
    engine.dispose()
    return int(found)


@pytest.fixture
def ids(people: dict[str, str], database_url: str) -> PlanIds:
    return make_plans(database_url)


def test_dashboard_shows_progress_overdue_items_and_the_timeline(
    client: TestClient, ids: PlanIds, people: dict[str, str], login: Login
) -> None:
    login(client, people["member"])
    listing = _soup(client.get("/plans"))
    row = listing.select_one(f"tr[data-plan='{ids.plan}']")
    assert row is not None
    assert "Your organisation's plan" in row.get_text()
    assert not listing.select_one(f"tr[data-plan='{ids.other_plan}']")
    page = _soup(client.get(f"/plans/{ids.plan}"))
    assert page.h1.get_text(strip=True) == "Pannon cluster plan"
    overdue = page.select("li[data-overdue='milestone']")
    assert len(overdue) == 1
    assert "Pre-assessment" in overdue[0].get_text()
    assert "20 days late" in overdue[0].get_text()
    assert "SMEs on export missions" in page.select_one("li[data-overdue='report']").get_text()
    assert "Mission report" in page.select_one("li[data-due-soon]").get_text()
    # No statistics store in this app: computed KPIs say so, reported ones show the baseline.
    assert page.select_one("#no-statistics")
    kpis = {r["data-kind"]: r for r in page.select("#kpi-table tr[data-kpi]")}
    assert kpis["computed"].select_one("[data-status]")["data-status"] == "no_data"
    assert (
        kpis["reported"]
        .select_one("[data-col='baseline']")
        .get_text(" ", strip=True)
        .startswith("0\u00a0SMEs")
    )
    assert kpis["reported"].select_one("[data-report='overdue']")
    timeline = json.loads(page.select_one("#spec-timeline").get_text())
    assert timeline["series"][0]["renderItem"] == "polisee:gantt"
    assert [b["name"] for b in timeline["series"][0]["data"]] == [
        "Accreditation coaching",
        "Joint export mission",
    ]
    progress = json.loads(page.select_one("#spec-progress").get_text())
    assert progress["yAxis"]["data"] == ["SMEs on export missions", "LQ of motor vehicles"]
    assert page.select_one(f"#spec-kpi-{ids.reported}")
    assert page.select_one("a[data-format='xlsx']")["href"].endswith(f"/plans/{ids.plan}/kpis.xlsx")
    # A member of the agency reads, does not edit, and (as an owner of the agency's action)
    # marks its milestone but not the pilot's.
    assert not page.find("a", string="Edit the plan")
    marks = {f.find_parent("tr")["data-milestone"] for f in page.select("#milestones form")}
    assert marks == {str(ids.late)}


def test_dashboard_in_hungarian(
    client: TestClient, ids: PlanIds, people: dict[str, str], login: Login
) -> None:
    login(client, people["policy_maker"])
    page = _soup(client.get(f"/plans/{ids.plan}?lang=hu"))
    assert page.html["lang"] == "hu"
    assert page.select_one("#attention-h").get_text() == "Figyelmet igényel"
    assert page.select_one("#kpis-h").get_text() == "Előrehaladás a célértékekhez képest"
    assert "20 nap késés" in page.select_one("li[data-overdue='milestone']").get_text()
    assert page.find("a", string="Cselekvési tervek")
    progress = json.loads(page.select_one("#spec-progress").get_text())
    assert progress["title"]["text"] == "Haladás a célértékek felé"
    assert progress["toolbox"]["feature"]["saveAsImage"]["title"] == "Mentés PNG-ként"


def test_owners_opening_the_dashboard_get_reminders_once_a_day(
    client: TestClient, ids: PlanIds, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, people["member"])  # a member of the owner organisation is an action owner
    client.get(f"/plans/{ids.plan}")
    first = _count(database_url, Notification)
    # The agency's overdue milestone reaches every agency member; the pilot's milestone
    # (due in 5 days) and its overdue report reach its responsible manager.
    assert first == len(people) + 2
    client.get(f"/plans/{ids.plan}")
    assert _count(database_url, Notification) == first
    bell = _soup(client.get("/notifications"))
    assert "Pre-assessment" in bell.get_text()


def test_an_outsider_opening_a_published_plan_sends_nothing(
    client: TestClient, ids: PlanIds, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, people["policy_maker"])
    token = form_token(client, f"/plans/{ids.plan}/edit")
    client.post(
        f"/plans/{ids.plan}",
        data={
            "title": "Pannon cluster plan",
            "regions": "HU21",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "status": "draft",
            "published": "on",
            "csrf_token": token,
        },
    )
    client.post("/logout", data={"csrf_token": form_token(client, "/plans")})
    login(client, OUTSIDER)
    page = _soup(client.get(f"/plans/{ids.plan}"))
    assert page.h1.get_text(strip=True) == "Pannon cluster plan"
    assert _count(database_url, Notification) == 0
    assert client.get(f"/plans/{ids.plan}/edit").status_code == 403


def test_editor_sub_forms_with_htmx(
    client: TestClient, ids: PlanIds, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, people["policy_maker"])
    editor = _soup(client.get(f"/plans/{ids.plan}/edit"))
    token = editor.select_one("input[name=csrf_token]")["value"]
    agency = editor.select_one("#new-action-owner option[selected]")["value"]
    post = lambda path, data: client.post(  # noqa: E731
        f"/plans/{ids.plan}/{path}", data={**data, "csrf_token": token}, headers=HTMX
    )
    block = _soup(post("objectives", {"title": "Reach foreign markets", "description": "Missions"}))
    assert block.select_one("#plan-editor")
    assert not block.select_one("header.site")  # a fragment, not a page
    assert "Reach foreign markets" in block.select_one("#objectives").get_text()
    objective = block.select_one("#objectives li[data-objective]")["data-objective"]
    block = _soup(
        post(
            "actions",
            {
                "title": "Buyer meetings",
                "owner_organisation_id": agency,
                "objective_id": objective,
                "starts_on": "2026-03-01",
                "ends_on": "2026-09-30",
                "budget_eur": "10 000",
                "instrument": "network_programme",
                "status": "planned",
            },
        )
    )
    assert "Buyer meetings" in block.select_one("#actions").get_text()
    assert "10,000" in block.select_one("#actions").get_text()
    action = [li["data-action"] for li in block.select("#actions li[data-action]")][-1]
    block = _soup(
        post("milestones", {"action_id": action, "title": "Buyers invited", "due_on": "2026-05-01"})
    )
    assert "Buyers invited" in block.select_one("#milestones").get_text()
    block = _soup(
        post("risks", {"description": "Few buyers", "likelihood": "medium", "impact": "high"})
    )
    assert "Few buyers" in block.select_one("#risks").get_text()
    block = _soup(
        post(
            "kpis",
            {
                "title": "Buyers met",
                "kind": "reported",
                "baseline_year": "2026",
                "baseline_value": "0",
                "target_value": "30",
                "target_year": "2027",
                "reporting_months": "6",
                "action_id": action,
                "indicator_key": "lq",
                "region_code": "HU21",
                "nuts_level": "2",
            },
        )
    )
    assert "Buyers met" in block.select_one("#kpis").get_text()
    # A refused input comes back in the block, naming the field, and nothing is stored.
    before = _count(database_url, Kpi)
    block = _soup(
        post(
            "kpis",
            {
                "title": "Elsewhere",
                "kind": "computed",
                "baseline_year": "2014",
                "target_value": "5",
                "target_year": "2027",
                "indicator_key": "lq",
                "industry": "C29",
                "region_code": "AT31",
                "nuts_level": "2",
            },
        )
    )
    assert "region_code" in block.select_one("#plan-error").get_text()
    assert _count(database_url, Kpi) == before
    # Without htmx the same refusal is a 422 page.
    plain = client.post(
        f"/plans/{ids.plan}/kpis",
        data={
            "title": "x",
            "kind": "computed",
            "baseline_year": "2014",
            "target_value": "5",
            "target_year": "2027",
            "indicator_key": "lq",
            "industry": "C29",
            "region_code": "AT31",
            "csrf_token": token,
        },
    )
    assert plain.status_code == 422
    block = _soup(
        post(f"risks/{block.select_one('#risks li[data-risk]')['data-risk']}/removal", {})
    )
    assert "Few buyers" not in block.select_one("#risks").get_text()
    assert _count(database_url, Objective, Objective.plan_id == ids.plan) == 1
    assert (
        client.post(f"/plans/{ids.plan}/nonsense/1/removal", data={"csrf_token": token}).status_code
        == 404
    )


def test_action_owner_reports_a_value_and_marks_a_milestone(
    client: TestClient, ids: PlanIds, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, MANAGER)
    page = _soup(client.get(f"/plans/{ids.plan}/kpis/{ids.reported}/reports"))
    assert page.select_one("[data-overdue='report']")
    token = page.select_one("input[name=csrf_token]")["value"]
    url = f"/plans/{ids.plan}/kpis/{ids.reported}/reports"
    block = _soup(
        client.post(
            url,
            data={
                "value": "12",
                "as_of": "2026-01-15",
                "evidence": "Mission list",
                "csrf_token": token,
            },
            headers=HTMX,
        )
    )
    rows = block.select("#report-table tr[data-report]")
    assert [r.select("td")[1].get_text(strip=True) for r in rows] == ["12\u00a0SMEs"]
    assert "Mission list" in rows[0].get_text()
    refused = _soup(
        client.post(
            url, data={"value": "lots", "as_of": "2026-01-15", "csrf_token": token}, headers=HTMX
        )
    )
    assert "value" in refused.select_one("#plan-error").get_text()
    assert _count(database_url, KpiReport) == 1
    # The manager marks the pilot's milestone, not the agency's.
    done = client.post(
        f"/plans/{ids.plan}/milestones/{ids.own}",
        data={"done_on": "2026-01-20", "csrf_token": token},
        headers=HTMX,
    )
    assert _soup(done).select_one(f"tr[data-milestone='{ids.own}']")["data-status"] == "done"
    denied = client.post(
        f"/plans/{ids.plan}/milestones/{ids.late}",
        data={"done_on": "2026-01-20", "csrf_token": token},
    )
    assert denied.status_code == 403
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        assert db.get(Milestone, ids.late).done_on is None  # type: ignore[union-attr]
    engine.dispose()


def test_pilot_evaluation_becomes_a_draft_practice(
    client: TestClient, ids: PlanIds, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, MANAGER)
    url = f"/plans/{ids.plan}/actions/{ids.pilot}/pilot"
    page = _soup(client.get(url))
    assert not page.find("button", string="Turn into a good practice")
    token = page.select_one("input[name=csrf_token]")["value"]
    saved = client.post(
        url,
        data={
            "before": "No joint exhibits.",
            "after": "Nine SMEs met buyers.",
            "lessons": "Partners matter.",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = _soup(client.get(url))
    assert page.select_one("[data-field='after']").get_text() == "Nine SMEs met buyers."
    made = client.post(f"{url}/practice", data={"csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303
    practice_id = int(made.headers["location"].rsplit("/", 1)[1])
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        practice = db.get(Practice, practice_id)
        assert practice is not None
        assert (practice.title, practice.state.value) == ("Joint export mission", "draft")
    engine.dispose()
    page = _soup(client.get(url))
    assert page.select_one(f"a[data-practice='{practice_id}']")
    assert client.post(f"{url}/practice", data={"csrf_token": token}).status_code == 409
    assert client.get(f"/plans/{ids.plan}/actions/{ids.action}/pilot").status_code == 404


def test_kpi_table_downloads(
    client: TestClient, ids: PlanIds, people: dict[str, str], login: Login
) -> None:
    from openpyxl import load_workbook

    login(client, people["analyst"])
    csv_text = client.get(f"/plans/{ids.plan}/kpis.csv").text
    header, *rows = csv_text.strip().split("\n")
    assert header.startswith("kpi,title,kind,indicator")
    assert len(rows) == 2
    assert "SMEs on export missions,reported" in csv_text
    book = load_workbook(io.BytesIO(client.get(f"/plans/{ids.plan}/kpis.xlsx").content))
    assert book.sheetnames == ["Data", "Sources and notes"]
    assert book["Data"]["B2"].value == "SMEs on export missions"
    assert client.get(f"/plans/{ids.plan}/kpis.pdf").status_code == 404


def test_titles_are_escaped(
    client: TestClient, people: dict[str, str], login: Login, database_url: str
) -> None:
    ids = make_plans(database_url, title="<script>alert(1)</script>")
    login(client, people["policy_maker"])
    response = client.get(f"/plans/{ids.plan}")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_start_a_plan_from_an_assessments_gaps(
    client: TestClient, people: dict[str, str], login: Login, database_url: str
) -> None:
    from tests.services._assessment import all_answers, scenario

    from polisee.services import assessment as sa

    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        s = scenario(db)  # commits
        for who, score in ((s.public_a, 1), (s.public_b, 2), (s.business, 4)):
            answers = all_answers(db, s.assessment_id, score)
            sa.save_answers(db, s.assessment_id, principal=who, answers=answers, submit=True)
        db.commit()
    engine.dispose()
    login(client, "owner@example.eu")
    results = _soup(client.get(f"/assessments/{s.assessment_id}/results"))
    link = results.select_one("#plan-from-gaps")["href"]
    form = _soup(client.get(link))
    gaps = [i["value"] for i in form.select("#gaps input[name=gap]")]
    assert len(gaps) >= 3
    token = form.select_one("input[name=csrf_token]")["value"]
    created = client.post(
        "/plans",
        data={
            "title": "From the gaps",
            "regions": "HU21",
            "starts_on": "2026-01-01",
            "ends_on": "2028-12-31",
            "owner_organisation_id": form.select_one("#plan-owner option")["value"],
            "assessment_id": str(s.assessment_id),
            "gap": gaps[:2],
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    editor = _soup(client.get(created.headers["location"]))
    assert [
        li.select_one("[data-criterion]")["data-criterion"]
        for li in editor.select("#objectives li[data-objective]")
    ] == gaps[:2]


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/plans/{other}", None),
        ("GET", "/plans/{other}/edit", None),
        ("GET", "/plans/{other}/kpis.csv", None),
        (
            "POST",
            "/plans/{other}",
            {
                "title": "Taken",
                "regions": "AT31",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
            },
        ),
        ("POST", "/plans/{other}/objectives", {"title": "Mine"}),
        (
            "POST",
            "/plans/{other}/risks",
            {"description": "r", "likelihood": "low", "impact": "low"},
        ),
        ("POST", "/plans/{plan}/objectives", {"title": "Mine"}),
        ("POST", "/plans/{plan}/kpis/{reported}/reports", {"value": "1", "as_of": "2026-01-02"}),
        ("POST", "/plans/{plan}/milestones/{own}", {"done_on": "2026-01-02"}),
        (
            "POST",
            "/plans/{plan}/actions/{pilot}/pilot",
            {"before": "b", "after": "a", "lessons": "l"},
        ),
        ("POST", "/plans/{plan}/kpis/{reported}/removal", {}),
    ],
    ids=[
        "read-other",
        "edit-other",
        "download-other",
        "update-other",
        "objective-other",
        "risk-other",
        "objective-not-editor",
        "report-not-owner",
        "milestone-not-owner",
        "pilot-not-owner",
        "remove-not-editor",
    ],
)
def test_object_level_denials_leave_the_database_unchanged(
    client: TestClient,
    ids: PlanIds,
    people: dict[str, str],
    login: Login,
    database_url: str,
    method: str,
    path: str,
    data: dict[str, str] | None,
) -> None:
    # The analyst of Pannon Agency reads Pannon's plan, owns the agency's action but not the
    # cluster organisation's pilot, and has no plan:edit; the other agency's plan is not
    # shared with Pannon at all.
    login(client, people["analyst"] if "{plan}" in path else people["policy_maker"])
    url = path.format(
        plan=ids.plan, other=ids.other_plan, reported=ids.reported, own=ids.own, pilot=ids.pilot
    )
    token = form_token(client, "/plans")
    before = _snapshot(database_url)
    response = client.request(
        method, url, data=None if data is None else {**data, "csrf_token": token}
    )
    assert response.status_code == 403
    assert _snapshot(database_url) == before

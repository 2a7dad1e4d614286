"""The demo action plan on the platform with the real demo statistics: computed KPIs from
the Eurostat data, reported ones marked demo, one overdue milestone and report, a pilot
with its evaluation, objectives from the demo assessment's gaps and two demo practices."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web._plans import EDITOR, VISITOR, demo_plan_app
from tests.web.conftest import log_in

from polisee.records.db import transaction
from polisee.records.notifications import Notification
from polisee.records.plans import Plan
from polisee.services.demo import load_demo_records
from polisee.services.plans import DEMO_PLAN_TITLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    application = demo_plan_app(tmp_path_factory, "plan-demo")
    url = str(application.state.engine.url)
    with transaction(url) as db:
        assert load_demo_records(db).lines == []  # nothing twice
        assert db.scalar(select(func.count()).select_from(Plan)) == 1
        application.state.plan_id = db.scalar(select(Plan.id))
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


def test_the_demo_plan_is_monitored_with_real_and_demo_values(app: FastAPI) -> None:
    client = TestClient(app, base_url="http://testserver")
    log_in(client, VISITOR)  # published: every signed-in user reads it
    plan_id = app.state.plan_id
    listing = BeautifulSoup(client.get("/plans").text, "html.parser")
    row = listing.select_one(f"tr[data-plan='{plan_id}']")
    assert DEMO_PLAN_TITLE in row.get_text()
    assert row.select_one(".demo-tag")
    page = BeautifulSoup(client.get(f"/plans/{plan_id}").text, "html.parser")
    assert page.select_one("#demo-note")
    assert not page.select_one("#no-statistics")
    rows = {r.select_one("a").get_text(): r for r in page.select("#kpi-table tr[data-kpi]")}
    cars = rows["Persons employed in the automotive cluster, Central Transdanubia"]
    assert (
        cars.select_one("[data-col='baseline']").get_text(" ", strip=True)
        == "23,607\u00a0persons (2014)"
    )
    assert (
        cars.select_one("[data-col='latest']").get_text(" ", strip=True)
        == "25,188\u00a0persons (2015)"
    )
    # (25,188 - 23,607) / (26,000 - 23,607) = 66 %; 1 of the 13 years to 2027 passed: 8 %.
    assert cars.select_one("[data-col='share']").get_text(" ", strip=True) == "66% (expected 8%)"
    assert cars.select_one("[data-status]")["data-status"] == "on_track"
    rd = rows["R&D personnel, Central Transdanubia"]
    assert rd.select_one("[data-col='latest']").get_text(" ", strip=True) == "3,653\u00a0FTE (2018)"
    lq = rows["Location quotient of motor vehicles (C29), Central Transdanubia"]
    assert lq.select_one("[data-col='baseline']").get_text(" ", strip=True) == "5.063 (2014)"
    demo_rows = [title for title in rows if title.startswith("[demo]")]
    assert len(demo_rows) == 2  # the reported KPIs carry the demo marker
    [overdue] = page.select("li[data-overdue='milestone']")
    assert overdue.get_text().startswith(
        "Milestone “[demo] Pre-assessment of three cluster organisations”"
    )
    assert (
        "[demo] Cluster organisations coached"
        in page.select_one("li[data-overdue='report']").get_text()
    )
    assert page.select_one("li[data-due-soon]")
    progress = json.loads(page.select_one("#spec-progress").get_text())
    assert len(progress["series"][0]["data"]) == 5
    timeline = json.loads(page.select_one("#spec-timeline").get_text())
    assert len(timeline["series"][0]["data"]) == 3
    assert len(timeline["series"][1]["data"]) == 6
    criteria = {t["data-criterion"] for t in page.select("#objectives [data-criterion]")}
    assert criteria == {"access_to_finance", "market_entry", "innovation_services"}
    practices = [a.get_text() for a in page.select("#objectives a[data-practice]")]
    assert practices == [
        "Hungarian Accredited Innovation Cluster grants for joint technological innovation",
        "Hungarian cluster accreditation system as a tool to monitor cluster policy",
    ]
    pilot = page.find("a", string="pilot: evaluation")["href"]
    evaluation = BeautifulSoup(client.get(pilot).text, "html.parser")
    assert evaluation.select_one("[data-field='lessons']").get_text().startswith("[demo]")
    # A visitor is no owner: opening the dashboard sends no reminders. (The demo working
    # groups leave notifications of their own: only plan reminders count here.)
    with transaction(str(app.state.engine.url)) as db:
        reminders = select(func.count()).select_from(Notification)
        assert db.scalar(reminders.where(Notification.kind.startswith("plan."))) == 0


def test_the_demo_kpi_values_page_lists_the_years(app: FastAPI) -> None:
    client = TestClient(app, base_url="http://testserver")
    log_in(client, EDITOR)
    page = BeautifulSoup(client.get(f"/plans/{app.state.plan_id}?lang=hu").text, "html.parser")
    link = page.find("a", string="R&D personnel, Central Transdanubia")["href"]
    values = BeautifulSoup(client.get(link).text, "html.parser")
    assert [r["data-year"] for r in values.select("#value-table tr[data-year]")] == ["2009", "2018"]
    assert values.select_one("#reports-h").get_text() == "Értékek a statisztikából"
    assert not values.select_one("#report-form")  # computed: nobody reports it by hand

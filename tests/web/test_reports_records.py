"""The assessment and plan reports from the web: download links on the results page and the
plan dashboard, the files they give, and object-level denials that change nothing."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from tests.services._assessment import person
from tests.web._plans import VISITOR, demo_plan_app, make_plans
from tests.web.conftest import log_in
from tests.web.test_permissions import _snapshot

from polisee.records.assessments import Assessment
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.records.plans import Plan
from polisee.services import assessment as sa
from polisee.services import plans as pl

Login = Callable[[TestClient, str], None]


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    application = demo_plan_app(tmp_path_factory, "report-downloads")
    with transaction(str(application.state.engine.url)) as db:
        application.state.assessment_id = db.scalar(
            select(Assessment.id).where(
                Assessment.region_code == "HU21", Assessment.round_year == 2025
            )
        )
        application.state.plan_id = db.scalar(
            select(Plan.id).where(Plan.title == pl.DEMO_PLAN_TITLE)
        )
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


@pytest.mark.slow
def test_results_page_offers_the_assessment_report(demo_app: FastAPI) -> None:
    client = TestClient(demo_app, base_url="http://testserver")
    log_in(client, VISITOR)
    aid = demo_app.state.assessment_id
    page = BeautifulSoup(client.get(f"/assessments/{aid}/results?lang=hu").text, "html.parser")
    pdf = page.select_one("#report-pdf")
    xlsx = page.select_one("#report-xlsx")
    assert pdf is not None
    assert xlsx is not None
    assert str(pdf["href"]).endswith(f"/assessments/{aid}/report.pdf?lang=hu")
    assert pdf.get_text() == "Jelentés letöltése (PDF)"
    response = client.get(str(pdf["href"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="polisee-assessment-HU21-2025-{aid}-hu.pdf"'
    )
    book = load_workbook(io.BytesIO(client.get(f"/assessments/{aid}/report.xlsx?lang=en").content))
    assert "Sources and notes" in book.sheetnames
    themes = {r[0]: r[1] for r in book["Themes"].iter_rows(2, values_only=True)}
    with transaction(str(demo_app.state.engine.url)) as db:
        found = sa.results(db, aid)
    first = found.themes[0]
    assert themes[f"1. {first.theme.title('en')}"] == pytest.approx(first.stats.median)
    # Practice links point at this server.
    links = [r[-1] for r in book["Recommended practices"].iter_rows(2, values_only=True)]
    assert links
    assert all(str(link).startswith("http://testserver/practices/") for link in links)


@pytest.mark.slow
def test_plan_dashboard_offers_the_monitoring_report(demo_app: FastAPI) -> None:
    client = TestClient(demo_app, base_url="http://testserver")
    log_in(client, VISITOR)
    plan_id = demo_app.state.plan_id
    page = BeautifulSoup(client.get(f"/plans/{plan_id}?lang=en").text, "html.parser")
    link = page.select_one("#report-xlsx")
    assert link is not None
    assert str(link["href"]).endswith(f"/plans/{plan_id}/report.xlsx?lang=en")
    response = client.get(str(link["href"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["KPI values"].iter_rows(2, values_only=True))
    assert len(rows) == 5
    html = client.get(f"/plans/{plan_id}/report.html")
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    report = BeautifulSoup(html.text, "html.parser")
    assert report.select_one("#figure-timeline svg") is not None
    assert client.get(f"/plans/{plan_id}/report.docx").status_code == 404


@pytest.fixture
def others(people: dict[str, str], database_url: str) -> dict[str, int]:
    """An assessment in progress and a plan of an agency nobody of Pannon belongs to."""
    plans = make_plans(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        other = person(db, "pm@other.eu", role="policy_maker", organisation="Other Agency")
        assessment = sa.create_assessment(db, principal=other, region_code="AT31", round_year=2025)
        db.commit()
        found = {"assessment": assessment.id, "plan": plans.other_plan}
    engine.dispose()
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/assessments/{assessment}/report.pdf",
        "/assessments/{assessment}/report.xlsx",
        "/plans/{plan}/report.pdf",
        "/plans/{plan}/report.xlsx",
    ],
    ids=["assessment-pdf", "assessment-xlsx", "plan-pdf", "plan-xlsx"],
)
def test_other_organisations_reports_are_refused(
    client: TestClient,
    people: dict[str, str],
    others: dict[str, int],
    login: Login,
    database_url: str,
    path: str,
) -> None:
    login(client, people["policy_maker"])
    before = _snapshot(database_url)
    response = client.get(path.format(**others))
    assert response.status_code == 403
    assert _snapshot(database_url) == before

"""The demo assessments on the platform with the real demo statistics loaded."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.services._assessment import person
from tests.services.test_evidence import demo_stats_path
from tests.web.conftest import log_in
from tests.web.test_evidence_pages import evidence_app

from polisee.records.assessments import Assessment
from polisee.records.db import transaction
from polisee.services.demo import DemoRecords, load_demo_records
from polisee.services.scoreboard import theme_scores

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    var_dir = demo_stats_path(tmp_path_factory).parent
    records = tmp_path_factory.mktemp("assessment-demo") / "records.sqlite3"
    application = evidence_app(var_dir, records)
    url = f"sqlite:///{records}"
    with transaction(url) as db:
        assert load_demo_records(db).password is not None  # the administrator's, once
        person(db, "visitor@example.eu", role="member", organisation="Visitors")
    with transaction(url) as db:
        assert load_demo_records(db) == DemoRecords(password=None, practices=0)  # nothing twice
        assert db.scalar(select(func.count()).select_from(Assessment)) == 3
        application.state.demo_ids = {
            (a.region_code, a.round_year): a.id for a in db.scalars(select(Assessment))
        }
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


def test_demo_results_show_data_peers_previous_round_and_review(app: FastAPI) -> None:
    client = TestClient(app, base_url="http://testserver")
    log_in(client, "visitor@example.eu")
    listing = BeautifulSoup(client.get("/assessments").text, "html.parser")
    assert len(listing.select("tr[data-assessment] .as-demo")) == 3
    aid = app.state.demo_ids[("HU21", 2025)]
    response = client.get(f"/assessments/{aid}/results")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert "Demo answers" in page.select_one(".as-demo-note").get_text()
    spec = json.loads(page.select_one("#spec-radar").get_text())
    assert [d["name"] for d in spec["series"][0]["data"]] == [
        "Round 2025 (median)",
        "Round 2024 (median)",
        "Peer regions (median of 1)",
    ]
    # The data beside the self-scores, for the region and its peers.
    innovation = page.select_one("[data-indicators='innovation']")
    assert innovation.get_text(" ", strip=True).startswith(
        "Respondents scored Innovation 3.0 of 5 (median); the data show:"
    )
    rd = innovation.select_one("[data-indicator='rd_personnel_share']").get_text(" ", strip=True)
    assert "were 0.38% of persons employed in 2009" in rd
    assert "Median of 2 peer regions" in rd  # HU22 and CZ08
    skills = page.select_one(
        "[data-indicators='skills_jobs'] [data-indicator='cluster_employment_growth']"
    )
    assert "between 2010 and 2014" in skills.get_text()
    assert not page.select_one("#no-statistics")
    assert page.select_one("li[data-peer='HU22']")
    assert page.select_one("li[data-peer-missing='CZ08']")
    financing = page.select_one("tr[data-theme='financing']")
    assert financing.select_one("[data-col='flag']").get_text(strip=True).startswith("⚠")
    assert financing.select_one("[data-col='previous']").get_text(strip=True) != "—"
    thread = page.select_one("#review-financing")
    assert "[demo]" in thread.select_one(".as-message .as-body").get_text()
    assert thread.select_one(".as-reply")
    assert "access_to_finance" in [
        li["data-criterion"] for li in page.select("ul.as-gaps li[data-criterion]")
    ]
    # Self-scores beside the scoreboard: the same rank as the scoreboard gives the region.
    rows = page.select("table.as-data-scores tr[data-theme]")
    assert len(rows) == 6
    store = app.state.evidence.store()
    scores = {s.theme: s for s in theme_scores(store, "HU21", cache=app.state.evidence.cache)}
    innovation_row = page.select_one("table.as-data-scores tr[data-theme='innovation']")
    assert innovation_row.select("td")[2].get_text(strip=True) == (
        f"{scores['innovation'].rank} of {scores['innovation'].of}"
    )
    verdicts = {r["data-theme"]: r["data-verdict"] for r in rows}
    assert set(verdicts.values()) <= {"higher", "lower", "in_line", "no_data"}
    # The demo records (cluster organisations, stages, an allocated call) give HU21 a cluster
    # financing score, so the self-assessment is compared with it too.
    assert verdicts["financing"] != "no_data"
    financing_row = page.select_one("table.as-data-scores tr[data-theme='financing']")
    assert "of" in financing_row.select("td")[2].get_text(strip=True)

"""The scoreboard's pages, downloads, API and weight scenarios on the real demo data."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from tests.services.test_evidence import demo_stats_path
from tests.web.conftest import PASSWORD, form_token, log_in
from tests.web.test_evidence_pages import evidence_app, number, soup_of

from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.records.scoreboard import ScoreboardScenario
from polisee.services import accounts
from polisee.services import evidence as ev
from polisee.services import scoreboard as sb
from polisee.services.audit import CLI_ACTOR
from polisee.statsdb import StatsStore

pytestmark = pytest.mark.slow

ANALYSTS = ("ana@example.eu", "bela@example.eu")


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scoreboard") / "records.sqlite3"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, records: Path) -> Iterator[FastAPI]:
    var_dir = demo_stats_path(tmp_path_factory).parent
    application = evidence_app(var_dir, records)
    with transaction(f"sqlite:///{records}") as db:
        org = accounts.create_organisation(db, name="Analysts", kind="agency", actor=CLI_ACTOR)
        for email in (*ANALYSTS, "member@example.eu"):
            user = accounts.create_user(
                db, email=email, display_name=email, password=PASSWORD, actor=CLI_ACTOR
            )
            role = "member" if email.startswith("member") else "analyst"
            accounts.grant_role(
                db, user_id=user.id, organisation_id=org.id, role=role, actor=CLI_ACTOR
            )
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def board(app: FastAPI) -> sb.Scoreboard:
    store: StatsStore = app.state.evidence.store()
    return sb.scoreboard(store, cache=app.state.evidence.cache)


def scenarios_in(records: Path) -> list[tuple[int, str, dict[str, float]]]:
    engine = make_engine(f"sqlite:///{records}")
    with make_session_factory(engine)() as db:
        rows = [(s.id, s.name, dict(s.weights)) for s in db.scalars(select(ScoreboardScenario))]
    engine.dispose()
    return sorted(rows)


def test_ranking_page_of_a_theme(client: TestClient, board: sb.Scoreboard) -> None:
    page = soup_of(client, "/scoreboard?theme=innovation")
    assert page.h1.get_text(strip=True) == "Regional scoreboard"
    assert page.select_one(".sb-themes a[aria-current]").get_text() == "Innovation and R&D"
    rows = page.select("#table-ranking tbody tr")
    assert len(rows) == 288
    expected = board.ranking("innovation").set_index("region")
    first = rows[0]
    code = first["data-region"]
    assert first.find("td").get_text(strip=True) == "1"
    assert code == expected.index[0]
    hu21 = page.select_one("#table-ranking tr[data-region=HU21]")
    cells = [td.get_text(" ", strip=True) for td in hu21.find_all("td")]
    assert number(cells[0]) == expected.loc["HU21", "rank"]
    assert number(cells[3]) == pytest.approx(expected.loc["HU21", "score"], abs=0.05)
    low, high = cells[5].split(" – ")
    assert (number(low), number(high)) == (
        round(expected.loc["HU21", "rank_p05"]),
        round(expected.loc["HU21", "rank_p95"]),
    )
    assert cells[6] in ("robust", "not robust")
    indicators = page.select("#table-indicators tbody tr")
    assert [r["data-indicator"] for r in indicators] == [
        "rd_personnel",
        "htec_share",
        "kis_share",
        "eci",
    ]
    spec = json.loads(page.select_one("#spec-intervals").string)
    assert spec["series"][1]["type"] == "bar"
    assert len(spec["yAxis"]["data"]) == 30
    map_div = page.select_one("[data-map]")
    assert "/scoreboard/maps/innovation.json?year=2014" in map_div["data-values"]
    assert map_div["data-href-template"] == "/scoreboard/regions/{code}"


def test_sustainability_estimates_say_they_are_estimates(client: TestClient) -> None:
    page = soup_of(client, "/scoreboard?theme=sustainability")
    estimates = [
        r["data-indicator"]
        for r in page.select("#table-indicators tbody tr")
        if r.select_one(".sb-estimate")
    ]
    assert estimates == ["co2_intensity", "egss_share"]
    methods = page.select_one(".sb-methods").get_text(" ", strip=True)
    assert "An estimate, not a measurement" in methods
    assert "Carbon-intensive industries" in methods
    assert "D35" in methods
    assert "jrc_wiod_co2" in methods


def test_a_theme_without_data_explains_why(client: TestClient) -> None:
    page = soup_of(client, "/scoreboard?theme=financing")
    assert page.select_one(".sb-nodata h2").get_text() == "No region has a score on this theme"
    reasons = page.select_one(".sb-nodata").get_text(" ", strip=True)
    assert "No funding call of the platform has been allocated yet." in reasons
    assert "No cluster organisation has been evaluated." in reasons
    assert page.select_one("[data-map]") is None


def test_theme_map_values(client: TestClient, board: sb.Scoreboard) -> None:
    spec = client.get("/scoreboard/maps/skills_jobs.json?year=2014").json()
    score = board.themes["skills_jobs"].table.loc["HU21", "score"]
    assert spec["values"]["HU21"] == pytest.approx(score)
    assert spec["legend"]["title"] == "Skills and jobs, 2014 (score 0-100)"
    assert spec["colors"]["HU21"] != spec["legend"]["no_data"]["color"]


def test_region_page_radar_scores_indicators_and_context(
    client: TestClient, board: sb.Scoreboard
) -> None:
    page = soup_of(client, "/scoreboard/regions/HU21")
    assert page.h1.get_text() == "Közép-Dunántúl"
    radar = json.loads(page.select_one("#spec-radar").string)
    names = [item["name"] for item in radar["series"][0]["data"]]
    assert names == ["Közép-Dunántúl", "Peer regions (mean)", "Magyarország (mean of its regions)"]
    assert len(radar["radar"]["indicator"]) == 6
    themes = page.select("#table-themes tbody tr")
    assert [t["data-theme"] for t in themes] == [t.key for t in sb.THEMES]
    innovation = board.themes["innovation"].table.loc["HU21"]
    cell = page.select_one("#table-themes tr[data-theme=innovation] td[data-value]")
    assert float(cell["data-value"]) == pytest.approx(innovation["score"])
    readings = [p.get_text() for p in page.select(".ev-reading p")]
    assert any("of 100 on Innovation and R&D" in r for r in readings)
    assert any("No Cluster financing score" in r for r in readings)
    co2 = page.select_one("#table-sustainability tr[data-indicator=co2_intensity]")
    assert co2.select_one(".sb-estimate").get_text() == "estimate"
    assert "t CO2 per person employed" in co2.get_text()
    assert "JRC, WIOD environmental accounts" in co2.select_one(".ev-source").get_text()
    assert len(page.select("#table-peers tbody tr[data-region]")) == 5
    context = page.select("#table-context tbody tr")
    assert context
    assert context[0].select_one(".ev-code").get_text() in {"C", "D", "A", "H"}


def test_downloads(client: TestClient, board: sb.Scoreboard) -> None:
    response = client.get("/scoreboard/table.csv")
    assert response.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.StringIO(response.text))
    assert len(frame) == 288
    hu21 = frame.set_index("region").loc["HU21"]
    assert hu21["innovation_score"] == pytest.approx(
        board.themes["innovation"].table.loc["HU21", "score"]
    )
    assert {"sustainability_rank_p05", "sustainability_robust", "financing_score"} <= set(
        frame.columns
    )
    book = load_workbook(io.BytesIO(client.get("/scoreboard/indicators.xlsx").content))
    assert book.sheetnames == ["Data", "Sources and notes"]
    header = [c.value for c in next(book["Data"].iter_rows(max_row=1))]
    assert header[:3] == ["region", "name", "country"]
    assert "co2_intensity" in header
    notes = " ".join(str(r[1].value) for r in book["Sources and notes"].iter_rows())
    assert "An estimate, not a measurement" in notes
    region = pd.read_csv(io.StringIO(client.get("/scoreboard/regions/HU21/table.csv").text))
    assert "theme:innovation" in set(region["key"])
    assert region.set_index("key").loc["htec_share", "unit"] == "% of business-economy employment"


def test_api(client: TestClient, board: sb.Scoreboard) -> None:
    body = client.get("/api/v1/scoreboard").json()
    assert (body["level"], body["year"], body["draws"]) == (2, 2014, 1000)
    themes = {t["key"]: t for t in body["themes"]}
    assert list(themes) == [t.key for t in sb.THEMES]
    assert themes["financing"]["ranked"] == 0
    first = themes["smart_specialisation"]["ranking"][0]
    assert first["rank"] == 1
    assert first["rank_p05"] <= first["rank_p95"]
    indicators = {i["key"]: i for i in themes["sustainability"]["indicators"]}
    assert indicators["co2_intensity"]["estimate"] is True
    assert indicators["co2_intensity"]["direction"] == -1
    region = client.get("/api/v1/scoreboard/regions/HU21").json()
    assert [t["theme"] for t in region["themes"]] == [t.key for t in sb.THEMES]
    assert region["themes"][3]["score"] is None
    assert len(region["peers"]) == 5
    values = {i["key"]: i for i in region["indicators"]}
    assert values["htec_share"]["value"] == pytest.approx(
        board.indicators.values.loc["HU21", "htec_share"]
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/scoreboard?theme=nope", 404),
        ("/scoreboard?level=3", 422),
        ("/scoreboard?year=1999", 422),
        ("/scoreboard/regions/ZZ99", 404),
        ("/scoreboard/regions/HU", 404),
        ("/scoreboard/table.pdf", 422),
        ("/scoreboard/maps/nope.json", 404),
        ("/scoreboard?scenario=424242", 404),
        ("/api/v1/scoreboard/regions/ZZ99", 404),
    ],
    ids=[
        "unknown-theme",
        "bad-level",
        "bad-year",
        "unknown-region",
        "country",
        "bad-format",
        "unknown-theme-map",
        "unknown-scenario",
        "api-unknown-region",
    ],
)
def test_bad_requests(client: TestClient, url: str, status: int) -> None:
    assert client.get(url).status_code == status


def test_hungarian_region_page(client: TestClient) -> None:
    page = soup_of(client, "/scoreboard/regions/HU21?lang=hu")
    header = page.select_one("#table-themes thead").get_text(" ", strip=True)
    assert "Pontszám" in header
    themes = [a.get_text() for a in page.select("#table-themes tbody a")]
    assert themes[0] == "Innováció és K+F"
    readings = " ".join(p.get_text() for p in page.select(".ev-reading p"))
    assert "pont a 100-ból (Innováció és K+F)" in readings
    client.get("/scoreboard?lang=en")


def test_the_region_profile_links_to_its_scoreboard(client: TestClient) -> None:
    page = soup_of(client, "/regions/HU21")
    link = page.select_one("a[data-link=scoreboard]")
    assert "/scoreboard/regions/HU21?year=2014" in link["href"]


def test_an_analyst_saves_a_scenario_and_only_the_owner_changes_it(
    app: FastAPI, records: Path, board: sb.Scoreboard
) -> None:
    with TestClient(app, base_url="http://testserver") as ana:
        log_in(ana, ANALYSTS[0])
        page = soup_of(ana, "/scoreboard/scenarios")
        assert page.select_one("form.sb-weights input[name=w_co2_intensity]") is not None
        token = form_token(ana, "/scoreboard/scenarios")
        response = ana.post(
            "/scoreboard/scenarios",
            data={
                "csrf_token": token,
                "name": "Innovation counts triple",
                "aggregation": "arithmetic",
                "w_rd_personnel": "3",
                "w_htec_share": "3",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        scenario_id = int(response.headers["location"].rsplit("/", 1)[1])
        page = soup_of(ana, f"/scoreboard/scenarios/{scenario_id}")
        weights = {
            r["data-indicator"]: number(r.find_all("td")[2].get_text())
            for r in page.select("#table-weights tbody tr")
        }
        assert weights["rd_personnel"] == 3.0
        assert weights["eci"] == 1.0
        assert page.select_one("#edit-scenario form.sb-weights") is not None
        ranking = soup_of(ana, f"/scoreboard?theme=innovation&scenario={scenario_id}")
        assert "Innovation counts triple" in ranking.select_one(".sb-scenario").get_text()
        weighted = sb.scoreboard(
            app.state.evidence.store(),
            weights={"rd_personnel": 3, "htec_share": 3},
            cache=app.state.evidence.cache,
        )
        cell = ranking.select_one("#table-ranking tr[data-region=HU21] td[data-value]")
        assert float(cell["data-value"]) == pytest.approx(
            weighted.themes["innovation"].table.loc["HU21", "score"]
        )
        assert weighted.themes["innovation"].table.loc["HU21", "score"] != pytest.approx(
            board.themes["innovation"].table.loc["HU21", "score"]
        )
    before = scenarios_in(records)
    with TestClient(app, base_url="http://testserver") as bela:
        log_in(bela, ANALYSTS[1])
        page = soup_of(bela, f"/scoreboard/scenarios/{scenario_id}")
        assert page.select_one("#edit-scenario") is None
        token = form_token(bela, "/scoreboard/scenarios")
        changed = bela.post(
            f"/scoreboard/scenarios/{scenario_id}",
            data={"csrf_token": token, "name": "Hijacked", "w_eci": "9"},
            follow_redirects=False,
        )
        deleted = bela.post(
            f"/scoreboard/scenarios/{scenario_id}/delete",
            data={"csrf_token": token},
            follow_redirects=False,
        )
        assert (changed.status_code, deleted.status_code) == (403, 403)
    with TestClient(app, base_url="http://testserver") as member:
        log_in(member, "member@example.eu")
        token = form_token(member, "/scoreboard/scenarios")
        refused = member.post(
            "/scoreboard/scenarios",
            data={"csrf_token": token, "name": "Not mine to save"},
            follow_redirects=False,
        )
        assert refused.status_code == 403
    assert scenarios_in(records) == before
    with TestClient(app, base_url="http://testserver") as ana:
        log_in(ana, ANALYSTS[0])
        token = form_token(ana, "/scoreboard/scenarios")
        bad = ana.post(
            f"/scoreboard/scenarios/{scenario_id}",
            data={"csrf_token": token, "name": "x", "w_eci": "-4"},
            follow_redirects=False,
        )
        assert bad.status_code == 422
        assert scenarios_in(records) == before
        gone = ana.post(
            f"/scoreboard/scenarios/{scenario_id}/delete",
            data={"csrf_token": token},
            follow_redirects=False,
        )
        assert gone.status_code == 303
    engine = make_engine(f"sqlite:///{records}")
    with make_session_factory(engine)() as db:
        assert db.scalar(select(func.count()).select_from(ScoreboardScenario)) == len(before) - 1
    engine.dispose()
    assert ev  # the evidence package is what the pages read through

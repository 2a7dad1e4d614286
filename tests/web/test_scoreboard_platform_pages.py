"""The scoreboard's platform-record themes on the web, with the demo records loaded."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.services.test_evidence import demo_stats_path
from tests.web.test_evidence_pages import evidence_app, soup_of

from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.services import scoreboard as sb
from polisee.services.demo import load_demo_records
from polisee.statsdb import StatsStore

pytestmark = pytest.mark.slow

# Demo cluster organisations in regions of the 2014 scoreboard (NUTS 2).
DEMO_REGIONS = ("HU21", "HU22", "SI03", "BG42")


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scoreboard-platform") / "records.sqlite3"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, records: Path) -> Iterator[FastAPI]:
    var_dir = demo_stats_path(tmp_path_factory).parent
    application = evidence_app(var_dir, records)
    with transaction(f"sqlite:///{records}") as db:
        load_demo_records(db)
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def board(app: FastAPI, records: Path) -> sb.Scoreboard:
    store: StatsStore = app.state.evidence.store()
    engine = make_engine(f"sqlite:///{records}")
    with make_session_factory(engine)() as db:
        figures = sb.platform_figures(db)
    engine.dispose()
    return sb.scoreboard(store, cache=app.state.evidence.cache, platform=figures)


def test_cluster_financing_ranks_the_demo_regions(client: TestClient, board: sb.Scoreboard) -> None:
    page = soup_of(client, "/scoreboard?theme=financing")
    assert page.select_one(".sb-nodata") is None
    rows = {row["data-region"]: row for row in page.select("tr[data-region]")}
    financing = board.themes["financing"].table
    for region in DEMO_REGIONS:
        cell = rows[region].select_one("td[data-value]")
        assert float(cell["data-value"]) == pytest.approx(financing.loc[region, "score"])
    # Regions without a demo cluster organisation have no score, not a zero one.
    assert math.isnan(financing.loc["DE11", "score"])
    assert board.indicators.values["organisations_per_stage"].notna().sum() <= 12


def test_region_page_shows_the_platform_indicators(
    client: TestClient, board: sb.Scoreboard
) -> None:
    page = soup_of(client, "/scoreboard/regions/HU21")
    stages = page.select_one("#table-financing tr[data-indicator=organisations_per_stage]")
    value = stages.select_one("td[data-value]")["data-value"]
    expected = board.indicators.values.loc["HU21", "organisations_per_stage"]
    assert float(value) == pytest.approx(expected)
    assert "platform records: stage evaluations" in stages.select_one(".ev-source").get_text()
    assert "evaluated cluster organisations" in stages.get_text()
    collaborations = page.select_one(
        "#table-internationalisation tr[data-indicator=collaborations] td[data-value]"
    )
    assert float(collaborations["data-value"]) > 0
    funding = page.select_one(
        "#table-financing tr[data-indicator=funding_per_employee] td[data-value]"
    )
    assert float(funding["data-value"]) == pytest.approx(
        board.indicators.values.loc["HU21", "funding_per_employee"]
    )
    assert float(funding["data-value"]) > 0
    score = page.select_one("#table-themes tr[data-theme=financing] td[data-value]")
    assert float(score["data-value"]) == pytest.approx(
        board.themes["financing"].table.loc["HU21", "score"]
    )

"""The report links of the plan dashboard and the assessment results in a real browser: a
signed-in visitor downloads the plan monitoring report (PDF) and the assessment report
(XLSX) in Hungarian."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web._plans import VISITOR, demo_plan_app
from tests.web.conftest import PASSWORD

from polisee.records.assessments import Assessment
from polisee.records.db import transaction

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    app: FastAPI = demo_plan_app(tmp_path_factory, "records-reports-browser")
    with transaction(str(app.state.engine.url)) as db:
        assessment = db.scalar(
            select(Assessment.id).where(
                Assessment.region_code == "HU21", Assessment.round_year == 2025
            )
        )
    assert assessment is not None
    with serve(app) as url:
        yield url, assessment
    app.state.evidence.close()
    app.state.engine.dispose()


def test_visitor_downloads_the_plan_and_assessment_reports(
    server: tuple[str, int], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, assessment = server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        context = browser.new_context(
            locale="hu-HU", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "/login")
        page.locator("input[name=email]").fill(VISITOR)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").click()
        page.wait_for_url(url + "/")
        page.get_by_role("link", name="Cselekvési tervek").first.click()
        page.get_by_role("link", name="[demo] Central Transdanubia cluster action plan").click()
        button = page.get_by_role("link", name="Jelentés letöltése (PDF)")
        expect(button).to_be_visible()
        page.locator("nav.actions").screenshot(path=str(SCREENSHOTS / "plan-report-links.png"))
        with page.expect_download(timeout=120_000) as info:
            button.click()
        download = info.value
        assert download.suggested_filename.startswith("polisee-plan-")
        assert download.suggested_filename.endswith("-hu.pdf")
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.read_bytes().startswith(b"%PDF-")
        page.goto(f"{url}/assessments/{assessment}/results")
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("link", name="A jelentés táblázatai (XLSX)").click()
        assert info.value.suggested_filename == f"polisee-assessment-HU21-2025-{assessment}-hu.xlsx"
        browser.close()
    assert not errors

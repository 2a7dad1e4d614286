"""The report button in a real browser: a visitor downloads the region report as a PDF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.services.test_evidence import demo_stats_path
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web.test_evidence_pages import evidence_app

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = demo_stats_path(tmp_path_factory).parent
    app: FastAPI = evidence_app(var_dir, tmp_path_factory.mktemp("browser") / "records.sqlite3")
    with serve(app) as url:
        yield url
    app.state.evidence.close()
    app.state.engine.dispose()


def test_visitor_downloads_the_hungarian_report(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        context = browser.new_context(
            locale="hu-HU", viewport={"width": 1366, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/regions/HU21")
        button = page.get_by_role("link", name="Jelentés letöltése (PDF)")
        expect(button).to_be_visible()
        page.locator(".ev-profile-head").screenshot(path=str(SCREENSHOTS / "report-button.png"))
        with page.expect_download(timeout=120_000) as info:
            button.click()
        download = info.value
        assert download.suggested_filename == "polisee-region-HU21-2014-hu.pdf"
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.read_bytes().startswith(b"%PDF-")
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("link", name="A jelentés táblázatai (XLSX)").click()
        assert info.value.suggested_filename == "polisee-region-HU21-2014-hu.xlsx"
        browser.close()
    assert not errors

"""The scoreboard in a real browser: rankings, map, rank intervals, region radar, a scenario."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, analyst_app, needs_chromium, serve

EMAIL = "analyst@example.eu"
PASSWORD = "correct horse battery"

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    with analyst_app(tmp_path_factory, "Scoreboard Agency", EMAIL, PASSWORD) as application:
        yield application


@pytest.fixture(scope="module")
def server(app: FastAPI) -> Iterator[str]:
    with serve(app) as url:
        yield url


def test_a_visitor_reads_the_scoreboard_and_an_analyst_saves_weights(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.on(
            "console",
            lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: errors.append(str(e)))

        # From the main navigation to the ranking of a theme, its map and rank intervals.
        page.goto(server + "/")
        page.get_by_role("link", name="Scoreboard", exact=True).click()
        page.wait_for_url("**/scoreboard")
        expect(page.locator("h1")).to_have_text("Regional scoreboard")
        page.locator(".sb-themes").get_by_role("link", name="Sustainability").click()
        page.wait_for_url("**theme=sustainability**")
        expect(page.locator(".ev-map[data-map-ready=true]")).to_be_attached(timeout=30_000)
        assert page.locator(".ev-map path.leaflet-interactive").count() > 250
        expect(page.locator("#chart-intervals[data-chart-ready=true]")).to_be_attached(
            timeout=30_000
        )
        assert page.locator("#chart-intervals canvas").count() >= 1
        assert page.locator("#table-ranking tbody tr").count() == 288
        page.screenshot(path=str(SCREENSHOTS / "scoreboard-sustainability.png"), full_page=True)

        # A click on the map opens the region's scoreboard: radar and theme table.
        page.locator('.ev-map path[aria-label*="(HU21)"]').click()
        page.wait_for_url("**/scoreboard/regions/HU21")
        expect(page.locator("h1")).to_have_text("Közép-Dunántúl")
        expect(page.locator("#chart-radar[data-chart-ready=true]")).to_be_attached(timeout=30_000)
        assert page.locator("#table-themes tbody tr").count() == 6
        expect(
            page.locator("#table-sustainability tr[data-indicator=co2_intensity]")
        ).to_contain_text("estimate")
        page.screenshot(path=str(SCREENSHOTS / "scoreboard-region-hu21.png"), full_page=True)

        # An analyst saves a scenario and sees the ranking with its weights.
        page.goto(server + "/login")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/")
        page.goto(server + "/scoreboard/scenarios")
        form = page.locator("#new-scenario form")
        form.locator("input[name=name]").fill("Transition first")
        form.locator("input[name=w_transition_exposure]").fill("4")
        form.get_by_role("button", name="Save scenario").click()
        page.wait_for_url("**/scoreboard/scenarios/*")
        expect(page.locator("h1")).to_have_text("Transition first")
        expect(
            page.locator("#table-weights tr[data-indicator=transition_exposure]")
        ).to_contain_text("4.0")
        page.get_by_role("link", name="Rankings with these weights").first.click()
        expect(page.locator(".sb-scenario")).to_contain_text("Transition first")
        page.screenshot(path=str(SCREENSHOTS / "scoreboard-scenario.png"), full_page=True)
        browser.close()
    assert not errors

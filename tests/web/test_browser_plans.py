"""The demo plan in a real browser: the dashboard draws its KPI charts and the timeline,
an editor reports a value for the overdue KPI report (htmx) and marks the overdue
milestone done; the dashboard then lists neither."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web._plans import EDITOR, demo_plan_app
from tests.web.conftest import PASSWORD

from polisee.services.plans import add_months

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app: FastAPI = demo_plan_app(tmp_path_factory, "plan-browser")
    with serve(app) as url:
        yield url
    app.state.evidence.close()
    app.state.engine.dispose()


def test_demo_dashboard_charts_timeline_and_a_reported_value(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    # The demo plan starts on the first of the month eight months before it was loaded;
    # its quarterly KPI misses the report of its second quarter.
    start = add_months(date.today().replace(day=1), -8)
    in_second_quarter = add_months(start, 4).isoformat()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        page = browser.new_context(
            locale="en-GB", viewport={"width": 1280, "height": 900}
        ).new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/login")
        page.get_by_label("Email").fill(EDITOR)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/")
        page.get_by_role("link", name="Action plans").click()
        page.get_by_role("link", name="[demo] Central Transdanubia cluster action plan").click()

        for chart in ("#chart-progress", "#chart-timeline"):
            expect(page.locator(chart)).to_have_attribute("data-chart-ready", "true")
            expect(page.locator(f"{chart} canvas")).to_have_count(1)
        expect(page.locator(".pl-charts [data-chart-ready='true']")).to_have_count(5)
        expect(page.locator("li[data-overdue='milestone']")).to_have_count(1)
        expect(page.locator("li[data-overdue='report']")).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / "plan-dashboard.png"), full_page=True)

        # Report the missing value of the overdue quarter (the form posts with htmx).
        page.locator("li[data-overdue='report']").get_by_role("link", name="Report a value").click()
        expect(page.locator("#chart-kpi")).to_have_attribute("data-chart-ready", "true")
        page.get_by_label("Value (organisations)", exact=True).fill("2")
        page.get_by_label("As of", exact=True).fill(in_second_quarter)
        page.get_by_label("Evidence (source, document, how it was counted)").fill(
            "[test] Coaching attendance lists"
        )
        page.get_by_role("button", name="Report the value").click()
        rows = page.locator("#report-table tr[data-report]")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("[test] Coaching attendance lists")
        expect(page.locator("#kpi-reports [data-overdue='report']")).to_have_count(0)

        # Back on the dashboard: the report is no longer overdue; mark the milestone done.
        page.get_by_role("link", name="[demo] Central Transdanubia cluster action plan").click()
        expect(page.locator("li[data-overdue='report']")).to_have_count(0)
        late = page.locator("#milestones tr[data-status='overdue']")
        expect(late).to_have_count(1)
        late.get_by_role("button", name="Mark done").click()
        expect(page.locator("#milestones tr[data-status='overdue']")).to_have_count(0)
        page.reload()
        expect(page.locator("li[data-overdue='milestone']")).to_have_count(0)
        expect(page.locator("#chart-timeline")).to_have_attribute("data-chart-ready", "true")
        browser.close()
    assert not errors, errors

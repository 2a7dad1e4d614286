"""Cluster financing in a real browser: a cluster manager updates its members and sees its
stage and what is missing; the agency opens a call, two clusters apply, an evaluator
scores, and the allocation table appears."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web._financing import make_clusters
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    with serve(app) as url:
        yield url


def _signed_in(browser: Any, server: str, email: str, errors: list[str]) -> Any:
    page = browser.new_context(locale="en-GB").new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/")
    return page


def test_stage_card_then_a_call_from_opening_to_allocation(
    server: str, people: dict[str, str], database_url: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    make_clusters(database_url, alpha_smes=6, beta_smes=5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    today = date.today()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)

        # The cluster manager sees its stage and what is missing, adds members, sees it change.
        alpha = _signed_in(browser, server, "a@alpha.eu", errors)
        alpha.get_by_role("link", name="Cluster organisations").click()
        alpha.get_by_role("link", name="Alpha cluster").click()
        card = alpha.locator('article[data-ladder="hu_cluster"]')
        expect(card.locator(".fin-stage")).to_have_text("Start-up cluster")
        expect(card.locator(".fin-missing li").first).to_have_text("4 more members")
        for i in range(4):
            alpha.get_by_label("New member").fill(f"Newcomer {i} Kft.")
            alpha.get_by_label("Employees").fill("25")
            alpha.get_by_role("button", name="Add member").click()
            expect(alpha.locator("#members")).to_contain_text(f"Newcomer {i} Kft.")
        expect(card.locator(".fin-stage")).to_have_text("Developing cluster")
        expect(card.locator(".fin-missing")).to_contain_text("5 more members")
        expect(alpha.locator("#changes")).to_contain_text("Newcomer 3 Kft.")
        alpha.screenshot(path=str(SCREENSHOTS / "financing-stage-card.png"), full_page=True)

        # The agency prepares and opens a call for start-up and developing clusters.
        agency = _signed_in(browser, server, people["policy_maker"], errors)
        agency.get_by_role("link", name="Funding calls").click()
        agency.get_by_label("Title").fill("Cluster services 2027")
        agency.get_by_label("Call budget (EUR)").fill("100000")
        agency.get_by_label("Maximum grant (EUR)").fill("40000")
        agency.get_by_label("Co-financing rate (%)").fill("50")
        agency.get_by_label("Closes on").fill((today + timedelta(days=30)).isoformat())
        agency.get_by_label("Partial funding of the last one").check()
        agency.get_by_label("Start-up cluster").check()
        agency.get_by_label("Developing cluster").check()
        agency.get_by_label("Criterion 1", exact=True).fill("Quality of services")
        agency.get_by_label("Weight of criterion 1").fill("60")
        agency.get_by_label("Criterion 2", exact=True).fill("Joint projects")
        agency.get_by_label("Weight of criterion 2").fill("40")
        agency.get_by_role("button", name="Save the call as a draft").click()
        expect(agency.locator("h1")).to_have_text("Cluster services 2027")
        agency.get_by_role("button", name="Open the call").click()
        expect(agency.locator("#terms [data-status]")).to_have_text("open")
        call_url = agency.url

        # Two cluster organisations apply; eligibility is checked on submission.
        beta = _signed_in(browser, server, "b@beta.eu", errors)
        for page, budget in ((alpha, "60000"), (beta, "100000")):
            page.goto(call_url)
            page.get_by_label("Project title").fill("Services for members")
            page.get_by_label("Eligible budget (EUR)").fill(budget)
            page.get_by_role("button", name="Submit the application").click()
            expect(page.locator("#eligibility")).to_have_attribute("data-eligible", "yes")
        beta.goto(call_url)
        expect(beta.locator("#applications tbody tr")).to_have_count(1)

        # An evaluator scores both applications.
        evaluator = _signed_in(browser, server, people["analyst"], errors)
        evaluator.goto(call_url)
        links = evaluator.locator("#applications tbody a")
        expect(links).to_have_count(2)
        hrefs = [links.nth(i).get_attribute("href") for i in range(2)]
        for href, (quality, projects) in zip(hrefs, (("8", "9"), ("6", "5")), strict=True):
            evaluator.goto(str(href))
            evaluator.get_by_label("Quality of services (0–10)").fill(quality)
            evaluator.get_by_label("Joint projects (0–10)").fill(projects)
            evaluator.get_by_role("button", name="Submit the scores").click()
            expect(evaluator.locator("#sheets tbody tr")).to_have_count(1)

        # The agency closes the call and allocates: the table appears.
        agency.goto(call_url)
        agency.get_by_role("button", name="Close the call").click()
        agency.get_by_role("button", name="Rank and allocate the budget").click()
        table = agency.locator("#allocation-table")
        expect(table).to_be_visible()
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(2)
        # Alpha: (60*0.8 + 40*0.9) = 84 points, asks min(40 000, 30 000) = 30 000 and gets it;
        # Beta: (60*0.6 + 40*0.5) = 56, asks 40 000, gets the remaining 40 000 in full.
        expect(rows.nth(0)).to_have_attribute("data-status", "funded")
        expect(rows.nth(0)).to_contain_text("Alpha cluster")
        expect(rows.nth(0)).to_contain_text("30,000")
        expect(rows.nth(1)).to_contain_text("Beta cluster")
        expect(rows.nth(1)).to_contain_text("40,000")
        expect(agency.locator('[data-reproduced="yes"]')).to_be_visible()
        table.scroll_into_view_if_needed()
        agency.screenshot(path=str(SCREENSHOTS / "financing-allocation.png"), full_page=True)
        browser.close()
    assert not errors, errors

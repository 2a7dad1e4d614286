"""Partner matchmaking in a real browser: a cluster manager finds partners and sends a
request, the other side accepts and replies, and the collaboration network renders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web._financing import make_clusters
from tests.web.conftest import PASSWORD

from polisee.records.clusters import ClusterOrganisation
from polisee.records.db import transaction
from polisee.services import partners as pt
from polisee.services.financing import load_demo_clusters

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    with serve(app) as url:
        yield url


def _signed_in(browser: Any, server: str, email: str, errors: list[str]) -> Any:
    page = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/")
    return page


def _profiles(database_url: str) -> None:
    make_clusters(database_url)
    with transaction(database_url) as db:
        load_demo_clusters(db)
        pt.load_demo_partners(db)
        orgs = {c.name: c.organisation_id for c in db.scalars(select(ClusterOrganisation))}
        for name, values in (
            (
                "Alpha cluster",
                pt.ProfileInput(
                    region_code="HU21",
                    offers="Precision machining of engine parts",
                    needs="Aluminium die casting of battery housings",
                    target_regions=("AT", "SI"),
                    nace_codes=("C29",),
                    languages=("hu", "en"),
                ),
            ),
            (
                "Beta cluster",
                pt.ProfileInput(
                    region_code="SI03",
                    offers="Aluminium die casting of battery housings",
                    needs="Precision machining of engine parts",
                    target_regions=("HU",),
                    nace_codes=("C25",),
                    languages=("sl", "en"),
                ),
            ),
        ):
            pt.create_profile(db, pt.CLI_PARTNER_VIEWER, orgs[name], values)


def test_find_partners_request_accept_and_network(
    server: str, people: dict[str, str], database_url: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    _profiles(database_url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)

        # Alpha's manager finds partners and expresses interest in Beta.
        alpha = _signed_in(browser, server, "a@alpha.eu", errors)
        alpha.get_by_role("link", name="Partners", exact=True).click()
        expect(alpha.locator("h1")).to_have_text("Find partners")
        alpha.get_by_label("Country").select_option("SI")
        expect(alpha.locator("#results article")).to_have_count(3)
        alpha.get_by_role("link", name="Best partners for Alpha cluster").click()
        first = alpha.locator("li.pt-match").first
        expect(first.locator("h2 a")).to_have_text("Beta cluster")
        # The test app has no statistics store: industries relate only to themselves.
        expect(first.locator('tr[data-part="industry"] td').last).to_have_text(
            "C29: no related industry"
        )
        expect(first.locator('tr[data-part="complementarity"] td').first).to_have_text("100%")
        alpha.screenshot(path=str(SCREENSHOTS / "partners-matches.png"))
        first.get_by_text("Express interest").click()
        first.get_by_label("Message to Beta cluster").fill(
            "We machine engine parts; shall we talk?"
        )
        first.get_by_role("button", name="Send the request").click()
        expect(alpha.locator("#thread [data-status]")).to_have_text("pending")

        # Beta's manager sees it, accepts (htmx) and replies.
        beta = _signed_in(browser, server, "b@beta.eu", errors)
        beta.get_by_role("link", name="Partners", exact=True).click()
        beta.get_by_role("link", name="Match requests").click()
        row = beta.locator("#received tr[data-request]")
        expect(row).to_have_count(1)
        row.get_by_role("link", name="Alpha cluster").click()
        beta.get_by_role("button", name="Accept").click()
        expect(beta.locator("#thread [data-status]")).to_have_text("accepted")
        beta.get_by_label("Reply").fill("Yes, next week in Celje.")
        beta.get_by_role("button", name="Send", exact=True).click()
        expect(beta.locator(".pt-message")).to_have_count(2)

        # Both sides see the status; the network view renders the demo collaborations.
        alpha.goto(server + "/partners/requests")
        expect(alpha.locator("#sent [data-status]")).to_have_text("accepted")
        alpha.goto(server + "/partners/network")
        chart = alpha.locator("#chart-network")
        expect(chart).to_have_attribute("data-chart-ready", "true")
        expect(chart.locator("canvas")).to_have_count(1)
        expect(alpha.locator("#isolates")).to_contain_text("[demo] Tirana Digital Innovation Hub")
        alpha.wait_for_timeout(2500)  # let the force layout settle before the picture
        alpha.screenshot(path=str(SCREENSHOTS / "partners-network.png"), full_page=True)
        browser.close()
    assert not errors, errors

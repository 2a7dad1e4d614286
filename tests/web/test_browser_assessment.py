"""The self-assessment in a real browser: a policy maker creates an assessment and invites
two respondents, who answer in separate browser contexts; the owner sees the radar chart and
the good practices recommended for the weakest theme, and pins one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from tests.services._assessment import person
from tests.services._practice_helpers import make_principal, published_practice
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web.conftest import PASSWORD

from polisee.records.db import transaction

pytestmark = [pytest.mark.browser, needs_chromium]

OWNER = "owner@example.eu"
ANA = ("ana@example.eu", "public_authority", 4)
BENCE = ("bence@example.eu", "business", 2)
SUSTAINABILITY = {"green_goals", "eco_innovation", "circular_economy", "transition_support"}


@pytest.fixture
def server(app: FastAPI, database_url: str) -> Iterator[str]:
    with transaction(database_url) as db:
        person(db, OWNER, role="policy_maker", organisation="Pannon Agency")
        person(db, ANA[0])
        person(db, BENCE[0])
        author = make_principal(db, "author", "cluster_manager")
        validator = make_principal(db, "validator", "analyst")
        published_practice(
            db,
            author,
            validator,
            title="Green technology cluster for eco-innovation",
            summary="Companies develop climate and circular-economy technologies together.",
            themes=("sustainability",),
            regions=("AT22",),
        )
    with serve(app) as url:
        yield url


def _sign_in(page: Any, server: str, email: str) -> None:
    page.goto(server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/")


def test_owner_creates_two_respondents_answer_owner_sees_the_radar(server: str) -> None:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)

        def context_page() -> Any:
            page = browser.new_context(locale="en-GB").new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            return page

        owner = context_page()
        _sign_in(owner, server, OWNER)
        owner.get_by_role("link", name="Self-assessment").first.click()
        owner.get_by_label("Region (NUTS code, e.g. HU21)").fill("HU21")
        owner.get_by_label("Round (year)").fill("2025")
        owner.get_by_role("button", name="Create the assessment").click()
        owner.wait_for_url(re.compile(r".*/assessments/\d+$"))
        overview = owner.url
        for email, group, _ in (ANA, BENCE):
            owner.locator("#resp-email").fill(email)
            owner.locator("#resp-group").select_option(group)
            owner.get_by_role("button", name="Invite respondent").click()
            owner.wait_for_url(re.compile(r".*/assessments/\d+#respondents$"))
        assert owner.locator("table.as-progress tbody tr").count() == 2

        # Two respondents, each in a browser context of their own, both questionnaires open.
        pages = {}
        for email, _, _ in (ANA, BENCE):
            page = context_page()
            _sign_in(page, server, email)
            page.goto(overview)
            page.get_by_role("link", name="Your questionnaire").click()
            page.wait_for_selector("div.as-criterion")
            pages[email] = page
        ana, bence = pages[ANA[0]], pages[BENCE[0]]
        # Ana saves one answer as a draft with htmx: only that criterion is swapped.
        box = ana.locator("#criterion-rd_strategy")
        box.locator("input[value='3']").check()
        box.locator("textarea[name='evidence-rd_strategy']").fill(
            "Regional innovation strategy, chapter 4"
        )
        box.get_by_role("button", name="Save draft").click()
        ana.locator("#criterion-rd_strategy .as-just").wait_for()
        assert ana.locator("#criterion-rd_strategy input[value='3']").is_checked()
        ana.screenshot(path=str(SCREENSHOTS / "assessment-questionnaire.png"))
        for page, (_, _, score) in ((bence, BENCE), (ana, ANA)):
            for key in page.locator("div.as-criterion").evaluate_all(
                "nodes => nodes.map(n => n.dataset.criterion)"
            ):
                # Both score sustainability low: the weakest theme, with practices to learn from.
                weak = key in SUSTAINABILITY
                page.locator(f"input[name='score-{key}'][value='{1 if weak else score}']").check()
            page.get_by_role("button", name="Submit all answers").click()
            page.wait_for_url(re.compile(r".*/answers\?saved=submitted$"))
            assert page.locator("div.as-criterion fieldset[disabled]").count() == 24
        ana.get_by_role("link", name="See the results").click()
        ana.wait_for_selector("#chart-radar[data-chart-ready='true']")

        owner.goto(overview.rsplit("#", 1)[0] + "/results")
        owner.wait_for_selector("#chart-radar[data-chart-ready='true']")
        owner.wait_for_selector("#chart-groups[data-chart-ready='true']")
        assert owner.locator("#chart-radar canvas").count() >= 1
        median = owner.locator("tr[data-theme='innovation'] [data-col='median']").inner_text()
        assert median == "3.0"  # median of 4 and 2
        assert owner.locator("tr[data-theme='innovation'] .as-flag").count() == 1
        recommended = owner.locator(".as-recommended[data-criterion='green_goals'] article")
        assert recommended.first.inner_text().startswith("Green technology cluster")
        recommended.first.get_by_role("button", name="Pin to this assessment").click()
        owner.wait_for_url(re.compile(r".*/results#pinned$"))
        assert owner.locator(".as-pins li[data-practice]").count() == 1
        owner.screenshot(path=str(SCREENSHOTS / "assessment-results.png"), full_page=True)
        browser.close()
    assert not errors, errors

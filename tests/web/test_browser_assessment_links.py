"""An invitation link in a real browser: the owner makes it and copies it; a respondent
without an account opens it in a fresh browser, saves a draft with htmx, comes back through
the same link, submits, and sees the answers locked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from tests.services._assessment import person
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web.test_browser_assessment import OWNER, _sign_in

from polisee.records.db import transaction

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def server(app: FastAPI, database_url: str) -> Iterator[str]:
    with transaction(database_url) as db:
        person(db, OWNER, role="policy_maker", organisation="Pannon Agency")
    with serve(app) as url:
        yield url


def test_a_respondent_without_an_account_answers_through_the_link(server: str) -> None:
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
        owner.goto(server + "/assessments")
        owner.get_by_label("Region (NUTS code, e.g. HU21)").fill("HU21")
        owner.get_by_label("Round (year)").fill("2025")
        owner.get_by_role("button", name="Create the assessment").click()
        owner.wait_for_url(re.compile(r".*/assessments/\d+$"))
        overview = owner.url
        owner.locator("#link-email").fill("eva@uni.example")
        owner.locator("#link-name").fill("Éva Kovács")
        owner.locator("#link-group").select_option("research")
        owner.get_by_role("button", name="Make an invitation link").click()
        link = owner.locator("input[data-link]").input_value()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/assessments/\d+/invitations/\S+", link)
        owner.screenshot(path=str(SCREENSHOTS / "assessment-invitation-link.png"), full_page=True)

        eva = context_page()  # no account, no sign-in
        eva.goto(link)
        eva.wait_for_selector("div.as-criterion")
        assert "Invited as Éva Kovács" in eva.locator(".as-link-note").inner_text()
        box = eva.locator("#criterion-rd_strategy")
        box.locator("input[value='3']").check()
        box.get_by_role("button", name="Save draft").click()
        eva.locator("#criterion-rd_strategy .as-just").wait_for()

        again = context_page()  # the same link later, in another browser: the draft is there
        again.goto(link)
        assert again.locator("#criterion-rd_strategy input[value='3']").is_checked()
        for key in again.locator("div.as-criterion").evaluate_all(
            "nodes => nodes.map(n => n.dataset.criterion)"
        ):
            again.locator(f"input[name='score-{key}'][value='4']").check()
        again.get_by_role("button", name="Submit all answers").click()
        again.wait_for_url(re.compile(r".*/invitations/\S+\?saved=submitted$"))
        assert again.locator("div.as-criterion fieldset[disabled]").count() == 24
        again.screenshot(path=str(SCREENSHOTS / "assessment-link-submitted.png"))

        owner.goto(overview)
        row = owner.locator("table.as-progress tr[data-email='eva@uni.example']")
        assert "24 / 24" in row.inner_text()
        owner.get_by_role("button", name="Revoke").click()
        owner.wait_for_url(re.compile(r".*/assessments/\d+#links$"))
        # A fresh page without the console hook: the 403 response itself logs an error.
        late = browser.new_context(locale="en-GB").new_page()
        assert late.goto(link).status == 403
        assert "does not work any more" in late.locator("h1").inner_text()
        browser.close()
    assert not errors, errors

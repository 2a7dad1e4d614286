"""A working group in a real browser: a member opens a thread, another replies, the lead
publishes the group's reviewed report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web.conftest import PASSWORD

from polisee.records.db import transaction
from polisee.services import accounts
from polisee.services import groups as gr
from polisee.services.permissions import permissions_for
from polisee.services.sessions import Principal

pytestmark = [pytest.mark.browser, needs_chromium]


def _principal(db: Any, email: str) -> Principal:
    user = accounts.find_user(db, email)
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        permissions=permissions_for(accounts.roles_of(db, user.id)),
    )


@dataclass(frozen=True)
class Site:
    url: str
    group_id: int
    report_id: int


@pytest.fixture
def site(app: FastAPI, database_url: str, people: dict[str, str]) -> Iterator[Site]:
    """A group led by the policy maker with two members, and a report the members wrote,
    submitted and approved: what is left for the lead is to publish it."""
    with transaction(database_url) as db:
        lead = _principal(db, people["policy_maker"])
        writer = _principal(db, people["cluster_manager"])
        reviewer = _principal(db, people["member"])
        group = gr.create_group(
            db, gr.GroupInput(name="Cluster financing", themes=("financing",)), lead
        )
        for who in (writer, reviewer):
            row = gr.request_to_join(db, group.id, who)
            gr.decide_request(db, group.id, row.id, True, lead)
        report = gr.create_report(
            db,
            group.id,
            gr.ReportInput(
                title="Financing cluster organisations",
                context="Clusters depend on public money in their first years.",
                recommendations=(("Tie support to stages", "Ministries", "financing"),),
            ),
            writer,
        )
        gr.transition_report(db, group.id, report.id, "submit", writer)
        gr.transition_report(db, group.id, report.id, "approve", reviewer)
        group_id, report_id = group.id, report.id
    with serve(app) as url:
        yield Site(url, group_id, report_id)


def _sign_in(browser: Any, url: str, email: str) -> Any:
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")
    return page


def test_a_thread_a_reply_and_a_published_report(site: Site, people: dict[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)

        opener = _sign_in(browser, site.url, people["cluster_manager"])
        opener.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        opener.get_by_role("link", name="Working groups").first.click()
        opener.wait_for_url("**/groups")
        opener.get_by_role("link", name="Cluster financing").click()
        expect(opener.locator("#members h3")).to_have_text(["Country not recorded"])
        opener.get_by_role("link", name="Discussions").click()
        opener.get_by_label("Title").fill("Which calls fit young clusters?")
        opener.get_by_label("Your message").fill("Line one\n<b>not bold</b>")
        opener.get_by_role("button", name="Open the discussion").click()
        expect(opener.locator("h1")).to_have_text("Which calls fit young clusters?")
        expect(opener.locator("article.post p.body")).to_have_text("Line one\n<b>not bold</b>")
        thread_url = opener.url

        replier = _sign_in(browser, site.url, people["member"])
        replier.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        # Accepted into the group, asked to review the report, and now the new thread.
        expect(replier.locator(".bell")).to_contain_text("3")
        replier.goto(thread_url)
        replier.get_by_label("Your reply").fill("Vouchers first, then the accreditation.")
        replier.get_by_role("button", name="Post the reply").click()
        expect(replier.locator("article.post")).to_have_count(2)
        expect(replier.locator("article.post p.body").last).to_have_text(
            "Vouchers first, then the accreditation."
        )
        replier.screenshot(path=str(SCREENSHOTS / "groups-thread.png"), full_page=True)

        lead = _sign_in(browser, site.url, people["policy_maker"])
        lead.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        lead.goto(f"{site.url}/groups/{site.group_id}")
        lead.get_by_role("link", name="Financing cluster organisations").click()
        expect(lead.locator("#review-status")).to_contain_text("Approved by a reviewer")
        lead.get_by_role("button", name="Publish").click()
        expect(lead.locator("h1 + .meta .tag")).to_have_text("published")
        expect(lead.locator("#history tbody tr td:nth-child(3)").last).to_have_text("published")
        lead.screenshot(path=str(SCREENSHOTS / "groups-report.png"), full_page=True)

        visitor = browser.new_context(locale="en-GB").new_page()
        visitor.goto(f"{site.url}/groups/{site.group_id}/reports/{site.report_id}")
        expect(visitor.locator("#recommendations li p").first).to_have_text("Tie support to stages")
        browser.close()
    assert not errors, errors

"""The good-practice repository in a real browser: search with facets, open a practice, comment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web.conftest import PASSWORD

from polisee.records.db import transaction
from polisee.services import demo

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def server(app: FastAPI, database_url: str) -> Iterator[str]:
    with transaction(database_url) as db:
        demo.ensure_demo_admin(db)
        demo.load_demo_records(db)
    with serve(app) as url:
        yield url


def test_search_filter_open_and_comment(server: str, people: dict[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        page = browser.new_page(locale="en-GB")
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/login")
        page.get_by_label("Email").fill(people["member"])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/")

        page.get_by_role("link", name="Good practices").first.click()
        page.wait_for_url("**/practices")
        total = page.locator(".total")
        expect(total).to_contain_text("24 practices")
        # Typing searches through htmx without a page load; relevance is shown.
        page.get_by_label("Search practices").fill("accreditation")
        expect(page.locator("#search-mode")).to_have_attribute("data-mode", "fulltext")
        first = page.locator("#results article.hit").first
        expect(first.locator("meter")).to_be_visible()
        expect(first.locator(".value")).to_have_text("100%")
        titles = page.locator("#results article.hit h2 a").all_inner_texts()
        assert any("accreditation" in t.lower() for t in titles[:2]), titles
        # A facet narrows the hits and stays ticked.
        page.locator("input[name=country][value=HU]").check()
        expect(page.locator("input[name=country][value=HU]")).to_be_checked()
        page.wait_for_url("**country=HU**")
        hungarian = page.locator("#results article.hit h2 a").all_inner_texts()
        assert hungarian
        assert all("Hungar" in t for t in hungarian), hungarian
        page.screenshot(path=str(SCREENSHOTS / "practices-search.png"), full_page=True)

        page.locator("#results article.hit h2 a").first.click()
        expect(page.locator("h1 .tag.demo")).to_have_text("[demo]")
        expect(page.locator("#history tbody tr")).to_have_count(4)
        page.get_by_label("Your comment or question").fill("Which body accredits the clusters?")
        page.get_by_label("Kind").select_option("question")
        page.get_by_role("button", name="Post").click()
        comment = page.locator("article.comment .text").last
        expect(comment).to_have_text("Which body accredits the clusters?")
        expect(page.locator("article.comment .meta").last).to_contain_text("asked")
        page.screenshot(path=str(SCREENSHOTS / "practices-record.png"), full_page=True)
        browser.close()
    assert not errors, errors

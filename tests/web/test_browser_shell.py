"""The shell in a real browser: Debian's chromium driven by Playwright against uvicorn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, needs_chromium, serve
from tests.web.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    with serve(app) as url:
        yield url


def test_home_login_hungarian_logout(server: str, people: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        page = browser.new_page(locale="en-GB")
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/")
        assert "cluster" in page.locator("h1").inner_text().lower()
        page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)

        page.get_by_role("link", name="Sign in").first.click()
        page.get_by_label("Email").fill(people["admin"])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/")
        assert page.locator(".who").inner_text() == "Admin"

        page.goto(server + "/admin/users")
        page.get_by_role("link", name="Magyar").click()
        page.wait_for_url("**/admin/users?lang=hu")
        assert page.locator("h1").inner_text() == "Felhasználók"
        assert page.locator("html").get_attribute("lang") == "hu"
        page.screenshot(path=str(SCREENSHOTS / "admin-users-hu.png"), full_page=True)

        page.get_by_role("button", name="Kijelentkezés").click()
        page.wait_for_url(server + "/")
        assert page.get_by_role("link", name="Bejelentkezés").first.is_visible()
        page.screenshot(path=str(SCREENSHOTS / "signed-out-hu.png"), full_page=True)
        browser.close()
    assert not errors, errors

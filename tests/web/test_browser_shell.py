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
        page.locator(".languages summary").click()
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


def test_language_menu_from_the_keyboard(server: str) -> None:
    """The menu is a disclosure: Tab to it, Enter opens it, Tab and Enter pick a language."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        page = browser.new_page(locale="sr-RS", java_script_enabled=False)
        page.goto(server + "/login")
        assert page.locator("html").get_attribute("lang") == "sr-Latn"
        menu = page.locator("details.languages")
        assert menu.get_attribute("open") is None
        assert not page.get_by_role("link", name="Ελληνικά").is_visible()
        page.locator(".languages summary").focus()
        page.keyboard.press("Enter")
        assert menu.get_attribute("open") is not None
        page.screenshot(path=str(SCREENSHOTS / "language-menu.png"))
        links = page.locator(".languages ul a")
        assert links.count() == 12
        # Tab through the menu to Greek (the eleventh entry) and follow it.
        for _ in range(11):
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('hreflang')") == "el"
        page.keyboard.press("Enter")
        page.wait_for_url("**/login?lang=el")
        assert page.locator("html").get_attribute("lang") == "el"
        assert page.locator("h1").inner_text() == "Σύνδεση"
        page.screenshot(path=str(SCREENSHOTS / "login-el.png"), full_page=True)
        browser.close()

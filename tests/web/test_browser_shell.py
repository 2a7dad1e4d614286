"""The shell in a real browser: Debian's chromium driven by Playwright against uvicorn."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from tests.web.conftest import PASSWORD

BROWSER = os.environ.get("POLISEE_BROWSER", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(BROWSER).exists(), reason=f"no chromium at {BROWSER}"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


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

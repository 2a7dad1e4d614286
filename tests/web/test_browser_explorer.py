"""The evidence explorer in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS, analyst_app, needs_chromium, serve

EMAIL = "analyst@example.eu"
PASSWORD = "correct horse battery"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    needs_chromium,
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    with analyst_app(
        tmp_path_factory, "Central Transdanubia Agency", EMAIL, PASSWORD
    ) as application:
        yield application


@pytest.fixture(scope="module")
def server(app: FastAPI) -> Iterator[str]:
    with serve(app) as url:
        yield url


def test_new_user_explores_a_region(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        context = browser.new_context(
            locale="en-GB", viewport={"width": 1366, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.on(
            "console",
            lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: errors.append(str(e)))

        page.goto(server + "/")
        assert "cluster" in page.locator("h1").inner_text().lower()

        # The map: every NUTS 2 region drawn and coloured, the legend filled in.
        page.goto(server + "/map")
        expect(page.locator("#map-panel [data-map-ready=true]")).to_be_visible(timeout=20_000)
        regions = page.locator("#map-panel path.leaflet-interactive")
        assert regions.count() > 250
        expect(page.locator(".map-legend li").first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "explorer-map.png"), full_page=True)

        # Another indicator through the htmx form: the map is redrawn with its values.
        page.select_option("#indicator", "gdp_pps_hab")
        expect(page.locator(".ev-map-title")).to_contain_text("GDP per inhabitant")
        expect(page.locator("#map-panel [data-map-ready=true]")).to_be_visible(timeout=20_000)
        assert "indicator=gdp_pps_hab" in page.url
        page.screenshot(path=str(SCREENSHOTS / "explorer-map-gdp.png"), full_page=True)

        # Hover shows the value, a click opens the region.
        hu21 = page.locator('#map-panel path[aria-label*="(HU21)"]')
        hu21.hover()
        expect(page.locator(".leaflet-tooltip")).to_contain_text("Közép-Dunántúl")
        hu21.click()
        page.wait_for_url("**/regions/HU21")
        expect(page.locator("h1")).to_have_text("Közép-Dunántúl")
        charts = page.locator("[data-chart][data-chart-ready=true]")
        expect(charts.nth(4)).to_be_attached(timeout=20_000)
        assert charts.count() == 5
        expect(page.locator(".ev-locator[data-map-ready=true]")).to_be_attached(timeout=20_000)
        c29 = page.locator("#table-specialisations tr[data-industry=C29] td").nth(2)
        assert c29.inner_text() == "5.06"
        page.screenshot(path=str(SCREENSHOTS / "explorer-profile-hu21.png"), full_page=True)
        page.locator("#opportunities").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "explorer-profile-opportunities.png"))

        # Download a table as CSV.
        with page.expect_download() as download:
            page.locator("#specialisations a[data-format=csv]").click()
        saved = download.value.path()
        assert saved is not None
        text = Path(saved).read_text(encoding="utf-8")
        assert text.splitlines()[0] == "industry,title,lq,employment,share"
        assert any(line.startswith("C29,") for line in text.splitlines())

        # Sign in, come back, switch to Hungarian.
        page.get_by_role("link", name="Sign in").first.click()
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/")
        expect(page.locator(".who")).to_have_text("Anna Analyst")
        page.goto(server + "/regions/HU21")
        page.locator(".languages summary").click()
        page.get_by_role("link", name="Magyar", exact=True).click()
        page.wait_for_url("**/regions/HU21?lang=hu")
        assert page.locator("html").get_attribute("lang") == "hu"
        expect(page.locator("#key-figures h2")).to_have_text("Főbb adatok")
        employment = page.locator(".ev-figure-card[data-key=employment] .ev-value").inner_text()
        assert employment.replace("\u00a0", " ") == "277 562"
        expect(page.locator("[data-chart][data-chart-ready=true]").nth(4)).to_be_attached(
            timeout=20_000
        )
        page.screenshot(path=str(SCREENSHOTS / "explorer-profile-hu21-hu.png"), full_page=True)

        # The cluster page and a narrow screen.
        page.goto(server + "/clusters/4")
        expect(page.locator(".ev-map[data-map-ready=true]")).to_be_attached(timeout=20_000)
        page.screenshot(path=str(SCREENSHOTS / "explorer-cluster-automotive.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(server + "/regions/HU21?lang=en")
        expect(page.locator("[data-chart][data-chart-ready=true]").first).to_be_attached(
            timeout=20_000
        )
        page.screenshot(path=str(SCREENSHOTS / "explorer-profile-mobile.png"))
        page.goto(server + "/compare?regions=HU21&regions=SK02&regions=CZ03")
        page.set_viewport_size({"width": 1366, "height": 900})
        expect(page.locator("[data-chart][data-chart-ready=true]")).to_be_attached(timeout=20_000)
        page.screenshot(path=str(SCREENSHOTS / "explorer-compare.png"), full_page=True)
        browser.close()
    assert not errors, errors

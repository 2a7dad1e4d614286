"""charts.js and map.js in Debian's chromium, on the demo page tests/web/fixtures/charts_demo.html.

The demo page embeds specs built by polisee.web.charts from the illustrative inputs below;
``python tests/web/test_charts_browser.py`` rewrites the fixtures after a change, and
``test_demo_fixtures_are_current`` fails when someone forgets to.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from tests.web._browser import ARGS, BROWSER, SCREENSHOTS

from polisee.config import default_data_dir
from polisee.sources.gisco import load_boundaries
from polisee.web import charts

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "polisee" / "web" / "static"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO = FIXTURES / "charts_demo.html"
DATA = default_data_dir()

# --- illustrative demo inputs (not statistics) -----------------------------------------

_LQ = [
    ("C29", "Manufacture of motor vehicles, trailers and semi-trailers", 3.42, 41200),
    ("C22", "Manufacture of rubber and plastic products", 2.61, 14800),
    ("C27", "Manufacture of electrical equipment", 2.28, 9900),
    ("C25", "Manufacture of fabricated metal products", 1.93, 16100),
    ("C24", "Manufacture of basic metals", 1.81, 5200),
    ("C28", "Manufacture of machinery and equipment n.e.c.", 1.47, 8700),
    ("C16", "Manufacture of wood and of products of wood and cork", 1.26, 3100),
    ("C23", "Manufacture of other non-metallic mineral products", 1.18, 3900),
    ("C31", "Manufacture of furniture", 1.07, 2100),
    ("H49", "Land transport and transport via pipelines", 1.02, 12600),
    ("C10", "Manufacture of food products", 0.91, 9400),
    ("G46", "Wholesale trade, except of motor vehicles and motorcycles", 0.78, 15300),
    ("F41", "Construction of buildings", 0.74, 6800),
    ("J62", "Computer programming, consultancy and related activities", 0.41, 3300),
    ("K64", "Financial service activities", 0.36, 2500),
    ("C20", "Manufacture of chemicals and chemical products", None, None),
]
_TREND: dict[tuple[str, str], list[float | None]] = {
    ("HU21", "Közép-Dunántúl"): [100, 93.5, 95.1, 97.8, None, 101.2, 104.9, 108.3],
    ("HU22", "Nyugat-Dunántúl"): [100, 91.2, 92.8, 96.0, 98.4, 99.9, 103.1, 106.0],
    ("HU11", "Budapest"): [100, 97.9, 98.2, 99.5, 100.4, 101.0, 102.6, 104.8],
}
_THEMES = ["Governance", "Analysis", "Shared vision", "Priorities", "Policy mix", "Monitoring"]
_SHIFT = [
    ("C29 Motor vehicles", 2100.0, 1500.0, 3200.0),
    ("C22 Rubber and plastics", 700.0, 300.0, 900.0),
    ("C10 Food products", 450.0, -380.0, -220.0),
    ("G46 Wholesale trade", 760.0, 120.0, -640.0),
    ("J62 Computer programming", 160.0, 540.0, 310.0),
    ("K64 Financial services", 120.0, -260.0, -150.0),
]
_HU_VALUES: dict[str, float | None] = {
    "HU11": 14.2,
    "HU12": 21.7,
    "HU21": 33.8,
    "HU22": 31.5,
    "HU23": 22.9,
    "HU31": 25.6,
    "HU32": None,
    "HU33": 18.3,
}


def _opportunities() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    codes = [f"C{n}" for n in range(10, 34) if n not in (12, 19)]
    density = rng.uniform(0.05, 0.45, len(codes))
    pci = rng.normal(0, 1, len(codes)) + 2.5 * (density - 0.25)
    return pd.DataFrame(
        {
            "industry": codes,
            "title": [f"NACE division {c}" for c in codes],
            "density": density.round(4),
            "pci": pci.round(4),
            "employment": rng.lognormal(8, 1, len(codes)).round(0),
        }
    )


def demo_specs() -> dict[str, dict[str, Any]]:
    """The chart specs embedded in the demo page, by element id."""
    lq = pd.DataFrame(_LQ, columns=["industry", "title", "lq", "employment"])
    trend = pd.DataFrame(
        [
            {"region": code, "label": name, "year": 2008 + i, "value": v}
            for (code, name), values in _TREND.items()
            for i, v in enumerate(values)
        ]
    )
    shift = pd.DataFrame(
        _SHIFT, columns=["industry", "national_share", "industry_mix", "regional_shift"]
    )
    shift["total"] = shift[["national_share", "industry_mix", "regional_shift"]].sum(axis=1)
    return {
        "spec-lq": charts.lq_bar(lq, title="Specialisation of Közép-Dunántúl (HU21)", top=15),
        "spec-trend": charts.trend_lines(
            trend, title="Employment in manufacturing, 2008 = 100", unit="index"
        ),
        "spec-opportunities": charts.opportunity_scatter(
            _opportunities(), title="Growth options for Közép-Dunántúl"
        ),
        "spec-radar": charts.radar(
            _THEMES,
            {"HU21": [3, 4, None, 2.5, 3.5, 2], "Peer median": [3, 3, 3.5, 3, 3, 3]},
            max_value=5,
            title="Self-assessment, HU21 against its peers",
        ),
        "spec-shift": charts.shift_share_bar(
            shift, title="Employment change 2008-2015, shift-share", unit="persons"
        ),
    }


def demo_map_values(variant: int) -> dict[str, Any]:
    values = dict(_HU_VALUES)
    if variant == 2:  # the re-render case: other values, HU21 now the lowest
        values = {k: (None if v is None else round(50 - v, 1)) for k, v in values.items()}
    return charts.choropleth(
        values, indicator="Manufacturing share of employment", unit="%", n_classes=4
    )


def write_fixtures() -> None:
    """Rewrite the spec blocks of charts_demo.html and the HU map fixtures."""
    html = DEMO.read_text(encoding="utf-8")
    for element_id, spec in demo_specs().items():
        block = json.dumps(spec, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
        opening = f'<script type="application/json" id="{element_id}">'
        start = html.index(opening) + len(opening)
        html = html[:start] + block + html[html.index("</script>", start) :]
    DEMO.write_text(html, encoding="utf-8")
    hu = load_boundaries(DATA, level=2, tolerance=0.005)
    hu["features"] = [f for f in hu["features"] if f["properties"]["country"] == "HU"]
    (FIXTURES / "hu_nuts2.geojson").write_text(json.dumps(hu, ensure_ascii=False), encoding="utf-8")
    for variant in (1, 2):
        (FIXTURES / f"hu_values_{variant}.json").write_text(
            json.dumps(demo_map_values(variant), ensure_ascii=False, indent=1), encoding="utf-8"
        )


def test_demo_fixtures_are_current() -> None:
    soup = BeautifulSoup(DEMO.read_text(encoding="utf-8"), "html.parser")
    for element_id, spec in demo_specs().items():
        holder = soup.find("script", id=element_id)
        assert holder is not None, element_id
        assert json.loads(holder.string or "") == json.loads(json.dumps(spec)), element_id
        assert soup.select_one(f'[data-spec-id="{element_id}"]') is not None
    for variant in (1, 2):
        stored = json.loads((FIXTURES / f"hu_values_{variant}.json").read_text(encoding="utf-8"))
        assert stored == json.loads(json.dumps(demo_map_values(variant)))
    # CSP: no inline script or style in the demo, like the app's templates
    assert all(s.get("src") or s.get("type") == "application/json" for s in soup.find_all("script"))
    assert not soup.find_all("style")
    assert not soup.find_all(style=True)


# --- the browser --------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """/static/... from the package, /generated/... from memory, the rest from fixtures/."""

    generated: ClassVar[dict[str, bytes]] = {}

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean.startswith("/static/"):
            return str(STATIC / clean.removeprefix("/static/"))
        return str(FIXTURES / clean.lstrip("/"))

    def do_GET(self) -> None:
        body = self.generated.get(self.path.split("?", 1)[0])
        if body is None:
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    generated: dict[str, bytes] = {}
    if (DATA / "nuts_geo").is_dir():
        nuts2 = load_boundaries(DATA, level=2, tolerance=0.01)
        codes = [f["id"] for f in nuts2["features"]]
        # illustrative values: latitude of each region's first vertex, none for FR
        first = {f["id"]: f["geometry"]["coordinates"] for f in nuts2["features"]}
        values: dict[str, float | None] = {}
        for code in codes:
            coords = first[code]
            while isinstance(coords[0], list):
                coords = coords[0]
            values[code] = None if code.startswith("FR") else round(float(coords[1]), 2)
        spec = charts.choropleth(
            values, indicator="Latitude of the first vertex (demo)", unit="°", breaks="jenks"
        )
        generated["/generated/nuts2.geojson"] = json.dumps(nuts2).encode()
        generated["/generated/nuts2_values.json"] = json.dumps(spec).encode()
    handler = type("Handler", (_Handler,), {"generated": generated})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(BROWSER).exists():
        pytest.skip(f"no chromium at {BROWSER}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=BROWSER,
            args=ARGS,
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def problems() -> list[str]:
    """Page errors, console errors and warnings, and requests that left 127.0.0.1."""
    return []


@pytest.fixture
def page(browser: Any, server: str, problems: list[str]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )

    # Nothing but the local server: a request elsewhere (tiles, fonts, CDNs) is a failure.
    def refuse(route: Any) -> None:
        problems.append(f"external request: {route.request.url}")
        route.abort()

    page.route(re.compile(r"^(?!http://127\.0\.0\.1:).*"), refuse)
    page.goto(f"{server}/charts_demo.html")
    yield page
    context.close()


@functools.cache
def _screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.mark.browser
def test_charts_render_with_both_renderers(page: Any, problems: list[str]) -> None:
    charts_on_page = page.locator("[data-chart]")
    count = charts_on_page.count()
    assert count == len(demo_specs()) + 1  # the radar twice: canvas and svg
    page.wait_for_function(
        f"document.querySelectorAll('[data-chart][data-chart-ready]').length === {count}"
    )
    assert page.locator("#chart-lq canvas").count() >= 1
    assert page.locator("#chart-radar-svg svg").count() >= 1
    box = page.locator("#chart-lq canvas").first.bounding_box()
    assert box["width"] > 300
    assert box["height"] > 200
    # ECharts aria: a description screen readers can read
    assert "Specialisation of Közép-Dunántúl" in (
        page.locator("#chart-lq").get_attribute("aria-label") or ""
    )
    page.wait_for_timeout(600)  # let the entry animations finish before the screenshots
    page.screenshot(path=str(_screenshots() / "charts_demo_page.png"), full_page=True)
    for element_id in (
        "chart-lq",
        "chart-trend",
        "chart-opportunities",
        "chart-radar",
        "chart-shift",
    ):
        page.locator(f"#{element_id}").screenshot(path=str(_screenshots() / f"{element_id}.png"))
    assert problems == []


@pytest.mark.browser
def test_chart_tooltip_and_downloads(page: Any, problems: list[str]) -> None:
    page.wait_for_selector("#chart-trend[data-chart-ready]")
    chart = page.locator("#chart-trend")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    # hover the 2012 column: HU21 has no value there -> "no data", never 0
    page.mouse.move(box["x"] + box["width"] * 0.58, box["y"] + box["height"] * 0.6, steps=5)
    tooltip = page.locator("#chart-trend div", has_text="Közép-Dunántúl:").last
    tooltip.wait_for(state="visible")
    page.locator("#chart-trend").screenshot(path=str(_screenshots() / "chart-trend-tooltip.png"))
    assert "no data" in tooltip.inner_text()
    # an item tooltip: the hovered bar's industry, LQ and employment, formatted in Python
    lq_chart = page.locator("#chart-lq")
    lq_chart.scroll_into_view_if_needed()
    box = lq_chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 88, steps=5)  # the first bar
    bar_tip = page.locator("#chart-lq div", has_text="Location quotient: 3.42").first
    bar_tip.wait_for(state="visible")
    assert "Employment: 41,200\u00a0persons" in bar_tip.inner_text()
    lq_chart.screenshot(path=str(_screenshots() / "chart-lq-tooltip.png"))
    buttons = page.locator("#chart-lq + .chart-downloads button")
    assert buttons.all_inner_texts() == ["Download PNG", "Download SVG"]
    with page.expect_download() as png:
        buttons.nth(0).click()
    assert png.value.suggested_filename == "specialisation-of-kozep-dunantul-hu21.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:
        buttons.nth(1).click()
    assert svg.value.suggested_filename.endswith(".svg")
    text = Path(svg.value.path()).read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg")
    assert "Manufacture of motor vehicles" in text or "C29" in text
    assert problems == []


def _fill_of(page: Any, code: str) -> str:
    return str(page.locator(f'#map-hu path[aria-label*="({code})"]').get_attribute("fill"))


@pytest.mark.browser
def test_map_paints_hovers_and_rerenders(page: Any, problems: list[str]) -> None:
    page.wait_for_selector("#map-hu[data-map-ready]")
    features = json.loads((FIXTURES / "hu_nuts2.geojson").read_text(encoding="utf-8"))["features"]
    assert page.locator("#map-hu path.leaflet-interactive").count() == len(features) == 8
    first = json.loads((FIXTURES / "hu_values_1.json").read_text(encoding="utf-8"))
    for code in ("HU21", "HU32"):
        assert _fill_of(page, code) == first["colors"][code]
    assert _fill_of(page, "HU32") == charts.NO_DATA_COLOR
    legend = page.locator("#map-hu .map-legend")
    assert legend.locator("li").count() == len(first["legend"]["items"]) + 1  # + "No data"
    # hover: a tooltip with the region and its formatted value
    page.locator('#map-hu path[aria-label*="(HU21)"]').hover()
    tooltip = page.locator("#map-hu .leaflet-tooltip", has_text="Közép-Dunántúl")
    tooltip.wait_for(state="visible")
    assert first["labels"]["HU21"] in tooltip.inner_text()
    page.locator("#map-hu").screenshot(path=str(_screenshots() / "map-hu-hover.png"))
    # keyboard: focus a region, its tooltip opens; Enter follows data-href-template
    page.mouse.move(0, 0)
    page.locator('#map-hu path[aria-label*="(HU22)"]').focus()
    page.locator("#map-hu .leaflet-tooltip", has_text="Nyugat-Dunántúl").wait_for(state="visible")
    assert page.locator('#map-hu path[aria-label*="(HU22)"]').get_attribute("role") == "link"
    # an htmx-style swap of data-values re-colours without refetching the boundaries
    page.evaluate("document.getElementById('map-hu').dataset.values = 'hu_values_2.json'")
    second = json.loads((FIXTURES / "hu_values_2.json").read_text(encoding="utf-8"))
    page.wait_for_function(
        "c => document.querySelector('#map-hu path[aria-label*=\"(HU21)\"]').getAttribute('fill') === c",
        arg=second["colors"]["HU21"],
    )
    assert _fill_of(page, "HU11") == second["colors"]["HU11"]
    assert page.locator("#map-hu path.leaflet-interactive").count() == 8
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*#/regions/HU22$"))
    assert problems == []


@pytest.mark.browser
def test_europe_map(page: Any, problems: list[str]) -> None:
    if not (DATA / "nuts_geo").is_dir():
        pytest.skip("needs ../shared/data/nuts_geo")
    page.wait_for_selector("#map-europe[data-map-ready]")
    assert page.locator("#map-europe path.leaflet-interactive").count() == 334
    page.wait_for_timeout(300)
    page.locator("#map-europe").screenshot(path=str(_screenshots() / "map-europe-nuts2.png"))
    assert problems == []


if __name__ == "__main__":
    write_fixtures()

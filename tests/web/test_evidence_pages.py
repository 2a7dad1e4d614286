"""The evidence explorer's pages on the real demo data, asserted by meaning."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.services.test_evidence import demo_stats_path

from polisee.config import Settings
from polisee.records.migrate import upgrade
from polisee.web.app import create_app
from polisee.web.evidence_app import install_evidence
from polisee.web.security import PUBLIC_ROUTES, iter_routes, route_permission

pytestmark = pytest.mark.slow


def evidence_app(var_dir: Path, records: Path) -> FastAPI:
    """The platform with the evidence explorer on the statistics store in ``var_dir``."""
    url = f"sqlite:///{records}"
    upgrade(url)
    settings = Settings(var_dir=var_dir, database_url=url, secret_key="e" * 40, semantic=False)
    app = create_app(settings)
    install_evidence(app, settings)
    return app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    var_dir = demo_stats_path(tmp_path_factory).parent
    application = evidence_app(var_dir, tmp_path_factory.mktemp("pages") / "records.sqlite3")
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def soup_of(client: TestClient, url: str, **headers: str) -> BeautifulSoup:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def number(text: str) -> float:
    """'277,562' -> 277562.0; '5.06' -> 5.06 (English formatting)."""
    return float(text.replace(",", "").replace("\u00a0", "").strip())


def test_every_evidence_route_is_public_and_guarded(app: FastAPI) -> None:
    evidence_routes = [
        r
        for r in iter_routes(app.routes)
        if str(getattr(r, "name", "")).startswith(("evidence:", "api:"))
    ]
    assert len(evidence_routes) >= 20
    for route in evidence_routes:
        permission = route_permission(route)
        assert permission is not None or route.name in PUBLIC_ROUTES, route.name  # type: ignore[attr-defined]
        if str(route.name).startswith("evidence:"):  # type: ignore[attr-defined]
            assert permission == "evidence:read"


def test_profile_of_hu21(client: TestClient) -> None:
    page = soup_of(client, "/regions/HU21")
    assert page.h1.get_text(strip=True) == "Közép-Dunántúl"
    lq_row = page.select_one("#table-specialisations tr[data-industry=C29]")
    assert lq_row is not None
    cells = [td.get_text(strip=True) for td in lq_row.find_all("td")]
    assert cells[0] == "C29"
    assert "motor vehicles" in cells[1]
    assert number(cells[2]) == pytest.approx(5.06, abs=0.01)
    assert number(cells[3]) == 23607
    automotive = page.select_one("#table-clusters tr[data-cluster='4']")
    assert automotive is not None
    assert automotive.select_one(".ev-stars").get_text() == "★★★☆"
    assert automotive.select_one(".ev-flag").get_text() == "strong"
    employment = page.select_one(".ev-figure-card[data-key=employment] .ev-value")
    assert employment is not None
    assert number(employment.get_text()) == 277562
    readings = " ".join(p.get_text() for p in page.select(".ev-reading p"))
    assert "most specialised in manufacture of motor vehicles" in readings
    assert "(C29): 5.1 times the share" in readings
    sources = " ".join(p.get_text() for p in page.select(".ev-source p"))
    assert "sbs_r_nuts06_r2), 2014" in sources
    assert "nama_10r_2gdp" in sources
    # Every chart is a JSON spec beside a data-chart element; no inline code.
    specs = {s["id"]: json.loads(s.string) for s in page.select("script[type='application/json']")}
    assert {"spec-lq", "spec-opportunities", "spec-shift_share", "spec-trend-employment"} <= set(
        specs
    )
    bars = specs["spec-lq"]["series"][0]["data"]
    assert bars[0]["name"] == "C29"
    assert bars[0]["value"] == pytest.approx(5.0626, abs=1e-3)
    for chart in page.select("[data-chart]"):
        assert chart["data-spec-id"] in specs
    assert not [
        s for s in page.find_all("script") if s.string and s.get("type") != "application/json"
    ]
    locator = page.select_one(".ev-locator[data-map]")
    assert locator is not None
    assert locator["data-values"].endswith("/maps/locator/HU21.json")
    peers = [tr["data-region"] for tr in page.select("#table-peers tbody tr")]
    assert peers[0] == "HU22"
    for section in (
        "key-figures",
        "clusters",
        "specialisations",
        "indices",
        "opportunities",
        "peers",
        "shift-share",
    ):
        assert page.find(id=section) is not None, section


def _csv(client: TestClient, url: str) -> pd.DataFrame:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return pd.read_csv(io.StringIO(response.text), keep_default_na=False, na_values=[""])


@pytest.mark.parametrize(
    "table",
    [
        "key_figures",
        "specialisations",
        "clusters",
        "indices",
        "opportunities",
        "peers",
        "shift_share",
    ],
    ids=lambda t: t,
)
def test_profile_tables_download_as_csv_and_xlsx(client: TestClient, table: str) -> None:
    frame = _csv(client, f"/regions/HU21/tables/{table}.csv?year=2014")
    assert len(frame) > 0
    response = client.get(f"/regions/HU21/tables/{table}.xlsx?year=2014")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Data", "Sources and notes"]
    rows = list(book["Data"].iter_rows(values_only=True))
    assert list(rows[0]) == list(frame.columns)
    from_xlsx = pd.DataFrame(rows[1:], columns=rows[0])
    assert len(from_xlsx) == len(frame)
    for column in frame.columns:
        left, right = frame[column], from_xlsx[column]
        if pd.api.types.is_numeric_dtype(left):
            assert pd.to_numeric(right).to_numpy() == pytest.approx(left.to_numpy(), nan_ok=True)
        else:
            assert [str(v) if v is not None else "" for v in right] == [
                str(v) if not pd.isna(v) else "" for v in left
            ]
    notes = list(book["Sources and notes"].iter_rows(values_only=True))
    assert any(str(r[0]) == "Source" and "Eurostat" in str(r[1]) for r in notes)


def test_specialisations_csv_matches_the_page(client: TestClient) -> None:
    frame = _csv(client, "/regions/HU21/tables/specialisations.csv").set_index("industry")
    assert frame.loc["C29", "lq"] == pytest.approx(5.0626, abs=1e-4)
    assert frame.loc["C29", "employment"] == 23607
    assert frame["lq"].is_monotonic_decreasing


def test_map_page_and_values(client: TestClient) -> None:
    page = soup_of(client, "/map?indicator=lq&industry=C29&year=2014")
    element = page.select_one("#map-panel [data-map]")
    assert element is not None
    assert element["data-geojson"].endswith("/maps/nuts2.geojson")
    assert element["data-href-template"] == "/regions/{code}"
    values_url = element["data-values"]
    assert "indicator=lq" in values_url
    assert "industry=C29" in values_url
    spec = client.get(values_url.replace("http://testserver", "")).json()
    assert spec["values"]["HU21"] == pytest.approx(5.0626, abs=1e-3)
    assert spec["labels"]["HU21"] == "5.06"
    assert spec["colors"]["HU21"].startswith("#")
    top = [li.select_one(".ev-code").get_text() for li in page.select(".ev-top li")]
    assert top[0] == "RO42"
    assert "HU21" in top
    assert page.select_one("#indicator option[selected]")["value"] == "lq"
    geo = client.get("/maps/nuts2.geojson")
    assert geo.status_code == 200
    assert len(geo.json()["features"]) > 280


def test_map_layer_downloads_as_geojson(client: TestClient) -> None:
    response = client.get("/maps/layer.geojson?indicator=stars&cluster=4&year=2014")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    layer = response.json()
    boundaries = client.get("/maps/nuts2.geojson").json()
    assert len(layer["features"]) == len(boundaries["features"])
    by_code = {f["properties"]["code"]: f["properties"] for f in layer["features"]}
    assert by_code["HU21"]["value"] == 3
    assert by_code["DE11"]["value"] == 4
    assert by_code["HU21"]["indicator"] == "stars"
    assert by_code["HU21"]["cluster"] == "4"
    table = _csv(client, "/maps/table.csv?indicator=stars&cluster=4&year=2014").set_index("region")
    assert table.loc["HU21", "value"] == 3


def test_htmx_requests_get_only_the_block(client: TestClient) -> None:
    fragment = client.get("/map?indicator=gdp_pps_hab&year=2014", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    part = BeautifulSoup(fragment.text, "html.parser")
    panel = part.find("section", id="map-panel")
    assert panel is not None
    assert "indicator=gdp_pps_hab" in panel.select_one("[data-map]")["data-values"]
    assert part.find("form") is None
    results = client.get("/regions?q=dun%C3%A1nt%C3%BAl", headers={"HX-Request": "true"})
    assert "<html" not in results.text
    codes = [
        a.select_one(".ev-code").get_text()
        for a in BeautifulSoup(results.text, "html.parser").select("#region-results a")
    ]
    assert codes == ["HU21", "HU22", "HU23"]


def test_regions_list_by_country(client: TestClient) -> None:
    page = soup_of(client, "/regions?country=HU")
    links = [a["href"] for a in page.select("#region-results a")]
    assert links == [f"http://testserver/regions/HU{c}" for c in (11, 12, 21, 22, 23, 31, 32, 33)]
    assert page.select_one("#country option[selected]")["value"] == "HU"
    everything = soup_of(client, "/regions")
    assert len(everything.select("#region-results li")) > 280


@pytest.mark.parametrize(
    "url",
    [
        "/map?indicator=<script>alert(1)</script>",
        "/regions?q=<script>alert(1)</script>",
        "/regions/<script>alert(1)<%2Fscript>",
        "/map?industry=<script>alert(1)</script>",
        "/regions?country=<img src=x onerror=alert(1)>",
    ],
    ids=["indicator", "search", "region-code", "industry", "country"],
)
def test_script_in_parameters_is_inert(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (200, 404, 422)
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    page = BeautifulSoup(response.text, "html.parser")
    for script in page.find_all("script"):
        assert "alert" not in (script.string or "")
    assert not page.find_all(attrs={"onerror": True})


def test_invalid_year_names_the_field(client: TestClient) -> None:
    response = client.get("/regions/HU21?year=1999")
    assert response.status_code == 422
    assert "field year" in response.text
    assert client.get("/regions/XX99").status_code == 404


def test_cluster_pages(client: TestClient) -> None:
    listing = soup_of(client, "/clusters")
    assert any(a.get_text() == "Automotive" for a in listing.select("a"))
    page = soup_of(client, "/clusters/4?year=2014")
    assert page.h1.get_text(strip=True) == "Automotive"
    first = page.select_one("#table-ranking tbody tr")
    assert first["data-region"] == "DE11"
    assert first.select_one(".ev-stars").get_text() == "★★★★"
    hu21 = page.select_one("#table-ranking tr[data-region=HU21]")
    assert hu21 is None or hu21.select_one(".ev-stars").get_text() == "★★★☆"
    assert "stars" in page.select_one("[data-map]")["data-values"]
    ranking = _csv(client, "/clusters/4/ranking.csv?year=2014").set_index("region")
    assert ranking.loc["HU21", "stars"] == 3
    assert ranking.loc["DE11", "rank"] == 1


def test_industry_page(client: TestClient) -> None:
    page = soup_of(client, "/industries/C29")
    assert page.h1.get_text(strip=True).startswith("C29 Manufacture of motor vehicles")
    row = page.select_one("#table-ranking tr[data-region=HU21]")
    assert row is not None
    assert number(row.find_all("td")[3].get_text()) == pytest.approx(5.06, abs=0.01)
    assert soup_of(client, "/industries").select_one("a[href$='/industries/C29']") is not None


def test_compare_two_regions(client: TestClient) -> None:
    page = soup_of(client, "/compare?regions=HU21&regions=SK02")
    headers = [
        th.select_one(".ev-code").get_text()
        for th in page.select("#table-compare thead th")
        if th.select_one(".ev-code")
    ]
    assert headers == ["HU21", "SK02"]
    employment = [
        number(td.get_text()) for td in page.select("#table-compare tr[data-key=employment] td")
    ]
    assert employment[0] == 277562
    assert employment[1] > 400_000
    frame = _csv(client, "/compare/table.csv?regions=HU21&regions=SK02").set_index("region")
    assert frame.loc["HU21", "employment"] == 277562
    assert soup_of(client, "/compare").select_one("#table-compare") is None
    assert client.get("/compare?regions=HU21&regions=XX99").status_code == 404


def test_pages_without_data_explain_how_to_load_it(tmp_path: Path) -> None:
    app = evidence_app(tmp_path / "var", tmp_path / "records.sqlite3")
    with TestClient(app) as client:
        response = client.get("/regions/HU21")
        assert response.status_code == 503
        page = BeautifulSoup(response.text, "html.parser")
        assert page.h1.get_text() == "No data loaded"
        assert "polisee data load" in page.get_text()
        assert client.get("/api/v1/regions").status_code == 503
        assert client.get("/").status_code == 200
    app.state.engine.dispose()


def test_numbers_and_words_follow_the_language(client: TestClient) -> None:
    page = soup_of(client, "/regions/HU21?lang=hu")
    client.cookies.clear()
    assert page.html["lang"] == "hu"
    employment = page.select_one(".ev-figure-card[data-key=employment] .ev-value").get_text()
    # Hungarian groups thousands with a (no-break) space and writes decimals with a comma.
    assert re.fullmatch(r"277\s562", employment)
    lq = page.select_one("#table-specialisations tr[data-industry=C29] td[data-value]").get_text()
    assert lq == "5,06"
    assert page.select_one("#key-figures h2").get_text() == "Főbb adatok"
    reading = page.select_one("#specialisations .ev-reading p").get_text()
    assert reading.startswith("Közép-Dunántúl foglalkoztatása leginkább erre szakosodott")
    assert "5,1-szerese" in reading


def test_hungarian_catalogue_covers_the_explorer(app: FastAPI) -> None:
    from babel.messages.pofile import read_po

    from polisee.services import evidence as ev
    from polisee.web.i18n import LOCALES_DIR

    with (LOCALES_DIR / "hu" / "LC_MESSAGES" / "evidence.po").open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    templates = Path(LOCALES_DIR).parent / "templates" / "evidence"
    wanted: set[str] = set()
    for path in templates.glob("*.html"):
        wanted |= {
            m.group(2) for m in re.finditer(r'_\(\s*(["\'])(.*?)\1\s*\)', path.read_text(), re.S)
        }
    store = app.state.evidence.store()
    profile = ev.region_profile(store, "HU21", cache=app.state.evidence.cache)
    for block in profile.blocks.values():
        wanted |= {block.title, *block.notes, *(r.text for r in block.readings)}
        wanted |= {s.title for s in block.sources}
        if "quadrant" in block.table.columns:
            wanted |= set(block.table["quadrant"])
        if block.key == "indices":
            wanted |= set(block.table["name"])
    for figure in profile.key_figures:
        wanted |= {figure.label, figure.unit, figure.source.title}
    for indicator in ev.MAP_INDICATORS.values():
        wanted |= {indicator.label} | ({indicator.unit} if indicator.unit else set())
    missing = sorted(w for w in wanted if not catalog.get(w))
    assert not missing


def test_shutdown_releases_the_statistics_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    var_dir = demo_stats_path(tmp_path_factory).parent
    application = evidence_app(var_dir, tmp_path_factory.mktemp("shutdown") / "records.sqlite3")
    with TestClient(application) as test_client:
        assert test_client.get("/regions/HU21").status_code == 200
        assert application.state.evidence._store is not None
    # Leaving the client runs the lifespan's shutdown.
    assert application.state.evidence._store is None

"""Evidence pages in the reader's language: NACE titles from the classification, region names
in Latin script with the national form beside, on the real demo data."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.services.test_evidence import demo_stats_path
from tests.web.test_evidence_pages import evidence_app

from polisee.config import default_data_dir
from polisee.services import evidence as ev

pytestmark = pytest.mark.slow

NACE_TITLES = default_data_dir() / "nace" / "nace_rev2_titles_26lang.csv.gz"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    var_dir = demo_stats_path(tmp_path_factory).parent
    application = evidence_app(var_dir, tmp_path_factory.mktemp("langs") / "records.sqlite3")
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def module_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def client(module_client: TestClient) -> TestClient:
    # The language cookie one test sets does not leak into the next.
    module_client.cookies.clear()
    return module_client


def page_of(client: TestClient, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def classification_title(code: str, language: str) -> str:
    """The title of a NACE division (``C29``) in ``language`` read straight from the file."""
    frame = pd.read_csv(NACE_TITLES, dtype=str, keep_default_na=False)
    row = frame[frame["code"] == code[1:]]
    assert len(row) == 1
    return str(row[f"title_{language}"].iloc[0])


def test_region_page_shows_the_classifications_german_titles(client: TestClient) -> None:
    german = classification_title("C29", "de")
    assert german == "Herstellung von Kraftwagen und Kraftwagenteilen"
    page = page_of(client, "/regions/HU21?lang=de")
    assert page.html["lang"] == "de"  # type: ignore[index]
    row = page.select_one("#table-specialisations tr[data-industry=C29]")
    assert row is not None
    assert row.find_all("td")[1].get_text(strip=True) == german
    # The reading quotes it mid-sentence; the bar chart labels it too.
    reading = page.select_one("#specialisations .ev-reading p").get_text()  # type: ignore[union-attr]
    # German nouns keep their capital mid-sentence.
    assert "Herstellung von Kraftwagen und Kraftwagenteilen (C29)" in reading
    spec = json.loads(page.select_one("#spec-lq").get_text())  # type: ignore[union-attr]
    assert german in json.dumps(spec, ensure_ascii=False)


def test_albanian_falls_back_to_the_english_titles(client: TestClient) -> None:
    english = page_of(client, "/regions/HU21?lang=en")
    albanian = page_of(client, "/regions/HU21?lang=sq")
    assert albanian.html["lang"] == "sq"  # type: ignore[index]
    selector = "#table-specialisations tr[data-industry=C29] td"
    title = albanian.select(selector)[1].get_text(strip=True)
    assert title == english.select(selector)[1].get_text(strip=True)
    assert title.startswith("Manufacture of motor vehicles")
    assert "title_sq" not in pd.read_csv(NACE_TITLES, nrows=1).columns


@pytest.mark.parametrize("language", ["hr", "sl", "sk", "bg", "el"], ids=str)
def test_industry_pages_use_the_classification(client: TestClient, language: str) -> None:
    title = classification_title("C29", language)
    page = page_of(client, f"/industries/C29?lang={language}")
    assert page.h1.get_text(strip=True) == f"C29 {title}"  # type: ignore[union-attr]
    listed = page_of(client, f"/industries?lang={language}")
    link = listed.select_one("a[href$='/industries/C29']")
    assert link is not None
    assert link.get_text(" ", strip=True) == f"C29 {title}"
    chosen = page_of(client, f"/map?indicator=lq&industry=C29&lang={language}")
    option = chosen.select_one("select option[value=C29]")
    assert option is not None
    assert title[:20] in option.get_text()


def test_formatter_titles_are_read_once_per_language(app: FastAPI) -> None:
    data_dir = app.state.evidence.data_dir
    first = ev.industry_titles(data_dir, "de")
    assert ev.industry_titles(data_dir, "de") is first
    assert first["C29"] == classification_title("C29", "de")
    assert not ev.industry_titles(data_dir, "sr_Latn")
    assert not ev.industry_titles(data_dir, "en")


# --- region names ----------------------------------------------------------------------------

REGIONS = [
    ("EL52", "Kentriki Makedonia (Κεντρική Μακεδονία)"),
    ("BG41", "Yugozapaden (Югозападен)"),
    ("HU21", "Közép-Dunántúl"),
]
REGION_IDS = ["greek", "bulgarian", "hungarian"]


@pytest.mark.parametrize(("code", "name"), REGIONS, ids=REGION_IDS)
def test_region_heading_shows_latin_with_the_national_name(
    client: TestClient, code: str, name: str
) -> None:
    for language in ("en", "el"):
        page = page_of(client, f"/regions/{code}?lang={language}")
        assert page.h1.get_text(strip=True) == name  # type: ignore[union-attr]


@pytest.mark.parametrize(("code", "name"), REGIONS, ids=REGION_IDS)
def test_lists_search_and_map_name_regions_alike(client: TestClient, code: str, name: str) -> None:
    country = code[:2]
    listed = page_of(client, f"/regions?country={country}")
    link = listed.select_one(f"a[href$='/regions/{code}']")
    assert link is not None
    assert link.get_text(" ", strip=True) == f"{code} {name}"
    national = name.partition(" (")[2].rstrip(")") or name
    found = page_of(client, f"/regions?q={national}")
    assert found.select_one(f"a[href$='/regions/{code}']") is not None
    choices = page_of(client, "/compare").select_one(f"#region-codes option[value={code}]")
    assert choices is not None
    assert choices.get_text() == name
    boundaries = client.get("/maps/nuts2.geojson").json()
    feature = next(f for f in boundaries["features"] if f["id"] == code)
    assert feature["properties"]["name"] == name


def test_scoreboard_tables_use_the_same_names(client: TestClient) -> None:
    page = page_of(client, "/scoreboard?theme=innovation&level=2")
    row = page.select_one("tr[data-region=EL52] a")
    assert row is not None
    assert row.get_text(strip=True) == "Kentriki Makedonia (Κεντρική Μακεδονία)"
    region = page_of(client, "/scoreboard/regions/BG41")
    assert region.h1.get_text(strip=True) == "Yugozapaden (Югозападен)"  # type: ignore[union-attr]

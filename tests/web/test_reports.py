"""The report downloads of the region profile page, on the real demo data."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.services.test_evidence import demo_stats_path
from tests.web.test_evidence_pages import evidence_app, number, soup_of

from polisee.web.security import iter_routes, route_permission

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    var_dir = demo_stats_path(tmp_path_factory).parent
    application = evidence_app(var_dir, tmp_path_factory.mktemp("reports") / "records.sqlite3")
    yield application
    application.state.evidence.close()
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def test_the_report_route_is_public_like_the_profile(app: FastAPI) -> None:
    [route] = [r for r in iter_routes(app.routes) if getattr(r, "name", "") == "reports:region"]
    assert route.path == "/regions/{code}/report.{fmt}"  # type: ignore[attr-defined]
    assert route_permission(route) == "evidence:read"


@pytest.mark.parametrize("language", ["en", "hu"], ids=["en", "hu"])
def test_profile_page_offers_the_report_in_its_language(client: TestClient, language: str) -> None:
    page = soup_of(client, f"/regions/HU21?lang={language}")
    pdf = page.select_one(".ev-report a[data-format=pdf]")
    xlsx = page.select_one(".ev-report a[data-format=xlsx]")
    assert pdf is not None
    assert xlsx is not None
    assert pdf["href"].endswith(f"/regions/HU21/report.pdf?year=2014&lang={language}")
    assert xlsx["href"].endswith(f"/regions/HU21/report.xlsx?year=2014&lang={language}")
    assert (
        pdf.get_text()
        == {"en": "Download report (PDF)", "hu": "Jelentés letöltése (PDF)"}[language]
    )


def test_pdf_downloads_with_its_name(client: TestClient) -> None:
    response = client.get("/regions/HU21/report.pdf?year=2014&lang=hu")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="polisee-region-HU21-2014-hu.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert int(response.headers["content-length"]) == len(response.content)


def test_xlsx_value_equals_the_pages(client: TestClient) -> None:
    page = soup_of(client, "/regions/HU21?lang=en")
    cells = [
        td.get_text(strip=True)
        for td in page.select("#table-specialisations tr[data-industry=C29] td")
    ]
    employment = page.select_one(".ev-figure-card[data-key=employment] .ev-value")
    assert employment is not None
    response = client.get("/regions/HU21/report.xlsx?lang=en")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith(
        'filename="polisee-region-HU21-2014-en.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Top specialisations"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert round(rows["C29"]["Location quotient"], 2) == number(cells[2])
    assert rows["C29"]["Persons employed"] == number(cells[3])
    figures = {r[0]: r[1] for r in book["Key figures"].iter_rows(2, values_only=True)}
    assert figures["Persons employed"] == number(employment.get_text())


def test_language_follows_the_visitor_without_a_parameter(client: TestClient) -> None:
    client.cookies.clear()  # no language chosen on earlier pages
    response = client.get("/regions/HU21/report.html", headers={"Accept-Language": "hu-HU,hu"})
    assert response.status_code == 200
    assert 'filename="polisee-region-HU21-2014-hu.html"' in response.headers["content-disposition"]
    page = BeautifulSoup(response.text, "html.parser")
    assert page.html["lang"] == "hu"  # type: ignore[index]
    assert page.select_one(".cover .kicker").get_text() == "Régióprofil"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/regions/HU21/report.docx", 404),
        ("/regions/XX99/report.pdf", 404),
        ("/regions/HU21/report.pdf?year=1999", 422),
        ("/regions/HU21/report.pdf?year=abc", 422),
    ],
    ids=["format", "region", "year-without-data", "year-not-a-number"],
)
def test_bad_report_requests(client: TestClient, url: str, status: int) -> None:
    assert client.get(url).status_code == status

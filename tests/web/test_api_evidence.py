"""The evidence API: lists with pagination and filters, profiles, indicators, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.services.test_evidence import demo_stats_path
from tests.web.test_evidence_pages import evidence_app

from polisee.analytics import registry

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    var_dir = demo_stats_path(tmp_path_factory).parent
    app: FastAPI = evidence_app(var_dir, tmp_path_factory.mktemp("api") / "records.sqlite3")
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.evidence.close()
    app.state.engine.dispose()


def test_regions_are_paginated(client: TestClient) -> None:
    first = client.get("/api/v1/regions?per_page=10").json()
    assert first["total"] > 280
    assert len(first["items"]) == 10
    assert first["links"]["prev"] is None
    assert first["links"]["next"] == "/api/v1/regions?page=2&per_page=10"
    second = client.get(first["links"]["next"]).json()
    assert second["page"] == 2
    assert second["links"]["prev"] == "/api/v1/regions?page=1&per_page=10"
    assert not {r["code"] for r in first["items"]} & {r["code"] for r in second["items"]}
    last = client.get(first["links"]["last"]).json()
    assert last["links"]["next"] is None
    assert 1 <= len(last["items"]) <= 10
    seen = (int(last["page"]) - 1) * 10 + len(last["items"])
    assert seen == first["total"]


def test_regions_filter_by_country_level_and_text(client: TestClient) -> None:
    hungary = client.get("/api/v1/regions?country=HU").json()
    assert [r["code"] for r in hungary["items"]] == [
        f"HU{c}" for c in (11, 12, 21, 22, 23, 31, 32, 33)
    ]
    assert hungary["items"][2] == {
        "code": "HU21",
        "name": "Közép-Dunántúl",
        "name_native": "Közép-Dunántúl",
        "level": 2,
        "country": "HU",
        "country_name": "Magyarország",
        "has_data": True,
    }
    level1 = client.get("/api/v1/regions?country=HU&level=1").json()
    assert [r["code"] for r in level1["items"]] == ["HU1", "HU2", "HU3"]
    found = client.get("/api/v1/regions", params={"q": "Dunántúl"}).json()
    assert [r["code"] for r in found["items"]] == ["HU21", "HU22", "HU23"]
    assert "country=HU" in hungary["links"]["self"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/regions?level=9", "level"),
        ("/api/v1/regions?per_page=0", "per_page"),
        ("/api/v1/regions?page=abc", "page"),
        ("/api/v1/regions?per_page=10000", "per_page"),
        ("/api/v1/regions/HU21?year=1999", "year"),
        ("/api/v1/indicators/lq?measure=NOPE", "measure"),
        ("/api/v1/indicators/lq?level=7", "level"),
    ],
    ids=[
        "level",
        "per-page-zero",
        "page-text",
        "per-page-huge",
        "profile-year",
        "measure",
        "indicator-level",
    ],
)
def test_invalid_filters_are_422_naming_the_field(client: TestClient, url: str, field: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert field in str(response.json()["where"])


@pytest.mark.parametrize(
    "params",
    [
        {"country": "HU' OR '1'='1"},
        {"q": "'; DROP TABLE regions; --"},
        {"country": 'HU" OR 1=1 --'},
        {"q": "%' UNION SELECT * FROM facts --"},
    ],
    ids=["quote-or", "drop-table", "double-quote", "union"],
)
def test_sql_injection_in_filters_matches_nothing(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/regions", params=params)
    assert response.status_code == 200
    assert response.json()["total"] == 0
    # The store is untouched.
    assert client.get("/api/v1/regions?country=HU").json()["total"] == 8


@pytest.mark.parametrize(
    "params",
    [{"region": "HU21' OR '1'='1"}, {"country": "HU' --"}],
    ids=["region", "country"],
)
def test_sql_injection_in_indicator_filters_matches_nothing(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/indicators/lq", params=params)
    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_region_profile(client: TestClient) -> None:
    profile = client.get("/api/v1/regions/HU21").json()
    assert (profile["code"], profile["name"], profile["year"]) == ("HU21", "Közép-Dunántúl", 2014)
    figures = {f["key"]: f for f in profile["key_figures"]}
    assert figures["employment"]["value"] == 277562
    assert "sbs_r_nuts06_r2" in figures["employment"]["source"]
    rows = {r["industry"]: r for r in profile["blocks"]["specialisations"]["rows"]}
    assert rows["C29"]["lq"] == pytest.approx(5.0626, abs=1e-3)
    assert "(C29): 5.1 times" in profile["blocks"]["specialisations"]["readings"][0]
    clusters = {r["cluster_name"]: r for r in profile["blocks"]["clusters"]["rows"]}
    assert clusters["Automotive"]["stars"] == 3
    assert set(profile["blocks"]) == {
        "specialisations",
        "clusters",
        "indices",
        "opportunities",
        "peers",
        "shift_share",
    }
    assert client.get("/api/v1/regions/XX99").status_code == 404


def test_industries_clusters_and_indicators(client: TestClient) -> None:
    industries = {i["code"]: i for i in client.get("/api/v1/industries").json()}
    assert industries["C29"]["section"] == "C"
    assert "motor vehicles" in industries["C29"]["title"]
    clusters = {c["code"]: c for c in client.get("/api/v1/clusters").json()}
    assert clusters["4"]["name"] == "Automotive"
    assert "C29" in clusters["4"]["industries"]
    indicators = client.get("/api/v1/indicators").json()
    assert [i["key"] for i in indicators] == list(registry)


def test_indicator_results_filter_and_paginate(client: TestClient) -> None:
    page = client.get("/api/v1/indicators/lq?region=HU21&per_page=5").json()
    assert page["key"] == "lq"
    assert page["year"] == 2014
    assert page["total"] >= 64  # NACE divisions with a figure for HU21 (some confidential)
    assert len(page["items"]) == 5
    assert page["items"][0]["region"] == "HU21"
    assert page["links"]["next"] == "/api/v1/indicators/lq?region=HU21&page=2&per_page=5"
    all_lq = client.get("/api/v1/indicators/lq?region=HU21&per_page=100").json()["items"]
    assert len(all_lq) == page["total"]
    c29 = next(r for r in all_lq if r["industry"] == "C29")
    assert c29["lq"] == pytest.approx(5.0626, abs=1e-3)
    stars = client.get("/api/v1/indicators/stars?country=HU&per_page=500").json()
    assert stars["total"] > 0
    assert {r["region"][:2] for r in stars["items"]} == {"HU"}
    gdp = client.get("/api/v1/indicators/krugman?measure=V16110&year=2010&region=HU21").json()
    assert gdp["total"] == 1
    assert client.get("/api/v1/indicators/nope").status_code == 404


def test_openapi_documents_the_evidence_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/industries",
        "/api/v1/clusters",
        "/api/v1/indicators",
        "/api/v1/indicators/{key}",
    ):
        assert "get" in schema["paths"][path], path
    regions = schema["paths"]["/api/v1/regions"]["get"]
    assert {p["name"] for p in regions["parameters"]} >= {"level", "country", "page", "per_page"}
    ok = regions["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/RegionPage")
    assert "ProfileOut" in schema["components"]["schemas"]

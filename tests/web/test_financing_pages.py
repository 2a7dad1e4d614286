"""Cluster organisation and financing pages, by meaning: who sees what, htmx member changes
with the stage card, evaluations, ladder import, a call from form to allocation table,
CSV/XLSX exports, the simulation chart, Hungarian pages and the JSON API."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web._financing import Finance, finance_fixture  # noqa: F401  (the finance fixture)
from tests.web.conftest import form_token

from polisee.records.base import Base
from polisee.records.db import make_engine
from polisee.services.financing import builtin_ladder_text

Login = Callable[[TestClient, str], None]
TODAY = date.today()


def _soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:2000]
    return BeautifulSoup(response.text, "html.parser")


def _state(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        state = {
            t.name: sorted(map(tuple, connection.execute(select(t)).all()), key=repr)
            for t in Base.metadata.sorted_tables
        }
    engine.dispose()
    return state


def test_managers_see_their_own_organisation_only(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login
) -> None:
    login(client, "a@alpha.eu")
    names = [
        a.get_text()
        for a in _soup(client.get("/cluster-organisations")).select(
            "#registry tbody a[href*='/cluster-organisations/']"
        )
    ]
    assert names == ["Alpha cluster"]
    assert client.get(f"/cluster-organisations/{finance.beta}").status_code == 403
    api = client.get("/api/v1/cluster-organisations").json()
    assert [i["name"] for i in api["items"]] == ["Alpha cluster"]
    assert client.get(f"/api/v1/cluster-organisations/{finance.beta}").status_code == 403


def test_the_agency_sees_every_organisation_and_filters(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login
) -> None:
    login(client, people["analyst"])
    soup = _soup(client.get("/cluster-organisations"))
    assert len(soup.select("#registry tbody tr")) == 2
    fragment = client.get("/cluster-organisations?q=Beta", headers={"HX-Request": "true"})
    part = BeautifulSoup(fragment.text, "html.parser")
    assert part.select_one("div#registry") is not None
    assert part.find("html") is None
    assert [a.get_text() for a in part.select("tbody a[href*='/cluster-organisations/']")] == [
        "Beta cluster"
    ]
    region = part.select_one("tbody a[href*='/regions/']")
    assert region is not None
    assert str(region["href"]).endswith("/regions/HU21")


def test_another_organisation_cannot_be_changed_over_the_web(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login, database_url: str
) -> None:
    login(client, "a@alpha.eu")
    token = form_token(client, f"/cluster-organisations/{finance.alpha}")
    before = _state(database_url)
    attempts = [
        (
            f"/cluster-organisations/{finance.beta}/members",
            {"name": "X", "member_type": "sme", "country": "HU", "joined_on": str(TODAY)},
        ),
        (f"/cluster-organisations/{finance.beta}/membership-changes", {}),
        (
            f"/cluster-organisations/{finance.beta}",
            {"name": "Taken", "country": "HU", "region_code": "HU21", "founded_year": "2015"},
        ),
        (f"/cluster-organisations/{finance.beta}/evaluations", {"ladder": "hu_cluster"}),
    ]
    for path, form in attempts:
        response = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 403, path
    assert _state(database_url) == before


def test_adding_members_with_htmx_updates_the_stage_and_what_is_missing(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login
) -> None:
    login(client, "a@alpha.eu")
    page = _soup(client.get(f"/cluster-organisations/{finance.alpha}"))
    card = page.select_one('article[data-ladder="hu_cluster"]')
    assert card is not None
    assert card.select_one(".fin-stage")["data-stage"] == "startup"  # type: ignore[index]
    assert "4 more members" in [li.get_text() for li in card.select(".fin-missing li")]
    token = form_token(client, f"/cluster-organisations/{finance.alpha}")
    for i in range(4):
        response = client.post(
            f"/cluster-organisations/{finance.alpha}/members",
            data={
                "name": f"Newcomer {i}",
                "member_type": "sme",
                "country": "HU",
                "joined_on": str(TODAY),
                "employees": "12",
                "csrf_token": token,
            },
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
    live = BeautifulSoup(response.text, "html.parser")
    assert live.find("html") is None
    assert live.select_one("div#live") is not None
    card = live.select_one('article[data-ladder="hu_cluster"]')
    assert card is not None
    assert card.select_one(".fin-stage")["data-stage"] == "developing"  # type: ignore[index]
    missing = [li.get_text() for li in card.select(".fin-missing li")]
    assert "5 more members" in missing
    assert "no data on export share" in missing
    rows = [tr.select("td")[0].get_text() for tr in live.select("#members tbody tr")]
    assert "Newcomer 3" in rows
    statuses = {
        tr.select("td")[0].get_text(): tr.select_one("[data-status]")["data-status"]
        for tr in live.select("#changes tbody tr")
    }  # type: ignore[index]
    assert statuses["Newcomer 3"] == "pending"
    # A member leaves: a second change to report, and the count drops.
    member = next(
        m for m in live.select("#members tbody tr") if m.select("td")[0].get_text() == "Newcomer 0"
    )
    action = member.select_one("form")["action"]  # type: ignore[index]
    left = client.post(
        str(action),
        data={"left_on": str(TODAY), "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    after = BeautifulSoup(left.text, "html.parser")
    kinds = [tr.select("td")[1].get_text() for tr in after.select("#changes tbody tr")]
    assert kinds.count("left") == 1
    reported = client.post(
        f"/cluster-organisations/{finance.alpha}/membership-changes",
        data={"csrf_token": token},
        headers={"HX-Request": "true"},
    )
    statuses = {
        td["data-status"]
        for td in BeautifulSoup(reported.text, "html.parser").select("#changes [data-status]")
    }
    # The six founding members joined in 2019: reported years late; today's changes on time.
    assert statuses == {"reported", "reported_late"}


def test_a_recorded_evaluation_explains_itself(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login
) -> None:
    login(client, people["analyst"])
    token = form_token(client, f"/cluster-organisations/{finance.alpha}")
    response = client.post(
        f"/cluster-organisations/{finance.alpha}/evaluations",
        data={"ladder": "hu_cluster", "csrf_token": token},
    )
    soup = _soup(response)
    assert soup.select_one(".fin-stage")["data-stage"] == "startup"  # type: ignore[index]
    assert soup.select_one('[data-reproduced="yes"]') is not None
    developing = soup.select_one('table.rules[data-stage="developing"]')
    assert developing is not None
    members = developing.select_one('tr[data-metric="members_count"]')
    assert members is not None
    cells = [td.get_text(" ", strip=True) for td in members.select("td")]
    assert cells[1:4] == ["≥ 10", "6", "✗ not met"]
    assert next(li.get_text() for li in soup.select("#missing li")) == "4 more members"
    assert [tr["data-section"] for tr in soup.select("#rubric tr.section")] == [
        "cooperation",
        "management",
        "international",
        "innovation",
    ]
    history = _soup(client.get(f"/cluster-organisations/{finance.alpha}"))
    assert len(history.select("#history tbody a")) == 1


def test_pages_in_hungarian(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login
) -> None:
    login(client, "a@alpha.eu")
    soup = _soup(client.get(f"/cluster-organisations/{finance.alpha}?lang=hu"))
    assert soup.html["lang"] == "hu"  # type: ignore[index]
    assert soup.find("h2", id="stage-heading").get_text() == "Fejlődési szint ma"  # type: ignore[union-attr]
    missing = [
        li.get_text() for li in soup.select('article[data-ladder="hu_cluster"] .fin-missing li')
    ]
    assert missing == ["még 4 tag"]
    ladders = _soup(client.get("/ladders?lang=hu"))
    assert ladders.h1.get_text() == "Fejlődési lépcsők"  # type: ignore[union-attr]
    assert "nyilvános szabály" in ladders.get_text()
    calls = _soup(client.get("/calls?lang=hu"))
    assert calls.h1.get_text() == "Pályázati felhívások"  # type: ignore[union-attr]


def test_ladders_show_public_rules_and_admins_import_versions(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    login(client, people["admin"])
    soup = _soup(client.get("/ladders"))
    hu = soup.select_one('section[data-ladder="hu_cluster"]')
    assert hu is not None
    weights = [td.get_text() for td in hu.select("table.rubric tbody tr td:nth-of-type(2)")]
    assert weights == ["20.0", "30.0", "24.0", "26.0"]
    token = form_token(client, "/ladders")
    text = builtin_ladder_text("hu_cluster_ladder").replace(
        "value: 15, basis: default", "value: 12, basis: default"
    )
    imported = client.post("/ladders", data={"yaml_text": text, "csrf_token": token})
    assert "hu_cluster v2" in _soup(imported).select_one(".notice").get_text()  # type: ignore[union-attr]
    again = client.post("/ladders", data={"yaml_text": text, "csrf_token": token})
    assert again.status_code == 409
    broken = client.post(
        "/ladders", data={"yaml_text": text.replace('op: ">="', 'op: "=>"', 1), "csrf_token": token}
    )
    assert broken.status_code == 422
    where = BeautifulSoup(broken.text, "html.parser").select_one("code")
    assert where is not None
    assert "line" in where.get_text()
    assert "stages[0].rules[0].op" in where.get_text()
    yaml_v2 = client.get("/ladders/hu_cluster/versions/2.yaml")
    assert "value: 12, basis: default" in yaml_v2.text


def _create_call(client: TestClient, token: str, **overrides: str) -> int:
    form = {
        "title": "Cluster services 2027",
        "ladder_key": "hu_cluster",
        "eligible_stages": ["hu_cluster:startup", "hu_cluster:developing"],
        "budget": "100000",
        "max_grant": "40000",
        "cofinancing_percent": "50",
        "min_score": "0",
        "allow_partial": "on",
        "opens_on": str(TODAY - timedelta(days=1)),
        "closes_on": str(TODAY + timedelta(days=30)),
        "criterion_name_1": "Quality",
        "criterion_weight_1": "60",
        "criterion_max_1": "10",
        "criterion_name_2": "Impact",
        "criterion_weight_2": "40",
        "criterion_max_2": "5",
        "csrf_token": token,
        **overrides,
    }
    response = client.post("/calls", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text[:1000]
    return int(response.headers["location"].rstrip("/").split("/")[-1])


def test_a_call_from_form_to_allocation_table_and_exports(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login
) -> None:
    login(client, people["policy_maker"])
    token = form_token(client, "/calls")
    call_id = _create_call(client, token)
    client.post(f"/calls/{call_id}/status", data={"status": "open", "csrf_token": token})

    applications = {}
    for email, cluster_id, budget in (
        ("a@alpha.eu", finance.alpha, "60000"),
        ("b@beta.eu", finance.beta, "50000"),
    ):
        login(client, email)
        token = form_token(client, f"/calls/{call_id}")
        response = client.post(
            f"/calls/{call_id}/applications",
            data={
                "cluster_id": str(cluster_id),
                "title": f"Plan {email}",
                "eligible_budget": budget,
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        applications[email] = int(response.headers["location"].split("/")[-1])
    # Beta (one member) reaches no stage: kept, not eligible, with the reason.
    beta_page = _soup(client.get(f"/calls/{call_id}/applications/{applications['b@beta.eu']}"))
    assert beta_page.select_one("#eligibility")["data-eligible"] == "no"  # type: ignore[index]
    assert "no stage of" in beta_page.select_one("#eligibility").get_text()  # type: ignore[union-attr]
    # Beta's manager sees only Beta's application.
    rows = _soup(client.get(f"/calls/{call_id}")).select("#applications tbody tr[data-application]")
    assert [int(r["data-application"]) for r in rows] == [applications["b@beta.eu"]]  # type: ignore[arg-type]
    assert (
        client.get(f"/calls/{call_id}/applications/{applications['a@alpha.eu']}").status_code == 403
    )

    login(client, people["analyst"])
    alpha_path = f"/calls/{call_id}/applications/{applications['a@alpha.eu']}"
    token = form_token(client, alpha_path)
    client.post(
        f"{alpha_path}/scores", data={"score_c1": "6", "score_c2": "3", "csrf_token": token}
    )
    client.post(
        f"{alpha_path}/scores",
        data={"score_c1": "8", "score_c2": "4", "comment": "recounted", "csrf_token": token},
    )
    sheets = _soup(client.get(alpha_path)).select("#sheets tbody tr")
    assert [(r["data-version"], r["data-current"]) for r in sheets] == [("1", "no"), ("2", "yes")]

    login(client, people["policy_maker"])
    token = form_token(client, f"/calls/{call_id}")
    client.post(f"/calls/{call_id}/status", data={"status": "closed", "csrf_token": token})
    client.post(f"/calls/{call_id}/allocations", data={"csrf_token": token})
    page = _soup(client.get(f"/calls/{call_id}"))
    table = {int(r["data-application"]): r for r in page.select("#allocation-table tbody tr")}  # type: ignore[arg-type]
    alpha_row = table[applications["a@alpha.eu"]]
    # (60*0.8 + 40*0.8) = 80 points; min(40 000, 0.5 * 60 000) = 30 000 EUR.
    assert alpha_row["data-status"] == "funded"
    cells = [td.get_text() for td in alpha_row.select("td")]
    assert cells[0] == "1"
    assert cells[2] == "80.0"
    assert cells[4].replace("\xa0", " ") == "30,000 EUR"
    assert table[applications["b@beta.eu"]]["data-status"] == "ineligible"
    assert page.select_one('[data-reproduced="yes"]') is not None

    exported = list(csv.DictReader(io.StringIO(client.get(f"/calls/{call_id}/results.csv").text)))
    assert {(r["cluster_organisation"], r["status"], r["grant_eur"]) for r in exported} == {
        ("Alpha cluster", "funded", "30000.0"),
        ("Beta cluster", "ineligible", "0.0"),
    }
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(f"/calls/{call_id}/results.xlsx").content))
    data = list(book["Data"].iter_rows(values_only=True))
    assert data[0][:4] == ("rank", "application", "cluster_organisation", "status")
    assert len(data) == 3

    simulation = _soup(client.get(f"/calls/{call_id}/simulate?budget_1=20000&label_1=Small"))
    spec = json.loads(simulation.select_one("#spec-scenarios").get_text())  # type: ignore[union-attr]
    assert [s["name"] for s in spec["series"]] == ["Small", "Budget +50%", "Equal weights"]
    assert spec["series"][0]["data"][0]["value"] == 20000.0  # partial: the whole small budget
    assert "Alpha cluster" in simulation.select_one('[data-scenario="1"] ol').get_text()  # type: ignore[union-attr]

    # Applicants see their own allocation row and export only; appeal notes both ways.
    login(client, "b@beta.eu")
    own = list(csv.DictReader(io.StringIO(client.get(f"/calls/{call_id}/results.csv").text)))
    assert [r["cluster_organisation"] for r in own] == ["Beta cluster"]
    beta_path = f"/calls/{call_id}/applications/{applications['b@beta.eu']}"
    token = form_token(client, beta_path)
    client.post(f"{beta_path}/notes", data={"text": "We have grown since.", "csrf_token": token})
    assert client.get(f"/calls/{call_id}/simulate").status_code == 403
    login(client, people["policy_maker"])
    token = form_token(client, beta_path)
    client.post(
        f"{beta_path}/notes", data={"text": "Still one member on the date.", "csrf_token": token}
    )
    notes = [
        p.get_text()
        for p in _soup(client.get(beta_path)).select("#appeal article .fin-description")
    ]
    assert notes == ["We have grown since.", "Still one member on the date."]


def test_membership_changes_page_lists_overdue_reports(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login
) -> None:
    login(client, people["policy_maker"])
    soup = _soup(client.get("/membership-changes"))
    overdue = {
        tr.select("td")[0].get_text() for tr in soup.select("#overdue tbody tr") if tr.select("a")
    }
    # Founding members were entered for 2019 and never reported.
    assert overdue == {"Alpha cluster", "Beta cluster"}


def test_the_api_gives_stored_evaluations_with_missing_phrases(
    client: TestClient, people: dict[str, str], finance: Finance, login: Login
) -> None:
    login(client, people["analyst"])
    token = form_token(client, f"/cluster-organisations/{finance.alpha}")
    done = client.post(
        f"/cluster-organisations/{finance.alpha}/evaluations",
        data={"ladder": "management_excellence", "csrf_token": token},
        follow_redirects=False,
    )
    evaluation_id = int(done.headers["location"].split("/")[-1])
    body = client.get(
        f"/api/v1/cluster-organisations/{finance.alpha}/evaluations/{evaluation_id}"
    ).json()
    assert body["ladder"] == "management_excellence"
    assert body["inputs"]["organisation"]["name"] == "Alpha cluster"
    assert {
        "text": "{count} more member",
        "plural": "{count} more members",
        "n": 4,
        "values": {"count": {"value": 4, "unit": "count"}},
    } in body["missing"]
    listing = client.get("/api/v1/cluster-organisations").json()
    alpha = next(i for i in listing["items"] if i["id"] == finance.alpha)
    assert alpha["stages"][0]["ladder"] == "management_excellence"

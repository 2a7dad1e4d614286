"""Partner pages: visibility of members-only profiles (pages and API), object-level denials
(other organisations' profiles, request threads, collaborations), the request flow over
HTTP with htmx, the ranked matches with their "why" table, the network, Hungarian pages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web._financing import make_clusters
from tests.web.conftest import form_token

from polisee.records.accounts import Organisation
from polisee.records.clusters import ClusterOrganisation
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.records.partners import (
    Collaboration,
    MatchMessage,
    MatchRequest,
    PartnerProfile,
    SavedSearch,
)
from polisee.services import partners as pt

Login = Callable[[TestClient, str], None]
SECRET = "Our confidential offer: 12 % below list price"


@dataclass
class World:
    alpha: int  # public profile of Alpha cluster (manager a@alpha.eu)
    beta: int  # members-only profile of Beta cluster (manager b@beta.eu)
    alpha_org: int
    beta_org: int


@pytest.fixture
def world(database_url: str, people: dict[str, str]) -> World:
    make_clusters(database_url)
    with transaction(database_url) as db:
        orgs = {c.name: c.organisation_id for c in db.scalars(select(ClusterOrganisation))}
        alpha = pt.create_profile(
            db,
            pt.CLI_PARTNER_VIEWER,
            orgs["Alpha cluster"],
            pt.ProfileInput(
                region_code="HU21",
                offers="Precision machining of engine parts <script>alert(1)</script>",
                needs="Aluminium die casting of battery housings",
                target_regions=("AT",),
                nace_codes=("C29",),
                cooperation_types=("supply_chain",),
                languages=("hu", "en"),
            ),
        )
        beta = pt.create_profile(
            db,
            pt.CLI_PARTNER_VIEWER,
            orgs["Beta cluster"],
            pt.ProfileInput(
                region_code="AT22",
                offers="Aluminium die casting of battery housings",
                needs="Precision machining of engine parts",
                target_regions=("HU",),
                nace_codes=("C25",),
                cooperation_types=("supply_chain",),
                languages=("de", "en"),
                visibility="members",
            ),
        )
        return World(alpha.id, beta.id, orgs["Alpha cluster"], orgs["Beta cluster"])


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _rows(database_url: str, model: type) -> list[Any]:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        rows = list(db.scalars(select(model)))
    engine.dispose()
    return rows


def test_anonymous_visitors_see_public_profiles_only(client: TestClient, world: World) -> None:
    soup = _soup(client.get("/partners"))
    shown = {int(a["data-profile"]) for a in soup.select("article[data-profile]")}  # type: ignore[arg-type]
    assert shown == {world.alpha}
    assert "Beta cluster" not in soup.get_text()
    # The members-only profile: the page sends to sign-in, the API refuses, lists omit it.
    page = client.get(f"/partners/profiles/{world.beta}", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    assert client.get(f"/api/v1/partners/profiles/{world.beta}").status_code == 403
    assert client.get(f"/api/v1/partners/profiles/{world.beta}/matches").status_code == 403
    listed = client.get("/api/v1/partners/profiles").json()
    assert [p["id"] for p in listed["items"]] == [world.alpha]
    matches = client.get(f"/api/v1/partners/profiles/{world.alpha}/matches").json()
    assert matches["items"] == []
    html = client.get(f"/partners/profiles/{world.alpha}/matches").text
    assert "Beta cluster" not in html
    assert client.get("/api/v1/partners/network").status_code == 403


def test_signed_in_members_see_members_only_profiles(
    client: TestClient, world: World, people: dict[str, str], login: Login
) -> None:
    login(client, people["member"])
    soup = _soup(client.get("/partners"))
    shown = {int(a["data-profile"]) for a in soup.select("article[data-profile]")}  # type: ignore[arg-type]
    assert shown == {world.alpha, world.beta}
    beta = _soup(client.get(f"/partners/profiles/{world.beta}"))
    assert beta.select_one("[data-visibility=members]") is not None
    # The agency's member acts for no profile: no interest form.
    assert beta.select_one("#express-interest") is None
    api = client.get(f"/api/v1/partners/profiles/{world.alpha}/matches").json()
    assert [m["profile"]["id"] for m in api["items"]] == [world.beta]
    assert set(api["items"][0]["parts"]) == set(pt.PARTS)


def test_user_text_is_escaped(client: TestClient, world: World) -> None:
    html = client.get(f"/partners/profiles/{world.alpha}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_matches_explain_each_part_and_rerank_with_htmx(
    client: TestClient, world: World, login: Login
) -> None:
    login(client, "a@alpha.eu")
    soup = _soup(client.get(f"/partners/profiles/{world.alpha}/matches"))
    [match] = soup.select("li.pt-match")
    assert match["data-profile"] == str(world.beta)
    rows = {tr["data-part"]: tr for tr in match.select("tr[data-part]")}
    assert list(rows) == list(pt.PARTS)
    # Beta offers exactly what Alpha needs (cosine 1); Alpha's offers carry a few more words
    # than Beta's needs (the escaped script), so the other direction is a little below 1.
    value = int(rows["complementarity"].select("td")[0].get_text(strip=True).rstrip("%"))
    assert 75 <= value < 100
    assert "in our target regions" in rows["country"].get_text()
    assert "English" in rows["language"].get_text()
    assert "not asked for" in rows["region"].get_text()
    assert "No statistics are loaded" in soup.select_one(".pt-method").get_text()  # type: ignore[union-attr]
    # Alpha's manager may express interest right from the ranking.
    assert match.select_one('form input[name="from_profile_id"]')["value"] == str(world.alpha)  # type: ignore[index]
    fragment = client.get(
        f"/partners/profiles/{world.alpha}/matches?w_industry=0&w_complementarity=1",
        headers={"HX-Request": "true"},
    )
    assert "<html" not in fragment.text
    score = _soup(fragment).select_one(".pt-score")["data-score"]  # type: ignore[index]
    assert float(score) > 0.7  # type: ignore[arg-type]
    bad = client.get(f"/partners/profiles/{world.alpha}/matches?w_industry=-1")
    assert bad.status_code == 422


def test_profile_form_publishes_for_own_organisation_only(
    client: TestClient, world: World, database_url: str, people: dict[str, str], login: Login
) -> None:
    with transaction(database_url) as db:
        from polisee.services import accounts
        from polisee.services.audit import CLI_ACTOR

        gamma = accounts.create_organisation(
            db, name="Gamma university", kind="university", actor=CLI_ACTOR
        )
        user = accounts.find_user(db, people["analyst"])
        accounts.grant_role(
            db, user_id=user.id, organisation_id=gamma.id, role="analyst", actor=CLI_ACTOR
        )
        gamma_id = gamma.id
    login(client, people["analyst"])
    form = _soup(client.get("/partners/profiles/new"))
    options = [o.get_text() for o in form.select("#pf-org option")]
    assert "Gamma university" in options
    assert "Beta cluster org" not in options
    token = form_token(client, "/partners/profiles/new")
    fields = {
        "csrf_token": token,
        "region_code": "si04",
        "offers": "Robot testing laboratory",
        "needs": "Industrial pilot partners",
        "nace_codes": "M72, C28",
        "target_regions": "HU, AT",
        "cooperation_types": ["joint_rd", "training"],
        "languages": ["sl", "en"],
        "visibility": "public",
    }
    refused = client.post(
        "/partners/profiles",
        data={**fields, "organisation_id": str(world.beta_org)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    made = client.post(
        "/partners/profiles",
        data={**fields, "organisation_id": str(gamma_id)},
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = _soup(client.get(made.headers["location"]))
    assert page.h1.get_text() == "Gamma university"  # type: ignore[union-attr]
    assert "Joint R&D, Training" in page.get_text()
    profiles = {p.name: p for p in _rows(database_url, PartnerProfile)}
    assert profiles["Gamma university"].nace_codes == ["M72", "C28"]
    assert profiles["Gamma university"].region_code == "SI04"


def test_other_organisations_profiles_cannot_be_changed(
    client: TestClient, world: World, database_url: str, login: Login
) -> None:
    login(client, "a@alpha.eu")
    assert client.get(f"/partners/profiles/{world.beta}/edit").status_code == 403
    token = form_token(client, f"/partners/profiles/{world.alpha}")
    before = [(p.id, p.offers, p.version) for p in _rows(database_url, PartnerProfile)]
    response = client.post(
        f"/partners/profiles/{world.beta}",
        data={"csrf_token": token, "region_code": "AT22", "offers": "Hijacked"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert [(p.id, p.offers, p.version) for p in _rows(database_url, PartnerProfile)] == before
    # Its own profile changes, with a new version.
    own = client.post(
        f"/partners/profiles/{world.alpha}",
        data={
            "csrf_token": token,
            "region_code": "HU21",
            "offers": "Robot cells",
            "languages": ["hu"],
        },
        follow_redirects=False,
    )
    assert own.status_code == 303
    changed = {p.id: p for p in _rows(database_url, PartnerProfile)}[world.alpha]
    assert (changed.offers, changed.version, changed.languages) == ("Robot cells", 2, ["hu"])


def test_request_flow_accept_reply_and_what_admins_see(
    client: TestClient, world: World, database_url: str, people: dict[str, str], login: Login
) -> None:
    login(client, "a@alpha.eu")
    token = form_token(client, f"/partners/profiles/{world.beta}")
    sent = client.post(
        f"/partners/profiles/{world.beta}/requests",
        data={
            "csrf_token": token,
            "from_profile_id": str(world.alpha),
            "body": SECRET,
            "score": "0.8",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    thread_url = sent.headers["location"]
    request_id = int(thread_url.rsplit("/", 1)[1])
    # Alpha may not answer its own request.
    assert (
        client.post(
            f"/partners/requests/{request_id}/answers",
            data={"csrf_token": token, "decision": "accept"},
            follow_redirects=False,
        ).status_code
        == 403
    )
    client.post("/logout", data={"csrf_token": token})

    login(client, "b@beta.eu")
    received = _soup(client.get("/partners/requests")).select("#received tr[data-request]")
    assert [r["data-request"] for r in received] == [str(request_id)]
    assert received[0].select_one("[data-status]").get_text() == "pending"  # type: ignore[union-attr]
    token = form_token(client, thread_url)
    fragment = client.post(
        f"/partners/requests/{request_id}/answers",
        data={"csrf_token": token, "decision": "accept"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in fragment.text
    assert _soup(fragment).select_one("[data-status]")["data-status"] == "accepted"  # type: ignore[index]
    client.post(
        f"/partners/requests/{request_id}/messages",
        data={"csrf_token": token, "body": "Welcome <b>partner</b>"},
    )
    thread = _soup(client.get(thread_url))
    bodies = [m.get_text() for m in thread.select(".pt-message .pt-text")]
    assert bodies == [SECRET, "Welcome <b>partner</b>"]
    client.post("/logout", data={"csrf_token": token})

    # Administrators: numbers, never the thread or the texts (not even in the audit log).
    login(client, people["admin"])
    assert client.get(thread_url).status_code == 403
    assert client.get(f"/api/v1/partners/requests/{request_id}").status_code == 404
    summary = _soup(client.get("/partners/requests/summary"))
    numbers = {dd["data-key"]: dd.get_text() for dd in summary.select("dd[data-key]")}
    assert numbers == {
        "total": "1",
        "pending": "0",
        "accepted": "1",
        "declined": "0",
        "messages": "2",
    }
    for page in ("/partners/requests/summary", "/api/v1/partners/requests/summary", "/admin/audit"):
        text = client.get(page).text
        assert "confidential" not in text, page
        assert "Welcome" not in text, page
    token = form_token(client, "/partners/requests")
    messages_before = len(_rows(database_url, MatchMessage))
    refused = client.post(
        f"/partners/requests/{request_id}/messages",
        data={"csrf_token": token, "body": "Admin here"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert len(_rows(database_url, MatchMessage)) == messages_before
    assert [r.status.value for r in _rows(database_url, MatchRequest)] == ["accepted"]


def test_saved_search_round_trip_and_owner_only_delete(
    client: TestClient, world: World, database_url: str, people: dict[str, str], login: Login
) -> None:
    login(client, people["member"])
    page = _soup(client.get("/partners?country=AT&cooperation_type=supply_chain"))
    form = page.select_one("#saved-searches form")
    assert form is not None
    hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert hidden["country"] == "AT"
    saved = client.post(
        "/partners/searches",
        data={**hidden, "name": "Austrian suppliers", "notify": "true"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    [search] = _rows(database_url, SavedSearch)
    assert search.filters == {"country": "AT", "cooperation_type": "supply_chain"}
    token = hidden["csrf_token"]
    client.post("/logout", data={"csrf_token": token})
    login(client, people["analyst"])
    token = form_token(client, "/partners")
    refused = client.post(
        f"/partners/searches/{search.id}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert len(_rows(database_url, SavedSearch)) == 1


def test_network_page_and_recording_a_collaboration(
    client: TestClient, world: World, database_url: str, login: Login
) -> None:
    login(client, "a@alpha.eu")
    token = form_token(client, "/partners/network")
    base = {
        "csrf_token": token,
        "kind": "mou",
        "title": "Supplier memorandum",
        "started_on": "2024-04-01",
        "source_url": "https://interreg-danube.eu",
    }
    with transaction(database_url) as db:
        other = db.scalar(select(Organisation.id).where(Organisation.name == "Pannon Agency"))
    refused = client.post(
        "/partners/collaborations",
        data={**base, "organisation_ids": [str(world.beta_org), str(other)]},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert _rows(database_url, Collaboration) == []
    made = client.post(
        "/partners/collaborations",
        data={**base, "organisation_ids": [str(world.alpha_org), str(world.beta_org)]},
        follow_redirects=False,
    )
    assert made.status_code == 303
    soup = _soup(client.get("/partners/network"))
    spec = soup.select_one("#spec-network")
    assert spec is not None
    assert '"type": "graph"' in spec.get_text()
    central = soup.select("#centrality tr[data-organisation]")
    assert {tr["data-organisation"] for tr in central} == {
        str(world.alpha_org),
        str(world.beta_org),
    }
    assert soup.select_one('#country-links tr[data-countries="AT-HU"]') is not None
    region = _soup(client.get("/regions/HU21/international"))
    assert [td.get_text() for td in region.select("#partner-countries td")] == ["AT", "1"]
    api = client.get("/api/v1/partners/network").json()
    assert len(api["edges"]) == 1
    assert api["edges"][0]["international"] is True


def test_pages_in_hungarian(
    client: TestClient, world: World, people: dict[str, str], login: Login
) -> None:
    login(client, "a@alpha.eu")
    search = _soup(client.get("/partners?lang=hu"))
    assert search.h1.get_text() == "Partnerkeresés"  # type: ignore[union-attr]
    nav = [a.get_text() for a in search.select("header.site nav a")]
    assert "Partnerek" in nav
    matches = _soup(client.get(f"/partners/profiles/{world.alpha}/matches"))
    parts = [th.get_text() for th in matches.select("tr[data-part] th")]
    assert parts[:2] == ["Ágazati rokonság", "Igények és kínálat"]
    assert re.search(r"Pontszám: \d+", matches.get_text())
    network = _soup(client.get("/partners/network"))
    assert network.h1.get_text() == "Együttműködési hálózat"  # type: ignore[union-attr]
    spec = json.loads(network.select_one("#spec-network").get_text())  # type: ignore[union-attr]
    assert spec["title"]["text"] == "Együttműködési hálózat"
    labels = [row[0] for row in spec["series"][0]["data"][0]["rows"]]
    assert labels[:2] == ["Ország", "Kapcsolatok"]


@pytest.mark.slow
def test_matches_read_relatedness_and_region_strength_from_the_statistics(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from tests.services.test_evidence import demo_stats_path
    from tests.web.test_evidence_pages import evidence_app

    var_dir = demo_stats_path(tmp_path_factory).parent
    app = evidence_app(var_dir, tmp_path_factory.mktemp("partners") / "records.sqlite3")
    url = str(app.state.engine.url)
    try:
        with transaction(url) as db:
            from polisee.services import accounts
            from polisee.services.audit import CLI_ACTOR

            ids = {}
            for name, values in (
                (
                    "Car suppliers",
                    {"region_code": "HU21", "nace_codes": ("C29",), "region_pairing": True},
                ),
                ("Metal works", {"region_code": "RO11", "nace_codes": ("C25",)}),
            ):
                org = accounts.create_organisation(db, name=name, kind="company", actor=CLI_ACTOR)
                ids[name] = pt.create_profile(
                    db,
                    pt.CLI_PARTNER_VIEWER,
                    org.id,
                    pt.ProfileInput(offers="Engine parts", needs="Castings", **values),  # type: ignore[arg-type]
                ).id
        with TestClient(app, base_url="http://testserver") as client:
            soup = _soup(client.get(f"/partners/profiles/{ids['Car suppliers']}/matches"))
    finally:
        app.state.evidence.close()
        app.state.engine.dispose()
    method = soup.select_one(".pt-method").get_text()  # type: ignore[union-attr]
    assert "SBS employment 2014" in method
    # Central Transdanubia is among the most specialised regions in motor vehicles.
    assert re.search(r"ranks above (9\d)% of the regions", method)
    [match] = soup.select("li.pt-match")
    industry = match.select_one('tr[data-part="industry"]').get_text()  # type: ignore[union-attr]
    assert re.search(r"C29 relates to C25 \(0\.[3-9]\d\)", industry)
    region = match.select_one('tr[data-part="region"]')
    assert region is not None
    assert region.select("td")[0].get_text() != "—"

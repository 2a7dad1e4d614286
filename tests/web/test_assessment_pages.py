"""The self-assessment on the web: create, invite, answer (draft, htmx, submit, locked),
results and CSV, Hungarian pages, object-level denials, parallel requests, frameworks."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.services._assessment import person, principal_of
from tests.web.conftest import form_token, log_in

from polisee.records.assessments import Answer, Assessment, Framework, Respondent
from polisee.records.base import Base
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.services import assessment as sa

OWNER = "owner@example.eu"
RESPONDENTS = {"pa@example.eu": "public_authority", "biz@example.eu": "business"}
OUTSIDER = "outsider@example.eu"
COLLEAGUE = "colleague@example.eu"


@pytest.fixture
def accounts(database_url: str) -> None:
    with transaction(database_url) as db:
        person(db, OWNER, role="policy_maker", organisation="Pannon Agency")
        person(db, COLLEAGUE, role="member", organisation="Pannon Agency")
        person(db, OUTSIDER, role="policy_maker", organisation="Other Agency")
        person(db, "admin@example.eu", role="admin", organisation="Platform")
        for email in RESPONDENTS:
            person(db, email)


def client_for(app: FastAPI, email: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    log_in(client, email)
    return client


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _create(owner: TestClient, region: str = "HU21", year: int = 2025) -> int:
    token = form_token(owner, "/assessments")
    response = owner.post(
        "/assessments",
        data={"region_code": region, "round_year": str(year), "title": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:400]
    found = re.fullmatch(r"/assessments/(\d+)", response.headers["location"])
    assert found
    return int(found.group(1))


def _invite(owner: TestClient, aid: int) -> None:
    for email, group in RESPONDENTS.items():
        response = owner.post(
            f"/assessments/{aid}/respondents",
            data={
                "email": email,
                "stakeholder_group": group,
                "csrf_token": form_token(owner, f"/assessments/{aid}"),
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:400]


def _form(client: TestClient, aid: int, score: int, **extra: str) -> dict[str, str]:
    """Every criterion of the questionnaire filled with ``score``."""
    page = soup(client.get(f"/assessments/{aid}/answers"))
    keys = [d["data-criterion"] for d in page.select("div.as-criterion")]
    data = {"csrf_token": form_token(client, f"/assessments/{aid}/answers"), **extra}
    for key in keys:
        data[f"score-{key}"] = str(score)
        data[f"evidence-{key}"] = f"evidence for {key}"
        data[f"comment-{key}"] = ""
    return data


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        state = {
            t.name: sorted(map(tuple, connection.execute(select(t)).all()), key=repr)
            for t in Base.metadata.sorted_tables
            if t.name not in ("web_sessions", "login_failures", "audit_entries", "users")
        }
    engine.dispose()
    return state


def test_create_invite_answer_and_see_the_results(
    app: FastAPI, accounts: None, database_url: str
) -> None:
    owner = client_for(app, OWNER)
    page = soup(owner.get("/assessments"))
    assert page.select_one("form[action$='/assessments'] input[name='region_code']")
    aid = _create(owner)
    overview = soup(owner.get(f"/assessments/{aid}"))
    assert overview.h1.get_text(strip=True) == "Self-assessment HU21 2025"
    assert len(overview.select("ol.as-themes li")) == 6
    _invite(owner, aid)
    rows = soup(owner.get(f"/assessments/{aid}")).select("table.as-progress tbody tr")
    assert sorted(r["data-email"] for r in rows) == sorted(RESPONDENTS)

    pa = client_for(app, "pa@example.eu")
    form = soup(pa.get(f"/assessments/{aid}/answers"))
    criteria = form.select("div.as-criterion")
    assert len(criteria) == 24
    labels = [lbl.get_text(" ", strip=True) for lbl in criteria[0].select("label.as-level")]
    assert labels == [
        "0 No information",
        "1 Poor",
        "2 To be improved",
        "3 Fair",
        "4 Strong",
        "5 Excellent",
    ]

    # htmx saves one criterion as a draft and gets its fragment back.
    response = pa.post(
        f"/assessments/{aid}/answers/rd_strategy",
        data={
            "score-rd_strategy": "2",
            "evidence-rd_strategy": "first look",
            "action": "draft",
            "csrf_token": form_token(pa, f"/assessments/{aid}/answers"),
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = soup(response)
    assert fragment.select_one("div.as-criterion")["id"] == "criterion-rd_strategy"
    assert "Draft saved." in fragment.get_text()
    assert "<html" not in response.text
    # Resumed later: the draft is filled in.
    again = soup(pa.get(f"/assessments/{aid}/answers"))
    assert again.select_one("input[name='score-rd_strategy'][value='2']").has_attr("checked")
    assert again.select_one("#evidence-rd_strategy").get_text() == "first look"

    response = pa.post(
        f"/assessments/{aid}/answers",
        data=_form(pa, aid, 4, action="submit"),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("?saved=submitted")
    done = soup(pa.get(response.headers["location"]))
    assert all(f.has_attr("disabled") for f in done.select("div.as-criterion fieldset"))
    assert done.select_one(f"a[href$='/assessments/{aid}/results']")
    before = _snapshot(database_url)
    # A second submit of locked answers is a conflict and changes nothing.
    data = {
        "score-rd_strategy": "1",
        "evidence-rd_strategy": "changed",
        "action": "submit",
        "csrf_token": form_token(pa, f"/assessments/{aid}/answers"),
    }
    assert pa.post(f"/assessments/{aid}/answers", data=data).status_code == 409
    assert pa.post(f"/assessments/{aid}/answers/rd_strategy", data=data).status_code == 409
    assert _snapshot(database_url) == before

    biz = client_for(app, "biz@example.eu")
    assert biz.get(f"/assessments/{aid}/results").status_code == 403  # not submitted yet
    assert (
        biz.post(
            f"/assessments/{aid}/answers", data=_form(biz, aid, 2, action="submit")
        ).status_code
        == 200
    )

    results = owner.get(f"/assessments/{aid}/results")
    assert results.status_code == 200
    page = soup(results)
    spec = json.loads(page.select_one("#spec-radar").get_text())
    assert [i["name"] for i in spec["radar"]["indicator"]] == [
        "Innovation",
        "Sustainability",
        "Internationalisation",
        "Financing",
        "Smart specialisation",
        "Skills and jobs",
    ]
    assert spec["series"][0]["data"][0]["value"] == [3.0] * 6  # median of 4 and 2
    themes = page.select("table.as-results[data-level='theme'] tbody tr")
    assert len(themes) == 6
    first = themes[0]
    assert first.select_one("[data-col='median']").get_text(strip=True) == "3.0"
    assert first.select_one("[data-col='flag']").get_text(strip=True).startswith("⚠")
    assert "100% (2/2)" in first.select_one("[data-col='share']").get_text()
    assert page.select_one("#no-statistics")  # the test app has no statistics store
    rd = page.select_one("tr[data-criterion='rd_strategy']")
    assert rd.select_one("[data-col='group-public_authority']").get_text(strip=True) == "4.0"
    assert rd.select_one("[data-col='group-business']").get_text(strip=True) == "2.0"
    assert [li["data-criterion"] for li in page.select("ul.as-gaps li[data-criterion]")] == []

    download = owner.get(f"/assessments/{aid}/results.csv")
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="polisee-assessment-HU21-2025.csv"' in download.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(download.text)))
    assert len(table) == 30
    assert (
        table[0]["level"],
        table[0]["key"],
        table[0]["median"],
        table[0]["groups_disagree"],
    ) == (
        "theme",
        "innovation",
        "3.0",
        "True",
    )
    assert table[1]["median_public_authority"] == "4.0"


def test_pages_in_hungarian(app: FastAPI, accounts: None) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    _invite(owner, aid)
    pa = client_for(app, "pa@example.eu")
    page = soup(pa.get(f"/assessments/{aid}/answers?lang=hu"))
    assert page.html["lang"] == "hu"
    assert page.select_one("h2").get_text(strip=True) == "Az Ön kérdőíve"
    assert page.select_one("section#theme-innovation h3").get_text(strip=True) == (
        "1. Innováció és K+F-vezérelt klaszterfejlesztés"
    )
    levels = [
        lbl.get_text(" ", strip=True)
        for lbl in page.select("div.as-criterion")[0].select("label.as-level")
    ]
    assert levels[-1] == "5 Kiváló"
    assert "Közigazgatás" in page.select_one("p.as-progress-line").get_text()
    pa.post(f"/assessments/{aid}/answers", data=_form(pa, aid, 3, action="submit"))
    results = soup(pa.get(f"/assessments/{aid}/results"))
    assert results.select_one("#themes-h").get_text() == "Témák"
    assert "Szórás" in [th.get_text() for th in results.select("table.as-results thead th")]
    spec = json.loads(results.select_one("#spec-radar").get_text())
    assert spec["title"]["text"] == "Önértékelés témánként"
    assert spec["radar"]["indicator"][4]["name"] == "Intelligens szakosodás"
    assert soup(owner.get("/frameworks?lang=hu")).h1.get_text() == "Értékelési keretrendszerek"
    assert (
        soup(owner.get(f"/assessments/{aid}")).select_one("nav.as-actions a.button").get_text()
        == "Eredmények"
    )


def test_other_users_objects_are_denied_and_nothing_changes(
    app: FastAPI, accounts: None, database_url: str
) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    _invite(owner, aid)
    outsider = client_for(app, OUTSIDER)
    colleague = client_for(app, COLLEAGUE)
    pa = client_for(app, "pa@example.eu")
    with transaction(database_url) as db:
        reviewer = person(db, "reviewer@example.eu", role="analyst", organisation="Agency HU22")
        sa.invite_reviewer(
            db, aid, principal=principal_of(db, OWNER), email=reviewer.email, region_code="HU22"
        )
        comment = sa.add_comment(db, aid, principal=reviewer, theme_key="financing", body="Why?")
        comment_id = comment.id
    before = _snapshot(database_url)
    token = form_token(outsider, "/assessments")
    posts = [
        (
            f"/assessments/{aid}/respondents",
            {"email": "x@example.eu", "stakeholder_group": "research"},
        ),
        (f"/assessments/{aid}/reviewers", {"email": OUTSIDER, "region_code": "AT11"}),
        (f"/assessments/{aid}/status", {"status": "closed"}),
        (f"/assessments/{aid}/publication", {"published": "true"}),
        (f"/assessments/{aid}/peers", {"regions": "HU22"}),
        (
            f"/assessments/{aid}/answers",
            {"action": "draft", "score-rd_strategy": "3", "evidence-rd_strategy": ""},
        ),
        (f"/assessments/{aid}/answers/rd_strategy", {"action": "draft", "score-rd_strategy": "3"}),
        (f"/assessments/{aid}/reviews", {"theme_key": "financing", "body": "Me too"}),
        (f"/assessments/{aid}/reviews/{comment_id}/replies", {"body": "Not yours to answer"}),
    ]
    for path, data in posts:
        assert outsider.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    for path in ("", "/answers", "/results", "/results.csv"):
        assert outsider.get(f"/assessments/{aid}{path}").status_code == 403, path
    # A colleague of the owner's organisation reads, but neither invites nor answers.
    assert colleague.get(f"/assessments/{aid}").status_code == 200
    assert colleague.get(f"/assessments/{aid}/results").status_code == 200
    ctoken = form_token(colleague, "/assessments")
    assert (
        colleague.post(posts[0][0], data={**posts[0][1], "csrf_token": ctoken}).status_code == 403
    )
    assert (
        colleague.post(posts[5][0], data={**posts[5][1], "csrf_token": ctoken}).status_code == 403
    )
    # A respondent answers but neither manages nor sees results before submitting.
    ptoken = form_token(pa, "/assessments")
    assert pa.post(posts[2][0], data={**posts[2][1], "csrf_token": ptoken}).status_code == 403
    assert pa.get(f"/assessments/{aid}/results").status_code == 403
    assert _snapshot(database_url) == before


def test_parallel_requests_of_several_respondents(
    app: FastAPI, accounts: None, database_url: str
) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    _invite(owner, aid)
    with transaction(database_url) as db:
        for i in range(3):
            person(db, f"extra{i}@example.eu")
    for i in range(3):
        owner.post(
            f"/assessments/{aid}/respondents",
            data={
                "email": f"extra{i}@example.eu",
                "stakeholder_group": "research",
                "csrf_token": form_token(owner, f"/assessments/{aid}"),
            },
        )
    emails = [*RESPONDENTS, *(f"extra{i}@example.eu" for i in range(3))]
    clients = [client_for(app, email) for email in emails]
    forms = [_form(c, aid, 1 + i % 5, action="submit") for i, c in enumerate(clients)]
    # One respondent also races a second submit of the same questionnaire from another tab.
    racer = client_for(app, emails[0])
    forms.append({**forms[0], "csrf_token": form_token(racer, f"/assessments/{aid}/answers")})
    clients.append(racer)
    start = threading.Barrier(len(clients))
    statuses: list[int] = [0] * len(clients)

    def post(i: int) -> None:
        start.wait()
        statuses[i] = (
            clients[i]
            .post(f"/assessments/{aid}/answers", data=forms[i], follow_redirects=False)
            .status_code
        )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses[1:5] == [303] * 4
    assert sorted((statuses[0], statuses[5])) == [303, 409]
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        sums = dict(
            db.execute(
                select(Respondent.email, func.sum(Answer.score))
                .join(Answer, Answer.respondent_id == Respondent.id)
                .group_by(Respondent.email)
            ).all()
        )
    engine.dispose()
    assert sums == {email: 24 * (1 + i % 5) for i, email in enumerate(emails)}


def test_a_refused_submit_keeps_what_was_typed(
    app: FastAPI, accounts: None, database_url: str
) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    _invite(owner, aid)
    pa = client_for(app, "pa@example.eu")
    data = _form(pa, aid, 3, action="submit")
    del data["score-talent_attraction"]
    data["evidence-talent_attraction"] = "a programme we know of"
    response = pa.post(f"/assessments/{aid}/answers", data=data)
    assert response.status_code == 422
    page = soup(response)
    assert "missing: talent_attraction" in page.select_one(".error[role='alert']").get_text()
    assert page.select_one("#evidence-talent_attraction").get_text() == "a programme we know of"
    assert page.select_one("input[name='score-job_creation'][value='3']").has_attr("checked")
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        assert db.scalar(select(func.count()).select_from(Answer)) == 0
    engine.dispose()
    # htmx: a submit without a score comes back as the fragment with the problem.
    token = form_token(pa, f"/assessments/{aid}/answers")
    fragment = pa.post(
        f"/assessments/{aid}/answers/rd_strategy",
        data={"action": "submit", "evidence-rd_strategy": "x", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert "choose a score" in soup(fragment).select_one("[role='alert']").get_text()
    plain = pa.post(
        f"/assessments/{aid}/answers/rd_strategy",
        data={"action": "submit", "evidence-rd_strategy": "x", "csrf_token": token},
    )
    assert plain.status_code == 422


def test_frameworks_pages_and_the_administrators_edit(
    app: FastAPI, accounts: None, database_url: str
) -> None:
    owner = client_for(app, OWNER)
    listing = soup(owner.get("/frameworks"))
    assert "six-themes" in listing.get_text()  # shipped, not stored yet
    assert not listing.select_one("textarea[name='yaml_text']")
    aid = _create(owner)
    with transaction(database_url) as db:
        first = db.scalar(select(Framework))
        assert first is not None
        first_id, text = first.id, first.source_text
    shown = soup(owner.get(f"/frameworks/{first_id}"))
    assert len(shown.select("article.as-criterion")) == 24
    assert shown.select_one("pre.as-yaml")
    admin = client_for(app, "admin@example.eu")
    token = form_token(admin, "/frameworks")
    broken = text.replace("  - key: financing\n", "  - key: Financing!\n")
    refused = admin.post("/frameworks", data={"yaml_text": broken, "csrf_token": token})
    assert refused.status_code == 422
    page = soup(refused)
    alert = page.select_one(".error[role='alert']").get_text(" ", strip=True)
    line = text[: text.index("  - key: financing")].count("\n") + 1
    assert f"line {line}" in alert
    assert "field themes[3].key" in alert
    assert page.select_one("textarea[name='yaml_text']").get_text() == broken
    assert (
        admin.post("/frameworks", data={"yaml_text": text, "csrf_token": token}).status_code == 409
    )
    edited = text.replace("Cluster financing", "Financing clusters")
    stored = admin.post(
        "/frameworks", data={"yaml_text": edited, "csrf_token": token}, follow_redirects=False
    )
    assert stored.status_code == 303
    second = soup(admin.get(stored.headers["location"]))
    assert "Version 2" in second.get_text()
    versions = soup(admin.get("/frameworks")).select("table.as-frameworks tbody tr")
    assert [r.select("td")[2].get_text() for r in versions] == ["2", "1"]
    assert [r.select("td")[5].get_text() for r in versions] == ["0", "1"]
    with transaction(database_url) as db:
        assert db.get(Assessment, aid).framework_id == first_id  # type: ignore[union-attr]


def test_peer_review_on_the_results_page(app: FastAPI, accounts: None, database_url: str) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    with transaction(database_url) as db:
        person(db, "reviewer@example.eu", role="analyst", organisation="Agency HU22")
    token = form_token(owner, f"/assessments/{aid}")
    response = owner.post(
        f"/assessments/{aid}/reviewers",
        data={"email": "reviewer@example.eu", "region_code": "hu22", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    reviewer = client_for(app, "reviewer@example.eu")
    page = soup(reviewer.get(f"/assessments/{aid}/results"))
    assert page.select_one("#review-financing textarea[name='body']")
    response = reviewer.post(
        f"/assessments/{aid}/reviews",
        data={
            "theme_key": "financing",
            "body": "Line one\nLine <b>two</b>",
            "csrf_token": form_token(reviewer, f"/assessments/{aid}/results"),
        },
        follow_redirects=False,
    )
    assert response.headers["location"].endswith("#review-financing")
    page = soup(owner.get(f"/assessments/{aid}/results"))
    message = page.select_one("#review-financing .as-message")
    assert message.select_one(".as-body").get_text() == "Line one\nLine <b>two</b>"  # escaped, kept
    assert not message.select_one(".as-body b")
    reply_form = message.select_one("form")
    response = owner.post(
        reply_form["action"],
        data={"body": "Thank you", "csrf_token": form_token(owner, f"/assessments/{aid}/results")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    thread = soup(reviewer.get(f"/assessments/{aid}/results")).select_one("#review-financing")
    assert thread.select_one(".as-reply .as-body").get_text() == "Thank you"
    assert not thread.select_one(".as-message form")

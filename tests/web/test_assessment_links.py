"""Invitation links on the web: the owner makes one, a visitor without an account answers
through it (drafts, htmx, submit, read-only), and everything else is refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import form_token
from tests.web.test_assessment_pages import (
    OUTSIDER,
    _create,
    _snapshot,
    accounts,  # noqa: F401 - the fixture, used by name
    client_for,
    soup,
)

from polisee.records.assessments import RespondentInvitation
from polisee.records.base import utcnow
from polisee.records.db import transaction
from polisee.services import assessment as sa

OWNER = "owner@example.eu"
pytestmark = pytest.mark.usefixtures("accounts")


def _make_link(owner: TestClient, aid: int, email: str, name: str = "Éva Kovács") -> str:
    response = owner.post(
        f"/assessments/{aid}/invitations",
        data={
            "email": email,
            "name": name,
            "stakeholder_group": "research",
            "days": "14",
            "csrf_token": form_token(owner, f"/assessments/{aid}"),
        },
    )
    assert response.status_code == 200, response.text[:400]
    field = soup(response).select_one("input[data-link]")
    assert field is not None
    return urlsplit(str(field["value"])).path


def _visitor(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver")


def _fields(client: TestClient, path: str, score: int | None = None) -> dict[str, str]:
    page = soup(client.get(path))
    form = page.select_one("form.as-form")
    assert form is not None
    data = {
        "csrf_token": str(form.select_one("input[name=csrf_token]")["value"]),
        "link_proof": str(form.select_one("input[name=link_proof]")["value"]),
    }
    if score is not None:
        for div in page.select("div.as-criterion"):
            key = div["data-criterion"]
            data[f"score-{key}"] = str(score)
            data[f"evidence-{key}"] = f"seen {key}"
            data[f"comment-{key}"] = ""
    return data


def test_owner_makes_a_link_and_a_visitor_answers_through_it(
    app: FastAPI, database_url: str
) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    path = _make_link(owner, aid, "eva@uni.example")
    overview = soup(owner.get(f"/assessments/{aid}"))
    row = overview.select_one("#links tr[data-state=active]")
    assert row is not None
    assert "Éva Kovács" in row.get_text()
    assert overview.select_one("input[data-link]") is None  # shown once only

    visitor = _visitor(app)
    page = soup(visitor.get(path))
    assert "Invited as Éva Kovács (eva@uni.example)" in page.select_one(".as-link-note").get_text()
    keys = [d["data-criterion"] for d in page.select("div.as-criterion")]
    assert keys
    assert page.select_one("form.as-form")["action"] == f"{path}/answers"

    # A draft of one criterion, through htmx: the fragment comes back.
    data = _fields(visitor, path)
    data |= {"action": "draft", f"score-{keys[0]}": "2", f"evidence-{keys[0]}": "a report"}
    fragment = visitor.post(f"{path}/answers/{keys[0]}", data=data, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "Draft saved." in soup(fragment).get_text()
    resumed = soup(visitor.get(path))
    assert resumed.select_one(f"#criterion-{keys[0]} input[value='2']").has_attr("checked")

    # Submit everything: locked, and the link shows the answers read-only.
    data = _fields(visitor, path, score=4) | {"action": "submit"}
    done = visitor.post(f"{path}/answers", data=data, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"{path}?saved=submitted"
    locked = soup(visitor.get(path))
    assert all(f.has_attr("disabled") for f in locked.select("div.as-criterion fieldset"))
    assert not locked.select("button[name=action]")
    assert locked.select_one("a[href$='/results']") is None
    before = _snapshot(database_url)
    again = _fields(visitor, path, score=1) | {"action": "draft"}
    assert visitor.post(f"{path}/answers", data=again).status_code == 409
    assert _snapshot(database_url) == before

    # The answers count in the owner's results.
    results = owner.get(f"/assessments/{aid}/results")
    assert results.status_code == 200
    with transaction(database_url) as db:
        found = sa.results(db, aid)
        assert found.respondents_done == 1
        assert found.themes[0].criteria[0].stats.median == 4.0


def test_forms_are_bound_to_their_link_and_csrf_still_applies(
    app: FastAPI, database_url: str
) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    first = _make_link(owner, aid, "eva@uni.example")
    second = _make_link(owner, aid, "tom@uni.example", "Tom")
    visitor = _visitor(app)
    other_form = _fields(visitor, second, score=3) | {"action": "draft"}
    before = _snapshot(database_url)
    # The proof of the second link's form does not open the first link.
    assert visitor.post(f"{first}/answers", data=other_form).status_code == 403
    no_token = {k: v for k, v in other_form.items() if k != "csrf_token"}
    assert visitor.post(f"{second}/answers", data=no_token).status_code == 403
    cross_site = visitor.post(
        f"{second}/answers", data=other_form, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross_site.status_code == 403
    stranger = _visitor(app)  # another browser: its own CSRF cookie, not this form's
    stranger.get(second)
    assert stranger.post(f"{second}/answers", data=other_form).status_code == 403
    assert _snapshot(database_url) == before
    kept = visitor.post(f"{second}/answers", data=other_form, follow_redirects=False)
    assert kept.status_code == 303


@pytest.mark.parametrize(
    "change",
    ["wrong", "other_assessment", "revoked", "expired"],
    ids=["wrong", "other-assessment", "revoked", "expired"],
)
def test_dead_links_are_refused_and_nothing_changes(
    app: FastAPI, database_url: str, change: str
) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    other = _create(owner, region="HU22")
    path = _make_link(owner, aid, "eva@uni.example")
    visitor = _visitor(app)
    data = _fields(visitor, path, score=3) | {"action": "draft"}
    token = path.rsplit("/", 1)[1]
    expected = 404
    if change == "wrong":
        path = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    elif change == "other_assessment":
        path = f"/assessments/{other}/invitations/{token}"
    else:
        expected = 403
        with transaction(database_url) as db:
            invitation = db.scalars(select(RespondentInvitation)).one()
            if change == "revoked":
                invitation.revoked_at = utcnow()
            else:
                invitation.expires_at = utcnow() - timedelta(minutes=1)
    before = _snapshot(database_url)
    page = visitor.get(path, follow_redirects=False)
    assert page.status_code == expected
    posted = visitor.post(f"{path}/answers", data=data, follow_redirects=False)
    assert posted.status_code == expected
    key = next(k.removeprefix("score-") for k in data if k.startswith("score-"))
    one = visitor.post(f"{path}/answers/{key}", data=data, follow_redirects=False)
    assert one.status_code == expected
    if expected == 403:
        assert "does not work any more" in soup(page).get_text()
    assert _snapshot(database_url) == before


def test_only_the_owner_makes_and_revokes_links(app: FastAPI, database_url: str) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    _make_link(owner, aid, "eva@uni.example")
    with transaction(database_url) as db:
        invitation_id = db.scalars(select(RespondentInvitation.id)).one()
    outsider = client_for(app, OUTSIDER)
    token = form_token(outsider, "/assessments")
    before = _snapshot(database_url)
    made = outsider.post(
        f"/assessments/{aid}/invitations",
        data={"email": "x@y.eu", "name": "X", "stakeholder_group": "business", "csrf_token": token},
    )
    assert made.status_code == 403
    revoked = outsider.post(
        f"/assessments/{aid}/invitations/{invitation_id}/revocation", data={"csrf_token": token}
    )
    assert revoked.status_code == 403
    assert _snapshot(database_url) == before
    done = owner.post(
        f"/assessments/{aid}/invitations/{invitation_id}/revocation",
        data={"csrf_token": form_token(owner, f"/assessments/{aid}")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    row = soup(owner.get(f"/assessments/{aid}")).select_one("#links tr[data-invitation]")
    assert row["data-state"] == "revoked"


def test_hungarian_link_page(app: FastAPI) -> None:
    owner = client_for(app, OWNER)
    aid = _create(owner)
    path = _make_link(owner, aid, "eva@uni.example")
    visitor = _visitor(app)
    page = soup(visitor.get(path, headers={"Accept-Language": "hu"}))
    assert "Meghívottként" in page.select_one(".as-link-note").get_text()

"""The working-group pages by meaning: list and filter, members by country, joining,
threads, documents, meeting notes and the report workflow; object-level denials leave the
database unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.services._group_helpers import docx_bytes
from tests.web.conftest import PASSWORD, form_token

from polisee.records.base import Base
from polisee.records.db import make_engine, transaction
from polisee.services import accounts
from polisee.services import groups as gr
from polisee.services import practices as pr
from polisee.services.audit import CLI_ACTOR
from polisee.services.permissions import permissions_for
from polisee.services.sessions import Principal

Login = Callable[[TestClient, str], None]
PDF = b"%PDF-1.4\n%%EOF\n"


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _principal(db: Any, email: str) -> Principal:
    user = accounts.find_user(db, email)
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        permissions=permissions_for(accounts.roles_of(db, user.id)),
    )


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        state = {
            t.name: sorted(map(tuple, connection.execute(select(t)).all()), key=repr)
            for t in Base.metadata.sorted_tables
        }
    engine.dispose()
    return state


@dataclass(frozen=True)
class Setup:
    group_id: int
    thread_id: int
    post_id: int
    practice_id: int


@pytest.fixture
def setup(database_url: str, people: dict[str, str]) -> Setup:
    """A group led by the policy maker with the cluster manager and a Slovenian member; the
    analyst and the member role stay outside. One thread, one published practice."""
    with transaction(database_url) as db:
        lead = _principal(db, people["policy_maker"])
        manager = _principal(db, people["cluster_manager"])
        org = accounts.create_organisation(
            db,
            name="Savinja Partnership",
            kind="cluster_organisation",
            actor=CLI_ACTOR,
            country="SI",
            region_code="SI03",
        )
        user = accounts.create_user(
            db,
            email="si@example.eu",
            display_name="Slovenian Member",
            password=PASSWORD,
            actor=CLI_ACTOR,
        )
        accounts.grant_role(
            db, user_id=user.id, organisation_id=org.id, role="cluster_manager", actor=CLI_ACTOR
        )
        slovenian = _principal(db, "si@example.eu")
        group = gr.create_group(
            db, gr.GroupInput(name="Cluster financing", themes=("financing",)), lead
        )
        gr.create_group(db, gr.GroupInput(name="Green clusters", themes=("sustainability",)), lead)
        for who in (manager, slovenian):
            row = gr.request_to_join(db, group.id, who)
            gr.decide_request(db, group.id, row.id, True, lead)
        thread = gr.open_thread(db, group.id, "Stage funding", "Opening text", manager)
        post_id = gr.get_thread(db, group.id, thread.id, manager).posts[0].id
        validator = _principal(db, people["admin"])
        practice = pr.create_practice(
            db,
            pr.PracticeInput(
                title="Accreditation scheme",
                summary="S",
                instrument="accreditation",
                themes=("financing",),
                regions=("HU",),
            ),
            manager,
        )
        pr.submit_practice(db, practice.id, manager)
        pr.decide(db, practice.id, "review", validator)
        pr.decide(db, practice.id, "publish", validator)
        return Setup(group.id, thread.id, post_id, practice.id)


def test_the_list_filters_by_theme(client: TestClient, setup: Setup) -> None:
    soup = _soup(client.get("/groups"))
    assert [a.get_text() for a in soup.select(".group-row h2 a")] == [
        "Cluster financing",
        "Green clusters",
    ]
    only = _soup(client.get("/groups?theme=financing", headers={"HX-Request": "true"}))
    assert only.select_one("html") is None
    assert [a.get_text() for a in only.select(".group-row h2 a")] == ["Cluster financing"]
    assert "3 members" in only.get_text()


def test_the_group_page_shows_members_by_country_and_hides_names_from_visitors(
    client: TestClient, login: Login, people: dict[str, str], setup: Setup
) -> None:
    soup = _soup(client.get(f"/groups/{setup.group_id}"))
    headings = [h.get_text() for h in soup.select("#members h3")]
    assert headings == ["SI", "Country not recorded"]
    assert "Slovenian Member" not in soup.get_text()
    assert "Savinja Partnership" in soup.select_one("#members").get_text()  # type: ignore[union-attr]
    login(client, people["analyst"])
    soup = _soup(client.get(f"/groups/{setup.group_id}"))
    cells = [td.get_text() for td in soup.select("#members table")[0].select("td")]
    assert cells == ["Slovenian Member", "Savinja Partnership", "SI03", "Member"]
    assert soup.select_one("#membership button").get_text() == "Ask to join"  # type: ignore[union-attr]


def test_joining_needs_the_lead(
    client: TestClient, login: Login, people: dict[str, str], setup: Setup, database_url: str
) -> None:
    login(client, people["analyst"])
    token = form_token(client, f"/groups/{setup.group_id}")
    response = client.post(
        f"/groups/{setup.group_id}/requests",
        data={"message": "We evaluate calls.", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert _soup(client.get(f"/groups/{setup.group_id}")).select_one("#request-pending")
    assert client.get(f"/groups/{setup.group_id}/threads").status_code == 403
    with transaction(database_url) as db:
        overview = gr.group_overview(db, setup.group_id, _principal(db, people["policy_maker"]))
        [pending] = overview.pending
    # A member who is not a lead cannot accept it; nothing changes.
    client.post("/logout", data={"csrf_token": token})
    login(client, people["cluster_manager"])
    token = form_token(client, f"/groups/{setup.group_id}")
    before = _snapshot(database_url)
    response = client.post(
        f"/groups/{setup.group_id}/members/{pending.id}",
        data={"decision": "accept", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert _snapshot(database_url) == before
    client.post("/logout", data={"csrf_token": token})
    login(client, people["policy_maker"])
    page = _soup(client.get(f"/groups/{setup.group_id}"))
    assert "We evaluate calls." in page.select_one(f"#request-{pending.id}").get_text()  # type: ignore[union-attr]
    token = form_token(client, f"/groups/{setup.group_id}")
    response = client.post(
        f"/groups/{setup.group_id}/members/{pending.id}",
        data={"decision": "accept", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    client.post("/logout", data={"csrf_token": token})
    login(client, people["analyst"])
    assert client.get(f"/groups/{setup.group_id}/threads").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/groups/{g}/threads", None),
        ("GET", "/groups/{g}/threads/{t}", None),
        ("POST", "/groups/{g}/threads", {"title": "T", "body": "B"}),
        ("POST", "/groups/{g}/threads/{t}/posts", {"body": "B"}),
        ("GET", "/groups/{g}/documents", None),
        ("GET", "/groups/{g}/meetings", None),
        ("POST", "/groups/{g}/meetings", {"held_on": "2026-01-02", "online": "true", "notes": "n"}),
        ("GET", "/groups/{g}/reports/new", None),
        ("POST", "/groups/{g}/reports", {"title": "R"}),
        ("POST", "/groups/{g}/invitations", {"email": "member@example.eu"}),
        ("POST", "/groups/{g}/departures", {}),
    ],
    ids=[
        "thread-list",
        "thread",
        "open-thread",
        "reply",
        "documents",
        "meetings",
        "add-meeting",
        "report-form",
        "create-report",
        "invite",
        "leave",
    ],
)
def test_outsiders_are_refused_and_nothing_changes(
    client: TestClient,
    login: Login,
    people: dict[str, str],
    setup: Setup,
    database_url: str,
    method: str,
    path: str,
    data: dict[str, str] | None,
) -> None:
    login(client, people["member"])
    url = path.format(g=setup.group_id, t=setup.thread_id)
    before = _snapshot(database_url)
    token = form_token(client, "/groups")
    response = client.request(
        method,
        url,
        data=None if data is None else {**data, "csrf_token": token},
        follow_redirects=False,
    )
    # Leaving when not a member is a conflict; every other step is refused outright.
    assert response.status_code == (409 if url.endswith("departures") else 403)
    assert _snapshot(database_url) == before


def test_only_the_author_edits_a_post_and_the_earlier_text_stays(
    client: TestClient, login: Login, people: dict[str, str], setup: Setup, database_url: str
) -> None:
    edit = f"/groups/{setup.group_id}/threads/{setup.thread_id}/posts/{setup.post_id}"
    page = f"/groups/{setup.group_id}/threads/{setup.thread_id}"
    login(client, people["policy_maker"])
    token = form_token(client, page)
    before = _snapshot(database_url)
    response = client.post(
        edit, data={"body": "Hijacked", "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 403
    assert _snapshot(database_url) == before
    assert not _soup(client.get(page)).select(f"#post-{setup.post_id} details.edit")
    client.post("/logout", data={"csrf_token": token})
    login(client, people["cluster_manager"])
    token = form_token(client, page)
    response = client.post(
        edit,
        data={"body": "Better text\n<b>bold?</b>", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    post = _soup(client.get(page)).select_one(f"#post-{setup.post_id}")
    assert post is not None
    assert post.select_one("p.body").get_text() == "Better text\n<b>bold?</b>"  # type: ignore[union-attr]
    assert post.select_one("p.body b") is None  # type: ignore[union-attr]
    assert "Opening text" in post.select_one("details.revisions").get_text()  # type: ignore[union-attr]


def test_a_refused_thread_comes_back_with_what_was_typed(
    client: TestClient, login: Login, people: dict[str, str], setup: Setup
) -> None:
    login(client, people["cluster_manager"])
    token = form_token(client, f"/groups/{setup.group_id}/threads")
    response = client.post(
        f"/groups/{setup.group_id}/threads",
        data={"title": "My long question", "body": "   ", "csrf_token": token},
    )
    assert response.status_code == 422
    soup = _soup(response)
    assert soup.select_one("#thread-title")["value"] == "My long question"  # type: ignore[index]
    assert "empty" in soup.select_one("#form-error").get_text()  # type: ignore[union-attr]


def test_documents_upload_refusal_download_and_versions(
    client: TestClient, login: Login, people: dict[str, str], setup: Setup, database_url: str
) -> None:
    login(client, people["cluster_manager"])
    docx = docx_bytes()
    base = f"/groups/{setup.group_id}/documents"
    token = form_token(client, base)
    before = _snapshot(database_url)
    refused = client.post(
        base,
        data={"csrf_token": token},
        files={"file": ("budget.pdf.exe", PDF, "application/octet-stream")},
    )
    assert refused.status_code == 422
    assert "ending in one of" in refused.text
    refused = client.post(
        base, data={"csrf_token": token}, files={"file": ("notes.docx", PDF, "application/pdf")}
    )
    assert refused.status_code == 422
    assert "not a DOCX" in refused.text
    assert _snapshot(database_url) == before
    response = client.post(
        base,
        data={"csrf_token": token, "title": "Draft recommendations"},
        files={"file": ("draft.docx", docx, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    soup = _soup(client.get(base))
    [card] = soup.select("article.document")
    document_id = card["id"].removeprefix("document-")  # type: ignore[union-attr]
    response = client.post(
        f"{base}/{document_id}/versions",
        data={"csrf_token": token, "note": "Lead's comments"},
        files={"file": ("draft-v2.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    links = _soup(client.get(base)).select("article.document a[download]")
    assert [a.get_text() for a in links] == ["draft-v2.pdf", "draft.docx"]
    download = client.get(str(links[1]["href"]))
    assert download.status_code == 200
    assert download.content == docx
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert download.headers["x-content-type-options"] == "nosniff"
    client.post("/logout", data={"csrf_token": token})
    login(client, people["member"])
    assert client.get(str(links[1]["href"])).status_code == 403


def test_meeting_notes_are_kept_when_refused_and_listed_when_saved(
    client: TestClient, login: Login, people: dict[str, str], setup: Setup
) -> None:
    login(client, people["cluster_manager"])
    base = f"/groups/{setup.group_id}/meetings"
    token = form_token(client, base)
    form = {
        "held_on": "2026-03-14",
        "agenda": "1. Calls",
        "decisions": "Draft it",
        "csrf_token": token,
    }
    refused = client.post(base, data=form)
    assert refused.status_code == 422
    assert _soup(refused).select_one("#agenda").get_text() == "1. Calls"  # type: ignore[union-attr]
    saved = client.post(base, data={**form, "place": "Ljubljana"}, follow_redirects=False)
    assert saved.status_code == 303
    [meeting] = _soup(client.get(base)).select("article.meeting")
    assert "2026-03-14" in meeting.h2.get_text()  # type: ignore[union-attr]
    assert "Draft it" in meeting.get_text()


def _report_form(practice_id: int, token: str, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Financing clusters",
        "context": "Why we wrote it",
        "findings": "What we found",
        "cite": [str(practice_id)],
        "citation_practice": [str(practice_id)],
        "citation_note": ["Funding linked to a label"],
        "rec_text": ["Tie support to stages", ""],
        "rec_addressee": ["Ministries", ""],
        "rec_theme": ["financing", "financing"],
        "csrf_token": token,
        **changes,
    }


def test_the_report_workflow_ends_in_a_public_report_cited_on_the_practice(
    client: TestClient, login: Login, people: dict[str, str], setup: Setup
) -> None:
    login(client, people["cluster_manager"])
    token = form_token(client, f"/groups/{setup.group_id}/reports/new")
    refused = client.post(
        f"/groups/{setup.group_id}/reports",
        data=_report_form(setup.practice_id, token, rec_addressee=["", ""]),
    )
    assert refused.status_code == 422
    soup = _soup(refused)
    assert soup.select_one("#rec-text-1").get_text() == "Tie support to stages"  # type: ignore[union-attr]
    assert soup.select_one("#findings").get_text() == "What we found"  # type: ignore[union-attr]
    response = client.post(
        f"/groups/{setup.group_id}/reports",
        data=_report_form(setup.practice_id, token),
        follow_redirects=False,
    )
    assert response.status_code == 303
    report = response.headers["location"]
    assert client.get(report.replace("http://testserver", "")).status_code == 200
    client.post(f"{report}/transitions", data={"action": "submit", "csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    assert client.get(report, follow_redirects=False).status_code == 303  # not public yet
    login(client, people["policy_maker"])
    token = form_token(client, report)
    buttons = [b["value"] for b in _soup(client.get(report)).select(".workflow button")]
    assert buttons == ["approve", "return"]
    client.post(f"{report}/transitions", data={"action": "approve", "csrf_token": token})
    # The lead approved it: publishing needs a reviewer other than the publisher.
    assert (
        client.post(
            f"{report}/transitions", data={"action": "publish", "csrf_token": token}
        ).status_code
        == 409
    )
    client.post("/logout", data={"csrf_token": token})
    login(client, people["admin"])
    token = form_token(client, report)
    client.post(
        f"{report}/transitions",
        data={"action": "return", "note": "Add a second recommendation", "csrf_token": token},
    )
    client.post("/logout", data={"csrf_token": token})
    login(client, people["cluster_manager"])
    token = form_token(client, report)
    assert "Add a second recommendation" in _soup(client.get(report)).get_text()
    client.post(f"{report}/transitions", data={"action": "submit", "csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    login(client, "si@example.eu")
    token = form_token(client, report)
    client.post(f"{report}/transitions", data={"action": "approve", "csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    login(client, people["policy_maker"])
    token = form_token(client, report)
    response = client.post(
        f"{report}/transitions",
        data={"action": "publish", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    client.post("/logout", data={"csrf_token": token})
    public = _soup(client.get(report))
    assert [li.p.get_text() for li in public.select("#recommendations li")] == [
        "Tie support to stages"
    ]  # type: ignore[union-attr]
    assert "Ministries" in public.select_one("#recommendations").get_text()  # type: ignore[union-attr]
    steps = [tr.select("td")[2].get_text() for tr in public.select("#history tbody tr")]
    assert steps == [
        "created",
        "submitted for review",
        "approved",
        "sent back to draft",
        "submitted for review",
        "approved",
        "published",
    ]
    practice = _soup(client.get(f"/practices/{setup.practice_id}"))
    [cited] = practice.select("#cited-in a")
    assert cited.get_text() == "Financing clusters"
    assert (
        _soup(client.get(f"/groups/{setup.group_id}")).select("#reports a")[0].get_text()
        == "Financing clusters"
    )


def test_the_pages_speak_hungarian(client: TestClient, setup: Setup) -> None:
    soup = _soup(client.get("/groups?lang=hu"))
    assert soup.h1.get_text() == "Munkacsoportok"  # type: ignore[union-attr]
    assert "3 tag" in soup.get_text()

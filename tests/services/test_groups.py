"""Working groups: membership, threads, documents, meetings, the report workflow, and the
object rules (members only, leads manage, authors edit, publishing needs a reviewer)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services._group_helpers import (
    docx_bytes,
    make_group,
    odt_bytes,
    person,
    xlsx_bytes,
)
from tests.services._practice_helpers import make_principal, published_practice

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.groups import (
    GroupDocument,
    GroupDocumentVersion,
    GroupMember,
    GroupPost,
    GroupReport,
    GroupReportEvent,
    MemberStatus,
    ReportState,
    WorkingGroup,
)
from polisee.records.notifications import Notification
from polisee.services import groups as gr
from polisee.services.audit import CLI_ACTOR
from polisee.services.permissions import Role, permissions_for
from polisee.services.sessions import ANONYMOUS, Principal

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LIMIT = 4096
ADMIN = Principal(user_id=None, email="cli", permissions=permissions_for([Role.ADMIN]))


def _notified(db: Session, user_id: int | None, kind: str) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.kind == kind)
        )
        or 0
    )


# --- groups and membership ------------------------------------------------------------------


def test_the_founder_leads_and_members_are_shown_by_country_and_region(db: Session) -> None:
    people = make_group(db)
    overview = gr.group_overview(db, people.group_id, people.lead)
    assert overview.is_lead
    assert overview.is_member
    assert {
        c: [(v.name, v.region_code, v.role.value) for v in vs]
        for c, vs in overview.by_country.items()
    } == {
        "HR": [("Other-Clust", "HR02", "member")],
        "HU": [("Lead-Clust", "HU21", "lead")],
        "SI": [("Member-Clust", "SI03", "member")],
    }
    [summary] = gr.list_groups(db, theme="financing")
    assert (summary.members, summary.countries) == (3, ["HR", "HU", "SI"])
    assert gr.list_groups(db, theme="innovation") == []


def test_a_plain_member_cannot_found_a_group_and_theme_groups_are_one_per_theme(
    db: Session,
) -> None:
    member = person(db, "plain", "member")
    with pytest.raises(PermissionDenied):
        gr.create_group(db, gr.GroupInput(name="Mine", themes=("innovation",)), member)
    with pytest.raises(PermissionDenied):
        gr.create_group(
            db,
            gr.GroupInput(name="Theme", themes=("innovation",)),
            person(db, "pm", "policy_maker"),
            kind=gr.GroupKind.THEME,
            theme_key="innovation",
        )
    gr.create_group(
        db,
        gr.GroupInput(name="Innovation", themes=("innovation",)),
        ADMIN,
        kind=gr.GroupKind.THEME,
        theme_key="innovation",
    )
    with pytest.raises(Conflict, match="exists already"):
        gr.create_group(
            db,
            gr.GroupInput(name="Innovation 2", themes=("innovation",)),
            ADMIN,
            kind=gr.GroupKind.THEME,
            theme_key="innovation",
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": " ", "themes": ("financing",)}, "name"),
        ({"name": "X", "themes": ()}, "themes"),
        ({"name": "X", "themes": ("astrology",)}, "themes"),
        (
            {"name": "X", "themes": ("financing",), "lead_organisation_id": "999999"},
            "lead_organisation_id",
        ),
    ],
    ids=["blank-name", "no-theme", "unknown-theme", "unknown-organisation"],
)
def test_bad_group_input_names_the_field(
    db: Session, values: dict[str, object], field: str
) -> None:
    founder = person(db, "founder", "cluster_manager")
    with pytest.raises(InputError) as caught:
        gr.create_group(db, gr.GroupInput(**values), founder)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_join_requests_reach_the_leads_and_only_a_lead_decides(db: Session) -> None:
    people = make_group(db)
    newcomer = person(db, "newcomer", "member", "RO", "RO11")
    row = gr.request_to_join(db, people.group_id, newcomer, message="We run a software cluster.")
    # Two requests came from the members who joined when the group was made.
    assert _notified(db, people.lead.user_id, "group.request") == 3
    with pytest.raises(Conflict):
        gr.request_to_join(db, people.group_id, newcomer)
    for not_lead in (people.member, people.outsider, newcomer):
        with pytest.raises(PermissionDenied):
            gr.decide_request(db, people.group_id, row.id, True, not_lead)
    assert db.get(GroupMember, row.id).status is MemberStatus.REQUESTED  # type: ignore[union-attr]
    gr.decide_request(db, people.group_id, row.id, False, people.lead)
    assert row.status is MemberStatus.DECLINED
    assert _notified(db, newcomer.user_id, "group.declined") == 1
    # A declined person may ask again; nothing they wrote before is lost from the audit log.
    gr.request_to_join(db, people.group_id, newcomer)
    gr.decide_request(db, people.group_id, row.id, True, people.lead)
    assert row.status is MemberStatus.ACTIVE


def test_invitations_leaving_and_roles(db: Session) -> None:
    people = make_group(db)
    guest = person(db, "guest", "member", "BG", "BG42")
    with pytest.raises(PermissionDenied):
        gr.invite_member(db, people.group_id, "guest@example.eu", people.member)
    with pytest.raises(InputError):
        gr.invite_member(db, people.group_id, "nobody@example.eu", people.lead)
    gr.invite_member(db, people.group_id, "GUEST@example.eu", people.lead)
    assert _notified(db, guest.user_id, "group.invitation") == 1
    row = gr.answer_invitation(db, people.group_id, True, guest)
    assert row.status is MemberStatus.ACTIVE
    with pytest.raises(Conflict, match="last lead"):
        gr.leave_group(db, people.group_id, people.lead)
    with pytest.raises(PermissionDenied):
        gr.set_member_role(db, people.group_id, row.id, "lead", people.member)
    gr.set_member_role(db, people.group_id, row.id, "lead", people.lead)
    gr.leave_group(db, people.group_id, people.lead)
    overview = gr.group_overview(db, people.group_id, guest)
    assert overview.is_lead
    assert people.lead.user_id not in {m.user_id for m in overview.members}


# --- threads --------------------------------------------------------------------------------


def test_members_discuss_and_are_notified_outsiders_cannot(db: Session) -> None:
    people = make_group(db)
    thread = gr.open_thread(db, people.group_id, "Vouchers", "Line one\nLine <two>", people.member)
    assert _notified(db, people.lead.user_id, "group.thread") == 1
    assert _notified(db, people.member.user_id, "group.thread") == 0
    gr.reply_to_thread(db, people.group_id, thread.id, "Agreed.", people.other)
    assert _notified(db, people.member.user_id, "group.reply") == 1
    for outsider in (people.outsider, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            gr.list_threads(db, people.group_id, outsider)
        with pytest.raises(PermissionDenied):
            gr.get_thread(db, people.group_id, thread.id, outsider)
        with pytest.raises(PermissionDenied):
            gr.reply_to_thread(db, people.group_id, thread.id, "Hi", outsider)
    loaded = gr.get_thread(db, people.group_id, thread.id, people.lead)
    assert [p.body for p in loaded.posts] == ["Line one\nLine <two>", "Agreed."]
    with pytest.raises(InputError) as caught:
        gr.reply_to_thread(db, people.group_id, thread.id, "   ", people.lead)
    assert caught.value.field == "body"


def test_only_the_author_edits_a_post_and_every_text_is_kept(db: Session) -> None:
    people = make_group(db)
    thread = gr.open_thread(db, people.group_id, "Calls", "First text", people.member)
    [post] = gr.get_thread(db, people.group_id, thread.id, people.member).posts
    with pytest.raises(PermissionDenied):
        gr.edit_post(db, people.group_id, thread.id, post.id, "Rewritten", people.lead)
    assert db.get(GroupPost, post.id).body == "First text"  # type: ignore[union-attr]
    gr.edit_post(db, people.group_id, thread.id, post.id, "Second text", people.member)
    gr.edit_post(db, people.group_id, thread.id, post.id, "Third text", people.member)
    db.expire_all()
    [post] = gr.get_thread(db, people.group_id, thread.id, people.member).posts
    assert post.body == "Third text"
    assert post.edited_at is not None
    assert [r.body for r in post.revisions] == ["First text", "Second text"]
    gr.leave_group(db, people.group_id, people.member)
    with pytest.raises(PermissionDenied):
        gr.edit_post(db, people.group_id, thread.id, post.id, "After leaving", people.member)


# --- documents ------------------------------------------------------------------------------


def _share(
    db: Session, people_group: int, who: Principal, name: str, data: bytes, folder: Path
) -> GroupDocument:
    return gr.add_document(
        db,
        people_group,
        title="",
        filename=name,
        stream=BytesIO(data),
        upload_dir=folder,
        max_bytes=LIMIT,
        principal=who,
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("minutes.pdf", PDF, "application/pdf"),
        (
            "draft.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("notes.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("map.png", PNG, "image/png"),
    ],
    ids=["pdf", "docx", "xlsx", "odt", "png"],
)
def test_members_share_office_documents(
    db: Session, tmp_path: Path, name: str, data: bytes, content_type: str
) -> None:
    people = make_group(db)
    document = _share(db, people.group_id, people.member, name, data, tmp_path / "up")
    [listed] = gr.list_documents(db, people.group_id, people.other)
    found = gr.document_file(
        db,
        people.group_id,
        document.id,
        listed.versions[0].id,
        upload_dir=tmp_path / "up",
        principal=people.other,
    )
    assert (found.filename, found.content_type, found.path.read_bytes()) == (
        name,
        content_type,
        data,
    )
    assert document.title == name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.php.pdf", PDF, "two extensions"),
        ("budget.xlsx.exe", xlsx_bytes(), "ending in one of"),
        ("macro.docm", docx_bytes(), "ending in one of"),
        ("fake.docx", PDF, "not a DOCX"),
        ("sheet.docx", xlsx_bytes(), "not a DOCX document"),
        ("text.odt", docx_bytes(), "not a ODT document"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a XLSX document"),
        ("big.pdf", PDF + b"x" * LIMIT, "larger than the limit"),
        ("empty.docx", b"", "empty"),
    ],
    ids=[
        "double-extension",
        "executable",
        "macro-document",
        "pdf-named-docx",
        "spreadsheet-named-docx",
        "docx-named-odt",
        "broken-zip",
        "oversized",
        "empty",
    ],
)
def test_refused_documents_leave_nothing_behind(
    db: Session, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    people = make_group(db)
    folder = tmp_path / "up"
    with pytest.raises(InputError, match=message) as caught:
        _share(db, people.group_id, people.member, name, data, folder)
    assert caught.value.field == "file"
    assert not folder.exists() or list(folder.iterdir()) == []
    assert db.scalar(select(func.count()).select_from(GroupDocument)) == 0


def test_new_versions_keep_the_old_ones_and_outsiders_get_nothing(
    db: Session, tmp_path: Path
) -> None:
    people = make_group(db)
    folder = tmp_path / "up"
    document = _share(db, people.group_id, people.member, "plan.pdf", PDF, folder)
    gr.add_document_version(
        db,
        people.group_id,
        document.id,
        filename="plan-v2.docx",
        stream=BytesIO(docx_bytes()),
        upload_dir=folder,
        max_bytes=LIMIT,
        principal=people.lead,
        note="Comments merged",
    )
    [listed] = gr.list_documents(db, people.group_id, people.other)
    assert [(v.number, v.original_name, v.note) for v in listed.versions] == [
        (1, "plan.pdf", ""),
        (2, "plan-v2.docx", "Comments merged"),
    ]
    assert len(list(folder.iterdir())) == 2
    first = listed.versions[0]
    for outsider in (people.outsider, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            gr.list_documents(db, people.group_id, outsider)
        with pytest.raises(PermissionDenied):
            gr.document_file(
                db, people.group_id, document.id, first.id, upload_dir=folder, principal=outsider
            )
        with pytest.raises(PermissionDenied):
            _share(db, people.group_id, outsider, "x.pdf", PDF, folder)
    # A version of another group's document is not found through this group.
    second = make_group(db, "Skills group")
    with pytest.raises(NotFound):
        gr.document_file(
            db, second.group_id, document.id, first.id, upload_dir=folder, principal=second.lead
        )
    assert db.scalar(select(func.count()).select_from(GroupDocumentVersion)) == 2


# --- meetings -------------------------------------------------------------------------------


def test_meeting_notes_are_checked_and_for_members_only(db: Session) -> None:
    people = make_group(db)
    with pytest.raises(InputError) as caught:
        gr.add_meeting(
            db, people.group_id, gr.MeetingInput(held_on="14/03/2026", notes="n"), people.member
        )
    assert caught.value.field == "held_on"
    with pytest.raises(InputError) as caught:
        gr.add_meeting(
            db, people.group_id, gr.MeetingInput(held_on="2026-03-14", notes="n"), people.member
        )
    assert caught.value.field == "place"
    meeting = gr.add_meeting(
        db,
        people.group_id,
        gr.MeetingInput(held_on="2026-03-14", online=True, agenda="1. Calls", decisions="Draft it"),
        people.member,
    )
    assert [m.id for m in gr.list_meetings(db, people.group_id, people.lead)] == [meeting.id]
    with pytest.raises(PermissionDenied):
        gr.list_meetings(db, people.group_id, people.outsider)
    with pytest.raises(PermissionDenied):
        gr.add_meeting(
            db,
            people.group_id,
            gr.MeetingInput(held_on="2026-03-14", online=True, notes="x"),
            people.outsider,
        )


# --- reports --------------------------------------------------------------------------------


def _report(db: Session, people_group: int, who: Principal, practice_id: int) -> GroupReport:
    return gr.create_report(
        db,
        people_group,
        gr.ReportInput(
            title="Financing clusters",
            context="Why",
            findings="What we saw",
            citations=((practice_id, "Label-linked funding"),),
            recommendations=(
                ("Tie support to stages", "Ministries", "financing"),
                ("Open calls to partners abroad", "Agencies", "internationalisation"),
            ),
        ),
        who,
    )


@pytest.fixture
def practice_id(db: Session) -> int:
    author = make_principal(db, "author", "cluster_manager")
    validator = make_principal(db, "validator", "analyst")
    return published_practice(db, author, validator)


def test_the_report_goes_from_draft_through_review_to_publication(
    db: Session, practice_id: int
) -> None:
    people = make_group(db)
    report = _report(db, people.group_id, people.member, practice_id)
    gr.update_report(
        db,
        people.group_id,
        report.id,
        gr.ReportInput(
            title="Financing cluster organisations",
            citations=((practice_id, "Label-linked funding"),),
            recommendations=(("Tie support to stages", "Ministries", "financing"),),
        ),
        people.other,
    )
    assert gr.reports_citing(db, practice_id) == []
    with pytest.raises(PermissionDenied):
        gr.get_report(db, people.group_id, report.id, people.outsider)
    with pytest.raises(PermissionDenied):
        gr.get_report(db, people.group_id, report.id, ANONYMOUS)
    gr.transition_report(db, people.group_id, report.id, "submit", people.member)
    assert _notified(db, people.lead.user_id, "group.review") == 1
    with pytest.raises(Conflict):
        gr.update_report(
            db, people.group_id, report.id, gr.ReportInput(title="Late"), people.member
        )
    with pytest.raises(Conflict, match="approval"):
        gr.transition_report(db, people.group_id, report.id, "publish", people.lead)
    with pytest.raises(PermissionDenied):
        gr.transition_report(db, people.group_id, report.id, "approve", people.member)
    gr.transition_report(db, people.group_id, report.id, "approve", people.other)
    with pytest.raises(PermissionDenied):
        gr.transition_report(db, people.group_id, report.id, "publish", people.other)
    gr.transition_report(db, people.group_id, report.id, "publish", people.lead)
    assert report.state is ReportState.PUBLISHED
    public = gr.get_report(db, people.group_id, report.id, ANONYMOUS)
    assert [r.number for r in public.recommendations] == [1]
    assert [c.report_id for c in gr.reports_citing(db, practice_id)] == [report.id]
    events = db.scalars(
        select(GroupReportEvent)
        .where(GroupReportEvent.report_id == report.id)
        .order_by(GroupReportEvent.id)
    ).all()
    assert [(e.action, e.to_state.value) for e in events] == [
        ("create", "draft"),
        ("edit", "draft"),
        ("submit", "in_review"),
        ("approve", "in_review"),
        ("publish", "published"),
    ]
    assert events[0].content["title"] == "Financing clusters"  # type: ignore[index]
    assert events[1].content["title"] == "Financing cluster organisations"  # type: ignore[index]


def test_sending_back_needs_a_reason_and_a_validator_may_review(
    db: Session, practice_id: int
) -> None:
    people = make_group(db)
    report = _report(db, people.group_id, people.member, practice_id)
    gr.transition_report(db, people.group_id, report.id, "submit", people.member)
    with pytest.raises(InputError, match="reason"):
        gr.transition_report(db, people.group_id, report.id, "return", people.lead)
    with pytest.raises(PermissionDenied):
        gr.transition_report(db, people.group_id, report.id, "return", people.outsider, note="No")
    gr.transition_report(db, people.group_id, report.id, "return", people.lead, note="Cite more")
    assert (report.state, report.return_reason) == (ReportState.DRAFT, "Cite more")
    assert _notified(db, people.member.user_id, "group.returned") == 1
    gr.transition_report(db, people.group_id, report.id, "submit", people.member)
    validator = person(db, "validator-groups", "analyst", "SK", "SK01")
    assert gr.get_report(db, people.group_id, report.id, validator).state is ReportState.IN_REVIEW
    gr.transition_report(db, people.group_id, report.id, "approve", validator)
    gr.transition_report(db, people.group_id, report.id, "publish", people.lead)
    assert report.state is ReportState.PUBLISHED


@pytest.mark.parametrize(
    ("citations", "recommendations", "message"),
    [
        (((999999, ""),), (), "published good practice"),
        ((("x1", ""),), (), "practice id"),
        ((), (("Do it", "", "financing"),), "addressee"),
        ((), (("Do it", "Ministries", "astrology"),), "astrology"),
    ],
    ids=["unknown-practice", "bad-practice-id", "no-addressee", "unknown-theme"],
)
def test_bad_report_content_is_refused(
    db: Session,
    citations: tuple[tuple[object, str], ...],
    recommendations: tuple[tuple[str, str, str], ...],
    message: str,
) -> None:
    people = make_group(db)
    with pytest.raises(InputError, match=message):
        gr.create_report(
            db,
            people.group_id,
            gr.ReportInput(title="T", citations=citations, recommendations=recommendations),  # type: ignore[arg-type]
            people.member,
        )
    assert db.scalar(select(func.count()).select_from(GroupReport)) == 0


def test_a_draft_citing_an_unpublished_practice_is_refused(db: Session, practice_id: int) -> None:
    from tests.services._practice_helpers import practice_input

    from polisee.services import practices as pr

    people = make_group(db)
    draft = pr.create_practice(
        db, practice_input(), make_principal(db, "drafter", "cluster_manager")
    )
    with pytest.raises(InputError, match="published"):
        gr.create_report(
            db,
            people.group_id,
            gr.ReportInput(title="T", citations=((draft.id, ""),)),
            people.member,
        )


# --- demo -----------------------------------------------------------------------------------


def test_the_demo_groups_load_once(db: Session) -> None:
    from polisee.services import accounts
    from polisee.services.demo import DEMO_ADMIN_EMAIL, ensure_demo_admin
    from polisee.services.practices import load_demo_practices

    ensure_demo_admin(db)
    load_demo_practices(db, validator_email=DEMO_ADMIN_EMAIL)
    summary = gr.load_demo_groups(db, lead_email=DEMO_ADMIN_EMAIL)
    assert (summary.groups, summary.threads, summary.meetings, summary.reports) == (6, 2, 1, 1)
    assert gr.load_demo_groups(db, lead_email=DEMO_ADMIN_EMAIL).already_loaded
    groups = db.scalars(select(WorkingGroup)).all()
    assert sorted(g.theme_key or "" for g in groups) == sorted(gr.THEMES)
    assert all(g.demo and g.name.startswith("[demo]") for g in groups)
    [report] = db.scalars(select(GroupReport)).all()
    assert report.demo
    assert report.state is ReportState.PUBLISHED
    public = gr.get_report(db, report.group_id, report.id, ANONYMOUS)
    assert len(public.citations) == 3
    admin = accounts.find_user(db, DEMO_ADMIN_EMAIL)
    assert _notified(db, admin.id, "group.approved") == 1
    assert CLI_ACTOR.user_id is None

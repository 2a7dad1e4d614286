"""The validation workflow of practices: states, history, audit, notifications, who may act."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services._practice_helpers import (
    ANONYMOUS,
    make_principal,
    practice_input,
    published_practice,
)

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.audit import AuditEntry
from polisee.records.notifications import Notification
from polisee.records.practices import Practice, PracticeEvent, PracticeState
from polisee.services import practices as pr


def _events(db: Session, practice_id: int) -> list[tuple[str | None, str, str]]:
    rows = db.scalars(
        select(PracticeEvent)
        .where(PracticeEvent.practice_id == practice_id)
        .order_by(PracticeEvent.id)
    )
    return [
        (e.from_state.value if e.from_state else None, e.to_state.value, e.actor_label)
        for e in rows
    ]


def _notified(db: Session, user_id: int | None) -> list[str]:
    return list(
        db.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id)
        )
    )


def test_full_validation_keeps_history_audits_and_notifies(db: Session) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    validator = make_principal(db, "analyst", "analyst")
    admin = make_principal(db, "admin", "admin")
    practice = pr.create_practice(db, practice_input(), author)
    assert practice.state is PracticeState.DRAFT
    pr.submit_practice(db, practice.id, author)
    # Everyone who may validate hears of the submission; the author does not.
    assert _notified(db, validator.user_id) == ["practice.submitted"]
    assert _notified(db, admin.user_id) == ["practice.submitted"]
    assert _notified(db, author.user_id) == []
    pr.decide(db, practice.id, "review", validator, note="complete")
    pr.decide(db, practice.id, "publish", admin)
    db.flush()
    stored = db.get(Practice, practice.id)
    assert stored is not None
    assert stored.state is PracticeState.PUBLISHED
    assert (stored.reviewer_id, stored.publisher_id) == (validator.user_id, admin.user_id)
    assert stored.published_at is not None
    assert _events(db, practice.id) == [
        (None, "draft", "Manager"),
        ("draft", "submitted", "Manager"),
        ("submitted", "reviewed", "Analyst"),
        ("reviewed", "published", "Admin"),
    ]
    assert _notified(db, author.user_id) == ["practice.reviewed", "practice.published"]
    actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.entity == "practice")))
    assert actions == [
        "practice.create",
        "practice.submit",
        "practice.review",
        "practice.publish",
    ]


def test_a_validator_cannot_validate_their_own_practice(db: Session) -> None:
    analyst = make_principal(db, "analyst", "analyst")
    practice = pr.create_practice(db, practice_input(), analyst)
    pr.submit_practice(db, practice.id, analyst)
    with pytest.raises(PermissionDenied, match="own practice"):
        pr.decide(db, practice.id, "review", analyst)
    assert db.get(Practice, practice.id).state is PracticeState.SUBMITTED  # type: ignore[union-attr]


def test_rejection_needs_a_reason_and_allows_a_new_submission(db: Session) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    validator = make_principal(db, "analyst", "analyst")
    practice = pr.create_practice(db, practice_input(), author)
    pr.submit_practice(db, practice.id, author)
    with pytest.raises(InputError) as caught:
        pr.decide(db, practice.id, "reject", validator, note="  ")
    assert caught.value.field == "note"
    pr.decide(db, practice.id, "reject", validator, note="No source link for the figures.")
    assert practice.state is PracticeState.REJECTED
    assert practice.rejection_reason == "No source link for the figures."
    assert _notified(db, author.user_id) == ["practice.rejected"]
    note = db.scalars(
        select(Notification.params).where(Notification.user_id == author.user_id)
    ).one()
    assert note["reason"] == "No source link for the figures."
    # The author may correct and resubmit.
    pr.update_practice(db, practice.id, practice_input(summary="Now with a source."), author)
    pr.submit_practice(db, practice.id, author)
    assert practice.state is PracticeState.SUBMITTED
    assert practice.rejection_reason == ""


@pytest.mark.parametrize(
    ("decision", "state"),
    [("publish", "submitted"), ("review", "draft"), ("reject", "published")],
    ids=["publish-unreviewed", "review-draft", "reject-published"],
)
def test_decisions_out_of_order_are_conflicts(db: Session, decision: str, state: str) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    validator = make_principal(db, "analyst", "analyst")
    if state == "published":
        practice_id = published_practice(db, author, validator)
    else:
        practice_id = pr.create_practice(db, practice_input(), author).id
        if state == "submitted":
            pr.submit_practice(db, practice_id, author)
    with pytest.raises(Conflict):
        pr.decide(db, practice_id, decision, validator, note="x")


def test_only_validators_decide(db: Session) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    other = make_principal(db, "policy", "policy_maker")
    practice = pr.create_practice(db, practice_input(), author)
    pr.submit_practice(db, practice.id, author)
    with pytest.raises(PermissionDenied, match="practice:validate"):
        pr.decide(db, practice.id, "review", other)


def test_someone_elses_draft_cannot_be_edited_or_submitted(db: Session) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    other = make_principal(db, "policy", "policy_maker")
    practice = pr.create_practice(db, practice_input(), author)
    with pytest.raises(PermissionDenied):
        pr.update_practice(db, practice.id, practice_input(title="Taken over"), other)
    with pytest.raises(PermissionDenied):
        pr.submit_practice(db, practice.id, other)
    assert practice.title == "Cluster accreditation scheme"
    assert practice.state is PracticeState.DRAFT


def test_a_submitted_practice_is_locked_for_its_author(db: Session) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    practice = pr.create_practice(db, practice_input(), author)
    pr.submit_practice(db, practice.id, author)
    with pytest.raises(PermissionDenied):
        pr.update_practice(db, practice.id, practice_input(title="Changed"), author)


def test_visibility(db: Session) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    validator = make_principal(db, "analyst", "analyst")
    member = make_principal(db, "member", "member")
    draft = pr.create_practice(db, practice_input(title="Draft one"), author)
    with pytest.raises(PermissionDenied):
        pr.get_practice(db, draft.id, validator)
    with pytest.raises(PermissionDenied):
        pr.get_practice(db, draft.id, ANONYMOUS)
    assert pr.get_practice(db, draft.id, author).id == draft.id
    pr.submit_practice(db, draft.id, author)
    assert pr.get_practice(db, draft.id, validator).id == draft.id
    with pytest.raises(PermissionDenied):
        pr.get_practice(db, draft.id, member)
    public = published_practice(db, author, validator, title="Public one")
    assert pr.get_practice(db, public, ANONYMOUS).title == "Public one"
    with pytest.raises(NotFound):
        pr.get_practice(db, 9999, ANONYMOUS)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"instrument": "magic"}, "instrument"),
        ({"themes": ()}, "themes"),
        ({"themes": ("astrology",)}, "themes"),
        ({"regions": ("Hungary",)}, "regions"),
        ({"period_start": 2015, "period_end": 2010}, "period_end"),
        ({"budget_eur": "-5"}, "budget_eur"),
        ({"links": ({"title": "x", "url": "javascript:alert(1)"},)}, "links"),
        ({"result_figures": ({"label": "Firms", "value": "many"},)}, "result_figures"),
        ({"language": "xx"}, "language"),
    ],
    ids=[
        "empty-title",
        "instrument",
        "no-theme",
        "unknown-theme",
        "region",
        "period",
        "budget",
        "link-scheme",
        "figure",
        "language",
    ],
)
def test_bad_input_names_the_field(db: Session, changes: dict[str, object], field: str) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    with pytest.raises(InputError) as caught:
        pr.create_practice(db, practice_input(**changes), author)
    assert caught.value.field == field


def test_members_cannot_propose(db: Session) -> None:
    member = make_principal(db, "member", "member")
    with pytest.raises(PermissionDenied, match="practice:propose"):
        pr.create_practice(db, practice_input(), member)


def test_comments_and_questions_notify_the_author(db: Session) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    validator = make_principal(db, "analyst", "analyst")
    member = make_principal(db, "member", "member")
    practice_id = published_practice(db, author, validator)
    before = _notified(db, author.user_id)
    comment = pr.add_comment(db, practice_id, "Was the body independent?", member, kind="question")
    pr.add_comment(db, practice_id, "Yes, see the decree.", author)
    assert _notified(db, author.user_id) == [*before, "practice.question"]
    link = db.scalars(
        select(Notification.link).where(Notification.kind == "practice.question")
    ).one()
    assert link == f"/practices/{practice_id}#comment-{comment.id}"
    detail = pr.practice_detail(db, practice_id, member)
    assert [c.body for c in detail.practice.comments] == [
        "Was the body independent?",
        "Yes, see the decree.",
    ]
    with pytest.raises(InputError):
        pr.add_comment(db, practice_id, "   ", member)
    with pytest.raises(PermissionDenied):
        pr.add_comment(db, practice_id, "anonymous words", ANONYMOUS)


def test_detail_lists_the_decisions_open_to_the_principal(db: Session) -> None:
    author = make_principal(db, "manager", "cluster_manager")
    validator = make_principal(db, "analyst", "analyst")
    practice = pr.create_practice(db, practice_input(), author)
    pr.submit_practice(db, practice.id, author)
    seen = pr.practice_detail(db, practice.id, validator)
    assert seen.decisions == (pr.Decision.REVIEW, pr.Decision.REJECT)
    assert not seen.editable
    assert pr.practice_detail(db, practice.id, author).decisions == ()

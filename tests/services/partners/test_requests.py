"""Match requests: the flow, who reads a thread, and what administrators see (numbers only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services.partners._helpers import Org, make_org, make_profile, viewer

from polisee.errors import Conflict, InputError, PermissionDenied
from polisee.records.audit import AuditEntry
from polisee.records.notifications import Notification
from polisee.records.partners import MatchMessage, MatchRequest, MatchStatus
from polisee.services import partners as pt

SECRET = "Our confidential price list is attached"


@pytest.fixture
def two(db: Session) -> tuple[Org, Org, int, int]:
    alpha = make_org(db, "Alpha org", roles=("cluster_manager", "member"))
    beta = make_org(db, "Beta org", roles=("cluster_manager",))
    return alpha, beta, make_profile(db, alpha), make_profile(db, beta, region_code="AT22")


def _notes(db: Session, user_id: int) -> list[Notification]:
    return list(db.scalars(select(Notification).where(Notification.user_id == user_id)))


def test_request_accept_and_thread(db: Session, two: tuple[Org, Org, int, int]) -> None:
    alpha, beta, a, b = two
    sender = viewer(db, alpha.users["member"])
    request = pt.send_request(db, sender, from_profile_id=a, to_profile_id=b, message=SECRET)
    assert request.status == MatchStatus.PENDING
    # Beta's manager is told; the sender is not told about its own request.
    [note] = _notes(db, beta.users["cluster_manager"])
    assert (note.kind, note.link) == ("partners.request", f"/partners/requests/{request.id}")
    assert note.params == {"from": "Alpha org", "to": "Beta org"}
    assert _notes(db, alpha.users["member"]) == []
    with pytest.raises(Conflict):
        pt.send_request(
            db,
            viewer(db, beta.users["cluster_manager"]),
            from_profile_id=b,
            to_profile_id=a,
            message="Hi",
        )
    # The sender may not answer its own request.
    with pytest.raises(PermissionDenied):
        pt.answer_request(db, sender, request.id, "accept")
    receiver = viewer(db, beta.users["cluster_manager"])
    thread = pt.get_thread(db, receiver, request.id)
    assert (thread.side, thread.can_answer) == ("to", True)
    pt.answer_request(db, receiver, request.id, "accept")
    assert request.status == MatchStatus.ACCEPTED
    with pytest.raises(Conflict):
        pt.answer_request(db, receiver, request.id, "decline")
    pt.post_message(db, receiver, request.id, "Glad to hear from you.\nLet us meet.")
    lists = pt.list_requests(db, sender)
    [row] = lists.sent
    assert (row.other.id, row.messages, lists.received) == (b, 2, [])
    [received] = pt.list_requests(db, receiver).received
    assert received.request.status == MatchStatus.ACCEPTED
    messages = pt.get_thread(db, sender, request.id).messages
    assert [m.body for m in messages] == [SECRET, "Glad to hear from you.\nLet us meet."]
    kinds = sorted(n.kind for n in _notes(db, alpha.users["cluster_manager"]))
    assert kinds == ["partners.answer", "partners.message"]


def test_decline_closes_the_thread(db: Session, two: tuple[Org, Org, int, int]) -> None:
    alpha, beta, a, b = two
    request = pt.send_request(
        db,
        viewer(db, alpha.users["cluster_manager"]),
        from_profile_id=a,
        to_profile_id=b,
        message="Hello",
    )
    receiver = viewer(db, beta.users["cluster_manager"])
    pt.answer_request(db, receiver, request.id, "decline")
    with pytest.raises(Conflict):
        pt.post_message(db, receiver, request.id, "One more thing")
    with pytest.raises(InputError):
        pt.answer_request(db, receiver, request.id, "maybe")
    # A declined request no longer blocks a new one.
    again = pt.send_request(
        db, viewer(db, alpha.users["member"]), from_profile_id=a, to_profile_id=b, message="Again"
    )
    assert again.id != request.id


def test_outsiders_and_administrators_never_read_a_thread(
    db: Session, two: tuple[Org, Org, int, int]
) -> None:
    alpha, _, a, b = two
    request = pt.send_request(
        db, viewer(db, alpha.users["member"]), from_profile_id=a, to_profile_id=b, message=SECRET
    )
    agency = make_org(db, "Agency", kind="agency", roles=("admin", "policy_maker"))
    admin = viewer(db, agency.users["admin"])
    messages_before = db.scalars(select(MatchMessage.id)).all()
    for outsider in (admin, viewer(db, agency.users["policy_maker"])):
        with pytest.raises(PermissionDenied):
            pt.get_thread(db, outsider, request.id)
        with pytest.raises(PermissionDenied):
            pt.post_message(db, outsider, request.id, "Hello from outside")
        with pytest.raises(PermissionDenied):
            pt.answer_request(db, outsider, request.id, "accept")
    assert db.scalars(select(MatchMessage.id)).all() == messages_before
    assert db.get(MatchRequest, request.id).status == MatchStatus.PENDING  # type: ignore[union-attr]
    # Nobody sends for an organisation it does not belong to.
    with pytest.raises(PermissionDenied):
        pt.send_request(db, admin, from_profile_id=a, to_profile_id=b, message="Forged")
    # The audit log, which administrators read, keeps lengths, never message texts.
    details = " ".join(
        str(e.after)
        for e in db.scalars(select(AuditEntry).where(AuditEntry.entity.like("partner_match%")))
    )
    assert "message_length" in details
    assert SECRET not in details
    assert "confidential" not in details


def test_administrators_see_aggregate_numbers_only(
    db: Session, two: tuple[Org, Org, int, int]
) -> None:
    alpha, beta, a, b = two
    gamma = make_org(db, "Gamma org", roles=("cluster_manager",))
    c = make_profile(db, gamma)
    first = pt.send_request(
        db, viewer(db, alpha.users["member"]), from_profile_id=a, to_profile_id=b, message=SECRET
    )
    pt.send_request(
        db,
        viewer(db, gamma.users["cluster_manager"]),
        from_profile_id=c,
        to_profile_id=a,
        message="Hi",
    )
    first.created_at = first.created_at - timedelta(days=4)
    db.flush()
    pt.answer_request(db, viewer(db, beta.users["cluster_manager"]), first.id, "accept")
    agency = make_org(db, "Agency", kind="agency", roles=("admin", "analyst"))
    stats = pt.request_statistics(db, viewer(db, agency.users["admin"]))
    assert stats.total == 2
    assert stats.by_status == {"pending": 1, "accepted": 1, "declined": 0}
    assert stats.accepted_share == 1.0
    assert stats.median_days_to_answer == pytest.approx(4.0, abs=0.01)
    assert (stats.organisations, stats.messages) == (3, 2)
    # Alpha (HU) -> Beta (AT) crosses a border; Gamma (HU) -> Alpha (HU) does not.
    assert stats.international_share == 0.5
    assert sum(count for _, count in stats.by_month) == 2
    assert SECRET not in repr(stats)
    with pytest.raises(PermissionDenied):
        pt.request_statistics(db, viewer(db, agency.users["analyst"]))

"""Match requests: expressing interest, accepting or declining, a short message thread.

Only the people of the two organisations read a request and its messages; administrators
see aggregate numbers (:func:`request_statistics`) and never the texts, which are therefore
kept out of the audit log too (it records lengths). Nothing here commits.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Membership
from polisee.records.base import utcnow
from polisee.records.partners import MatchMessage, MatchRequest, MatchStatus, PartnerProfile
from polisee.records.permissions import Permission
from polisee.services.audit import record_change
from polisee.services.notifications import notify
from polisee.services.partners._access import visible_profile
from polisee.services.partners._model import PartnerViewer

__all__ = [
    "MAX_MESSAGE",
    "REQUEST_TEXTS",
    "RequestLists",
    "RequestRow",
    "RequestStatistics",
    "Thread",
    "answer_request",
    "get_thread",
    "list_requests",
    "post_message",
    "request_statistics",
    "send_request",
]

MAX_MESSAGE = 2000
MAX_MESSAGES = 200
# Notification texts (English msgids, translated when shown).
REQUEST_TEXTS = {
    "sent": "%(from)s is interested in cooperating with %(to)s.",
    "accepted": "%(to)s accepted the cooperation request of %(from)s.",
    "declined": "%(to)s declined the cooperation request of %(from)s.",
    "message": "New message from %(from)s about cooperation with %(to)s.",
}


def _body(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    clean = "\n".join(lines).strip()
    if not clean or len(clean) > MAX_MESSAGE:
        raise InputError(
            f"expected a message of 1 to {MAX_MESSAGE} characters, got {len(clean)}", field="body"
        )
    return clean


def _contact(viewer: PartnerViewer) -> None:
    if viewer.user_id is None or Permission.PARTNER_CONTACT not in viewer.permissions:
        raise PermissionDenied("sign in to contact partners")


def _people(session: Session, organisation_id: int, *, besides: int | None) -> list[int]:
    users = session.scalars(
        select(Membership.user_id).where(Membership.organisation_id == organisation_id)
    )
    return sorted({u for u in users if u != besides})


@dataclass(frozen=True)
class Thread:
    """A request seen by one of its sides: both profiles, the messages oldest first, which
    side the viewer speaks for (``from`` or ``to``) and whether they may answer."""

    request: MatchRequest
    from_profile: PartnerProfile
    to_profile: PartnerProfile
    messages: list[MatchMessage]
    side: str

    @property
    def can_answer(self) -> bool:
        """The receiving side answers a pending request."""
        return self.side == "to" and self.request.status == MatchStatus.PENDING

    @property
    def open(self) -> bool:
        """Messages are possible until the request is declined."""
        return self.request.status != MatchStatus.DECLINED


def _profiles(session: Session, request: MatchRequest) -> tuple[PartnerProfile, PartnerProfile]:
    first = session.get(PartnerProfile, request.from_profile_id)
    second = session.get(PartnerProfile, request.to_profile_id)
    assert first is not None
    assert second is not None
    return first, second


def _side(viewer: PartnerViewer, first: PartnerProfile, second: PartnerProfile) -> str:
    # Someone in both organisations speaks for the receiving side.
    if viewer.acts_for(second):
        return "to"
    if viewer.acts_for(first):
        return "from"
    raise PermissionDenied("only the two organisations of a request read it")


def get_thread(session: Session, viewer: PartnerViewer, request_id: int) -> Thread:
    """A request and its messages, for the people of its two organisations only."""
    _contact(viewer)
    request = session.get(MatchRequest, request_id)
    if request is None:
        raise NotFound(f"no match request with id {request_id}")
    first, second = _profiles(session, request)
    side = _side(viewer, first, second)
    messages = list(
        session.scalars(
            select(MatchMessage)
            .where(MatchMessage.request_id == request.id)
            .order_by(MatchMessage.created_at, MatchMessage.id)
        )
    )
    return Thread(request, first, second, messages, side)


def send_request(
    session: Session,
    viewer: PartnerViewer,
    *,
    from_profile_id: int,
    to_profile_id: int,
    message: str,
    score: float | None = None,
) -> MatchRequest:
    """Express interest on behalf of the viewer's organisation in another's profile."""
    _contact(viewer)
    sender = session.get(PartnerProfile, from_profile_id)
    if sender is None:
        raise NotFound(f"no partner profile with id {from_profile_id}")
    if not viewer.acts_for(sender):
        raise PermissionDenied("requests are sent for one's own organisation's profile")
    target = visible_profile(session, viewer, to_profile_id)
    if target.organisation_id == sender.organisation_id:
        raise InputError("choose another organisation's profile", field="to_profile_id")
    body = _body(message)
    open_statuses = (MatchStatus.PENDING, MatchStatus.ACCEPTED)
    clash = session.scalar(
        select(MatchRequest.id).where(
            MatchRequest.status.in_(open_statuses),
            or_(
                (MatchRequest.from_profile_id == sender.id)
                & (MatchRequest.to_profile_id == target.id),
                (MatchRequest.from_profile_id == target.id)
                & (MatchRequest.to_profile_id == sender.id),
            ),
        )
    )
    if clash is not None:
        raise Conflict("these two organisations have an open request already")
    request = MatchRequest(
        from_profile_id=sender.id,
        to_profile_id=target.id,
        sender_id=viewer.user_id,
        status=MatchStatus.PENDING,
        score=None if score is None else round(float(score), 4),
    )
    session.add(request)
    session.flush()
    session.add(
        MatchMessage(
            request_id=request.id, profile_id=sender.id, author_id=viewer.user_id, body=body
        )
    )
    session.flush()
    record_change(
        session,
        viewer.actor,
        "partner_request.send",
        "partner_match_request",
        request.id,
        after={
            "from_profile_id": sender.id,
            "to_profile_id": target.id,
            "status": request.status.value,
            "message_length": len(body),
        },
    )
    notify(
        session,
        _people(session, target.organisation_id, besides=viewer.user_id),
        kind="partners.request",
        text_key=REQUEST_TEXTS["sent"],
        params={"from": sender.name, "to": target.name},
        link=f"/partners/requests/{request.id}",
    )
    return request


def answer_request(
    session: Session, viewer: PartnerViewer, request_id: int, decision: str
) -> MatchRequest:
    """Accept or decline a pending request sent to the viewer's organisation."""
    if decision not in ("accept", "decline"):
        raise InputError(f"expected 'accept' or 'decline', got {decision!r}", field="decision")
    thread = get_thread(session, viewer, request_id)
    if thread.side != "to":
        raise PermissionDenied("only the organisation asked answers a request")
    request = thread.request
    if request.status != MatchStatus.PENDING:
        raise Conflict(f"this request was {request.status.value} already")
    request.status = MatchStatus.ACCEPTED if decision == "accept" else MatchStatus.DECLINED
    request.answered_at = utcnow()
    request.answered_by_id = viewer.user_id
    session.flush()
    record_change(
        session,
        viewer.actor,
        f"partner_request.{decision}",
        "partner_match_request",
        request.id,
        before={"status": MatchStatus.PENDING.value},
        after={"status": request.status.value},
    )
    notify(
        session,
        _people(session, thread.from_profile.organisation_id, besides=viewer.user_id),
        kind="partners.answer",
        text_key=REQUEST_TEXTS["accepted" if decision == "accept" else "declined"],
        params={"from": thread.from_profile.name, "to": thread.to_profile.name},
        link=f"/partners/requests/{request.id}",
    )
    return request


def post_message(
    session: Session, viewer: PartnerViewer, request_id: int, body: str
) -> MatchMessage:
    """Add a message to a request's thread (either side, until it is declined)."""
    thread = get_thread(session, viewer, request_id)
    if not thread.open:
        raise Conflict("this request was declined; its thread is closed")
    if len(thread.messages) >= MAX_MESSAGES:
        raise Conflict(f"a thread holds at most {MAX_MESSAGES} messages")
    text = _body(body)
    own = thread.to_profile if thread.side == "to" else thread.from_profile
    other = thread.from_profile if thread.side == "to" else thread.to_profile
    message = MatchMessage(
        request_id=thread.request.id, profile_id=own.id, author_id=viewer.user_id, body=text
    )
    session.add(message)
    session.flush()
    record_change(
        session,
        viewer.actor,
        "partner_request.message",
        "partner_match_message",
        message.id,
        after={"request_id": thread.request.id, "profile_id": own.id, "length": len(text)},
    )
    notify(
        session,
        _people(session, other.organisation_id, besides=viewer.user_id),
        kind="partners.message",
        text_key=REQUEST_TEXTS["message"],
        params={"from": own.name, "to": other.name},
        link=f"/partners/requests/{thread.request.id}",
    )
    return message


@dataclass(frozen=True)
class RequestRow:
    """A request in a list: the viewer's own profile, the other one, when it last moved."""

    request: MatchRequest
    own: PartnerProfile
    other: PartnerProfile
    messages: int
    last_activity: datetime


@dataclass(frozen=True)
class RequestLists:
    """The requests the viewer's organisations sent and received, newest activity first."""

    sent: list[RequestRow]
    received: list[RequestRow]


def list_requests(session: Session, viewer: PartnerViewer) -> RequestLists:
    """Sent and received requests of every organisation the viewer belongs to."""
    _contact(viewer)
    mine = {
        p.id: p
        for p in session.scalars(
            select(PartnerProfile).where(PartnerProfile.organisation_id.in_(viewer.organisations))
        )
    }
    if not mine:
        return RequestLists([], [])
    requests = list(
        session.scalars(
            select(MatchRequest).where(
                or_(
                    MatchRequest.from_profile_id.in_(list(mine)),
                    MatchRequest.to_profile_id.in_(list(mine)),
                )
            )
        )
    )
    ids = [r.id for r in requests]
    stats = (
        {
            rid: (count, last)
            for rid, count, last in session.execute(
                select(
                    MatchMessage.request_id,
                    func.count(MatchMessage.id),
                    func.max(MatchMessage.created_at),
                )
                .where(MatchMessage.request_id.in_(ids))
                .group_by(MatchMessage.request_id)
            )
        }
        if ids
        else {}
    )
    others = {
        p.id: p
        for p in session.scalars(
            select(PartnerProfile).where(
                PartnerProfile.id.in_(
                    [r.from_profile_id for r in requests] + [r.to_profile_id for r in requests]
                )
            )
        )
    }
    sent, received = [], []
    for request in requests:
        count, last = stats.get(request.id, (0, None))
        moments = [request.created_at, request.answered_at]
        if isinstance(last, datetime):
            moments.append(last if last.tzinfo else last.replace(tzinfo=request.created_at.tzinfo))
        latest = max(m for m in moments if m is not None)
        if request.to_profile_id in mine:
            received.append(
                RequestRow(
                    request,
                    mine[request.to_profile_id],
                    others[request.from_profile_id],
                    count,
                    latest,
                )
            )
        if request.from_profile_id in mine:
            sent.append(
                RequestRow(
                    request,
                    mine[request.from_profile_id],
                    others[request.to_profile_id],
                    count,
                    latest,
                )
            )
    return RequestLists(_newest_first(sent), _newest_first(received))


def _newest_first(rows: list[RequestRow]) -> list[RequestRow]:
    return sorted(rows, key=lambda r: (r.last_activity, r.request.id), reverse=True)


@dataclass(frozen=True)
class RequestStatistics:
    """Aggregate numbers of match requests, without any message or name."""

    total: int
    by_status: dict[str, int]
    accepted_share: float | None
    median_days_to_answer: float | None
    organisations: int
    messages: int
    by_month: list[tuple[str, int]]
    international_share: float | None


def request_statistics(
    session: Session, viewer: PartnerViewer, *, months: int = 12, now: datetime | None = None
) -> RequestStatistics:
    """How many requests were sent and how they were answered (``partner:monitor``)."""
    if Permission.PARTNER_MONITOR not in viewer.permissions:
        raise PermissionDenied("needs permission 'partner:monitor'")
    rows = session.execute(
        select(
            MatchRequest.status,
            MatchRequest.created_at,
            MatchRequest.answered_at,
            MatchRequest.from_profile_id,
            MatchRequest.to_profile_id,
        )
    ).all()
    countries = {
        row.id: row.country
        for row in session.execute(select(PartnerProfile.id, PartnerProfile.country))
    }
    by_status = Counter(status.value for status, *_ in rows)
    answered = by_status[MatchStatus.ACCEPTED.value] + by_status[MatchStatus.DECLINED.value]
    days = [
        (answered_at - created).total_seconds() / 86400
        for _, created, answered_at, _, _ in rows
        if answered_at is not None
    ]
    day = now or utcnow()
    current = day.year * 12 + day.month - 1
    labels = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(current - months + 1, current + 1)]
    month_counts = Counter(created.strftime("%Y-%m") for _, created, *_ in rows)
    crossing = [countries.get(a) != countries.get(b) for *_, a, b in rows]
    organisations = (
        set(
            session.scalars(
                select(PartnerProfile.organisation_id).where(
                    PartnerProfile.id.in_({r[3] for r in rows} | {r[4] for r in rows})
                )
            )
        )
        if rows
        else set()
    )
    messages = session.scalar(select(func.count(MatchMessage.id))) or 0
    return RequestStatistics(
        total=len(rows),
        by_status={s.value: by_status.get(s.value, 0) for s in MatchStatus},
        accepted_share=by_status[MatchStatus.ACCEPTED.value] / answered if answered else None,
        median_days_to_answer=statistics.median(days) if days else None,
        organisations=len(organisations),
        messages=messages,
        by_month=[(label, month_counts.get(label, 0)) for label in labels],
        international_share=sum(crossing) / len(crossing) if crossing else None,
    )

"""Peer review: reviewers from other regions comment per theme, the owner replies; every
message is kept as written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import User
from polisee.records.assessments import Reviewer, ReviewKind, ReviewMessage
from polisee.services.assessment._access import access
from polisee.services.audit import record_change
from polisee.services.sessions import Principal

__all__ = [
    "MAX_MESSAGE",
    "ReviewThread",
    "ReviewerView",
    "add_comment",
    "add_reply",
    "review_threads",
]

MAX_MESSAGE = 5000


def _body(text: str) -> str:
    body = text.strip()
    if not body:
        raise InputError("expected a message, got an empty one", field="body")
    if len(body) > MAX_MESSAGE:
        raise InputError(
            f"expected at most {MAX_MESSAGE} characters, got {len(body)}", field="body"
        )
    return body


def add_comment(
    session: Session, assessment_id: int, *, principal: Principal, theme_key: str, body: str
) -> ReviewMessage:
    """A reviewer's comment on one theme (invited reviewers only)."""
    found = access(session, assessment_id, principal)
    if found.reviewer is None:
        raise PermissionDenied("only invited peer reviewers comment on an assessment")
    if theme_key not in {t.key for t in found.definition.themes}:
        raise InputError(f"no theme {theme_key[:64]!r} in this framework", field="theme_key")
    message = ReviewMessage(
        assessment_id=assessment_id,
        theme_key=theme_key,
        kind=ReviewKind.COMMENT,
        author_id=principal.user_id,
        author_label=f"{principal.display_name} ({found.reviewer.region_code})",
        body=_body(body),
    )
    session.add(message)
    session.flush()
    record_change(
        session,
        principal.actor,
        "assessment.review_comment",
        "assessment",
        assessment_id,
        after={"message": message.id, "theme": theme_key, "body": message.body},
    )
    return message


def add_reply(
    session: Session, assessment_id: int, *, principal: Principal, comment_id: int, body: str
) -> ReviewMessage:
    """The owner's reply to a reviewer's comment; one reply per comment (Conflict after)."""
    found = access(session, assessment_id, principal)
    if not found.can_manage:
        raise PermissionDenied("only the owner of the assessment replies to reviewers")
    comment = session.get(ReviewMessage, comment_id)
    if (
        comment is None
        or comment.assessment_id != assessment_id
        or comment.kind != ReviewKind.COMMENT
    ):
        raise NotFound(f"no review comment {comment_id} on this assessment")
    if session.scalar(select(ReviewMessage.id).where(ReviewMessage.reply_to_id == comment.id)):
        raise Conflict("this comment has a reply already")
    message = ReviewMessage(
        assessment_id=assessment_id,
        theme_key=comment.theme_key,
        kind=ReviewKind.REPLY,
        reply_to_id=comment.id,
        author_id=principal.user_id,
        author_label=principal.display_name,
        body=_body(body),
    )
    session.add(message)
    session.flush()
    record_change(
        session,
        principal.actor,
        "assessment.review_reply",
        "assessment",
        assessment_id,
        after={"message": message.id, "reply_to": comment.id, "body": message.body},
    )
    return message


@dataclass(frozen=True)
class ReviewerView:
    """An invited reviewer as the overview lists them."""

    email: str
    display_name: str
    region_code: str
    invited_at: datetime


@dataclass(frozen=True)
class ReviewThread:
    """A theme's comments, each with the owner's reply if there is one, oldest first."""

    theme_key: str
    comments: tuple[tuple[ReviewMessage, ReviewMessage | None], ...]


def review_threads(
    session: Session, assessment_id: int, principal: Principal
) -> tuple[list[ReviewThread], list[ReviewerView]]:
    """The exchange per theme and the invited reviewers (for whoever may see the results)."""
    found = access(session, assessment_id, principal)
    if not found.can_view_results:
        raise PermissionDenied("the peer review is not shared with you")
    messages = list(
        session.scalars(
            select(ReviewMessage)
            .where(ReviewMessage.assessment_id == assessment_id)
            .order_by(ReviewMessage.created_at, ReviewMessage.id)
        )
    )
    replies = {m.reply_to_id: m for m in messages if m.kind == ReviewKind.REPLY}
    threads = []
    for theme in found.definition.themes:
        comments = tuple(
            (m, replies.get(m.id))
            for m in messages
            if m.kind == ReviewKind.COMMENT and m.theme_key == theme.key
        )
        threads.append(ReviewThread(theme.key, comments))
    reviewers = [
        ReviewerView(email, name, region, invited)
        for email, name, region, invited in session.execute(
            select(User.email, User.display_name, Reviewer.region_code, Reviewer.invited_at)
            .join(User, User.id == Reviewer.user_id)
            .where(Reviewer.assessment_id == assessment_id)
            .order_by(Reviewer.invited_at)
        ).all()
    ]
    return threads, reviewers

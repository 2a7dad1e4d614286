"""Writing practices and the two-stage validation: draft -> submitted -> reviewed -> published,
or rejected with a reason; each step a history event, an audit entry and notifications."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Membership, User
from polisee.records.base import utcnow
from polisee.records.practices import (
    CommentKind,
    Practice,
    PracticeComment,
    PracticeEvent,
    PracticeRegion,
    PracticeState,
    PracticeTheme,
)
from polisee.services.audit import record_change, snapshot
from polisee.services.notifications import notify
from polisee.services.permissions import ROLE_PERMISSIONS, Permission, check_permission
from polisee.services.practices._model import (
    PracticeInput,
    can_edit,
    can_view,
    search_texts,
)
from polisee.services.sessions import Principal

__all__ = [
    "NOTIFICATION_TEXTS",
    "Decision",
    "PracticeDetail",
    "add_comment",
    "create_practice",
    "decide",
    "get_practice",
    "practice_detail",
    "submit_practice",
    "update_practice",
]

# Notification text keys (English msgids, translated when shown) by kind.
NOTIFICATION_TEXTS: dict[str, str] = {
    "practice.submitted": "“%(title)s” was submitted for validation by %(who)s.",
    "practice.reviewed": "Your practice “%(title)s” was reviewed by %(who)s and awaits publication.",
    "practice.published": "Your practice “%(title)s” was published by %(who)s.",
    "practice.rejected": "Your practice “%(title)s” was rejected by %(who)s: %(reason)s",
    "practice.comment": "%(who)s commented on “%(title)s”.",
    "practice.question": "%(who)s asked a question on “%(title)s”.",
}
_AUDITED = (
    "title",
    "instrument",
    "organisation",
    "period_start",
    "period_end",
    "budget_eur",
    "language",
    "state",
)
_COMMENT_LIMIT = 5000


class Decision(StrEnum):
    """What a validator decides on a practice in validation."""

    REVIEW = "review"
    PUBLISH = "publish"
    REJECT = "reject"


# decision -> (states it applies to, state it leads to, notification kind)
_DECISIONS: dict[Decision, tuple[frozenset[PracticeState], PracticeState, str]] = {
    Decision.REVIEW: (
        frozenset({PracticeState.SUBMITTED}),
        PracticeState.REVIEWED,
        "practice.reviewed",
    ),
    Decision.PUBLISH: (
        frozenset({PracticeState.REVIEWED}),
        PracticeState.PUBLISHED,
        "practice.published",
    ),
    Decision.REJECT: (
        frozenset({PracticeState.SUBMITTED, PracticeState.REVIEWED}),
        PracticeState.REJECTED,
        "practice.rejected",
    ),
}


def _who(principal: Principal) -> str:
    return principal.display_name or principal.email or "cli"


def _load(session: Session, practice_id: int, *, full: bool = False) -> Practice:
    query = select(Practice).where(Practice.id == practice_id)
    options = [selectinload(Practice.regions), selectinload(Practice.themes)]
    if full:
        options += [
            selectinload(Practice.attachments),
            selectinload(Practice.events),
            selectinload(Practice.comments),
        ]
    practice = session.scalar(query.options(*options))
    if practice is None:
        raise NotFound(f"no practice with id {practice_id}")
    return practice


def get_practice(
    session: Session, practice_id: int, principal: Principal, *, full: bool = False
) -> Practice:
    """The practice with its regions and themes (and with ``full`` its attachments, history
    and comments); NotFound if absent, PermissionDenied if the principal may not see it."""
    practice = _load(session, practice_id, full=full)
    if not can_view(practice, principal):
        raise PermissionDenied(f"practice {practice_id} is not published")
    return practice


def _event(
    session: Session,
    practice: Practice,
    principal: Principal,
    from_state: PracticeState | None,
    note: str = "",
) -> None:
    session.add(
        PracticeEvent(
            practice_id=practice.id,
            actor_id=principal.user_id,
            actor_label=_who(principal),
            from_state=from_state,
            to_state=practice.state,
            note=note,
        )
    )


def _apply(session: Session, practice: Practice, values: dict[str, Any]) -> None:
    themes, regions = values.pop("themes"), values.pop("regions")
    for name, value in values.items():
        setattr(practice, name, value)
    practice.search_title, practice.search_body = search_texts({**values, "themes": themes})
    # Kept rows stay: deleting and re-inserting the same key in one flush would collide.
    practice.themes = [t for t in practice.themes if t.theme in themes] + [
        PracticeTheme(theme=t) for t in themes if t not in {x.theme for x in practice.themes}
    ]
    practice.regions = [r for r in practice.regions if r.region_code in regions] + [
        PracticeRegion(region_code=r)
        for r in regions
        if r not in {x.region_code for x in practice.regions}
    ]
    practice.updated_at = utcnow()


def _audit_view(practice: Practice) -> dict[str, Any]:
    view = snapshot(practice, _AUDITED)
    view["themes"] = [t.theme for t in practice.themes]
    view["regions"] = [r.region_code for r in practice.regions]
    return view


def create_practice(
    session: Session, data: PracticeInput, principal: Principal, *, demo: bool = False
) -> Practice:
    """A new draft by the principal (needs ``practice:propose``)."""
    check_permission(principal.permissions, Permission.PRACTICE_PROPOSE)
    values = data.checked()
    practice = Practice(author_id=principal.user_id, state=PracticeState.DRAFT, demo=demo)
    practice.themes, practice.regions = [], []
    _apply(session, practice, values)
    session.add(practice)
    session.flush()
    _event(session, practice, principal, None)
    record_change(
        session,
        principal.actor,
        "practice.create",
        "practice",
        practice.id,
        after=_audit_view(practice),
    )
    return practice


def update_practice(
    session: Session, practice_id: int, data: PracticeInput, principal: Principal
) -> Practice:
    """Replace the practice's content; only its author, while a draft or rejected."""
    practice = _load(session, practice_id)
    if not can_edit(practice, principal):
        raise PermissionDenied(
            f"practice {practice_id} can be edited only by its author while it is a draft "
            "or rejected"
        )
    before = _audit_view(practice)
    _apply(session, practice, data.checked())
    session.flush()
    record_change(
        session,
        principal.actor,
        "practice.update",
        "practice",
        practice.id,
        before=before,
        after=_audit_view(practice),
    )
    return practice


def _validator_ids(session: Session, exclude: int | None) -> list[int]:
    roles = [
        r for r, allowed in ROLE_PERMISSIONS.items() if Permission.PRACTICE_VALIDATE in allowed
    ]
    ids = session.scalars(
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.role.in_(roles), User.active.is_(True))
        .distinct()
    )
    return [i for i in ids if i != exclude]


def _link(practice: Practice) -> str:
    return f"/practices/{practice.id}"


def submit_practice(session: Session, practice_id: int, principal: Principal) -> Practice:
    """Send a draft (or a rejected practice) to validation; the validators are notified."""
    practice = _load(session, practice_id)
    if not can_edit(practice, principal):
        raise PermissionDenied(
            f"practice {practice_id} can be submitted only by its author while it is a draft "
            "or rejected"
        )
    before = practice.state
    practice.state = PracticeState.SUBMITTED
    practice.rejection_reason = ""
    practice.updated_at = utcnow()
    _event(session, practice, principal, before)
    record_change(
        session,
        principal.actor,
        "practice.submit",
        "practice",
        practice.id,
        before={"state": before.value},
        after={"state": practice.state.value},
    )
    notify(
        session,
        _validator_ids(session, exclude=practice.author_id),
        kind="practice.submitted",
        text_key=NOTIFICATION_TEXTS["practice.submitted"],
        params={"title": practice.title, "who": _who(principal)},
        link=_link(practice),
    )
    return practice


def decide(
    session: Session,
    practice_id: int,
    decision: Decision | str,
    principal: Principal,
    *,
    note: str = "",
) -> Practice:
    """A validator reviews, publishes or rejects (a reason is required) a practice.

    Needs ``practice:validate``; nobody validates their own practice (PermissionDenied);
    a decision that does not fit the current state is a Conflict.
    """
    check_permission(principal.permissions, Permission.PRACTICE_VALIDATE)
    try:
        decision = Decision(decision)
    except ValueError:
        choices = ", ".join(d.value for d in Decision)
        raise InputError(f"expected one of {choices}, got {decision!r}", field="decision") from None
    practice = _load(session, practice_id)
    if principal.user_id is not None and practice.author_id == principal.user_id:
        raise PermissionDenied("a validator cannot validate their own practice")
    allowed_from, target, kind = _DECISIONS[decision]
    if practice.state not in allowed_from:
        raise Conflict(
            f"cannot {decision.value} practice {practice_id}: it is {practice.state.value}"
        )
    text = note.strip()
    if len(text) > _COMMENT_LIMIT:
        raise InputError(
            f"expected at most {_COMMENT_LIMIT} characters, got {len(text)}", field="note"
        )
    if decision is Decision.REJECT and not text:
        raise InputError("a rejection needs a reason", field="note")
    before = practice.state
    practice.state = target
    practice.updated_at = utcnow()
    if decision is Decision.REVIEW:
        practice.reviewer_id = principal.user_id
    elif decision is Decision.PUBLISH:
        practice.publisher_id = principal.user_id
        practice.published_at = utcnow()
    else:
        practice.rejection_reason = text
    _event(session, practice, principal, before, text)
    record_change(
        session,
        principal.actor,
        f"practice.{decision.value}",
        "practice",
        practice.id,
        before={"state": before.value},
        after={"state": target.value, "note": text},
    )
    if practice.author_id is not None:
        notify(
            session,
            [practice.author_id],
            kind=kind,
            text_key=NOTIFICATION_TEXTS[kind],
            params={"title": practice.title, "who": _who(principal), "reason": text},
            link=_link(practice),
        )
    return practice


def add_comment(
    session: Session,
    practice_id: int,
    body: str,
    principal: Principal,
    *,
    kind: CommentKind | str = CommentKind.COMMENT,
) -> PracticeComment:
    """A comment or question on a practice the principal can see; the author is notified."""
    check_permission(principal.permissions, Permission.PRACTICE_COMMENT)
    practice = get_practice(session, practice_id, principal)
    text = body.replace("\r\n", "\n").strip()
    if not text or len(text) > _COMMENT_LIMIT:
        raise InputError(
            f"expected 1 to {_COMMENT_LIMIT} characters, got {len(text)}", field="body"
        )
    try:
        kind = CommentKind(kind)
    except ValueError:
        raise InputError(f"expected comment or question, got {kind!r}", field="kind") from None
    comment = PracticeComment(
        practice_id=practice.id,
        author_id=principal.user_id,
        author_label=_who(principal),
        kind=kind,
        body=text,
    )
    session.add(comment)
    session.flush()
    record_change(
        session,
        principal.actor,
        "practice.comment",
        "practice_comment",
        comment.id,
        after={"practice": practice.id, "kind": kind.value, "body": text},
    )
    if practice.author_id is not None and practice.author_id != principal.user_id:
        key = f"practice.{kind.value}"
        notify(
            session,
            [practice.author_id],
            kind=key,
            text_key=NOTIFICATION_TEXTS[key],
            params={"title": practice.title, "who": _who(principal)},
            link=f"{_link(practice)}#comment-{comment.id}",
        )
    return comment


@dataclass(frozen=True)
class PracticeDetail:
    """A practice with everything its page shows and what the principal may do with it."""

    practice: Practice
    author: str
    editable: bool
    decisions: tuple[Decision, ...]
    can_comment: bool


def practice_detail(session: Session, practice_id: int, principal: Principal) -> PracticeDetail:
    """The practice (fully loaded) and the actions open to the principal."""
    practice = get_practice(session, practice_id, principal, full=True)
    author = ""
    if practice.author_id is not None:
        user = session.get(User, practice.author_id)
        author = user.display_name if user is not None else ""
    decisions: tuple[Decision, ...] = ()
    if (
        Permission.PRACTICE_VALIDATE in principal.permissions
        and principal.user_id is not None
        and practice.author_id != principal.user_id
    ):
        decisions = tuple(d for d, (states, _, _) in _DECISIONS.items() if practice.state in states)
    return PracticeDetail(
        practice=practice,
        author=author,
        editable=can_edit(practice, principal),
        decisions=decisions,
        can_comment=Permission.PRACTICE_COMMENT in principal.permissions,
    )

"""Good practices pinned to an assessment's weak criteria: what the region's team keeps
from the recommendations, to take into its action plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.assessments import PinnedPractice
from polisee.records.practices import Practice, PracticeState
from polisee.services.assessment._access import Access, access
from polisee.services.audit import record_change
from polisee.services.sessions import Principal

__all__ = ["MAX_NOTE", "PinView", "can_pin", "pin_practice", "pinned_practices", "unpin_practice"]

MAX_NOTE = 1000


@dataclass(frozen=True)
class PinView:
    """A pinned practice as the results page lists it."""

    id: int
    practice_id: int
    title: str
    criterion_key: str
    note: str
    pinned_at: datetime


def can_pin(found: Access) -> bool:
    """The assessment's owner and the editors of its organisation keep practices for it."""
    return found.can_edit and (found.owner or found.colleague)


def _pinner(session: Session, assessment_id: int, principal: Principal) -> Access:
    found = access(session, assessment_id, principal)
    if not can_pin(found):
        raise PermissionDenied("only the assessment's owner and its organisation pin practices")
    return found


def pin_practice(
    session: Session,
    assessment_id: int,
    *,
    principal: Principal,
    practice_id: int,
    criterion_key: str,
    note: str = "",
) -> PinnedPractice:
    """Keep a published practice for one criterion of the assessment.

    Raises
    ------
    InputError
        No such criterion in the assessment's framework, or a note over :data:`MAX_NOTE`.
    NotFound
        No published practice ``practice_id``.
    Conflict
        The practice is pinned to that criterion already.
    """
    found = _pinner(session, assessment_id, principal)
    if criterion_key not in {c.key for c in found.definition.criteria}:
        raise InputError(
            f"no criterion {criterion_key[:64]!r} in this framework", field="criterion_key"
        )
    text = note.strip()
    if len(text) > MAX_NOTE:
        raise InputError(f"expected at most {MAX_NOTE} characters, got {len(text)}", field="note")
    practice = session.get(Practice, practice_id)
    if practice is None or practice.state is not PracticeState.PUBLISHED:
        raise NotFound(f"no published practice {practice_id}")
    pin = PinnedPractice(
        assessment_id=assessment_id,
        practice_id=practice_id,
        criterion_key=criterion_key,
        note=text,
        pinned_by_id=principal.user_id,
    )
    try:
        with session.begin_nested():
            session.add(pin)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"practice {practice_id} is pinned to {criterion_key} already") from exc
    record_change(
        session,
        principal.actor,
        "assessment.pin_practice",
        "assessment",
        assessment_id,
        after={"pin": pin.id, "practice": practice_id, "criterion": criterion_key, "note": text},
    )
    return pin


def unpin_practice(
    session: Session, assessment_id: int, pin_id: int, *, principal: Principal
) -> None:
    """Drop a pinned practice (the audit log keeps that it was pinned)."""
    _pinner(session, assessment_id, principal)
    pin = session.get(PinnedPractice, pin_id)
    if pin is None or pin.assessment_id != assessment_id:
        raise NotFound(f"no pinned practice {pin_id} on assessment {assessment_id}")
    before = {"pin": pin.id, "practice": pin.practice_id, "criterion": pin.criterion_key}
    session.delete(pin)
    session.flush()
    record_change(
        session,
        principal.actor,
        "assessment.unpin_practice",
        "assessment",
        assessment_id,
        before=before,
    )


def pinned_practices(
    session: Session, assessment_id: int, *, principal: Principal
) -> list[PinView]:
    """The practices kept for the assessment, for whoever may see its results."""
    found = access(session, assessment_id, principal)
    if not found.can_view_results:
        raise PermissionDenied("these results are not open to you")
    rows = session.execute(
        select(PinnedPractice, Practice.title)
        .join(Practice, Practice.id == PinnedPractice.practice_id)
        .where(PinnedPractice.assessment_id == assessment_id)
        .order_by(PinnedPractice.criterion_key, PinnedPractice.id)
    ).all()
    return [
        PinView(
            id=pin.id,
            practice_id=pin.practice_id,
            title=title,
            criterion_key=pin.criterion_key,
            note=pin.note,
            pinned_at=pin.pinned_at,
        )
        for pin, title in rows
    ]

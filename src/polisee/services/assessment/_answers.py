"""Answers: saved as drafts, resumed, submitted and then locked.

Each respondent writes only its own rows, one per criterion, with a single
insert-or-update statement that changes a row only while it is a draft. Parallel saves by
different respondents therefore never touch each other's rows, and a second submit of a
locked answer (even racing the first) finds no draft to change and raises Conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, PermissionDenied
from polisee.records.assessments import Answer, AnswerStatus, AssessmentStatus, Respondent
from polisee.records.base import utcnow
from polisee.services.assessment._access import Access, access
from polisee.services.assessment._definition import FrameworkDefinition
from polisee.services.audit import Actor, record_change
from polisee.services.sessions import Principal

__all__ = [
    "MAX_TEXT",
    "AnswerInput",
    "AnswerView",
    "Questionnaire",
    "answers_of",
    "questionnaire",
    "save_answers",
    "write_answers",
]

MAX_TEXT = 5000


@dataclass(frozen=True)
class AnswerInput:
    """What a respondent enters for one criterion; ``score`` None means not scored yet."""

    score: int | None
    evidence: str = ""
    comment: str = ""


@dataclass(frozen=True)
class AnswerView:
    """A stored answer as the questionnaire shows it."""

    criterion_key: str
    score: int | None
    evidence: str
    comment: str
    status: AnswerStatus
    updated_at: datetime | None
    submitted_at: datetime | None

    @property
    def locked(self) -> bool:
        return self.status == AnswerStatus.SUBMITTED


@dataclass(frozen=True)
class Questionnaire:
    """One respondent's questionnaire: the framework and the answers saved so far."""

    access: Access
    definition: FrameworkDefinition
    answers: dict[str, AnswerView]

    @property
    def submitted(self) -> int:
        return sum(1 for a in self.answers.values() if a.locked)

    @property
    def drafts(self) -> int:
        return sum(1 for a in self.answers.values() if not a.locked)

    @property
    def complete(self) -> bool:
        return self.submitted >= len(self.definition.criteria)


def answers_of(session: Session, respondent_id: int) -> dict[str, AnswerView]:
    """The respondent's stored answers by criterion key."""
    return _answers(session, respondent_id)


def _answers(session: Session, respondent_id: int) -> dict[str, AnswerView]:
    rows = session.execute(
        select(
            Answer.criterion_key,
            Answer.score,
            Answer.evidence,
            Answer.comment,
            Answer.status,
            Answer.updated_at,
            Answer.submitted_at,
        ).where(Answer.respondent_id == respondent_id)
    ).all()
    return {row.criterion_key: AnswerView(*row) for row in rows}


def _respondent_access(session: Session, assessment_id: int, principal: Principal) -> Access:
    found = access(session, assessment_id, principal)
    if found.respondent is None:
        raise PermissionDenied("you are not invited to answer this assessment")
    return found


def questionnaire(session: Session, assessment_id: int, principal: Principal) -> Questionnaire:
    """The principal's questionnaire with their saved answers (respondents only)."""
    found = _respondent_access(session, assessment_id, principal)
    assert found.respondent is not None
    return Questionnaire(found, found.definition, _answers(session, found.respondent.id))


def _clean(
    definition: FrameworkDefinition, answers: Mapping[str, AnswerInput]
) -> dict[str, AnswerInput]:
    keys = {c.key for c in definition.criteria}
    out: dict[str, AnswerInput] = {}
    for key, given in answers.items():
        if key not in keys:
            raise InputError(f"no criterion {key[:64]!r} in this framework", field=key[:64])
        if given.score is not None and not 0 <= given.score <= definition.max_score:
            raise InputError(
                f"expected a score from 0 to {definition.max_score}, got {given.score}",
                field=f"{key}.score",
            )
        for name, text in (("evidence", given.evidence), ("comment", given.comment)):
            if len(text) > MAX_TEXT:
                raise InputError(
                    f"expected at most {MAX_TEXT} characters, got {len(text)}",
                    field=f"{key}.{name}",
                )
        out[key] = AnswerInput(given.score, given.evidence.strip(), given.comment.strip())
    return out


def _upsert(session: Session, values: dict[str, Any]) -> int | None:
    """Insert the answer, or update it if it is still a draft; the row id, or None if locked."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Answer).values(**values)
    changed = {
        k: statement.excluded[k] for k in values if k not in ("respondent_id", "criterion_key")
    }
    upsert = statement.on_conflict_do_update(
        index_elements=[Answer.respondent_id, Answer.criterion_key],
        set_=changed,
        where=Answer.status == AnswerStatus.DRAFT,
    ).returning(Answer.id)
    return session.execute(upsert).scalar_one_or_none()


def save_answers(
    session: Session,
    assessment_id: int,
    *,
    principal: Principal,
    answers: Mapping[str, AnswerInput],
    submit: bool = False,
    complete: bool = False,
) -> dict[str, AnswerView]:
    """Save the principal's answers as drafts, or submit (and lock) them.

    With ``complete`` every criterion not submitted yet must be among ``answers``: the
    questionnaire is submitted as a whole. Raises PermissionDenied for someone not invited,
    InputError for a bad score or a missing one on submit, and Conflict when the
    assessment is closed or an answer given is submitted already. Returns the
    respondent's answers after the change.
    """
    found = _respondent_access(session, assessment_id, principal)
    assert found.respondent is not None
    return write_answers(
        session,
        found,
        found.respondent,
        principal.actor,
        answers,
        submit=submit,
        complete=complete,
        claim=principal.user_id,
    )


def write_answers(
    session: Session,
    found: Access,
    respondent: Respondent,
    actor: Actor,
    answers: Mapping[str, AnswerInput],
    *,
    submit: bool,
    complete: bool,
    claim: int | None = None,
) -> dict[str, AnswerView]:
    """Save or submit ``respondent``'s answers (the checks of :func:`save_answers`), by
    ``actor``; ``claim`` is the signed-in user a still unclaimed invitation passes to."""
    if found.assessment.status != AssessmentStatus.OPEN:
        raise Conflict("the assessment is closed; answers can no longer change")
    before = _answers(session, respondent.id)
    clean = _clean(found.definition, answers)
    locked = {k for k, view in before.items() if view.locked}
    if submit:
        unscored = [k for k, given in clean.items() if given.score is None and k not in locked]
        if complete:
            unscored += [
                c.key
                for c in found.definition.criteria
                if c.key not in clean and c.key not in locked
            ]
        if unscored:
            raise InputError(
                "choose a score for every criterion before submitting (0 if you have no "
                f"information); missing: {', '.join(unscored)}",
                field=unscored[0],
            )
    if not clean:
        if len(locked) >= len(found.definition.criteria):
            raise Conflict("every answer is submitted already")
        raise InputError("no answers were given", field="answers")
    if respondent.user_id is None and claim is not None:
        respondent.user_id = claim
    now = utcnow()
    for key, given in clean.items():
        if key in locked:
            raise Conflict(f"the answer to {key} was submitted and is locked")
        row = _upsert(
            session,
            {
                "respondent_id": respondent.id,
                "criterion_key": key,
                "score": given.score,
                "evidence": given.evidence,
                "comment": given.comment,
                "status": AnswerStatus.SUBMITTED if submit else AnswerStatus.DRAFT,
                "updated_at": now,
                "submitted_at": now if submit else None,
            },
        )
        if row is None:
            raise Conflict(f"the answer to {key} was submitted and is locked")

    def plain(view: AnswerView | AnswerInput | None) -> dict[str, Any] | None:
        if view is None:
            return None
        return {"score": view.score, "evidence": view.evidence, "comment": view.comment}

    record_change(
        session,
        actor,
        "assessment.answers_submit" if submit else "assessment.answers_save",
        "assessment_respondent",
        respondent.id,
        before={k: plain(before.get(k)) for k in clean},
        after={
            k: {**(plain(v) or {}), "status": "submitted" if submit else "draft"}
            for k, v in clean.items()
        },
    )
    return _answers(session, respondent.id)

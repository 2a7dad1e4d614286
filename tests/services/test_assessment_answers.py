"""Answers: draft, resume, submit, locked; who may answer; parallel respondents."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services._assessment import all_answers, person, principal_of, scenario

from polisee.errors import Conflict, InputError, PermissionDenied
from polisee.records.assessments import Answer, AnswerStatus, Respondent
from polisee.records.audit import AuditEntry
from polisee.records.db import make_engine, make_session_factory
from polisee.services import assessment as sa
from polisee.services.sessions import Principal


def _rows(db: Session) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in db.execute(
            select(
                Answer.respondent_id,
                Answer.criterion_key,
                Answer.score,
                Answer.evidence,
                Answer.status,
            ).order_by(Answer.respondent_id, Answer.criterion_key)
        ).all()
    ]


def test_draft_resume_submit_then_locked(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    sa.save_answers(
        db,
        aid,
        principal=case.public_a,
        answers={"rd_strategy": sa.AnswerInput(2, "first look", "")},
    )
    db.commit()
    # Resumed later: the draft is there and can change.
    form = sa.questionnaire(db, aid, case.public_a)
    assert form.answers["rd_strategy"].score == 2
    assert form.answers["rd_strategy"].status == AnswerStatus.DRAFT
    assert (form.submitted, form.drafts, form.complete) == (0, 1, False)
    sa.save_answers(
        db,
        aid,
        principal=case.public_a,
        answers={
            "rd_strategy": sa.AnswerInput(3, "the strategy, p. 12", "  better than I thought ")
        },
        submit=True,
    )
    db.commit()
    locked = sa.questionnaire(db, aid, case.public_a).answers["rd_strategy"]
    assert (locked.score, locked.evidence, locked.comment, locked.locked) == (
        3,
        "the strategy, p. 12",
        "better than I thought",
        True,
    )
    assert locked.submitted_at is not None
    before = _rows(db)
    for submit in (True, False):
        with pytest.raises(Conflict, match="rd_strategy was submitted and is locked"):
            sa.save_answers(
                db,
                aid,
                principal=case.public_a,
                answers={"rd_strategy": sa.AnswerInput(5)},
                submit=submit,
            )
        db.rollback()
    assert _rows(db) == before
    audit = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "assessment_respondent")
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in audit] == ["assessment.answers_save", "assessment.answers_submit"]
    assert audit[1].before == {"rd_strategy": {"score": 2, "evidence": "first look", "comment": ""}}
    assert audit[1].after["rd_strategy"]["status"] == "submitted"


def test_submitting_the_whole_questionnaire_needs_every_score(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    answers = all_answers(db, aid, 3)
    answers["job_creation"] = sa.AnswerInput(None, "not sure")
    del answers["talent_attraction"]
    with pytest.raises(InputError) as caught:
        sa.save_answers(
            db, aid, principal=case.business, answers=answers, submit=True, complete=True
        )
    assert "missing: job_creation, talent_attraction" in caught.value.message
    assert caught.value.field == "job_creation"
    db.rollback()
    assert _rows(db) == []
    answers["job_creation"] = sa.AnswerInput(0, "no information")
    answers["talent_attraction"] = sa.AnswerInput(4)
    sa.save_answers(db, aid, principal=case.business, answers=answers, submit=True, complete=True)
    db.commit()
    assert sa.questionnaire(db, aid, case.business).complete
    with pytest.raises(Conflict, match="every answer is submitted already"):
        sa.save_answers(db, aid, principal=case.business, answers={}, submit=True, complete=True)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"rd_strategy": sa.AnswerInput(6)}, "rd_strategy.score"),
        ({"rd_strategy": sa.AnswerInput(-1)}, "rd_strategy.score"),
        ({"no_such_criterion": sa.AnswerInput(3)}, "no_such_criterion"),
        ({"rd_strategy": sa.AnswerInput(3, "x" * 5001)}, "rd_strategy.evidence"),
        ({}, "answers"),
    ],
    ids=["above-scale", "below-scale", "unknown-criterion", "evidence-too-long", "nothing"],
)
def test_bad_answers_are_refused_and_nothing_is_written(
    db: Session, answers: dict[str, sa.AnswerInput], field: str
) -> None:
    case = scenario(db)
    with pytest.raises(InputError) as caught:
        sa.save_answers(db, case.assessment_id, principal=case.public_a, answers=answers)
    assert caught.value.field == field
    db.rollback()
    assert _rows(db) == []


def test_only_invited_respondents_answer_and_only_while_open(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    for stranger in (case.outsider, case.owner):
        with pytest.raises(PermissionDenied, match="not invited"):
            sa.save_answers(db, aid, principal=stranger, answers={"rd_strategy": sa.AnswerInput(3)})
        with pytest.raises(PermissionDenied):
            sa.questionnaire(db, aid, stranger)
    sa.set_status(db, aid, principal=case.owner, status="closed")
    db.commit()
    with pytest.raises(Conflict, match="closed"):
        sa.save_answers(
            db, aid, principal=case.public_a, answers={"rd_strategy": sa.AnswerInput(3)}
        )
    # Only the owner closes and reopens it.
    with pytest.raises(PermissionDenied):
        sa.set_status(db, aid, principal=case.outsider, status="open")
    sa.set_status(db, aid, principal=case.owner, status="open")
    sa.save_answers(db, aid, principal=case.public_a, answers={"rd_strategy": sa.AnswerInput(3)})
    db.commit()
    assert len(_rows(db)) == 1


def test_an_invitation_waits_for_the_account_with_that_email(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    sa.invite_respondent(
        db, aid, principal=case.owner, email="Late.Comer@Example.eu", stakeholder_group="research"
    )
    db.commit()
    respondent = db.scalar(select(Respondent).where(Respondent.email == "late.comer@example.eu"))
    assert respondent is not None
    assert respondent.user_id is None
    newcomer = person(db, "late.comer@example.eu")
    db.commit()
    assert sa.access(db, aid, newcomer).respondent is not None
    sa.save_answers(db, aid, principal=newcomer, answers={"rd_strategy": sa.AnswerInput(1)})
    db.commit()
    db.refresh(respondent)
    assert respondent.user_id == newcomer.user_id
    with pytest.raises(Conflict, match="invited already"):
        sa.invite_respondent(
            db,
            aid,
            principal=case.owner,
            email="late.comer@example.eu",
            stakeholder_group="business",
        )
    with pytest.raises(InputError, match="expected one of"):
        sa.invite_respondent(
            db, aid, principal=case.owner, email="new@example.eu", stakeholder_group="astrologers"
        )
    with pytest.raises(PermissionDenied, match="only the owner"):
        sa.invite_respondent(
            db, aid, principal=case.outsider, email="new@example.eu", stakeholder_group="business"
        )


def _in_threads(
    database_url: str, jobs: list[tuple[Principal, dict[str, sa.AnswerInput], bool]], aid: int
) -> list[str]:
    """Run each job in its own thread and session at the same moment; returns the outcomes."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    start = threading.Barrier(len(jobs))
    outcomes: list[str] = [""] * len(jobs)

    def run(index: int, who: Principal, answers: dict[str, sa.AnswerInput], submit: bool) -> None:
        start.wait()
        try:
            with factory() as session, session.begin():
                sa.save_answers(session, aid, principal=who, answers=answers, submit=submit)
            outcomes[index] = "ok"
        except Conflict:
            outcomes[index] = "conflict"
        except Exception as exc:
            outcomes[index] = repr(exc)

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    engine.dispose()
    return outcomes


def test_parallel_respondents_never_overwrite_each_other(db: Session, database_url: str) -> None:
    case = scenario(db)
    aid = case.assessment_id
    people = [case.public_a, case.public_b, case.business]
    jobs = [
        (who, all_answers(db, aid, score), True)
        for who, score in zip(people, (2, 4, 5), strict=True)
    ]
    db.close()
    assert _in_threads(database_url, jobs, aid) == ["ok", "ok", "ok"]
    scores = dict(
        db.execute(
            select(Respondent.email, func.sum(Answer.score))
            .join(Answer, Answer.respondent_id == Respondent.id)
            .where(Answer.status == AnswerStatus.SUBMITTED)
            .group_by(Respondent.email)
        ).all()
    )
    # 24 criteria each: every respondent's own scores, untouched by the others.
    assert scores == {"pa1@example.eu": 48, "pa2@example.eu": 96, "biz@example.eu": 120}


def test_a_racing_second_submit_of_the_same_answer_is_a_conflict(
    db: Session, database_url: str
) -> None:
    case = scenario(db)
    aid = case.assessment_id
    jobs = [
        (case.public_a, {"rd_strategy": sa.AnswerInput(score, f"tab {score}")}, True)
        for score in (1, 5)
    ]
    db.close()
    outcomes = _in_threads(database_url, jobs, aid)
    assert sorted(outcomes) == ["conflict", "ok"]
    rows = _rows(db)
    assert len(rows) == 1
    winner = outcomes.index("ok")
    assert rows[0][2:] == ((1, 5)[winner], f"tab {(1, 5)[winner]}", AnswerStatus.SUBMITTED)
    assert principal_of(db, "pa1@example.eu").user_id == case.public_a.user_id

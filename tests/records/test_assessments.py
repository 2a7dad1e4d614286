"""The assessment tables keep their rules in the database too, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polisee.records.accounts import User
from polisee.records.assessments import (
    Answer,
    AnswerStatus,
    Assessment,
    Framework,
    Respondent,
    StakeholderGroup,
)


def _respondent(db: Session) -> Respondent:
    user = User(email="r@example.eu", display_name="R", password_hash="x", active=True)
    framework = Framework(key="f", version=1, title="F", definition={}, source_text="")
    db.add_all([user, framework])
    db.flush()
    assessment = Assessment(
        framework_id=framework.id, region_code="HU21", round_year=2025, title="T", owner_id=user.id
    )
    db.add(assessment)
    db.flush()
    respondent = Respondent(
        assessment_id=assessment.id,
        email=user.email,
        user_id=user.id,
        stakeholder_group=StakeholderGroup.BUSINESS,
    )
    db.add(respondent)
    db.flush()
    return respondent


BROKEN: list[Any] = [
    pytest.param(
        lambda db, r: [
            Answer(respondent_id=r.id, criterion_key="a"),
            Answer(respondent_id=r.id, criterion_key="a"),
        ],
        id="two-answers-to-one-criterion",
    ),
    pytest.param(
        lambda db, r: [Answer(respondent_id=r.id, criterion_key="a", score=11)], id="score-above-10"
    ),
    pytest.param(
        lambda db, r: [Answer(respondent_id=r.id, criterion_key="a", score=-1)], id="negative-score"
    ),
    pytest.param(
        lambda db, r: [
            Answer(respondent_id=r.id, criterion_key="a", status=AnswerStatus.SUBMITTED)
        ],
        id="submitted-without-score",
    ),
    pytest.param(
        lambda db, r: [Framework(key="f", version=1, title="again", definition={}, source_text="")],
        id="framework-version-twice",
    ),
    pytest.param(
        lambda db, r: [
            Respondent(
                assessment_id=r.assessment_id,
                email=r.email,
                stakeholder_group=StakeholderGroup.RESEARCH,
            )
        ],
        id="respondent-invited-twice",
    ),
]


@pytest.mark.parametrize("rows", BROKEN)
def test_rules_hold_in_the_database(
    db: Session, rows: Callable[[Session, Respondent], list[Any]]
) -> None:
    respondent = _respondent(db)
    db.add_all(rows(db, respondent))
    with pytest.raises(IntegrityError):
        db.flush()


def test_deleting_an_assessment_removes_its_respondents_and_answers(db: Session) -> None:
    respondent = _respondent(db)
    db.add(Answer(respondent_id=respondent.id, criterion_key="a", score=3))
    db.commit()
    db.delete(db.get(Assessment, respondent.assessment_id))
    db.commit()
    assert db.scalar(select(func.count()).select_from(Respondent)) == 0
    assert db.scalar(select(func.count()).select_from(Answer)) == 0

"""Invitation links: respondents without an account answer through a token of their own."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services._assessment import all_answers, scenario

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.assessments import (
    Answer,
    AnswerStatus,
    Respondent,
    RespondentInvitation,
    StakeholderGroup,
)
from polisee.records.audit import AuditEntry
from polisee.records.base import Base, utcnow
from polisee.records.db import make_engine, make_session_factory
from polisee.services import assessment as sa
from polisee.services.assessment import _invitations
from polisee.services.sessions import Principal


def _link(db: Session, aid: int, owner: Principal, email: str, group: str = "research") -> str:
    link = sa.create_invitation_link(
        db, aid, principal=owner, email=email, name=f"Dr {email[:3]}", stakeholder_group=group
    )
    db.commit()
    return link.token


def _state(db: Session) -> dict[str, list[tuple[object, ...]]]:
    db.expire_all()
    tables = ("assessment_answers", "assessment_respondents", "assessment_invitations")
    return {
        t.name: sorted(map(tuple, db.execute(select(t)).all()), key=repr)
        for t in Base.metadata.sorted_tables
        if t.name in tables
    }


def test_only_a_hash_of_the_token_is_stored_and_the_owner_sees_no_token(db: Session) -> None:
    case = scenario(db)
    link = sa.create_invitation_link(
        db,
        case.assessment_id,
        principal=case.owner,
        email=" Eva@Uni.example ",
        name="  Éva   Kovács ",
        stakeholder_group="research",
        days=10,
    )
    db.commit()
    selector, verifier = link.token.split(".")
    stored = db.scalar(select(RespondentInvitation))
    assert stored is not None
    assert stored.selector == selector
    assert stored.verifier_hash == hashlib.sha256(verifier.encode()).hexdigest()
    assert verifier not in repr(_state(db))
    assert stored.name == "Éva Kovács"
    assert stored.expires_at - stored.created_at == timedelta(days=10)
    respondent = db.get(Respondent, stored.respondent_id)
    assert respondent is not None
    assert (respondent.email, respondent.user_id) == ("eva@uni.example", None)
    assert respondent.stakeholder_group == StakeholderGroup.RESEARCH
    views = sa.invitation_links(db, case.assessment_id, case.owner)
    assert [(v.email, v.state()) for v in views] == [("eva@uni.example", "active")]
    audit = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "assessment.invitation_link_create")
    ).one()
    assert verifier not in str(audit.after)


def test_only_the_owner_makes_and_revokes_links(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    with pytest.raises(PermissionDenied):
        sa.create_invitation_link(
            db, aid, principal=case.outsider, email="x@y.eu", name="X", stakeholder_group="business"
        )
    token = _link(db, aid, case.owner, "eva@uni.example")
    invitation = db.scalar(select(RespondentInvitation))
    assert invitation is not None
    before = _state(db)
    with pytest.raises(PermissionDenied):
        sa.revoke_invitation_link(db, aid, invitation.id, principal=case.outsider)
    with pytest.raises(PermissionDenied):
        sa.invitation_links(db, aid, case.outsider)
    db.rollback()
    assert _state(db) == before
    assert sa.link_questionnaire(db, aid, token).access.respondent is not None


@pytest.mark.parametrize(
    ("email", "name", "group", "days", "error"),
    [
        ("not-an-email", "N", "research", 30, InputError),
        ("n@e.eu", "   ", "research", 30, InputError),
        ("n@e.eu", "N", "astrologers", 30, InputError),
        ("n@e.eu", "N", "research", 0, InputError),
        ("n@e.eu", "N", "research", 181, InputError),
        ("pa1@example.eu", "N", "business", 30, Conflict),  # invited for public authority
    ],
    ids=["email", "name", "group", "no-days", "too-many-days", "other-group"],
)
def test_link_input_is_checked(
    db: Session, email: str, name: str, group: str, days: int, error: type[Exception]
) -> None:
    case = scenario(db)
    with pytest.raises(error):
        sa.create_invitation_link(
            db,
            case.assessment_id,
            principal=case.owner,
            email=email,
            name=name,
            stakeholder_group=group,
            days=days,
        )


def test_an_invited_account_email_gets_a_link_to_the_same_respondent(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    token = _link(db, aid, case.owner, case.business.email, "business")
    found = sa.link_questionnaire(db, aid, token)
    assert found.access.respondent is not None
    assert found.access.respondent.email == case.business.email
    with pytest.raises(Conflict, match="working link already"):
        _link(db, aid, case.owner, case.business.email, "business")


def test_drafts_resume_and_submitted_answers_lock(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    token = _link(db, aid, case.owner, "eva@uni.example")
    answers = all_answers(db, aid, 3)
    first = next(iter(answers))
    sa.save_link_answers(db, aid, token, answers={first: sa.AnswerInput(2, "draft note")})
    db.commit()
    resumed = sa.link_questionnaire(db, aid, token)
    assert resumed.answers[first].score == 2
    assert not resumed.answers[first].locked
    sa.save_link_answers(db, aid, token, answers=answers, submit=True, complete=True)
    db.commit()
    done = sa.link_questionnaire(db, aid, token)
    assert done.complete
    assert all(a.locked for a in done.answers.values())
    before = _state(db)
    with pytest.raises(Conflict):
        sa.save_link_answers(db, aid, token, answers={first: sa.AnswerInput(5)})
    db.rollback()
    assert _state(db) == before
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "assessment.answers_submit")
    ).one()
    assert entry.actor_id is None
    assert entry.actor_label.startswith("invitation ")


def test_link_answers_count_in_the_results_like_account_answers(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    token = _link(db, aid, case.owner, "eva@uni.example")
    sa.save_answers(
        db,
        aid,
        principal=case.public_a,
        answers=all_answers(db, aid, 2),
        submit=True,
        complete=True,
    )
    sa.save_link_answers(
        db, aid, token, answers=all_answers(db, aid, 4), submit=True, complete=True
    )
    db.commit()
    found = sa.results(db, aid)
    assert found.respondents == 4  # three by account, one by link
    assert found.respondents_done == 2
    criterion = found.themes[0].criteria[0]
    # Two informed scores, 2 (public authority) and 4 (research): the median is 3.
    assert criterion.stats.n == 2
    assert criterion.stats.median == 3.0
    assert criterion.stats.group_medians[StakeholderGroup.RESEARCH] == 4.0


def test_wrong_revoked_expired_and_other_assessments_tokens(db: Session) -> None:
    case = scenario(db)
    aid = case.assessment_id
    other = sa.create_assessment(db, principal=case.owner, region_code="HU22", round_year=2025)
    token = _link(db, aid, case.owner, "eva@uni.example")
    elsewhere = _link(db, other.id, case.owner, "tom@uni.example")
    selector, verifier = token.split(".")
    flipped = verifier[:-1] + ("A" if verifier[-1] != "A" else "B")
    answer = {next(iter(all_answers(db, aid, 1))): sa.AnswerInput(1)}
    before = _state(db)
    for bad, error in (
        (f"{selector}.{flipped}", NotFound),
        ("nonsense", NotFound),
        (f"{'x' * 16}.{verifier}", NotFound),
        (elsewhere, NotFound),
    ):
        with pytest.raises(error):
            sa.link_questionnaire(db, aid, bad)
        with pytest.raises(error):
            sa.save_link_answers(db, aid, bad, answers=answer)
    invitation = db.scalar(
        select(RespondentInvitation).where(RespondentInvitation.selector == selector)
    )
    assert invitation is not None
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    with pytest.raises(sa.LinkExpired):
        sa.save_link_answers(db, aid, token, answers=answer)
    invitation.expires_at = utcnow() + timedelta(days=1)
    db.commit()
    sa.revoke_invitation_link(db, aid, invitation.id, principal=case.owner)
    db.commit()
    with pytest.raises(sa.LinkRevoked):
        sa.save_link_answers(db, aid, token, answers=answer)
    with pytest.raises(Conflict, match="revoked already"):
        sa.revoke_invitation_link(db, aid, invitation.id, principal=case.owner)
    with pytest.raises(NotFound):
        sa.revoke_invitation_link(db, other.id, invitation.id, principal=case.owner)
    db.rollback()
    after = _state(db)
    assert after["assessment_answers"] == before["assessment_answers"]
    # A new link for the same respondent works again, on the same answers.
    fresh = _link(db, aid, case.owner, "eva@uni.example")
    assert sa.link_questionnaire(db, aid, fresh).access.respondent is not None


def test_the_verifier_is_compared_in_constant_time(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = scenario(db)
    token = _link(db, case.assessment_id, case.owner, "eva@uni.example")
    compared: list[tuple[str, str]] = []
    real = _invitations.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(_invitations.hmac, "compare_digest", spy)
    sa.link_questionnaire(db, case.assessment_id, token)
    with pytest.raises(NotFound):
        sa.link_questionnaire(db, case.assessment_id, "x" * 16 + "." + "y" * 43)
    # Both the hit and the miss (against a dummy hash) went through compare_digest.
    assert len(compared) == 2
    assert all(len(a) == len(b) == 64 for a, b in compared)


def test_two_link_respondents_answering_at_once_keep_their_own_answers(
    db: Session, database_url: str
) -> None:
    case = scenario(db)
    aid = case.assessment_id
    tokens = [_link(db, aid, case.owner, f"r{i}@uni.example") for i in range(2)]
    jobs = [(tokens[0], all_answers(db, aid, 1)), (tokens[1], all_answers(db, aid, 5))]
    db.close()
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    start = threading.Barrier(len(jobs))
    outcomes = [""] * len(jobs)

    def run(index: int, token: str, answers: dict[str, sa.AnswerInput]) -> None:
        start.wait()
        try:
            with factory() as session, session.begin():
                sa.save_link_answers(session, aid, token, answers=answers, submit=True)
            outcomes[index] = "ok"
        except Exception as exc:
            outcomes[index] = repr(exc)

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    engine.dispose()
    assert outcomes == ["ok", "ok"]
    totals = dict(
        db.execute(
            select(Respondent.email, func.sum(Answer.score))
            .join(Answer, Answer.respondent_id == Respondent.id)
            .where(Answer.status == AnswerStatus.SUBMITTED)
            .group_by(Respondent.email)
        ).all()
    )
    criteria = len(all_answers(db, aid, 0))
    assert totals == {"r0@uni.example": criteria, "r1@uni.example": 5 * criteria}

"""From a weak criterion to good practices: the recommender takes the assessment's gaps, and
the region's team pins what it keeps."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services._assessment import scenario
from tests.services._practice_helpers import make_principal, practice_input, published_practice

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.assessments import PinnedPractice
from polisee.records.audit import AuditEntry
from polisee.services import assessment as sa
from polisee.services import practices as pr


def test_weak_criteria_find_practices_of_their_theme_and_can_be_pinned(db: Session) -> None:
    case = scenario(db)
    author = make_principal(db, "author", "cluster_manager")
    validator = make_principal(db, "validator", "analyst")
    green = published_practice(
        db,
        author,
        validator,
        title="Green technology cluster for eco-innovation",
        summary="Companies develop climate and circular-economy technologies together.",
        themes=("sustainability",),
        regions=("AT22",),
    )
    other = published_practice(
        db,
        author,
        validator,
        title="Export vouchers for cluster SMEs",
        summary="Vouchers pay for trade fairs abroad.",
        themes=("internationalisation",),
        regions=("SI03",),
    )
    # Only green_goals (sustainability) is weak: median 1.
    sa.save_answers(
        db,
        case.assessment_id,
        principal=case.public_a,
        answers={"green_goals": sa.AnswerInput(1), "eu_programmes": sa.AnswerInput(4)},
        submit=True,
    )
    db.commit()
    gaps = sa.weak_criteria(db, case.assessment_id, viewer=case.owner)
    assert [(g.theme_key, g.criterion_key) for g in gaps] == [("sustainability", "green_goals")]
    [found] = pr.recommend_practices(db, gaps, region_code="HU21")
    ranked = [r.practice_id for r in found.items]
    assert ranked[0] == green
    assert found.items[0].parts.theme == 1.0
    assert other not in ranked[:1]

    pin = sa.pin_practice(
        db, case.assessment_id, principal=case.owner, practice_id=green, criterion_key="green_goals"
    )
    db.commit()
    [view] = sa.pinned_practices(db, case.assessment_id, principal=case.owner)
    assert (view.practice_id, view.criterion_key, view.title) == (
        green,
        "green_goals",
        "Green technology cluster for eco-innovation",
    )
    with pytest.raises(Conflict):
        sa.pin_practice(
            db,
            case.assessment_id,
            principal=case.owner,
            practice_id=green,
            criterion_key="green_goals",
        )
    with pytest.raises(InputError, match="no criterion"):
        sa.pin_practice(
            db, case.assessment_id, principal=case.owner, practice_id=green, criterion_key="nope"
        )
    draft = pr.create_practice(db, practice_input(title="Draft"), author)
    with pytest.raises(NotFound):
        sa.pin_practice(
            db,
            case.assessment_id,
            principal=case.owner,
            practice_id=draft.id,
            criterion_key="green_goals",
        )
    # A respondent and an outsider may not pin or unpin; nothing changes.
    for stranger in (case.public_a, case.outsider):
        with pytest.raises(PermissionDenied):
            sa.pin_practice(
                db,
                case.assessment_id,
                principal=stranger,
                practice_id=other,
                criterion_key="green_goals",
            )
        with pytest.raises(PermissionDenied):
            sa.unpin_practice(db, case.assessment_id, pin.id, principal=stranger)
    assert db.scalar(select(func.count()).select_from(PinnedPractice)) == 1
    sa.unpin_practice(db, case.assessment_id, pin.id, principal=case.owner)
    db.commit()
    assert sa.pinned_practices(db, case.assessment_id, principal=case.owner) == []
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"assessment.pin_practice", "assessment.unpin_practice"} <= actions

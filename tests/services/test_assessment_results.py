"""Results arithmetic on a hand-checked example, previous round, benchmark, gaps, who may
see them, and the peer review."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from tests.services._assessment import Scenario, all_answers, person, scenario

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.assessments import StakeholderGroup
from polisee.services import assessment as sa
from polisee.services.sessions import Principal

PA, BIZ = StakeholderGroup.PUBLIC_AUTHORITY, StakeholderGroup.BUSINESS


def _submit(db: Session, case: Scenario, who: Principal, scores: dict[str, int]) -> None:
    sa.save_answers(
        db,
        case.assessment_id,
        principal=who,
        answers={k: sa.AnswerInput(v) for k, v in scores.items()},
        submit=True,
    )


def _example(db: Session) -> Scenario:
    """Three respondents, two of the public authority and one business."""
    case = scenario(db)
    _submit(db, case, case.public_a, {"rd_strategy": 4, "research_business_collaboration": 3})
    _submit(db, case, case.public_b, {"rd_strategy": 5, "research_business_collaboration": 3})
    _submit(db, case, case.business, {"rd_strategy": 2, "research_business_collaboration": 0})
    # A draft never counts.
    sa.save_answers(
        db,
        case.assessment_id,
        principal=case.business,
        answers={"knowledge_intensity": sa.AnswerInput(5)},
    )
    db.commit()
    return case


def test_results_on_a_hand_checked_example(db: Session) -> None:
    case = _example(db)
    found = sa.results(db, case.assessment_id, viewer=case.owner)
    assert (found.respondents, found.respondents_done) == (3, 0)
    assert found.groups == (PA, BIZ)

    # rd_strategy: 4, 5, 2 -> median 4, mean 11/3, population SD sqrt(((1/3)^2 + (4/3)^2 +
    # (5/3)^2) / 3) = sqrt(14/9) = 1.247; groups PA {4, 5} -> 4.5, business 2: 2.5 apart.
    rd = found.criterion("rd_strategy").stats
    assert (rd.n, rd.invited, rd.no_information, rd.median) == (3, 3, 0, 4.0)
    assert rd.mean == pytest.approx(11 / 3)
    assert rd.std == pytest.approx((14 / 9) ** 0.5)
    assert (rd.minimum, rd.maximum, rd.share) == (2.0, 5.0, 1.0)
    assert rd.group_medians == {PA: 4.5, BIZ: 2.0}
    assert rd.consensus_gap == 2.5
    assert rd.disagreement

    # research_business_collaboration: 3, 3 and a 0 (no information), left out of the
    # statistics: two scores of three invited; only one group scored, so no comparison.
    rb = found.criterion("research_business_collaboration").stats
    assert (rb.n, rb.no_information, rb.median, rb.std) == (2, 1, 3.0, 0.0)
    assert rb.share == pytest.approx(2 / 3)
    assert rb.group_medians == {PA: 3.0}
    assert (rb.consensus_gap, rb.disagreement) == (None, False)

    # The draft 5 on knowledge_intensity is not counted.
    assert found.criterion("knowledge_intensity").stats.n == 0
    assert found.criterion("knowledge_intensity").stats.median is None

    # Theme innovation over respondents' theme means: A (4+3)/2 = 3.5, B (5+3)/2 = 4,
    # business 2 (its 0 is left out) -> median 3.5, mean 9.5/3; groups PA 3.75, business 2:
    # 1.75 apart, under the 2-point threshold, while one of its criteria is flagged.
    theme = found.themes[0]
    assert theme.theme.key == "innovation"
    assert theme.stats.median == 3.5
    assert theme.stats.mean == pytest.approx(9.5 / 3)
    assert theme.stats.group_medians == {PA: 3.75, BIZ: 2.0}
    assert not theme.stats.disagreement
    assert theme.disagreements == 1
    assert theme.stats.share == 1.0
    # Nobody scored the other themes.
    assert [t.stats.median for t in found.themes[1:]] == [None] * 5
    assert found.previous is None
    assert found.benchmark is None


def test_rows_for_the_csv(db: Session) -> None:
    case = _example(db)
    rows = sa.results_rows(sa.results(db, case.assessment_id), "hu")
    assert len(rows) == 6 + 24
    first, second = rows[0], rows[1]
    assert (first["level"], first["key"], first["title"]) == (
        "theme",
        "innovation",
        "Innováció és K+F-vezérelt klaszterfejlesztés",
    )
    assert (second["level"], second["key"], second["median"], second["groups_disagree"]) == (
        "criterion",
        "rd_strategy",
        4.0,
        True,
    )
    assert second["median_public_authority"] == 4.5
    assert second["median_research"] is None


def test_change_since_the_previous_round(db: Session) -> None:
    case = _example(db)
    earlier = sa.create_assessment(db, principal=case.owner, region_code="HU21", round_year=2023)
    sa.invite_respondent(
        db,
        earlier.id,
        principal=case.owner,
        email=case.public_a.email,
        stakeholder_group="public_authority",
    )
    sa.save_answers(
        db,
        earlier.id,
        principal=case.public_a,
        answers={
            "rd_strategy": sa.AnswerInput(2),
            "research_business_collaboration": sa.AnswerInput(2),
        },
        submit=True,
    )
    # An unpublished round of another organisation in between is not this team's to see.
    other = sa.create_assessment(db, principal=case.outsider, region_code="HU21", round_year=2024)
    db.commit()
    found = sa.results(db, case.assessment_id)
    assert found.previous is not None
    assert found.previous.id == earlier.id
    rd = found.criterion("rd_strategy")
    assert (rd.previous_median, rd.change) == (2.0, 2.0)
    assert found.themes[0].previous_median == 2.0
    assert found.themes[0].change == 1.5
    # Once published, the other organisation's later round is the previous one.
    sa.publish(db, other.id, principal=case.outsider, published=True)
    db.commit()
    assert sa.previous_round(db, sa.get_assessment(db, case.assessment_id)).id == other.id  # type: ignore[union-attr]


def _peer(db: Session, region: str, score: int, *, published: bool) -> int:
    owner = person(
        db,
        f"owner-{region.lower()}@example.eu",
        role="policy_maker",
        organisation=f"Agency {region}",
    )
    assessment = sa.create_assessment(db, principal=owner, region_code=region, round_year=2025)
    who = person(db, f"resp-{region.lower()}@example.eu")
    sa.invite_respondent(
        db, assessment.id, principal=owner, email=who.email, stakeholder_group="business"
    )
    sa.save_answers(
        db, assessment.id, principal=who, answers=all_answers(db, assessment.id, score), submit=True
    )
    if published:
        sa.publish(db, assessment.id, principal=owner, published=True)
    return assessment.id


def test_benchmark_uses_published_results_of_peer_regions(db: Session) -> None:
    case = _example(db)
    _peer(db, "HU22", 4, published=True)
    _peer(db, "CZ08", 5, published=True)
    _peer(db, "CZ03", 1, published=False)
    sa.set_peers(
        db, case.assessment_id, principal=case.owner, regions=["hu22", "CZ08", "CZ03", "AT11"]
    )
    db.commit()
    found = sa.results(db, case.assessment_id)
    bench = found.benchmark
    assert bench is not None
    assert [p.region_code for p in bench.peers] == ["HU22", "CZ08"]
    assert bench.missing == ("CZ03", "AT11")
    assert bench.theme_medians["innovation"] == 4.5  # median of 4 and 5
    assert found.criterion("rd_strategy").peer_median == 4.5
    assert found.themes[0].peer_median == 4.5
    assert sa.published_regions(db, sa.DEFAULT_FRAMEWORK) == ["CZ08", "HU22"]
    # Gaps: a median of 2 or less, or 1.5 below the peers (3 against 4.5).
    gaps = sa.gaps_of(found)
    assert [(g.criterion_key, g.median, g.peer_median) for g in gaps] == [
        ("research_business_collaboration", 3.0, 4.5),
    ]
    assert gaps[0].region_code == "HU21"
    assert gaps[0].theme_key == "innovation"
    assert gaps[0].guiding_text.startswith("How many joint R&D projects")
    assert sa.weak_criteria(db, case.assessment_id, peers=[]) == []
    with pytest.raises(InputError, match="not its own peer"):
        sa.set_peers(db, case.assessment_id, principal=case.owner, regions=["HU21"])


def test_weak_criteria_without_peers_are_the_low_medians(db: Session) -> None:
    case = scenario(db)
    _submit(db, case, case.public_a, {"rd_strategy": 2, "green_goals": 1, "eu_programmes": 3})
    db.commit()
    gaps = sa.weak_criteria(db, case.assessment_id, viewer=case.owner)
    assert [(g.criterion_key, g.median, g.peer_median) for g in gaps] == [
        ("green_goals", 1.0, None),
        ("rd_strategy", 2.0, None),
    ]
    with pytest.raises(PermissionDenied):
        sa.weak_criteria(db, case.assessment_id, viewer=case.outsider)


def test_who_sees_the_results(db: Session) -> None:
    case = _example(db)
    aid = case.assessment_id
    colleague = person(db, "colleague@example.eu", role="member", organisation="Pannon Agency")
    analyst = person(db, "analyst@example.eu", role="analyst", organisation="Pannon Agency")
    db.commit()
    assert sa.results(db, aid, viewer=case.owner).respondents == 3
    assert sa.results(db, aid, viewer=colleague).respondents == 3
    for blocked in (case.outsider, case.public_a):
        with pytest.raises(PermissionDenied):
            sa.results(db, aid, viewer=blocked)
    with pytest.raises(PermissionDenied, match="once they have submitted every answer"):
        sa.results(db, aid, viewer=case.public_a)
    with pytest.raises(PermissionDenied):
        sa.progress(db, aid, case.public_a)
    answers = {
        k: v
        for k, v in all_answers(db, aid, 3).items()
        if k not in ("rd_strategy", "research_business_collaboration")
    }
    sa.save_answers(db, aid, principal=case.public_a, answers=answers, submit=True, complete=True)
    db.commit()
    assert sa.results(db, aid, viewer=case.public_a).respondents_done == 1
    with pytest.raises(PermissionDenied, match="needs permission 'assessment:edit'"):
        sa.publish(db, aid, principal=colleague, published=True)
    # May run assessments, and belongs to the owner's organisation, but is not the owner.
    with pytest.raises(PermissionDenied, match="only the owner"):
        sa.publish(db, aid, principal=analyst, published=True)
    sa.publish(db, aid, principal=case.owner, published=True)
    db.commit()
    assert sa.results(db, aid, viewer=case.outsider).respondents == 3
    with pytest.raises(Conflict):
        sa.publish(db, aid, principal=case.owner, published=True)
    listed = {(s.id, s.relation) for s in sa.list_assessments(db, case.outsider)}
    assert (aid, "published") in listed
    assert {s.relation for s in sa.list_assessments(db, case.public_b)} == {"respondent"}
    with pytest.raises(NotFound):
        sa.results(db, 99999, viewer=case.owner)


def test_peer_review_exchange_is_kept(db: Session) -> None:
    case = _example(db)
    aid = case.assessment_id
    reviewer = person(db, "reviewer@example.eu", role="policy_maker", organisation="Agency HU22")
    with pytest.raises(InputError, match="other regions"):
        sa.invite_reviewer(db, aid, principal=case.owner, email=reviewer.email, region_code="HU21")
    with pytest.raises(InputError, match="no account"):
        sa.invite_reviewer(
            db, aid, principal=case.owner, email="nobody@example.eu", region_code="HU22"
        )
    with pytest.raises(InputError, match="not the owner or a respondent"):
        sa.invite_reviewer(
            db, aid, principal=case.owner, email=case.public_a.email, region_code="HU22"
        )
    with pytest.raises(PermissionDenied):
        sa.add_comment(db, aid, principal=reviewer, theme_key="financing", body="Hello")
    sa.invite_reviewer(db, aid, principal=case.owner, email=reviewer.email, region_code="HU22")
    db.commit()
    # The reviewer reads the results before commenting.
    assert sa.results(db, aid, viewer=reviewer).respondents == 3
    with pytest.raises(InputError, match="no theme"):
        sa.add_comment(db, aid, principal=reviewer, theme_key="astrology", body="Hello")
    with pytest.raises(InputError, match="empty"):
        sa.add_comment(db, aid, principal=reviewer, theme_key="financing", body="   ")
    comment = sa.add_comment(
        db, aid, principal=reviewer, theme_key="financing", body="Who funds the cluster managers?"
    )
    with pytest.raises(PermissionDenied):
        sa.add_comment(db, aid, principal=case.public_b, theme_key="financing", body="Me too")
    with pytest.raises(PermissionDenied):
        sa.add_reply(db, aid, principal=reviewer, comment_id=comment.id, body="I answer myself")
    reply = sa.add_reply(
        db, aid, principal=case.owner, comment_id=comment.id, body="The regional programme."
    )
    with pytest.raises(Conflict, match="has a reply already"):
        sa.add_reply(db, aid, principal=case.owner, comment_id=comment.id, body="Again")
    with pytest.raises(NotFound):
        sa.add_reply(db, aid, principal=case.owner, comment_id=reply.id, body="A reply to a reply")
    db.commit()
    threads, reviewers = sa.review_threads(db, aid, case.owner)
    financing = next(t for t in threads if t.theme_key == "financing")
    assert [(c.body, r.body if r else None) for c, r in financing.comments] == [
        ("Who funds the cluster managers?", "The regional programme."),
    ]
    assert financing.comments[0][0].author_label == "reviewer (HU22)"
    assert [(r.email, r.region_code) for r in reviewers] == [("reviewer@example.eu", "HU22")]
    assert all(not t.comments for t in threads if t.theme_key != "financing")
    with pytest.raises(PermissionDenied):
        sa.review_threads(db, aid, case.outsider)

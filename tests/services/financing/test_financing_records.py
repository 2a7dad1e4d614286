"""Financing use cases on the records (SQLite and PostgreSQL): visibility, membership
changes, stored and reproducible evaluations, ladder versions, a call end to end,
immutable score sheets, reproducible allocations, object-level denials."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services.financing.conftest import TODAY, World

from polisee.errors import Conflict, InputError, PermissionDenied
from polisee.records.audit import AuditEntry
from polisee.records.base import Base
from polisee.records.financing import ScoreSheet, StageEvaluation
from polisee.services import clusters
from polisee.services import financing as fin


def _state(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    db.expire_all()
    with db.bind.connect() as connection:  # type: ignore[union-attr]
        return {
            t.name: sorted(map(tuple, connection.execute(select(t)).all()), key=repr)
            for t in Base.metadata.sorted_tables
        }


def test_managers_see_their_own_organisation_and_the_agency_sees_all(world: World) -> None:
    db = world.db
    assert [p.cluster.name for p in clusters.list_clusters(db, world.manager_a)] == [
        "Alpha cluster"
    ]
    assert [p.cluster.name for p in clusters.list_clusters(db, world.evaluator)] == [
        "Alpha cluster",
        "Beta cluster",
    ]
    with pytest.raises(PermissionDenied):
        clusters.get_cluster(db, world.manager_a, world.cluster_b)
    assert clusters.get_cluster(db, world.evaluator, world.cluster_b).name == "Beta cluster"


def test_another_managers_organisation_cannot_be_changed(world: World) -> None:
    db = world.db
    before = _state(db)
    attempts = [
        lambda: clusters.add_member(
            db,
            world.manager_a,
            world.cluster_b,
            name="Intruder",
            member_type="sme",
            country="HU",
            joined_on=TODAY,
            today=TODAY,
        ),
        lambda: clusters.report_changes(db, world.manager_a, world.cluster_b, today=TODAY),
        lambda: clusters.save_report(
            db,
            world.manager_a,
            world.cluster_b,
            year=2025,
            members_turnover="1",
            export_share="0.1",
            rd_spending="0",
            joint_projects=1,
            patents=0,
            events=1,
            services=1,
            staff_fte="1",
            today=TODAY,
        ),
        # Analysts read every organisation but change none.
        lambda: clusters.add_member(
            db,
            world.evaluator,
            world.cluster_a,
            name="X",
            member_type="sme",
            country="HU",
            joined_on=TODAY,
            today=TODAY,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
        db.rollback()
    assert _state(db) == before


def test_membership_changes_are_tracked_and_overdue_reports_listed(world: World) -> None:
    db = world.db
    member = clusters.add_member(
        db,
        world.manager_a,
        world.cluster_a,
        name="Newcomer",
        member_type="research",
        country="AT",
        joined_on=TODAY - timedelta(days=12),
        today=TODAY,
    )
    clusters.member_leaves(
        db,
        world.manager_a,
        world.cluster_a,
        member.id,
        left_on=TODAY - timedelta(days=3),
        today=TODAY,
    )
    rules = fin.membership_rules(db)
    assert rules is not None
    assert rules.report_within_days == 10
    changes = clusters.list_changes(
        db, world.manager_a, world.cluster_a, within_days=10, today=TODAY
    )
    by_kind = {(c.member_name, c.change.kind.value): c for c in changes}
    joined = by_kind[("Newcomer", "join")]
    assert (joined.status, joined.days_late, joined.due_on) == (
        "overdue",
        2,
        TODAY - timedelta(days=2),
    )
    assert by_kind[("Newcomer", "leave")].status == "pending"
    overdue = clusters.overdue_changes(db, world.evaluator, within_days=10, today=TODAY)
    assert {(o.cluster_name, o.member_name) for o in overdue} >= {("Alpha cluster", "Newcomer")}
    # Beta's own unreported joining from 2021 is overdue; Alpha's changes are not Beta's business.
    theirs = clusters.overdue_changes(db, world.manager_b, within_days=10, today=TODAY)
    assert {o.cluster_name for o in theirs} == {"Beta cluster"}
    assert clusters.report_changes(db, world.manager_a, world.cluster_a, today=TODAY) == 8
    after = clusters.list_changes(db, world.manager_a, world.cluster_a, within_days=10, today=TODAY)
    statuses = {(c.member_name, c.change.kind.value): c.status for c in after}
    assert statuses[("Newcomer", "join")] == "reported_late"
    assert statuses[("Newcomer", "leave")] == "reported"
    with pytest.raises(Conflict):
        clusters.member_leaves(
            db, world.manager_a, world.cluster_a, member.id, left_on=TODAY, today=TODAY
        )
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "cluster.member_leave")
        )
        == 1
    )


def test_stored_evaluations_reproduce_and_keep_their_ladder_version(world: World) -> None:
    db = world.db
    first = fin.evaluate_cluster(db, world.manager_a, world.cluster_a, "hu_cluster", as_of=TODAY)
    assert first.evaluation.stage == "startup"
    assert first.record is not None
    db.commit()
    record = db.get(StageEvaluation, first.record.id)
    assert record is not None
    assert fin.reproduce_evaluation(db, record).to_json() == record.result
    assert record.inputs["ladder"]["version"] == 1
    assert len(record.inputs["organisation"]["members"]) == 6

    # An administrator lowers the developing stage's member threshold in a new version.
    text = fin.builtin_ladder_text("hu_cluster_ladder").replace(
        '- {metric: members_count, op: ">=", value: 10, basis: default}',
        '- {metric: members_count, op: ">=", value: 6, basis: default}',
    )
    version = fin.import_ladder(db, world.evaluator.actor, text, source="edited.yaml")
    assert version.version == 2
    with pytest.raises(Conflict):
        fin.import_ladder(db, world.evaluator.actor, text, source="again.yaml")
    second = fin.evaluate_cluster(db, world.manager_a, world.cluster_a, "hu_cluster", as_of=TODAY)
    assert second.evaluation.stage == "developing"
    assert second.ladder_version.version == 2
    db.commit()
    # The first decision still explains itself with version 1.
    old = fin.get_evaluation(db, world.evaluator, world.cluster_a, first.record.id)
    assert old.ladder_version.version == 1
    assert fin.reproduce_evaluation(db, record).stage == "startup"
    history = fin.list_evaluations(db, world.manager_a, world.cluster_a)
    assert [h.ladder_version.version for h in history] == [2, 1]
    with pytest.raises(PermissionDenied):
        fin.list_evaluations(db, world.manager_b, world.cluster_a)


def test_a_bad_ladder_import_names_the_line(world: World) -> None:
    with pytest.raises(InputError) as caught:
        fin.import_ladder(
            world.db, world.evaluator.actor, "key: x\nname: X\nstages: 3\n", source="up.yaml"
        )
    assert (caught.value.path, caught.value.line, caught.value.field) == ("up.yaml", 3, "stages")


def _call(world: World, **changes: Any) -> int:
    terms: dict[str, Any] = {
        "title": "Start-up support",
        "ladder_key": "hu_cluster",
        "eligible_stages": ["startup", "developing"],
        "budget": "100000",
        "max_grant": "40000",
        "cofinancing_rate": "0.5",
        "min_score": "0",
        "allow_partial": True,
        "opens_on": TODAY - timedelta(days=1),
        "closes_on": TODAY + timedelta(days=30),
        "criteria": [
            fin.CriterionInput("quality", "Quality", Decimal(60), 10),
            fin.CriterionInput("impact", "Impact", Decimal(40), 5),
        ],
    }
    terms.update(changes)
    call = fin.create_call(world.db, world.manager_of_calls, **terms)
    fin.set_call_status(world.db, world.manager_of_calls, call.id, "open")
    return call.id


def test_a_call_end_to_end(world: World) -> None:
    db = world.db
    call_id = _call(world)
    alpha = fin.apply_to_call(
        db,
        world.manager_a,
        call_id,
        world.cluster_a,
        title="Alpha plan",
        eligible_budget="60000",
        today=TODAY,
    )
    beta = fin.apply_to_call(
        db,
        world.manager_b,
        call_id,
        world.cluster_b,
        title="Beta plan",
        eligible_budget="50000",
        today=TODAY,
    )
    assert alpha.eligible is True
    assert alpha.eligibility["stage"] == "startup"
    assert beta.eligible is False  # one member: no stage reached
    with pytest.raises(Conflict):
        fin.apply_to_call(
            db,
            world.manager_a,
            call_id,
            world.cluster_a,
            title="Again",
            eligible_budget="1",
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        fin.apply_to_call(
            db,
            world.manager_a,
            call_id,
            world.cluster_b,
            title="For them",
            eligible_budget="1",
            today=TODAY,
        )
    # Each cluster manager sees only its own application.
    assert [v.application.id for v in fin.visible_applications(db, world.manager_a, call_id)] == [
        alpha.id
    ]
    assert len(fin.visible_applications(db, world.evaluator, call_id)) == 2
    with pytest.raises(PermissionDenied):
        fin.get_application(db, world.manager_b, call_id, alpha.id)

    sheet = fin.submit_scores(
        db, world.evaluator, call_id, alpha.id, scores={"quality": "6", "impact": "3"}
    )
    correction = fin.submit_scores(
        db,
        world.evaluator,
        call_id,
        alpha.id,
        scores={"quality": "8", "impact": "4"},
        comment="recounted",
    )
    assert (sheet.version, correction.version) == (1, 2)
    with pytest.raises(Conflict):
        fin.submit_scores(
            db, world.evaluator, call_id, beta.id, scores={"quality": "8", "impact": "4"}
        )
    with pytest.raises(InputError):
        fin.submit_scores(
            db, world.evaluator, call_id, alpha.id, scores={"quality": "11", "impact": "4"}
        )
    db.commit()
    # Score sheets never change: an update is refused, the first version stays as it was.
    stored = db.get(ScoreSheet, sheet.id)
    assert stored is not None
    stored.scores = {"quality": "10", "impact": "5"}
    with pytest.raises(Conflict):
        db.flush()
    db.rollback()
    assert db.get(ScoreSheet, sheet.id).scores == {"quality": "6", "impact": "3"}  # type: ignore[union-attr]

    view = fin.get_application(db, world.manager_a, call_id, alpha.id)
    sheets = fin.visible_sheets(db, world.manager_a, view)
    assert [(s.evaluator, s.sheet.version, s.current) for s in sheets] == [
        ("Evaluator 1", 1, False),
        ("Evaluator 1", 2, True),
    ]

    with pytest.raises(Conflict):
        fin.run_allocation(db, world.manager_of_calls, call_id)
    fin.set_call_status(db, world.manager_of_calls, call_id, "closed")
    allocation = fin.run_allocation(db, world.manager_of_calls, call_id)
    db.commit()
    rows = {r["application_id"]: r for r in allocation.result["rows"]}
    # Latest sheet only: (60*0.8 + 40*0.8) = 80; grant min(40 000, 0.5 * 60 000) = 30 000.
    assert rows[alpha.id]["score"] == "80.000"
    assert rows[alpha.id]["grant"] == "30000.00"
    assert rows[beta.id]["status"] == "ineligible"
    assert allocation.total_granted == Decimal("30000.00")
    assert fin.reproduce_allocation(allocation).to_json() == allocation.result
    # Applicants see their own row of the results only.
    assert [r["application_id"] for r in fin.allocation_rows(db, world.manager_b, allocation)] == [
        beta.id
    ]
    assert len(fin.allocation_rows(db, world.manager_of_calls, allocation)) == 2

    note = fin.add_appeal_note(
        db, world.manager_b, call_id, beta.id, "We reached the start-up stage since."
    )
    answer = fin.add_appeal_note(
        db, world.manager_of_calls, call_id, beta.id, "Re-evaluated: still one member."
    )
    assert (note.by_applicant, answer.by_applicant) == (True, False)
    with pytest.raises(PermissionDenied):
        fin.add_appeal_note(db, world.manager_a, call_id, beta.id, "Not ours")
    with pytest.raises(PermissionDenied):
        fin.add_appeal_note(
            db, world.evaluator, call_id, beta.id, "Evaluators do not answer appeals"
        )


def test_an_evaluator_cannot_score_their_own_organisation(world: World) -> None:
    db = world.db
    call_id = _call(world)
    application = fin.apply_to_call(
        db,
        world.manager_a,
        call_id,
        world.cluster_a,
        title="Alpha plan",
        eligible_budget="60000",
        today=TODAY,
    )
    # The evaluator also belongs to the Alpha organisation.
    from polisee.records.accounts import Organisation
    from polisee.services import accounts
    from polisee.services.audit import CLI_ACTOR

    alpha_org = db.scalar(select(Organisation).where(Organisation.name == "Alpha org"))
    assert alpha_org is not None
    accounts.grant_role(
        db,
        user_id=world.evaluator.user_id or 0,
        organisation_id=alpha_org.id,
        role="member",
        actor=CLI_ACTOR,
    )
    insider = clusters.viewer_for(
        db, world.evaluator.user_id, world.evaluator.permissions, "evaluator"
    )
    with pytest.raises(PermissionDenied, match="own organisation"):
        fin.submit_scores(
            db, insider, call_id, application.id, scores={"quality": "9", "impact": "5"}
        )
    assert db.scalar(select(func.count()).select_from(ScoreSheet)) == 0


def test_applications_only_while_the_call_is_open(world: World) -> None:
    db = world.db
    call_id = _call(world, opens_on=TODAY + timedelta(days=5), closes_on=TODAY + timedelta(days=9))
    with pytest.raises(Conflict):
        fin.apply_to_call(
            db,
            world.manager_a,
            call_id,
            world.cluster_a,
            title="Early",
            eligible_budget="100",
            today=TODAY,
        )


def test_call_terms_are_validated(world: World) -> None:
    with pytest.raises(InputError, match="stages of hu_cluster"):
        _call(world, eligible_stages=["gold"])
    with pytest.raises(InputError):
        _call(world, cofinancing_rate="1.5")
    with pytest.raises(InputError):
        _call(world, criteria=[])


def test_the_demo_loads_once_and_evaluates_on_both_ladders(db: Session) -> None:
    summary = fin.load_demo_clusters(db, today=TODAY)
    assert summary.clusters >= 12
    db.commit()
    profiles = clusters.list_clusters(db, clusters.CLI_VIEWER, today=TODAY)
    assert len(profiles) >= 12
    assert all(p.cluster.demo and p.cluster.name.startswith("[demo]") for p in profiles)
    stages: dict[str, set[str | None]] = {"hu_cluster": set(), "management_excellence": set()}
    for profile in profiles:
        for stored in fin.list_evaluations(db, clusters.CLI_VIEWER, profile.cluster.id):
            assert stored.record is not None
            assert fin.reproduce_evaluation(db, stored.record).to_json() == stored.record.result
            stages[stored.ladder_version.key].add(stored.evaluation.stage)
    assert {"startup", "developing", "accredited", "pole"} <= stages["hu_cluster"]
    assert {None, "bronze", "silver", "gold"} <= stages["management_excellence"]
    again = fin.load_demo_clusters(db, today=TODAY)
    assert again.already_loaded
    assert summary.call_id is not None
    assert len(fin.visible_applications(db, clusters.CLI_VIEWER, summary.call_id)) == 3

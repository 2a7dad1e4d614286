"""Writing plans and who may do what: editors, action owners, partners, outsiders; audit
entries; removing items; pilots turned into draft practices."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services.plans.conftest import World

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.audit import AuditEntry
from polisee.records.base import Base
from polisee.records.plans import Action, KpiReport, Milestone, Objective, PilotEvaluation
from polisee.records.practices import Practice, PracticeState
from polisee.services import plans as pl
from polisee.services import practices as pr


def _counts(db: Session) -> dict[str, int]:
    """Rows per table: what an refused change must leave as it was."""
    return {
        t.name: int(db.scalar(select(func.count()).select_from(t)) or 0)
        for t in Base.metadata.sorted_tables
    }


def test_the_plan_is_audited_and_listed_by_relation(world: World) -> None:
    db = world.db
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("plan.%"))))
    assert {
        "plan.create",
        "plan.objective.add",
        "plan.action.add",
        "plan.milestone.add",
        "plan.milestone.done",
        "plan.kpi.add",
    } <= actions
    relation = {
        who: [(p.title, p.relation) for p in pl.list_plans(db, principal)]
        for who, principal in (
            ("owner", world.owner),
            ("colleague", world.colleague),
            ("manager", world.manager),
            ("partner", world.partner),
            ("outsider", world.outsider),
        )
    }
    assert relation == {
        "owner": [("HU21 cluster plan", "owner")],
        "colleague": [("HU21 cluster plan", "owner")],
        "manager": [("HU21 cluster plan", "action")],
        "partner": [("HU21 cluster plan", "partner")],
        "outsider": [],
    }


def test_outsiders_read_only_published_plans(world: World) -> None:
    db = world.db
    with pytest.raises(PermissionDenied):
        pl.viewable(db, world.plan, world.outsider)
    pl.update_plan(
        db,
        world.plan,
        pl.PlanInput(
            "HU21 cluster plan", ("HU21",), "2026-01-01", "2027-12-31", "", "active", True
        ),
        world.owner,
    )
    found = pl.viewable(db, world.plan, world.outsider)
    assert (found.can_view, found.can_edit, found.is_owner) == (True, False, False)
    assert [p.relation for p in pl.list_plans(db, world.outsider)] == ["published"]


@pytest.mark.parametrize(
    "who", ["colleague", "manager", "partner", "outsider"], ids=lambda w: str(w)
)
def test_only_the_owner_organisations_policy_makers_edit(world: World, who: str) -> None:
    db = world.db
    principal = getattr(world, who)
    before = _counts(db)
    attempts: list[Any] = [
        lambda: pl.add_objective(db, world.plan, pl.ObjectiveInput("Mine"), principal),
        lambda: pl.add_risk(db, world.plan, pl.RiskInput("r", "low", "low"), principal),
        lambda: pl.remove_item(db, world.plan, "kpis", world.computed, principal),
        lambda: pl.update_plan(
            db, world.plan, pl.PlanInput("Taken", ("HU21",), "2026-01-01", "2026-12-31"), principal
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    db.rollback()
    assert _counts(db) == before


def test_action_owners_report_and_mark_their_own_only(world: World) -> None:
    db = world.db
    report = pl.report_value(
        db,
        world.plan,
        world.reported,
        pl.ReportInput("12", "2026-03-20", "Mission list"),
        world.manager,
    )
    assert (report.value, report.reporter_label) == (12.0, "manager")
    # The manager owns the pilot, not the agency's action: its milestone is not theirs.
    with pytest.raises(PermissionDenied):
        pl.set_milestone_done(
            db, world.plan, world.milestone_late, world.manager, done_on=date(2026, 11, 20)
        )
    pl.set_milestone_done(
        db, world.plan, world.milestone_soon, world.manager, done_on=date(2026, 11, 20)
    )
    assert db.get(Milestone, world.milestone_soon).done_on == date(2026, 11, 20)  # type: ignore[union-attr]
    # Partners and colleagues read, but report on nothing.
    for other in (world.partner, world.colleague):
        with pytest.raises(PermissionDenied):
            pl.report_value(db, world.plan, world.reported, pl.ReportInput(1, "2026-03-01"), other)
    with pytest.raises(PermissionDenied):
        pl.report_value(
            db, world.plan, world.reported, pl.ReportInput(1, "2026-03-01"), world.outsider
        )
    assert db.scalar(select(func.count()).select_from(KpiReport)) == 1


def test_computed_kpis_take_no_reports_and_inputs_are_checked(world: World) -> None:
    db = world.db
    with pytest.raises(Conflict, match="statistics"):
        pl.report_value(
            db, world.plan, world.computed, pl.ReportInput(5, "2026-03-01"), world.owner
        )
    with pytest.raises(InputError, match="not in the future") as raised:
        pl.report_value(
            db, world.plan, world.reported, pl.ReportInput(5, "2999-01-01"), world.owner
        )
    assert raised.value.field == "as_of"
    with pytest.raises(InputError) as raised:
        pl.report_value(
            db, world.plan, world.reported, pl.ReportInput("12x", "2026-03-01"), world.owner
        )
    assert raised.value.field == "value"
    with pytest.raises(NotFound):
        pl.report_value(db, world.plan, 999_999, pl.ReportInput(5, "2026-03-01"), world.owner)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"region_code": "AT31"}, "region_code"),
        ({"industry": ""}, "industry"),
        ({"indicator_key": "shift_share"}, "indicator_key"),
        ({"target_year": "2010"}, "target_year"),
        ({"kind": "guessed"}, "kind"),
    ],
    ids=[
        "region-not-in-plan",
        "industry-missing",
        "not-a-level-indicator",
        "target-before-baseline",
        "bad-kind",
    ],
)
def test_kpi_inputs_are_refused_naming_the_field(
    world: World, values: dict[str, str], field: str
) -> None:
    data: dict[str, Any] = {
        "title": "LQ",
        "kind": "computed",
        "baseline_year": "2014",
        "target_value": "5",
        "target_year": "2027",
        "indicator_key": "lq",
        "industry": "C29",
        "region_code": "HU21",
        **values,
    }
    with pytest.raises(InputError) as raised:
        pl.add_kpi(world.db, world.plan, pl.KpiInput(**data), world.owner)
    assert raised.value.field == field


def test_objective_criteria_and_practices_are_checked(world: World) -> None:
    db = world.db
    with pytest.raises(InputError) as raised:
        pl.add_objective(
            db,
            world.plan,
            pl.ObjectiveInput("x", assessment_id=world.assessment, criterion_keys=("no_such",)),
            world.owner,
        )
    assert raised.value.field == "criterion_keys"
    draft = pr.create_practice(
        db,
        pr.PracticeInput(
            "Someone's draft", "s", "voucher", themes=("innovation",), regions=("HU21",)
        ),
        world.manager,
    )
    with pytest.raises(InputError) as raised:
        pl.add_objective(
            db, world.plan, pl.ObjectiveInput("x", practice_ids=(draft.id,)), world.owner
        )
    assert raised.value.field == "practice_ids"


def test_removing_an_action_takes_its_milestones_and_keeps_the_kpi(world: World) -> None:
    db = world.db
    pl.remove_item(db, world.plan, "actions", world.action, world.owner)
    db.commit()
    db.expire_all()
    assert db.get(Action, world.action) is None
    assert db.get(Milestone, world.milestone_late) is None
    assert db.get(Milestone, world.milestone_soon) is not None  # the pilot's
    with pytest.raises(NotFound):
        pl.remove_item(db, world.plan, "milestones", world.milestone_late, world.owner)
    pl.remove_item(db, world.plan, "objectives", world.objective, world.owner)
    db.commit()
    db.expire_all()
    assert db.get(Objective, world.objective) is None
    assert db.get(Action, world.pilot).objective_id is None  # type: ignore[union-attr]
    removed = set(db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("%.remove"))))
    assert removed == {"plan.action.remove", "plan.objective.remove"}


def test_pilot_becomes_a_draft_practice_in_one_step(world: World) -> None:
    db = world.db
    with pytest.raises(Conflict, match="lessons"):
        pl.practice_from_pilot(db, world.plan, world.pilot, world.manager)
    with pytest.raises(PermissionDenied):
        pl.save_pilot_evaluation(
            db, world.plan, world.pilot, pl.PilotInput("a", "b", "c"), world.partner
        )
    pl.save_pilot_evaluation(
        db,
        world.plan,
        world.pilot,
        pl.PilotInput(
            "No SME had exhibited abroad.", "Nine SMEs met buyers.", "A partner cluster matters."
        ),
        world.manager,
    )
    with pytest.raises(NotFound):
        pl.get_pilot(db, world.plan, world.action, world.owner)  # not a pilot
    practice = pl.practice_from_pilot(db, world.plan, world.pilot, world.manager, language="hu")
    detail = pr.get_practice(db, practice.id, world.manager)
    assert (detail.state, detail.author_id, detail.demo) == (
        PracticeState.DRAFT,
        world.manager.user_id,
        False,
    )
    assert detail.title == "Joint export mission"
    assert detail.instrument.value == "network_programme"
    assert (detail.budget_eur, detail.period_start, detail.period_end) == (35_000, 2026, 2026)
    assert detail.funding_source == "Members' fees and regional co-financing"
    assert detail.organisation == "Cluster org"
    assert detail.results == "Before: No SME had exhibited abroad.\n\nAfter: Nine SMEs met buyers."
    assert detail.transferability == "A partner cluster matters."
    assert detail.language == "hu"
    # access_to_finance is a financing criterion, market_entry an internationalisation one.
    assert [t.theme for t in detail.themes] == ["financing", "internationalisation"]
    assert [r.region_code for r in detail.regions] == ["HU21"]
    evaluation = db.scalar(select(PilotEvaluation).where(PilotEvaluation.action_id == world.pilot))
    assert evaluation is not None
    assert evaluation.practice_id == practice.id
    with pytest.raises(Conflict, match="already"):
        pl.practice_from_pilot(db, world.plan, world.pilot, world.manager)
    # A pilot that became a practice stays in the plan.
    with pytest.raises(Conflict):
        pl.remove_item(db, world.plan, "actions", world.pilot, world.owner)
    # It follows the practices' validation: the author submits it.
    pr.submit_practice(db, practice.id, world.manager)
    assert db.get(Practice, practice.id).state is PracticeState.SUBMITTED  # type: ignore[union-attr]


def test_a_member_cannot_turn_a_pilot_into_a_practice(world: World) -> None:
    with pytest.raises(PermissionDenied):
        pl.practice_from_pilot(world.db, world.plan, world.pilot, world.colleague)


def test_plans_start_from_an_assessments_gaps(db: Session) -> None:
    from tests.services._assessment import all_answers, scenario

    from polisee.services import assessment as sa

    s = scenario(db)
    for who, score in ((s.public_a, 1), (s.public_b, 2), (s.business, 4)):
        sa.save_answers(
            db,
            s.assessment_id,
            principal=who,
            answers=all_answers(db, s.assessment_id, score),
            submit=True,
        )
    objectives = pl.objectives_from_gaps(db, s.assessment_id, s.owner)
    # Every criterion has the median 2 of (1, 2, 4): all are weak, one objective each.
    definition = sa.definition_of(
        sa.get_framework(db, sa.get_assessment(db, s.assessment_id).framework_id)
    )
    assert len(objectives) == len(definition.criteria)
    assert {o.criterion_keys[0] for o in objectives} == {c.key for c in definition.criteria}
    agency = pl.editing_organisations(db, s.owner.user_id)
    plan = pl.create_plan(
        db,
        pl.PlanInput("From the gaps", ("hu21",), "2026-01-01", "2028-12-31"),
        s.owner,
        owner_organisation_id=agency[0].id,
        assessment_id=s.assessment_id,
        objectives=objectives[:3],
    )
    stored = list(db.scalars(select(Objective).where(Objective.plan_id == plan.id)))
    assert [o.criterion_keys for o in stored] == [list(o.criterion_keys) for o in objectives[:3]]
    assert all(o.assessment_id == s.assessment_id for o in stored)
    with pytest.raises(PermissionDenied):
        pl.create_plan(
            db,
            pl.PlanInput("Not mine", ("HU21",), "2026-01-01", "2026-12-31"),
            s.outsider,
            owner_organisation_id=agency[0].id,
        )

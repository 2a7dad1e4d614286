"""Monitoring with fixed dates: reporting periods and overdue reports, milestone statuses,
the monitoring view and its KPI rows, and reminders that are sent once a day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services.plans.conftest import World

from polisee.records.accounts import User
from polisee.records.audit import AuditEntry
from polisee.records.notifications import Notification
from polisee.records.plans import Milestone
from polisee.services import plans as pl
from polisee.services.audit import CLI_ACTOR

TODAY = date(2026, 11, 27)
START, END = date(2026, 1, 1), date(2027, 12, 31)


@pytest.mark.parametrize(
    ("reported", "today", "period", "late", "next_due"),
    [
        # Quarters from 1 January: by 27 November the quarter to 1 October has ended.
        ([], date(2026, 11, 27), (date(2026, 7, 1), date(2026, 10, 1)), 57, date(2027, 1, 1)),
        (
            [date(2026, 9, 15)],
            date(2026, 11, 27),
            (date(2026, 7, 1), date(2026, 10, 1)),
            0,
            date(2027, 1, 1),
        ),
        # A report dated on the period's last day (its due date) counts.
        (
            [date(2026, 10, 1)],
            date(2026, 11, 27),
            (date(2026, 7, 1), date(2026, 10, 1)),
            0,
            date(2027, 1, 1),
        ),
        # An old report does not cover a later period.
        (
            [date(2026, 3, 1)],
            date(2026, 4, 2),
            (date(2026, 1, 1), date(2026, 4, 1)),
            0,
            date(2026, 7, 1),
        ),
        (
            [date(2026, 3, 1)],
            date(2026, 7, 5),
            (date(2026, 4, 1), date(2026, 7, 1)),
            4,
            date(2026, 10, 1),
        ),
        # The first quarter is still running: nothing is owed yet.
        ([], date(2026, 3, 31), None, 0, date(2026, 4, 1)),
        # After the plan ended, its last (shortened) period is the one owed.
        ([], date(2028, 3, 1), (date(2027, 10, 1), date(2027, 12, 31)), 61, None),
    ],
    ids=[
        "overdue",
        "covered",
        "due-date-counts",
        "covered-before",
        "late-4-days",
        "first-running",
        "after-the-end",
    ],
)
def test_reporting_periods_and_overdue_reports(
    reported: list[date],
    today: date,
    period: tuple[date, date] | None,
    late: int,
    next_due: date | None,
) -> None:
    due = pl.report_due(START, END, 3, reported, today)
    assert (due.period_start, due.period_end) == (period or (None, None))
    assert due.days_late == late
    assert due.overdue == (late > 0)
    assert due.next_due == next_due


@pytest.mark.parametrize(
    ("due_on", "done_on", "status", "days"),
    [
        (date(2026, 11, 7), None, "overdue", 20),
        (date(2026, 11, 27), None, "due_soon", 0),
        (date(2026, 12, 11), None, "due_soon", 14),
        (date(2026, 12, 12), None, "upcoming", 15),
        (date(2026, 11, 7), date(2026, 11, 20), "done", 0),
    ],
    ids=["overdue", "due-today", "due-in-14-days", "in-15-days", "done-late"],
)
def test_milestone_status(due_on: date, done_on: date | None, status: str, days: int) -> None:
    milestone = Milestone(action_id=1, title="m", due_on=due_on, done_on=done_on)
    assert pl.milestone_status(milestone, TODAY) == (status, days)


def test_the_monitoring_view_on_a_fixed_day(world: World) -> None:
    db = world.db
    m = pl.plan_monitoring(db, world.plan, world.manager, today=TODAY)
    assert [(x.milestone.title, x.status, x.days) for x in m.milestones] == [
        ("Workshop", "done", 0),
        ("Pre-assessment", "overdue", 20),
        ("Mission report", "due_soon", 10),
    ]
    assert [x.milestone.title for x in m.overdue_milestones] == ["Pre-assessment"]
    assert [x.milestone.title for x in m.due_soon] == ["Mission report"]
    # The manager owns the pilot: they may mark its milestone, not the agency's.
    assert {x.milestone.title: x.can_mark for x in m.milestones} == {
        "Workshop": False,
        "Pre-assessment": False,
        "Mission report": True,
    }
    [reported, computed] = m.kpis
    assert reported.can_report
    assert reported.due is not None
    assert (reported.due.overdue, reported.due.days_late) == (True, 57)
    assert [k.kpi.title for k in m.overdue_reports] == ["SMEs on export missions"]
    assert (computed.problem, computed.points, computed.progress.status) == (
        "no_statistics",
        [],
        "no_data",
    )
    assert m.budget_eur == 155_000
    assert [a.action.title for a in m.actions if a.overdue] == ["Accreditation coaching"]
    assert m.actions[0].partners == ["University"]
    assert m.actions[1].responsible_email == "manager@cluster.eu"
    assert [c.theme_key for c in m.objectives[0].criteria] == ["financing", "internationalisation"]

    pl.report_value(
        db, world.plan, world.reported, pl.ReportInput(6, "2026-05-10", "list A"), world.manager
    )
    pl.report_value(
        db, world.plan, world.reported, pl.ReportInput(14, "2026-09-15", "list B"), world.manager
    )
    m = pl.plan_monitoring(db, world.plan, world.manager, today=TODAY)
    state = m.kpis[0]
    assert list(state.points) == [(date(2026, 5, 10), 6.0), (date(2026, 9, 15), 14.0)]
    assert state.due is not None
    assert not state.due.overdue
    # 14 of the 40 from a baseline of 0: 0.35 travelled. The straight path runs from the
    # baseline year 2026 to the target year 2027; 15 September is 257 of its 365 days on.
    assert state.progress.share == pytest.approx(0.35)
    assert state.progress.expected == pytest.approx(257 / 365)
    assert state.progress.status == "behind"
    rows = {r["kpi"]: r for r in pl.kpi_rows(m)}
    assert rows[world.reported]["latest"] == 14.0
    assert rows[world.reported]["latest_at"] == "2026-09-15"
    assert rows[world.reported]["next_report_due"] == "2027-01-01"
    assert rows[world.reported]["report_overdue_since"] is None
    assert rows[world.computed]["problem"] == "no_statistics"
    assert rows[world.computed]["indicator"] == "lq"
    assert rows[world.computed]["industry"] == "C29"


def _notes(db: Session) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for user, kind in db.execute(
        select(User.email, Notification.kind)
        .join(Notification, Notification.user_id == User.id)
        .order_by(User.email, Notification.kind)
    ).all():
        out.setdefault(user, []).append(kind)
    return out


def test_reminders_go_to_action_owners_once_a_day(world: World) -> None:
    db = world.db
    run = pl.send_reminders(db, TODAY, actor=CLI_ACTOR)
    assert (run.milestones, run.reports, run.people) == (3, 1, 3)
    # The agency's action has no responsible person: every member of the agency hears of
    # its overdue milestone; the pilot's responsible manager of its milestone and report.
    assert _notes(db) == {
        "colleague@agency.eu": ["plan.milestone_overdue"],
        "manager@cluster.eu": ["plan.milestone_due", "plan.report_overdue"],
        "owner@agency.eu": ["plan.milestone_overdue"],
    }
    note = db.scalar(select(Notification).where(Notification.kind == "plan.report_overdue"))
    assert note is not None
    assert note.params == {
        "kpi": "SMEs on export missions",
        "plan": "HU21 cluster plan",
        "due": "2026-10-01",
    }
    assert note.link == f"/plans/{world.plan}/kpis/{world.reported}/reports"
    assert pl.send_reminders(db, TODAY, actor=CLI_ACTOR).sent == 0
    assert db.scalar(select(func.count()).select_from(Notification)) == 4
    audits = db.scalars(select(AuditEntry).where(AuditEntry.action == "plan.reminders")).all()
    assert [a.after for a in audits] == [{"on": "2026-11-27", "milestones": 3, "reports": 1}]
    # The next day they are reminded again, unless the milestone is done by then.
    pl.set_milestone_done(
        db, world.plan, world.milestone_late, world.owner, done_on=date(2026, 11, 27)
    )
    again = pl.send_reminders(db, date(2026, 11, 28), actor=CLI_ACTOR)
    assert (again.milestones, again.reports) == (1, 1)


def test_draft_plans_send_no_reminders(world: World) -> None:
    db = world.db
    pl.update_plan(
        db,
        world.plan,
        pl.PlanInput("HU21 cluster plan", ("HU21",), START, END, status="draft"),
        world.owner,
    )
    assert pl.send_reminders(db, TODAY, actor=CLI_ACTOR).sent == 0

"""Reminders inside the platform: action owners hear about milestones due soon or overdue,
and about KPI reports that are overdue, at most once per subject, person and day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from polisee.records.accounts import Membership, User
from polisee.records.permissions import ROLE_PERMISSIONS
from polisee.records.plans import (
    Action,
    Kpi,
    KpiKind,
    KpiReport,
    Milestone,
    Plan,
    PlanStatus,
    Reminder,
)
from polisee.services.audit import Actor, record_change
from polisee.services.notifications import notify
from polisee.services.permissions import Permission, Role
from polisee.services.plans._deadlines import DUE_SOON_DAYS, report_due

__all__ = ["REMINDER_TEXTS", "ReminderRun", "send_reminders"]

# Notification text keys (English msgids, translated when shown) by kind.
REMINDER_TEXTS: dict[str, str] = {
    "plan.milestone_due": "Milestone “%(milestone)s” of “%(action)s” is due on %(due)s.",
    "plan.milestone_overdue": "Milestone “%(milestone)s” of “%(action)s” was due on %(due)s and is overdue.",
    "plan.report_overdue": "A report on the KPI “%(kpi)s” of the plan “%(plan)s” was due on %(due)s.",
}


@dataclass(frozen=True)
class ReminderRun:
    """What one run sent: notifications by kind (milestones, reports) and to how many people."""

    milestones: int
    reports: int
    people: int

    @property
    def sent(self) -> int:
        return self.milestones + self.reports


def _members(
    session: Session, organisation_id: int, roles: Iterable[Role] | None = None
) -> set[int]:
    query = (
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation_id, User.active.is_(True))
    )
    if roles is not None:
        query = query.where(Membership.role.in_(list(roles)))
    return set(session.scalars(query))


def _owners(session: Session, action: Action) -> set[int]:
    # The responsible person when named, else every member of the owner organisation.
    if action.responsible_id is not None:
        return {action.responsible_id}
    return _members(session, action.owner_organisation_id)


def _editors(session: Session, plan: Plan) -> set[int]:
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if Permission.PLAN_EDIT in perms]
    return _members(session, plan.owner_organisation_id, roles)


def _send(
    session: Session,
    kind: str,
    subject_id: int,
    users: set[int],
    today: date,
    params: dict[str, str],
    link: str,
) -> set[int]:
    """Record and notify each user not yet reminded of this subject today; the unique key
    of the reminders table (insert or do nothing) settles a race between two runs."""
    done = set(
        session.scalars(
            select(Reminder.user_id).where(
                Reminder.kind == kind, Reminder.subject_id == subject_id, Reminder.sent_on == today
            )
        )
    )
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    sent = set()
    for user_id in sorted(users - done):
        inserted = session.execute(
            insert(Reminder)
            .values(
                kind=kind, subject_id=subject_id, user_id=user_id, sent_on=today, details=params
            )
            .on_conflict_do_nothing()
            .returning(Reminder.id)
        ).first()
        if inserted is not None:
            sent.add(user_id)
    if sent:
        notify(session, sent, kind=kind, text_key=REMINDER_TEXTS[kind], params=params, link=link)
    return sent


def send_reminders(
    session: Session,
    today: date,
    *,
    actor: Actor,
    within_days: int = DUE_SOON_DAYS,
    plan_id: int | None = None,
) -> ReminderRun:
    """Remind the owners of active plans' actions of milestones due within ``within_days``
    or overdue, and of overdue KPI reports (the KPI's action owners, else the plan's
    editors). Running again on the same day sends nothing new. One audit entry per run
    that sent something."""
    plans_query = select(Plan).where(Plan.status == PlanStatus.ACTIVE)
    if plan_id is not None:
        plans_query = plans_query.where(Plan.id == plan_id)
    plans = {p.id: p for p in session.scalars(plans_query)}
    people: set[int] = set()
    milestones = reports = 0
    if not plans:
        return ReminderRun(0, 0, 0)
    rows = session.execute(
        select(Milestone, Action)
        .join(Action, Action.id == Milestone.action_id)
        .where(
            Action.plan_id.in_(list(plans)),
            Milestone.done_on.is_(None),
            Milestone.due_on <= date.fromordinal(today.toordinal() + within_days),
        )
        .order_by(Milestone.due_on, Milestone.id)
    ).all()
    for milestone, action in rows:
        kind = "plan.milestone_overdue" if milestone.due_on < today else "plan.milestone_due"
        sent = _send(
            session,
            kind,
            milestone.id,
            _owners(session, action),
            today,
            {
                "milestone": milestone.title,
                "action": action.title,
                "due": milestone.due_on.isoformat(),
            },
            f"/plans/{action.plan_id}",
        )
        milestones += len(sent)
        people |= sent
    kpis = session.scalars(
        select(Kpi)
        .where(Kpi.plan_id.in_(list(plans)), Kpi.kind == KpiKind.REPORTED)
        .order_by(Kpi.id)
    ).all()
    for kpi in kpis:
        plan = plans[kpi.plan_id]
        assert kpi.reporting_months is not None
        reported = list(session.scalars(select(KpiReport.as_of).where(KpiReport.kpi_id == kpi.id)))
        due = report_due(plan.starts_on, plan.ends_on, kpi.reporting_months, reported, today)
        if not due.overdue or due.period_end is None:
            continue
        owner = session.get(Action, kpi.action_id) if kpi.action_id is not None else None
        users = _owners(session, owner) if owner is not None else _editors(session, plan)
        sent = _send(
            session,
            "plan.report_overdue",
            kpi.id,
            users,
            today,
            {"kpi": kpi.title, "plan": plan.title, "due": due.period_end.isoformat()},
            f"/plans/{plan.id}/kpis/{kpi.id}/reports",
        )
        reports += len(sent)
        people |= sent
    run = ReminderRun(milestones, reports, len(people))
    if run.sent:
        record_change(
            session,
            actor,
            "plan.reminders",
            "plan",
            plan_id if plan_id is not None else "all",
            after={"on": today.isoformat(), "milestones": milestones, "reports": reports},
        )
    return run

"""Deadlines: reporting periods and the report a KPI owes, and a milestone's status on a
day (done, overdue, due soon, upcoming)."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from polisee.records.plans import Milestone

__all__ = [
    "DUE_SOON_DAYS",
    "MilestoneStatus",
    "ReportDue",
    "add_months",
    "milestone_status",
    "report_due",
]

DUE_SOON_DAYS = 14
MilestoneStatus = Literal["done", "overdue", "due_soon", "upcoming"]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept within the target month.

    >>> add_months(date(2026, 1, 31), 1), add_months(date(2026, 11, 15), 3)
    (datetime.date(2026, 2, 28), datetime.date(2027, 2, 15))
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReportDue:
    """Where a reported KPI stands: the last reporting period that has ended (if any),
    whether a report dated within it exists, how many days it is late, and when the next
    report is due (None once the plan's period is over)."""

    period_start: date | None
    period_end: date | None
    covered: bool
    days_late: int
    next_due: date | None

    @property
    def overdue(self) -> bool:
        return self.period_end is not None and not self.covered


def report_due(
    starts_on: date, ends_on: date, months: int, reported: Sequence[date], today: date
) -> ReportDue:
    """Reporting periods run every ``months`` months from ``starts_on``; the last one ends
    with the plan (``ends_on``). A report is owed at the end of each period and is overdue
    when the period has passed without a report dated within it (end date included).

    >>> start, end = date(2026, 1, 1), date(2027, 12, 31)
    >>> due = report_due(start, end, 3, [date(2026, 3, 20)], date(2026, 7, 15))
    >>> due.period_start, due.period_end, due.covered, due.days_late, due.next_due
    (datetime.date(2026, 4, 1), datetime.date(2026, 7, 1), False, 14, datetime.date(2026, 10, 1))
    >>> report_due(start, end, 3, [date(2026, 6, 30)], date(2026, 7, 15)).overdue
    False
    >>> report_due(start, end, 3, [], date(2026, 2, 1)).overdue  # the first period runs
    False
    """
    period_start: date | None = None
    period_end: date | None = None
    cursor = starts_on
    while cursor < ends_on:
        end = min(add_months(cursor, months), ends_on)
        if end > today:
            break
        period_start, period_end = cursor, end
        cursor = end
    next_due = min(add_months(cursor, months), ends_on) if cursor < ends_on else None
    if period_start is None or period_end is None:
        return ReportDue(None, None, True, 0, next_due)
    covered = any(period_start <= day <= period_end for day in reported)
    return ReportDue(
        period_start, period_end, covered, 0 if covered else (today - period_end).days, next_due
    )


def milestone_status(
    milestone: Milestone, today: date, within_days: int = DUE_SOON_DAYS
) -> tuple[MilestoneStatus, int]:
    """Done, overdue (with days late), due soon (within ``within_days``, with days left) or
    upcoming (with days left)."""
    if milestone.done_on is not None:
        return "done", 0
    days = (milestone.due_on - today).days
    if days < 0:
        return "overdue", -days
    return ("due_soon" if days <= within_days else "upcoming"), days

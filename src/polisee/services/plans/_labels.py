"""The words people see for plan, action, KPI and milestone states and for levels.

English labels are msgids of the plans catalogue; the dashboard, the editor and the plan
monitoring report translate them, so one page and one report never name a state two ways.
"""

from __future__ import annotations

__all__ = ["ACTION_STATUS", "KPI_STATUS", "LEVELS", "MILESTONE_STATUS", "PLAN_STATUS"]

PLAN_STATUS = {
    "draft": "Draft",
    "active": "Active",
    "completed": "Completed",
    "cancelled": "Cancelled",
}
ACTION_STATUS = {
    "planned": "Planned",
    "in_progress": "In progress",
    "completed": "Completed",
    "delayed": "Delayed",
    "cancelled": "Cancelled",
}
KPI_STATUS = {
    "achieved": "Target reached",
    "on_track": "On track",
    "behind": "Behind",
    "no_data": "No value yet",
}
MILESTONE_STATUS = {
    "done": "Done",
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "upcoming": "Upcoming",
}
LEVELS = {"low": "Low", "medium": "Medium", "high": "High"}

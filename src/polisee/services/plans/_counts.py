"""How much each plan holds, for lists and the API: objectives, actions, milestones, KPIs
and risks, counted in one query per kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polisee.records.plans import Action, Kpi, Milestone, Objective, Risk

__all__ = ["PlanCounts", "plan_counts"]


@dataclass(frozen=True)
class PlanCounts:
    """The number of each kind of item of one plan."""

    objectives: int = 0
    actions: int = 0
    milestones: int = 0
    kpis: int = 0
    risks: int = 0


def plan_counts(session: Session, plan_ids: Sequence[int]) -> dict[int, PlanCounts]:
    """The counts of every plan in ``plan_ids`` (zeros for a plan without items); the caller
    has checked that the plans may be seen."""
    ids = list(dict.fromkeys(plan_ids))
    if not ids:
        return {}
    found: dict[str, dict[int, int]] = {}
    for name, model in (
        ("objectives", Objective),
        ("actions", Action),
        ("kpis", Kpi),
        ("risks", Risk),
    ):
        found[name] = dict(
            session.execute(
                select(model.plan_id, func.count())
                .where(model.plan_id.in_(ids))
                .group_by(model.plan_id)
            ).all()
        )
    found["milestones"] = dict(
        session.execute(
            select(Action.plan_id, func.count())
            .join(Milestone, Milestone.action_id == Action.id)
            .where(Action.plan_id.in_(ids))
            .group_by(Action.plan_id)
        ).all()
    )
    return {
        plan_id: PlanCounts(**{name: counts.get(plan_id, 0) for name, counts in found.items()})
        for plan_id in ids
    }

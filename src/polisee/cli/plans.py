"""``polisee plans remind``: send today's reminders of action plans (milestones due soon or
overdue, overdue KPI reports) to the action owners' notifications; run it daily (cron)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from polisee.cli import _console
from polisee.config import Settings
from polisee.errors import InputError
from polisee.records.db import transaction
from polisee.services import plans as pl
from polisee.services.audit import CLI_ACTOR
from polisee.services.schema import upgrade

__all__ = ["app"]

app = typer.Typer(help="Action plans: reminders to action owners.", no_args_is_help=True)


@app.callback()
def plans() -> None:
    """Action plans: reminders to action owners."""


@app.command("remind")
def remind(
    on: Annotated[
        str, typer.Option(help="The day to remind for (default today), e.g. 2026-11-27.")
    ] = "",
    within_days: Annotated[
        int, typer.Option(min=0, max=90, help="Remind of milestones due within this many days.")
    ] = pl.DUE_SOON_DAYS,
    plan: Annotated[int | None, typer.Option(help="Only this plan (its id).")] = None,
) -> None:
    """Notify the owners of active plans' actions of milestones due soon or overdue and of
    overdue KPI reports; running again on the same day sends nothing new."""
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise InputError(f"expected a date like 2026-11-27, got {on!r}", field="--on") from None
    url = Settings().database_url
    upgrade(url)
    with transaction(url) as db:
        run = pl.send_reminders(db, day, actor=CLI_ACTOR, within_days=within_days, plan_id=plan)
    _console.console.print(
        f"{day.isoformat()}: {run.sent} reminders sent ({run.milestones} on milestones, "
        f"{run.reports} on KPI reports) to {run.people} people",
        markup=False,
    )

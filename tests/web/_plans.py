"""Plans for the web tests, with dates around the real today (the pages use it): one of
Pannon Agency (the ``people`` fixture's organisation) with a cluster organisation's manager
owning its pilot, and one of another agency that nobody of Pannon may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from tests.services._assessment import person, principal_of

from polisee.records.db import transaction
from polisee.services import accounts
from polisee.services import plans as pl

MANAGER = "cm@cluster.eu"
OUTSIDER = "pm@other.eu"
VISITOR = "visitor@example.eu"
EDITOR = "editor.hu21@example.eu"


@dataclass(frozen=True)
class PlanIds:
    plan: int
    action: int
    pilot: int
    late: int  # the agency action's overdue milestone
    own: int  # the pilot's milestone (its manager may mark it)
    reported: int  # reported KPI of the pilot, every 3 months, nothing reported
    other_plan: int  # another agency's, unpublished


def make_plans(database_url: str, *, title: str = "Pannon cluster plan") -> PlanIds:
    today = date.today()
    start = pl.add_months(today.replace(day=1), -7)
    end = pl.add_months(start, 24)
    with transaction(database_url) as db:
        owner = principal_of(db, "policy_maker@example.eu")
        agency = accounts.find_organisation(db, "Pannon Agency")
        manager = person(db, MANAGER, role="cluster_manager", organisation="Cluster org")
        outsider = person(db, OUTSIDER, role="policy_maker", organisation="Other Agency")
        cluster_org = accounts.find_organisation(db, "Cluster org")
        plan = pl.create_plan(
            db,
            pl.PlanInput(
                title, ("HU21",), start, end, summary="Line one\nLine two", status="active"
            ),
            owner,
            owner_organisation_id=agency.id,
        )
        action = pl.add_action(
            db,
            plan.id,
            pl.ActionInput("Accreditation coaching", agency.id, start, end, budget_eur=120_000),
            owner,
        )
        pilot = pl.add_action(
            db,
            plan.id,
            pl.ActionInput(
                "Joint export mission",
                cluster_org.id,
                start,
                today - timedelta(days=10),
                responsible_id=manager.user_id,
                instrument="network_programme",
                budget_eur=35_000,
                is_pilot=True,
                status="completed",
            ),
            owner,
        )
        late = pl.add_milestone(
            db,
            plan.id,
            pl.MilestoneInput(action.id, "Pre-assessment", today - timedelta(days=20)),
            owner,
        )
        own = pl.add_milestone(
            db,
            plan.id,
            pl.MilestoneInput(pilot.id, "Mission report", today + timedelta(days=5)),
            owner,
        )
        reported = pl.add_kpi(
            db,
            plan.id,
            pl.KpiInput(
                "SMEs on export missions",
                "reported",
                baseline_year=start.year,
                baseline_value=0,
                target_value=40,
                target_year=end.year,
                reporting_months=3,
                unit="SMEs",
                action_id=pilot.id,
            ),
            owner,
        )
        pl.add_kpi(
            db,
            plan.id,
            pl.KpiInput(
                "LQ of motor vehicles",
                "computed",
                baseline_year=2014,
                target_value=5.3,
                target_year=2027,
                indicator_key="lq",
                industry="C29",
                region_code="HU21",
            ),
            owner,
        )
        other_agency = accounts.find_organisation(db, "Other Agency")
        other = pl.create_plan(
            db,
            pl.PlanInput("Other plan", ("AT31",), start, end),
            outsider,
            owner_organisation_id=other_agency.id,
        )
        return PlanIds(plan.id, action.id, pilot.id, late.id, own.id, reported.id, other.id)


def demo_plan_app(factory: Any, name: str) -> FastAPI:
    """The platform on the real demo statistics with the demo records (the demo plan
    among them), a visitor of another organisation and an editor of the plan's owner."""
    from tests.services.test_evidence import demo_stats_path
    from tests.web.test_evidence_pages import evidence_app

    from polisee.services.assessment import DEMO_ORGANISATION
    from polisee.services.demo import load_demo_records

    var_dir = demo_stats_path(factory).parent
    records = factory.mktemp(name) / "records.sqlite3"
    application = evidence_app(var_dir, records)
    with transaction(f"sqlite:///{records}") as db:
        load_demo_records(db)
        person(db, VISITOR, role="member", organisation="Visitors")
        person(db, EDITOR, role="policy_maker", organisation=DEMO_ORGANISATION)
    return application

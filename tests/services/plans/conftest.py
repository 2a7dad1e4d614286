"""A small planning world on the test database: an agency whose policy maker owns a HU21
plan started from a self-assessment, a cluster organisation whose manager owns the pilot
action, a university partner, and an outsider agency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session
from tests.services._assessment import _hash

from polisee.records.accounts import User
from polisee.records.permissions import Role, permissions_for
from polisee.services import accounts
from polisee.services import assessment as sa
from polisee.services import plans as pl
from polisee.services.audit import CLI_ACTOR
from polisee.services.sessions import Principal

START, END = date(2026, 1, 1), date(2027, 12, 31)


@dataclass
class World:
    db: Session
    owner: Principal  # policy maker of the agency that owns the plan
    colleague: Principal  # a member (no plan:edit) of the same agency
    manager: Principal  # cluster manager, responsible for the pilot action
    partner: Principal  # member of the university partner of the first action
    outsider: Principal  # policy maker of another agency
    agency: int
    cluster_org: int
    university: int
    assessment: int
    plan: int
    objective: int
    action: int  # owned by the agency
    pilot: int  # owned by the cluster organisation
    milestone_done: int
    milestone_late: int
    milestone_soon: int
    reported: int  # reported KPI of the pilot, every 3 months
    computed: int  # LQ of C29 in HU21


def person(db: Session, email: str, organisation: int, role: Role) -> Principal:
    # Stored directly with one hash per session (argon2 takes half a second per hash);
    # these tests are about plans, not accounts.
    user = User(email=email, display_name=email.split("@")[0], password_hash=_hash(), active=True)
    db.add(user)
    db.flush()
    accounts.grant_role(
        db, user_id=user.id, organisation_id=organisation, role=role, actor=CLI_ACTOR
    )
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        permissions=permissions_for([role]),
    )


def build_world(db: Session) -> World:
    agency = accounts.create_organisation(db, name="Agency", kind="agency", actor=CLI_ACTOR)
    cluster_org = accounts.create_organisation(
        db, name="Cluster org", kind="cluster_organisation", actor=CLI_ACTOR
    )
    university = accounts.create_organisation(
        db, name="University", kind="university", actor=CLI_ACTOR
    )
    other = accounts.create_organisation(db, name="Other agency", kind="agency", actor=CLI_ACTOR)
    owner = person(db, "owner@agency.eu", agency.id, Role.POLICY_MAKER)
    colleague = person(db, "colleague@agency.eu", agency.id, Role.MEMBER)
    manager = person(db, "manager@cluster.eu", cluster_org.id, Role.CLUSTER_MANAGER)
    partner = person(db, "prof@university.eu", university.id, Role.MEMBER)
    outsider = person(db, "pm@other.eu", other.id, Role.POLICY_MAKER)
    assessment = sa.create_assessment(db, principal=owner, region_code="HU21", round_year=2025)
    plan = pl.create_plan(
        db,
        pl.PlanInput("HU21 cluster plan", ("HU21",), START, END, status="active"),
        owner,
        owner_organisation_id=agency.id,
        assessment_id=assessment.id,
    )
    objective = pl.add_objective(
        db,
        plan.id,
        pl.ObjectiveInput(
            "Better access to finance and markets",
            assessment_id=assessment.id,
            criterion_keys=("access_to_finance", "market_entry"),
        ),
        owner,
    )
    action = pl.add_action(
        db,
        plan.id,
        pl.ActionInput(
            "Accreditation coaching",
            agency.id,
            START,
            date(2027, 6, 30),
            objective_id=objective.id,
            instrument="advisory",
            partner_ids=(university.id,),
            budget_eur=120_000,
            status="in_progress",
        ),
        owner,
    )
    pilot = pl.add_action(
        db,
        plan.id,
        pl.ActionInput(
            "Joint export mission",
            cluster_org.id,
            date(2026, 2, 1),
            date(2026, 10, 31),
            description="A first joint trade mission of supplier SMEs.",
            objective_id=objective.id,
            instrument="network_programme",
            responsible_id=manager.user_id,
            budget_eur=35_000,
            funding_source="Members' fees and regional co-financing",
            status="completed",
            is_pilot=True,
        ),
        owner,
    )
    done = pl.add_milestone(
        db, plan.id, pl.MilestoneInput(action.id, "Workshop", date(2026, 2, 1)), owner
    )
    pl.set_milestone_done(db, plan.id, done.id, owner, done_on=date(2026, 2, 3))
    late = pl.add_milestone(
        db, plan.id, pl.MilestoneInput(action.id, "Pre-assessment", date(2026, 11, 7)), owner
    )
    soon = pl.add_milestone(
        db, plan.id, pl.MilestoneInput(pilot.id, "Mission report", date(2026, 12, 7)), owner
    )
    reported = pl.add_kpi(
        db,
        plan.id,
        pl.KpiInput(
            "SMEs on export missions",
            "reported",
            baseline_year=2026,
            baseline_value=0,
            target_value=40,
            target_year=2027,
            reporting_months=3,
            unit="SMEs",
            action_id=pilot.id,
        ),
        owner,
    )
    computed = pl.add_kpi(
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
    db.commit()
    return World(
        db=db,
        owner=owner,
        colleague=colleague,
        manager=manager,
        partner=partner,
        outsider=outsider,
        agency=agency.id,
        cluster_org=cluster_org.id,
        university=university.id,
        assessment=assessment.id,
        plan=plan.id,
        objective=objective.id,
        action=action.id,
        pilot=pilot.id,
        milestone_done=done.id,
        milestone_late=late.id,
        milestone_soon=soon.id,
        reported=reported.id,
        computed=computed.id,
    )


@pytest.fixture
def world(db: Session) -> World:
    return build_world(db)

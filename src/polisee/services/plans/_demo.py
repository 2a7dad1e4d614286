"""The demo action plan: Central Transdanubia (HU21), started from the weak criteria of the
2025 demo self-assessment, transferring two practices documented by Interreg Europe.

Everything here is demo content: the plan carries the ``demo`` flag and "[demo]" in its
title, the organisations and people are fictional, the budgets are illustrative, and the
reported KPI values are made up for the demonstration (each report says so). The computed
KPIs are not: their values come from the Eurostat data in the statistics store. The dates
are set relative to the day the demo is loaded, so that it always shows a plan under way
with one overdue milestone and one overdue report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import NotFound
from polisee.records.accounts import Organisation, OrganisationKind, User
from polisee.records.assessments import Assessment
from polisee.records.permissions import Role
from polisee.records.plans import Plan
from polisee.records.practices import Practice
from polisee.services import accounts
from polisee.services.assessment import DEMO_ORGANISATION
from polisee.services.audit import CLI_ACTOR
from polisee.services.plans._deadlines import add_months
from polisee.services.plans._edit import add_objective, create_plan
from polisee.services.plans._items import (
    add_action,
    add_kpi,
    add_milestone,
    add_risk,
    set_milestone_done,
)
from polisee.services.plans._model import (
    ActionInput,
    KpiInput,
    MilestoneInput,
    ObjectiveInput,
    PilotInput,
    PlanInput,
    ReportInput,
    RiskInput,
)
from polisee.services.plans._reports import report_value, save_pilot_evaluation
from polisee.services.sessions import principal_of

__all__ = ["DEMO_PLAN_TITLE", "DemoPlan", "load_demo_plans"]

DEMO_PLAN_TITLE = "[demo] Central Transdanubia cluster action plan"
OWNER_EMAIL = "demo.owner.hu21@polisee.example"
CLUSTER_ORGANISATION = "polisee demo: Central Transdanubian automotive cluster management (demo)"
CLUSTER_MANAGER = "demo.cluster.hu21@polisee.example"
UNIVERSITY = "polisee demo: regional university partner (demo)"
ACCREDITATION = "https://interregeurope.eu/good-practices/the-tool-for-monitor-and-evaluate-the-hungarian-cluster-policy-cluster-accreditation-system"
AIC_GRANTS = "https://www.interregeurope.eu/good-practices/supporting-joint-technological-innovation-of-accredited-innovation-clusters"
GINOP_132 = "http://www.rpe.hu/palyazat/professzionalis-klaszterszervezetek-minosegi-szolgaltatasnyujtasanak-tamogatasa-ginop-1-3-2-2015/"
ECCP = "https://clustercollaboration.eu"
DEMO_EVIDENCE = "[demo] A made-up value for the demonstration, not a measurement."
PRACTICES = (
    "Hungarian Accredited Innovation Cluster grants for joint technological innovation",
    "Hungarian cluster accreditation system as a tool to monitor cluster policy",
)


@dataclass(frozen=True)
class DemoPlan:
    """What :func:`load_demo_plans` made (``plan_id`` None when it made nothing)."""

    plan_id: int | None
    kpis: int = 0
    actions: int = 0


def _organisation(session: Session, name: str, kind: OrganisationKind) -> Organisation:
    try:
        return accounts.find_organisation(session, name)
    except NotFound:
        return accounts.create_organisation(
            session, name=name, kind=kind, actor=CLI_ACTOR, country="HU", region_code="HU21"
        )


def _cluster_manager(session: Session, organisation: Organisation) -> User:
    user = session.scalar(select(User).where(User.email == CLUSTER_MANAGER))
    if user is None:
        # Nobody signs in as this demo person: the password is random and never shown.
        user = accounts.create_user(
            session,
            email=CLUSTER_MANAGER,
            display_name="Demo cluster manager, Central Transdanubia (demo)",
            password=accounts.generate_password(),
            actor=CLI_ACTOR,
        )
    if Role.CLUSTER_MANAGER not in accounts.roles_of(session, user.id):
        accounts.grant_role(
            session,
            user_id=user.id,
            organisation_id=organisation.id,
            role=Role.CLUSTER_MANAGER,
            actor=CLI_ACTOR,
        )
    return user


def load_demo_plans(session: Session, *, today: date | None = None) -> DemoPlan:
    """Create the demo plan once, after the demo assessments (it starts from the HU21 2025
    round) and, when present, the demo practices; nothing when a demo plan exists or the
    demo assessment is missing."""
    if session.scalar(select(Plan.id).where(Plan.demo.is_(True)).limit(1)) is not None:
        return DemoPlan(None)
    owner_user = session.scalar(select(User).where(User.email == OWNER_EMAIL))
    assessment = session.scalar(
        select(Assessment).where(
            Assessment.demo.is_(True),
            Assessment.region_code == "HU21",
            Assessment.round_year == 2025,
        )
    )
    if owner_user is None or assessment is None:
        return DemoPlan(None)
    day = today or date.today()
    owner = principal_of(session, owner_user)
    team = accounts.find_organisation(session, DEMO_ORGANISATION)
    cluster_org = _organisation(
        session, CLUSTER_ORGANISATION, OrganisationKind.CLUSTER_ORGANISATION
    )
    university = _organisation(session, UNIVERSITY, OrganisationKind.UNIVERSITY)
    manager = principal_of(session, _cluster_manager(session, cluster_org))
    start = add_months(day.replace(day=1), -8)
    end = add_months(start, 36) - timedelta(days=1)
    plan = create_plan(
        session,
        PlanInput(
            title=DEMO_PLAN_TITLE,
            regions=("HU21",),
            starts_on=start,
            ends_on=end,
            status="active",
            published=True,
            summary=(
                "[demo] A demonstration plan for Central Transdanubia, written for polisee. It "
                "takes up weak criteria of the 2025 demo self-assessment and transfers two "
                "Hungarian practices documented by Interreg Europe: the accredited innovation "
                f"cluster grants ({AIC_GRANTS}) and the cluster accreditation system "
                f"({ACCREDITATION}). Organisations, people, budgets and reported values are "
                "fictional; the computed KPIs come from Eurostat data."
            ),
        ),
        owner,
        owner_organisation_id=team.id,
        assessment_id=assessment.id,
        demo=True,
    )
    practices = {
        p.title: p.id
        for p in session.scalars(
            select(Practice).where(Practice.demo.is_(True), Practice.title.in_(PRACTICES))
        )
    }

    def objective(key: str, title: str, description: str, practice: str | None) -> int:
        return add_objective(
            session,
            plan.id,
            ObjectiveInput(
                title=title,
                description=description,
                assessment_id=assessment.id,
                criterion_keys=(key,),
                practice_ids=(practices[practice],) if practice in practices else (),
            ),
            owner,
        ).id

    finance = objective(
        "access_to_finance",
        "[demo] Cluster organisations reach stable, quality-based funding",
        "[demo] Tie support to a quality check of cluster management, as Hungary's accreditation "
        "system and the grants reserved for accredited clusters do.",
        PRACTICES[0],
    )
    markets = objective(
        "market_entry",
        "[demo] Cluster firms enter foreign markets together",
        "[demo] Joint missions and partner searches for suppliers that sell mostly to one "
        "domestic assembly plant.",
        PRACTICES[1],
    )
    services = objective(
        "innovation_services",
        "[demo] Cluster members get innovation services close to home",
        "[demo] A service offer of the cluster management organisation for its SMEs.",
        None,
    )

    def action(**values: object) -> int:
        return add_action(session, plan.id, ActionInput(**values), owner).id  # type: ignore[arg-type]

    accreditation = action(
        title="[demo] Preparing cluster organisations for accreditation",
        description=(
            "[demo] Coaching of the region's cluster management organisations against the "
            "published scoring grid of the Hungarian cluster accreditation system (cooperation, "
            f"management and composition, international focus, innovation). Source: {ACCREDITATION}"
        ),
        objective_id=finance,
        instrument="advisory",
        owner_organisation_id=team.id,
        partner_ids=(cluster_org.id, university.id),
        starts_on=start,
        ends_on=add_months(start, 18),
        budget_eur=120_000,
        funding_source="[demo] Illustrative amount: regional development budget",
        status="in_progress",
    )
    pilot = action(
        title="[demo] Pilot: joint export mission of automotive suppliers",
        description=(
            "[demo] A first joint trade mission of supplier SMEs of the automotive cluster, "
            f"with a partner cluster found on the European Cluster Collaboration Platform ({ECCP})."
        ),
        objective_id=markets,
        instrument="network_programme",
        owner_organisation_id=cluster_org.id,
        responsible_id=manager.user_id,
        partner_ids=(team.id,),
        starts_on=add_months(start, 1),
        ends_on=day - timedelta(days=30),
        budget_eur=35_000,
        funding_source="[demo] Illustrative amount: members' fees and regional co-financing",
        status="completed",
        is_pilot=True,
    )
    service = action(
        title="[demo] Innovation services of the cluster management organisation",
        description=(
            "[demo] A catalogue of innovation services (technology audits, partner search, "
            "project preparation) for member SMEs, modelled on Hungary's GINOP-1.3.2-15 call "
            f"for quality services of accredited cluster organisations. Source: {GINOP_132}"
        ),
        objective_id=services,
        instrument="advisory",
        owner_organisation_id=cluster_org.id,
        responsible_id=manager.user_id,
        starts_on=day.replace(day=1),
        ends_on=add_months(start, 30),
        budget_eur=80_000,
        funding_source="[demo] Illustrative amount: cohesion policy programme",
        status="planned",
    )

    def milestone(action_id: int, title: str, due: date, done: date | None = None) -> None:
        created = add_milestone(session, plan.id, MilestoneInput(action_id, title, due), owner)
        if done is not None:
            set_milestone_done(session, plan.id, created.id, owner, done_on=done)

    first = add_months(start, 1)
    milestone(
        accreditation,
        "[demo] Workshop on the scoring grid with cluster managers",
        first,
        first + timedelta(days=3),
    )
    milestone(
        accreditation,
        "[demo] Pre-assessment of three cluster organisations",
        day - timedelta(days=20),
    )
    milestone(accreditation, "[demo] Accreditation applications submitted", add_months(start, 17))
    milestone(
        pilot,
        "[demo] Mission programme agreed with the partner cluster",
        add_months(start, 2),
        add_months(start, 2),
    )
    milestone(
        pilot,
        "[demo] Joint export mission held",
        day - timedelta(days=45),
        day - timedelta(days=40),
    )
    milestone(service, "[demo] Service catalogue published", day + timedelta(days=10))
    add_risk(
        session,
        plan.id,
        RiskInput(
            description="[demo] Cluster organisations cannot co-finance the preparation",
            likelihood="medium",
            impact="high",
            mitigation="[demo] Stage the coaching so that the first step needs no co-financing.",
            action_id=accreditation,
        ),
        owner,
    )
    add_risk(
        session,
        plan.id,
        RiskInput(
            description="[demo] Suppliers stay dependent on one assembly plant's orders",
            likelihood="high",
            impact="medium",
            mitigation="[demo] Missions target buyers in other vehicle segments.",
        ),
        owner,
    )

    def kpi(**values: object) -> int:
        return add_kpi(session, plan.id, KpiInput(**values), owner).id  # type: ignore[arg-type]

    kpi(
        title="Persons employed in the automotive cluster, Central Transdanubia",
        kind="computed",
        indicator_key="stars",
        cluster="4",
        value_column="employment",
        region_code="HU21",
        unit="persons",
        baseline_year=2014,
        target_value=26_000,
        target_year=2027,
        objective_id=markets,
    )
    kpi(
        title="Location quotient of motor vehicles (C29), Central Transdanubia",
        kind="computed",
        indicator_key="lq",
        industry="C29",
        region_code="HU21",
        baseline_year=2014,
        target_value=5.3,
        target_year=2027,
        objective_id=markets,
    )
    kpi(
        title="R&D personnel, Central Transdanubia",
        kind="computed",
        indicator_key="figure",
        measure="FTE",
        region_code="HU21",
        unit="FTE",
        baseline_year=2009,
        target_value=4_000,
        target_year=2028,
        objective_id=services,
    )
    exporters = kpi(
        title="[demo] Supplier SMEs taking part in joint export missions",
        kind="reported",
        unit="SMEs",
        baseline_year=start.year,
        baseline_value=0,
        target_value=40,
        target_year=end.year,
        reporting_months=6,
        action_id=pilot,
        objective_id=markets,
    )
    coached = kpi(
        title="[demo] Cluster organisations coached for accreditation",
        kind="reported",
        unit="organisations",
        baseline_year=start.year,
        baseline_value=0,
        target_value=6,
        target_year=end.year,
        reporting_months=3,
        action_id=accreditation,
        objective_id=finance,
    )
    report_value(
        session, plan.id, exporters, ReportInput(9, add_months(start, 5), DEMO_EVIDENCE), manager
    )
    report_value(
        session, plan.id, coached, ReportInput(1, add_months(start, 2), DEMO_EVIDENCE), owner
    )
    save_pilot_evaluation(
        session,
        plan.id,
        pilot,
        PilotInput(
            before="[demo] The supplier SMEs sold almost only to assembly plants in the region "
            "and had never exhibited abroad together.",
            after="[demo] Nine SMEs met buyers abroad in one joint mission and three follow-up "
            "visits were agreed (made-up outcomes for the demonstration).",
            lessons="[demo] A partner cluster abroad that prepares the meetings matters more "
            "than the trade fair itself; SMEs joined once the cluster covered the first costs.",
        ),
        manager,
    )
    return DemoPlan(plan.id, kpis=5, actions=3)

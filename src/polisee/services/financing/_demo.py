"""Demo content for cluster financing: twelve fictional cluster organisations of the kinds
found in South-East Europe, their members and annual reports, evaluations on both shipped
ladders, and one open funding call.

Every name carries "[demo]" and the records have ``demo`` set: none of these
organisations exists, their members are invented and their figures are illustrative (not
statistics). Each description says which real kind of organisation or public programme it
is modelled on, with a public source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import NotFound
from polisee.records.clusters import (
    AnnualReport,
    ClusterMember,
    ClusterOrganisation,
    MembershipChange,
    MembershipChangeKind,
    MemberType,
)
from polisee.records.financing import CallStatus
from polisee.services.clusters import CLI_VIEWER, ClusterProfileInput, Viewer, create_cluster
from polisee.services.financing._calls_db import (
    CriterionInput,
    apply_to_call,
    create_call,
    run_allocation,
    set_call_status,
    submit_scores,
)
from polisee.services.financing._evaluations_db import evaluate_cluster
from polisee.services.financing._ladders_db import ensure_builtin_ladders

__all__ = [
    "DEMO_ALLOCATED_CALL",
    "DEMO_CLUSTERS",
    "DemoCluster",
    "DemoSummary",
    "load_demo_allocation",
    "load_demo_clusters",
]

HU_POLICY = "https://clustercollaboration.eu/news/evolution-cluster-policy-hungary-2000-2020"
ECCP = "https://clustercollaboration.eu"
TYPES = ("sme", "large", "research", "education", "public", "other")
SUFFIX = {
    "HU": "Kft.",
    "SI": "d.o.o.",
    "HR": "d.o.o.",
    "BG": "EOOD",
    "RO": "S.R.L.",
    "AT": "GmbH",
    "EL": "S.A.",
    "RS": "d.o.o.",
    "SK": "s.r.o.",
}
NEIGHBOURS = {
    "HU": ("AT", "SK", "RO"),
    "SI": ("AT", "HR"),
    "HR": ("SI", "HU"),
    "BG": ("RO", "EL"),
    "RO": ("HU", "BG"),
    "AT": ("DE", "HU", "SI"),
    "EL": ("BG", "CY"),
    "RS": ("HU", "RO"),
    "SK": ("CZ", "HU", "AT"),
}


@dataclass(frozen=True)
class DemoCluster:
    """One fictional cluster organisation; ``members`` counts current members by type,
    ``report`` is the last year's (turnover in million euro, export share, R&D share of
    turnover, joint projects, patents, events, services, staff FTE)."""

    name: str
    legal_form: str
    country: str
    region: str
    founded: int
    management_fte: str
    category: str
    nace: tuple[str, ...]
    technologies: tuple[str, ...]
    description: str
    source: str
    members: tuple[int, int, int, int, int, int]
    foreign: int
    report: tuple[float, float, float, int, int, int, int, float]
    improving: bool = True
    recent_joiners: int = 2
    leavers: int = 1


DEMO_CLUSTERS: tuple[DemoCluster, ...] = (
    DemoCluster(
        "[demo] Central Transdanubian Automotive Suppliers",
        "non-profit company",
        "HU",
        "HU21",
        2006,
        "4",
        "Automotive",
        ("C29", "C22", "C25"),
        ("injection moulding", "precision machining", "electromobility"),
        "Fictional supplier network around vehicle assembly plants in Central Transdanubia, the "
        "kind of organisation Hungary's cluster policy has supported since its first automotive "
        "cluster in 2000.",
        HU_POLICY,
        (28, 6, 2, 2, 1, 1),
        3,
        (1450, 0.62, 0.024, 9, 4, 14, 11, 4.5),
    ),
    DemoCluster(
        "[demo] West Pannon Mechatronics Network",
        "association",
        "HU",
        "HU22",
        2009,
        "3",
        "Production technology and heavy machinery",
        ("C28", "C27", "C26"),
        ("industrial automation", "robotics", "sensors"),
        "Fictional mechatronics cluster in Western Transdanubia, modelled on the accredited "
        "clusters of the Hungarian three-level cluster development model; its membership has "
        "changed strongly since its last award, so the title-lapse rule is visible.",
        HU_POLICY,
        (22, 3, 1, 1, 1, 0),
        1,
        (420, 0.52, 0.022, 6, 4, 10, 8, 3),
        recent_joiners=10,
        leavers=6,
    ),
    DemoCluster(
        "[demo] Budapest Digital Services Cluster",
        "non-profit company",
        "HU",
        "HU11",
        2012,
        "3",
        "Information technology and analytical instruments",
        ("J62", "J63", "J58"),
        ("cloud services", "cyber security", "data analytics"),
        "Fictional ICT cluster in Budapest of the kind found among Hungarian developing and "
        "accredited clusters, strong in R&D but selling mostly at home.",
        HU_POLICY,
        (45, 4, 2, 3, 0, 2),
        6,
        (610, 0.18, 0.03, 7, 2, 16, 12, 3),
    ),
    DemoCluster(
        "[demo] Savinja Wood and Furniture Partnership",
        "economic interest grouping",
        "SI",
        "SI03",
        2014,
        "1.5",
        "Wood products",
        ("C16", "C31"),
        ("timber construction", "furniture design", "CNC woodworking"),
        "Fictional wood and furniture cluster in eastern Slovenia, one of the forest-based "
        "industries where cluster organisations are common; see the European Cluster "
        "Collaboration Platform for real ones.",
        ECCP,
        (16, 1, 0, 1, 1, 0),
        1,
        (210, 0.55, 0.006, 3, 0, 8, 5, 1.5),
        improving=False,
    ),
    DemoCluster(
        "[demo] Slavonian Wine and Food Cluster",
        "association",
        "HR",
        "HR02",
        2016,
        "1",
        "Food processing and manufacturing",
        ("C11", "C10", "A01"),
        ("wine making", "food safety", "short supply chains"),
        "Fictional wine and agri-food cluster in Pannonian Croatia, of the kind brought together "
        "by Croatia's competitiveness-cluster policy (twelve competitiveness clusters in 2013).",
        "https://www.ciraz.hr/en/o_kk_projektu/",
        (12, 1, 1, 1, 1, 0),
        0,
        (95, 0.22, 0.004, 2, 0, 6, 4, 1),
    ),
    DemoCluster(
        "[demo] Plovdiv Textile and Apparel Cluster",
        "association",
        "BG",
        "BG42",
        2019,
        "0.5",
        "Apparel",
        ("C13", "C14"),
        ("technical textiles", "sustainable fashion"),
        "Fictional textile and apparel cluster in southern central Bulgaria, run by a "
        "part-time manager, as many young cluster initiatives in the region are.",
        ECCP,
        (9, 0, 0, 1, 0, 1),
        0,
        (38, 0.7, 0.002, 1, 0, 3, 2, 0.5),
        improving=False,
    ),
    DemoCluster(
        "[demo] Transylvanian Software Alliance",
        "association",
        "RO",
        "RO11",
        2013,
        "3.5",
        "Information technology and analytical instruments",
        ("J62", "J63"),
        ("software outsourcing", "artificial intelligence", "fintech"),
        "Fictional ICT cluster in the North-West region of Romania (Cluj), the kind of "
        "cluster organisation that has earned management-excellence labels in the region.",
        "https://clustercollaboration.eu/testimonials/daniel-cosnita-hungarian-conference-2018",
        (48, 5, 2, 3, 1, 1),
        4,
        (520, 0.58, 0.035, 10, 1, 20, 12, 4),
    ),
    DemoCluster(
        "[demo] Styrian Green Technology Network",
        "limited company",
        "AT",
        "AT22",
        2005,
        "6",
        "Environmental services",
        ("C28", "D35", "E38"),
        ("renewable energy", "recycling technology", "water treatment"),
        "Fictional green-tech cluster in Styria, modelled on the mature regional cluster "
        "organisations of Austrian states.",
        ECCP,
        (55, 12, 6, 4, 2, 1),
        10,
        (3100, 0.66, 0.045, 14, 9, 22, 15, 6),
    ),
    DemoCluster(
        "[demo] Upper Austrian Polymer Processing Network",
        "limited company",
        "AT",
        "AT31",
        2000,
        "5",
        "Plastics",
        ("C22", "C20", "C28"),
        ("polymer processing", "lightweight design", "circular plastics"),
        "Fictional plastics cluster in Upper Austria, of the kind run by the state's business "
        "agency within its sector cluster initiatives.",
        "https://www.biz-up.at/artikel/branchencluster-staerken-widerstandskraft-und-wettbewerbsfaehigkeit-des-standorts-ooe",
        (42, 10, 3, 2, 1, 0),
        4,
        (2600, 0.71, 0.028, 12, 6, 18, 14, 5),
    ),
    DemoCluster(
        "[demo] Aegean Island Tourism Cluster",
        "non-profit company",
        "EL",
        "EL42",
        2018,
        "1",
        "Hospitality and tourism",
        ("I55", "I56", "N79"),
        ("sustainable tourism", "booking platforms"),
        "Fictional tourism cluster in the South Aegean, where cluster organisations group "
        "hotels, tour operators and local authorities.",
        ECCP,
        (14, 2, 0, 1, 2, 1),
        0,
        (140, 0.35, 0.001, 2, 0, 5, 4, 1),
        improving=False,
    ),
    DemoCluster(
        "[demo] Sumadija Automotive Component Makers",
        "association",
        "RS",
        "RS21",
        2017,
        "1.5",
        "Automotive",
        ("C29", "C25", "C22"),
        ("wire harnesses", "metal stamping"),
        "Fictional automotive supplier cluster in central Serbia, the kind of network that "
        "groups parts makers for international car producers (Serbia's automotive cluster had "
        "45 members in 2013).",
        "https://automotive.bg/acb-news/automotive-cluster-bulgaria-in-partnership-with-the-serbian-automotive-cluster/",
        (18, 3, 1, 1, 0, 0),
        2,
        (380, 0.8, 0.008, 4, 0, 7, 6, 1.5),
    ),
    DemoCluster(
        "[demo] Bratislava Medical Technology Cluster",
        "association",
        "SK",
        "SK01",
        2025,
        "1",
        "Medical devices",
        ("C32", "C26", "M72"),
        ("diagnostic devices", "digital health"),
        "Fictional young medical technology cluster in the Bratislava region, set up last year "
        "by device makers, a university and a research institute.",
        ECCP,
        (5, 0, 1, 1, 0, 0),
        1,
        (60, 0.45, 0.06, 2, 1, 3, 2, 1),
        recent_joiners=0,
        leavers=0,
    ),
)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo loader did."""

    clusters: int
    evaluations: int
    call_id: int | None
    already_loaded: bool = False


def _members(
    spec: DemoCluster, cluster_id: int, today: date, rng: random.Random
) -> tuple[list[ClusterMember], list[tuple[int, MembershipChangeKind, date]]]:
    suffix = SUFFIX.get(spec.country, "Ltd.")
    stem = spec.name.removeprefix("[demo] ").split()[0]
    start = date(spec.founded, 3, 1)
    settled = max(today - timedelta(days=3 * 365), start)
    members: list[ClusterMember] = []
    recent: list[tuple[int, str, date]] = []
    foreign_left = spec.foreign
    index = 0
    current = [t for t, n in zip(TYPES, spec.members, strict=True) for _ in range(n)]
    firms = [i for i, t in enumerate(current) if t in ("sme", "large")]
    joiners = set(rng.sample(firms, min(spec.recent_joiners, len(firms))))
    for position, kind in enumerate(current):
        index += 1
        country = spec.country
        if foreign_left and kind in ("sme", "large"):
            country = NEIGHBOURS.get(spec.country, ("DE",))[foreign_left % 2]
            foreign_left -= 1
        if position in joiners:
            joined = today - timedelta(days=rng.randint(40, 600))
        else:
            span = max((settled - start).days, 1)
            joined = start + timedelta(days=rng.randint(0, span))
        members.append(_member(cluster_id, stem, index, kind, country, suffix, joined, None, rng))
        if position in joiners:
            recent.append((index - 1, "join", joined))
    for _ in range(spec.leavers):
        index += 1
        span = max((settled - start).days, 1)
        joined = start + timedelta(days=rng.randint(0, span))
        left = today - timedelta(days=rng.randint(40, 600))
        members.append(
            _member(cluster_id, stem, index, "sme", spec.country, suffix, joined, left, rng)
        )
        recent.append((index - 1, "leave", left))
    changes = [
        (i, MembershipChangeKind.JOIN if kind == "join" else MembershipChangeKind.LEAVE, day)
        for i, kind, day in recent
    ]
    return members, changes


def _member(
    cluster_id: int,
    stem: str,
    index: int,
    kind: str,
    country: str,
    suffix: str,
    joined: date,
    left: date | None,
    rng: random.Random,
) -> ClusterMember:
    label = {
        "sme": f"{stem} Demo Firm {index:02d} {suffix}",
        "large": f"{stem} Demo Manufacturing {index:02d} {suffix}",
        "research": f"{stem} Demo Research Institute {index:02d}",
        "education": f"{stem} Demo University of Applied Sciences {index:02d}",
        "public": f"{stem} Demo Development Agency {index:02d}",
        "other": f"{stem} Demo Chamber Office {index:02d}",
    }[kind]
    employees = {
        "sme": rng.randint(8, 220),
        "large": rng.randint(260, 3500),
        "research": rng.randint(30, 400),
        "education": rng.randint(150, 2500),
        "public": rng.randint(10, 90),
        "other": rng.randint(5, 60),
    }[kind]
    return ClusterMember(
        cluster_id=cluster_id,
        name=label,
        member_type=MemberType(kind),
        employees=employees,
        country=country,
        joined_on=joined,
        left_on=left,
    )


def _reports(spec: DemoCluster, cluster_id: int, today: date) -> list[AnnualReport]:
    turnover, export, rd, joint, patents, events, services, staff = spec.report
    out = []
    for back in range(3):
        year = today.year - 1 - back
        if year < spec.founded:
            break
        step = back if spec.improving else 0
        scale = 1.06**back
        out.append(
            AnnualReport(
                cluster_id=cluster_id,
                year=year,
                members_turnover=Decimal(str(round(turnover * 1_000_000 / scale, -3))),
                export_share=Decimal(str(round(max(export - 0.02 * step, 0), 4))),
                rd_spending=Decimal(
                    str(round(turnover * 1_000_000 / scale * max(rd - 0.002 * step, 0), -3))
                ),
                joint_projects=max(joint - step, 0),
                patents=max(patents - step, 0),
                events=max(events - 2 * step, 0),
                services=max(services - step, 0),
                staff_fte=Decimal(str(staff)),
            )
        )
    return out


def load_demo_clusters(
    session: Session, *, today: date | None = None, viewer: Viewer = CLI_VIEWER
) -> DemoSummary:
    """Load the demo cluster organisations, their evaluations and the demo call, once.

    Nothing happens when demo cluster organisations exist already.
    """
    if session.scalar(select(ClusterOrganisation.id).where(ClusterOrganisation.demo).limit(1)):
        return DemoSummary(0, 0, None, already_loaded=True)
    day = today or date.today()
    ensure_builtin_ladders(session)
    evaluations = 0
    clusters: dict[str, ClusterOrganisation] = {}
    for number, spec in enumerate(DEMO_CLUSTERS):
        rng = random.Random(f"polisee-demo-{number}")
        cluster = create_cluster(
            session,
            viewer,
            ClusterProfileInput(
                name=spec.name,
                legal_form=spec.legal_form,
                country=spec.country,
                region_code=spec.region,
                founded_year=spec.founded,
                website=f"https://{spec.name.removeprefix('[demo] ').split()[0].lower()}-cluster.example",
                management_fte=spec.management_fte,
                nace_codes=spec.nace,
                cluster_category=spec.category,
                technologies=spec.technologies,
                description=f"{spec.description} Source: {spec.source}",
            ),
            organisation_id=None,
            demo=True,
            today=day,
        )
        clusters[spec.name] = cluster
        members, changes = _members(spec, cluster.id, day, rng)
        session.add_all(members)
        session.add_all(_reports(spec, cluster.id, day))
        session.flush()
        for position, (index, kind, changed_on) in enumerate(sorted(changes, key=lambda c: c[2])):
            # Past changes were reported on time; the newest of the mechatronics network's
            # changes is left unreported, so the overdue list has an entry.
            late = number == 1 and position == len(changes) - 1
            session.add(
                MembershipChange(
                    cluster_id=cluster.id,
                    member_id=members[index].id,
                    kind=kind,
                    changed_on=changed_on,
                    reported_on=None if late else changed_on + timedelta(days=rng.randint(1, 9)),
                    details={"name": members[index].name, "demo": True},
                )
            )
        ladders = ["hu_cluster", "management_excellence"]
        if number == 1:
            # The mechatronics network's last recorded award is from almost two years ago;
            # most of its membership changed since, so its title shows as lapsed.
            evaluate_cluster(
                session, viewer, cluster.id, "hu_cluster", as_of=day - timedelta(days=640)
            )
            evaluations += 1
            ladders.remove("hu_cluster")
        for ladder in ladders:
            evaluate_cluster(session, viewer, cluster.id, ladder, as_of=day)
            evaluations += 1
    session.flush()
    call = create_call(
        session,
        viewer,
        title="[demo] Quality services of accredited cluster organisations",
        description=(
            "Demo call modelled on the Hungarian GINOP-1.3.2-15 support for the management "
            "organisations of accredited clusters (aid intensity 50-75%). Open to cluster "
            "organisations at the accredited or pole stage of the Hungarian ladder; the euro "
            "amounts are illustrative, not the programme's. Source: "
            "http://www.rpe.hu/palyazat/professzionalis-klaszterszervezetek-minosegi-szolgaltatasnyujtasanak-tamogatasa-ginop-1-3-2-2015/"
        ),
        ladder_key="hu_cluster",
        eligible_stages=["accredited", "pole"],
        budget="600000",
        max_grant="150000",
        cofinancing_rate="0.6",
        min_score="50",
        allow_partial=True,
        opens_on=day - timedelta(days=20),
        closes_on=day + timedelta(days=40),
        criteria=[
            CriterionInput("services", "Quality and reach of the planned services", Decimal(30)),
            CriterionInput("cooperation", "Joint projects among members", Decimal(25)),
            CriterionInput("international", "International cooperation and markets", Decimal(25)),
            CriterionInput("budget", "Soundness of the budget", Decimal(20)),
        ],
        demo=True,
    )
    set_call_status(session, viewer, call.id, CallStatus.OPEN.value)
    for name, budget in (
        ("[demo] Central Transdanubian Automotive Suppliers", "240000"),
        ("[demo] Budapest Digital Services Cluster", "200000"),
        ("[demo] Transylvanian Software Alliance", "180000"),
    ):
        apply_to_call(
            session,
            viewer,
            call.id,
            clusters[name].id,
            title=f"Cluster services plan of {name.removeprefix('[demo] ')}",
            summary="[demo] Services for members, joint projects and trade missions.",
            eligible_budget=budget,
            today=day,
        )
        evaluations += 1
    return DemoSummary(len(DEMO_CLUSTERS), evaluations, call.id)


DEMO_ALLOCATED_CALL = "[demo] Quality services of accredited cluster organisations, earlier round"
DEMO_EVALUATOR = "evaluator.demo@polisee.example"
# (cluster, eligible budget, the demo evaluator's score of each criterion out of 10)
_ALLOCATED = (
    ("[demo] Central Transdanubian Automotive Suppliers", "220000", (9, 8, 8, 7)),
    ("[demo] Budapest Digital Services Cluster", "180000", (7, 7, 6, 8)),
    ("[demo] Transylvanian Software Alliance", "160000", (8, 6, 7, 7)),
)


def load_demo_allocation(session: Session, *, today: date | None = None) -> int | None:
    """A closed demo call with applications, a demo evaluator's scores and a budget
    allocation run today, so that the scoreboard's cluster funding indicator has demo
    records to show. Once only (None when the call exists or the demo clusters do not).

    The evaluator is a demo account without a usable password (it never signs in); the
    amounts and scores are illustrative, like the open demo call's.
    """
    from polisee.records.financing import FundingCall
    from polisee.records.permissions import Role, permissions_for
    from polisee.services import accounts
    from polisee.services.audit import CLI_ACTOR
    from polisee.services.clusters import viewer_for

    if session.scalar(select(FundingCall.id).where(FundingCall.title == DEMO_ALLOCATED_CALL)):
        return None
    clusters = {
        c.name: c
        for c in session.scalars(select(ClusterOrganisation).where(ClusterOrganisation.demo))
    }
    if not all(name in clusters for name, _, _ in _ALLOCATED):
        return None
    day = today or date.today()
    viewer = CLI_VIEWER
    call = create_call(
        session,
        viewer,
        title=DEMO_ALLOCATED_CALL,
        description=(
            "Demo call, closed and allocated, modelled on the Hungarian GINOP-1.3.2-15 support "
            "for the management organisations of accredited clusters. The scores are a demo "
            "evaluator's and the euro amounts are illustrative, not the programme's. Source: "
            "http://www.rpe.hu/palyazat/professzionalis-klaszterszervezetek-minosegi-szolgaltatasnyujtasanak-tamogatasa-ginop-1-3-2-2015/"
        ),
        ladder_key="hu_cluster",
        eligible_stages=["accredited", "pole"],
        budget="300000",
        max_grant="150000",
        cofinancing_rate="0.6",
        min_score="50",
        allow_partial=True,
        opens_on=day - timedelta(days=60),
        closes_on=day,
        criteria=[
            CriterionInput("services", "Quality and reach of the planned services", Decimal(30)),
            CriterionInput("cooperation", "Joint projects among members", Decimal(25)),
            CriterionInput("international", "International cooperation and markets", Decimal(25)),
            CriterionInput("budget", "Soundness of the budget", Decimal(20)),
        ],
        demo=True,
    )
    set_call_status(session, viewer, call.id, CallStatus.OPEN.value)
    applications = []
    for name, budget, scores in _ALLOCATED:
        application = apply_to_call(
            session,
            viewer,
            call.id,
            clusters[name].id,
            title=f"Cluster services plan of {name.removeprefix('[demo] ')}",
            summary="[demo] Services for members, joint projects and trade missions.",
            eligible_budget=budget,
            today=day,
        )
        applications.append((application, scores))
    set_call_status(session, viewer, call.id, CallStatus.CLOSED.value)
    try:
        evaluator = accounts.find_user(session, DEMO_EVALUATOR)
    except NotFound:
        evaluator = accounts.create_user(
            session,
            email=DEMO_EVALUATOR,
            display_name="Demo evaluator",
            password=accounts.generate_password(),
            actor=CLI_ACTOR,
        )
        agency = accounts.create_organisation(
            session, name="[demo] Cluster programme evaluators", kind="agency", actor=CLI_ACTOR
        )
        accounts.grant_role(
            session,
            user_id=evaluator.id,
            organisation_id=agency.id,
            role=Role.ANALYST,
            actor=CLI_ACTOR,
        )
    judge = viewer_for(session, evaluator.id, permissions_for([Role.ANALYST]), "demo evaluator")
    keys = ("services", "cooperation", "international", "budget")
    for application, scores in applications:
        if application.eligible:
            submit_scores(
                session,
                judge,
                call.id,
                application.id,
                scores={k: str(v) for k, v in zip(keys, scores, strict=True)},
                comment="[demo] Illustrative scores.",
            )
    run_allocation(session, viewer, call.id)
    return call.id

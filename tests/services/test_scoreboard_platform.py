"""The scoreboard's platform-record indicators (themes 3 and 4) on a small hand-made world.

Records are written directly (the numbers are the point here; the financing and partner
services that produce them have their own tests). The statistics are the small store of
``test_scoreboard``: regions AA11, AA12, AA13 (country AA) and BB11, BB12 (country BB).

Cluster organisations and what they hold (reference date 2026-11-27):

- C1, AA11: firms SME 100 + large 300 + an SME of unknown size (a research member of 50
  does not count); applied to call X, granted 20,000 by X's latest run (2026; an earlier
  2026 run granted 99,999); hu_cluster "accredited", valid; partner profile; a running
  collaboration with C4 (BB) and one with C3 (AA, domestic); a request accepted with a
  BB12 university: 2 international collaborations.
- C2, AA11: firm SME 100 (and one that left in June 2026); hu_cluster "developing";
  no profile, no collaboration.
- C3, AA12: firm SME 200; applied to X, granted 0; management_excellence "gold" but valid
  only until 2026-01-01; a profile; only the domestic collaboration with C1.
- C4, BB11: applied to call Y only (allocated in 2025, not the funding year); never
  evaluated; in the collaboration with C1; an ended (2019-2020) collaboration with C1 too.

Expected, NUTS 2:
- funding per employee (2026): AA11 20,000 / (100 + 300 + 100) = 40, an upper bound (one
  firm's head count unknown); AA12 0 / 200 = 0; BB11 none (applied in 2025 only).
- organisations at an upper stage: AA11 1 of 2 = 50 %; AA12 0 of 1 = 0 %; BB11 none.
- international collaborations per organisation: AA11 (2 + 0) / 2 = 1; AA12 0 / 1 = 0;
  BB11 1 / 1 = 1 (the ended one does not run in 2026).
NUTS 1: AA1 funding 20,000 / 700 = 28.571..., stages 1 of 3, collaborations 2 / 3; BB1
collaborations 1, the rest none.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services.test_scoreboard import build_store

from polisee.records.clusters import ClusterMember, ClusterOrganisation, MemberType
from polisee.records.financing import (
    Allocation,
    Application,
    CallStatus,
    FundingCall,
    LadderVersion,
    StageEvaluation,
)
from polisee.records.partners import (
    Collaboration,
    CollaborationKind,
    CollaborationParticipant,
    MatchRequest,
    MatchStatus,
    PartnerProfile,
)
from polisee.services import accounts
from polisee.services import evidence as ev
from polisee.services import scoreboard as sb
from polisee.services.audit import CLI_ACTOR
from polisee.services.financing import ensure_builtin_ladders
from polisee.services.scoreboard._model import Context
from polisee.services.scoreboard._platform import (
    funding_per_employee,
    international_collaborations,
    organisations_per_stage,
)
from polisee.statsdb import StatsStore

TODAY = date(2026, 11, 27)
PLATFORM_KEYS = ("collaborations", "funding_per_employee", "organisations_per_stage")


@pytest.fixture(scope="module")
def small() -> Iterator[StatsStore]:
    store = build_store()
    yield store
    store.close()


def _cluster(db: Session, name: str, country: str, region: str) -> ClusterOrganisation:
    org = accounts.create_organisation(
        db,
        name=f"{name} org",
        kind="cluster_organisation",
        actor=CLI_ACTOR,
        country=country,
        region_code=region,
    )
    cluster = ClusterOrganisation(
        organisation_id=org.id,
        name=name,
        country=country,
        region_code=region,
        founded_year=2010,
    )
    db.add(cluster)
    db.flush()
    return cluster


def _firm(
    db: Session,
    cluster: ClusterOrganisation,
    employees: int | None,
    kind: MemberType = MemberType.SME,
    left: date | None = None,
) -> None:
    db.add(
        ClusterMember(
            cluster_id=cluster.id,
            name=f"member {cluster.id}-{employees}-{kind}",
            member_type=kind,
            employees=employees,
            country=cluster.country,
            joined_on=date(2015, 1, 1),
            left_on=left,
        )
    )


def _call(db: Session, title: str) -> FundingCall:
    call = FundingCall(
        title=title,
        ladder_key="hu_cluster",
        eligible_stages=["accredited"],
        budget=Decimal(100000),
        max_grant=Decimal(50000),
        cofinancing_rate=Decimal("0.5"),
        opens_on=date(2025, 1, 1),
        closes_on=date(2025, 2, 1),
        status=CallStatus.CLOSED,
    )
    db.add(call)
    db.flush()
    return call


def _apply(db: Session, call: FundingCall, cluster: ClusterOrganisation) -> int:
    application = Application(
        call_id=call.id,
        cluster_id=cluster.id,
        title="plan",
        eligible_budget=Decimal(40000),
        eligible=True,
        eligibility={},
    )
    db.add(application)
    db.flush()
    return application.id


def _allocate(db: Session, call: FundingCall, grants: dict[int, str], when: datetime) -> None:
    rows = [{"application_id": a, "grant": g} for a, g in grants.items()]
    total = sum(Decimal(g) for g in grants.values())
    db.add(
        Allocation(
            call_id=call.id,
            inputs={},
            result={"rows": rows, "total_granted": str(total)},
            total_granted=total,
            created_at=when,
        )
    )
    db.flush()


def _evaluate(
    db: Session, cluster: ClusterOrganisation, ladder: str, stage: str, valid: date | None
) -> None:
    version = db.scalar(select(LadderVersion).where(LadderVersion.key == ladder))
    assert version is not None
    db.add(
        StageEvaluation(
            cluster_id=cluster.id,
            ladder_version_id=version.id,
            as_of=date(2025, 6, 1),
            stage=stage,
            valid_until=valid,
            inputs={},
            result={},
        )
    )


def _profile(db: Session, organisation_id: int, name: str, country: str, region: str) -> int:
    profile = PartnerProfile(
        organisation_id=organisation_id, name=name, country=country, region_code=region
    )
    db.add(profile)
    db.flush()
    return profile.id


def _collaborate(db: Session, orgs: list[int], start: date, end: date | None = None) -> None:
    collaboration = Collaboration(
        kind=CollaborationKind.JOINT_PROJECT, title="joint", started_on=start, ended_on=end
    )
    db.add(collaboration)
    db.flush()
    db.add_all(
        CollaborationParticipant(collaboration_id=collaboration.id, organisation_id=o) for o in orgs
    )


def build_world(db: Session) -> None:
    ensure_builtin_ladders(db)
    c1 = _cluster(db, "C1", "AA", "AA11")
    c2 = _cluster(db, "C2", "AA", "AA11")
    c3 = _cluster(db, "C3", "AA", "AA12")
    c4 = _cluster(db, "C4", "BB", "BB11")
    _firm(db, c1, 100)
    _firm(db, c1, 300, MemberType.LARGE)
    _firm(db, c1, None)
    _firm(db, c1, 50, MemberType.RESEARCH)
    _firm(db, c2, 100)
    _firm(db, c2, 80, left=date(2026, 6, 30))
    _firm(db, c3, 200)
    _firm(db, c4, 1000)
    x = _call(db, "X")
    y = _call(db, "Y")
    a1, a3 = _apply(db, x, c1), _apply(db, x, c3)
    a4 = _apply(db, y, c4)
    _allocate(db, x, {a1: "99999.00", a3: "0"}, datetime(2026, 1, 10, tzinfo=UTC))
    _allocate(db, x, {a1: "20000.00", a3: "0.00"}, datetime(2026, 3, 1, tzinfo=UTC))
    _allocate(db, y, {a4: "50000.00"}, datetime(2025, 5, 1, tzinfo=UTC))
    _evaluate(db, c1, "hu_cluster", "accredited", date(2028, 6, 1))
    _evaluate(db, c2, "hu_cluster", "developing", None)
    _evaluate(db, c3, "management_excellence", "gold", date(2026, 1, 1))
    university = accounts.create_organisation(
        db, name="BB university", kind="university", actor=CLI_ACTOR, country="BB"
    )
    p1 = _profile(db, c1.organisation_id, "C1", "AA", "AA11")
    _profile(db, c3.organisation_id, "C3", "AA", "AA12")
    pu = _profile(db, university.id, "BB university", "BB", "BB12")
    db.add(
        MatchRequest(
            from_profile_id=p1,
            to_profile_id=pu,
            status=MatchStatus.ACCEPTED,
            answered_at=datetime(2026, 2, 1, tzinfo=UTC),
        )
    )
    db.add(MatchRequest(from_profile_id=pu, to_profile_id=p1, status=MatchStatus.PENDING))
    _collaborate(db, [c1.organisation_id, c4.organisation_id], date(2024, 1, 1))
    _collaborate(db, [c1.organisation_id, c3.organisation_id], date(2025, 1, 1))
    _collaborate(db, [c1.organisation_id, c4.organisation_id], date(2019, 1, 1), date(2020, 1, 1))
    db.flush()


@pytest.fixture
def figures(db: Session) -> sb.PlatformFigures:
    build_world(db)
    return sb.platform_figures(db, today=TODAY)


def _values(table: sb.IndicatorTable, key: str) -> dict[str, float]:
    return {str(k): float(v) for k, v in table.values[key].items()}


def test_snapshot_of_the_records(figures: sb.PlatformFigures) -> None:
    assert figures.funding_year == 2026
    by_name = {o.region_code: o for o in figures.organisations if o.firms_unknown}
    assert set(by_name) == {"AA11"}
    c1 = by_name["AA11"]
    assert (c1.firm_employees, c1.granted, c1.applied) == (400, Decimal("20000.00"), True)
    assert (c1.evaluated, c1.upper_stage, c1.international) == (True, True, 2)
    assert len(figures.fingerprint) == 16


def test_platform_indicators_by_hand(small: StatsStore, figures: sb.PlatformFigures) -> None:
    table = sb.indicator_table(small, cache=ev.EvidenceCache(64), platform=figures)
    funding = _values(table, "funding_per_employee")
    assert funding["AA11"] == pytest.approx(40.0)
    assert funding["AA12"] == 0.0
    for region in ("AA13", "BB11", "BB12"):
        assert math.isnan(funding[region]), region
    assert table.data["funding_per_employee"].year == "2026"
    assert table.data["funding_per_employee"].notes["AA11"].values == {"count": "1"}
    stages = _values(table, "organisations_per_stage")
    assert stages["AA11"] == 50.0
    assert stages["AA12"] == 0.0
    assert all(math.isnan(stages[r]) for r in ("AA13", "BB11", "BB12"))
    collaborations = _values(table, "collaborations")
    assert collaborations["AA11"] == 1.0
    assert collaborations["AA12"] == 0.0
    assert collaborations["BB11"] == 1.0
    assert math.isnan(collaborations["AA13"])
    assert math.isnan(collaborations["BB12"])
    for key in PLATFORM_KEYS:
        assert table.data[key].reason == ""
        assert table.sources(key, small)[0].dataset.startswith("platform:")


def test_nuts1_aggregates_the_organisations_not_the_ratios(
    small: StatsStore, figures: sb.PlatformFigures
) -> None:
    ctx = Context(small, ev.EvidenceCache(8), 1, 2014, ("AA1", "BB1"), figures)
    funding = funding_per_employee(ctx).values
    assert funding["AA1"] == pytest.approx(20000 / 700)
    assert math.isnan(funding["BB1"])
    stages = organisations_per_stage(ctx).values
    assert stages["AA1"] == pytest.approx(100 / 3)
    assert math.isnan(stages["BB1"])
    collaborations = international_collaborations(ctx).values
    assert collaborations.to_dict() == pytest.approx({"AA1": 2 / 3, "BB1": 1.0})


def test_theme_scores_use_the_platform_indicators(
    small: StatsStore, figures: sb.PlatformFigures
) -> None:
    board = sb.scoreboard(small, draws=50, cache=ev.EvidenceCache(64), platform=figures)
    financing = board.themes["financing"].table
    # Min-max on stages (AA11 100, AA12 0), z-score on funding (40 vs 0: 50 +- 50/3).
    assert financing.loc["AA11", "score"] == pytest.approx((100 + 50 + 50 / 3) / 2)
    assert financing.loc["AA12", "score"] == pytest.approx((0 + 50 - 50 / 3) / 2)
    assert financing.loc["AA11", "rank"] == 1
    assert financing["score"].notna().sum() == 2
    scores = {s.theme: s for s in sb.theme_scores(small, "AA11", platform=figures)}
    assert scores["financing"].rank == 1
    assert scores["financing"].of == 2


def test_no_records_means_no_data_never_zero(small: StatsStore, db: Session) -> None:
    empty_world = sb.platform_figures(db, today=TODAY)
    assert empty_world.organisations == ()
    table = sb.indicator_table(small, cache=ev.EvidenceCache(64), platform=empty_world)
    for key in PLATFORM_KEYS:
        assert table.values[key].isna().all(), key
        assert table.data[key].reason, key
    alone = sb.indicator_table(small, cache=ev.EvidenceCache(64))
    for key in PLATFORM_KEYS:
        assert alone.values[key].isna().all(), key
        assert alone.data[key].reason.startswith("No platform records database"), key


def test_the_cache_follows_the_records(
    small: StatsStore, db: Session, figures: sb.PlatformFigures
) -> None:
    cache = ev.EvidenceCache(64)
    before = sb.indicator_table(small, cache=cache, platform=figures)
    c2 = db.scalar(select(ClusterOrganisation).where(ClusterOrganisation.name == "C2"))
    assert c2 is not None
    _evaluate(db, c2, "hu_cluster", "pole", None)
    db.flush()
    after = sb.indicator_table(small, cache=cache, platform=sb.platform_figures(db, today=TODAY))
    assert before.values.loc["AA11", "organisations_per_stage"] == 50.0
    assert after.values.loc["AA11", "organisations_per_stage"] == 100.0

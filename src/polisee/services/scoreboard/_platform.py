"""The scoreboard's indicators from the platform's own records (themes 3 and 4).

:func:`platform_figures` reads the records once into a :class:`PlatformFigures` snapshot of
plain, hashable per-organisation facts; the indicator functions aggregate it to the
scoreboard's NUTS level. The statistics-only path (CLI, benchmarks, a store without a
records database) passes no snapshot and these indicators say "no data" with the reason.

Coverage: a region without the records an indicator needs has no value (never 0):

- ``funding_per_employee``: a figure only for regions with a cluster organisation that
  applied to a call allocated in the funding year, and known employees in member firms;
- ``organisations_per_stage``: only for regions with an evaluated cluster organisation;
- ``collaborations``: only for regions with a cluster organisation that takes part in
  matchmaking (a partner profile) or in a recorded collaboration.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.records.accounts import Organisation
from polisee.records.clusters import ClusterMember, ClusterOrganisation, MemberType
from polisee.records.financing import Allocation, Application, LadderVersion, StageEvaluation
from polisee.records.partners import (
    Collaboration,
    CollaborationParticipant,
    MatchRequest,
    MatchStatus,
    PartnerProfile,
)
from polisee.services import evidence as ev
from polisee.services.financing import parse_ladder
from polisee.services.scoreboard._common import empty, in_scope
from polisee.services.scoreboard._model import Context, IndicatorData

__all__ = [
    "OrganisationFigures",
    "PlatformFigures",
    "funding_per_employee",
    "international_collaborations",
    "organisations_per_stage",
    "platform_figures",
]

NO_RECORDS = "No platform records database is attached (statistics only)."
FIRM_TYPES = (MemberType.SME, MemberType.LARGE)


@dataclass(frozen=True)
class OrganisationFigures:
    """What the scoreboard reads of one registered cluster organisation."""

    cluster_id: int
    region_code: str
    firm_employees: int
    """Employees of member firms (SMEs and large firms) on 31 December of the funding year
    (of today's year when no allocation exists), those with a known head count."""
    firms_unknown: int
    """Member firms at that date whose head count is not recorded."""
    applied: bool
    """Applied to a call whose latest allocation ran in the funding year."""
    granted: Decimal
    """Grants allocated to it by those allocations, in euro."""
    evaluated: bool
    """Has a stage evaluation (on any ladder) dated on or before the reference date."""
    upper_stage: bool
    """On some ladder, its latest evaluation is still valid and reached a stage in the upper
    half of that ladder (hu_cluster: accredited, pole; management_excellence: gold)."""
    matchmaking: bool
    """Has a partner profile or takes part in a recorded collaboration."""
    international: int
    """Accepted match requests with a profile of another country (answered by the reference
    date) plus recorded collaborations with an organisation of another country that run in
    the reference year."""


@dataclass(frozen=True)
class PlatformFigures:
    """A snapshot of the records behind the platform indicators (hashable, so cacheable)."""

    reference: date
    funding_year: int | None
    """The latest calendar year in which a call's latest allocation ran; None without one."""
    organisations: tuple[OrganisationFigures, ...]

    @property
    def fingerprint(self) -> str:
        """A short digest of the snapshot: the cache key of the figures computed from it."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


def _upper_half(position: int, stages: int) -> bool:
    # 4 stages: positions 2 and 3 (accredited, pole); 3 stages: position 2 (gold).
    return position >= (stages + 1) // 2 and stages > 1


def _stage_order(session: Session) -> dict[int, list[str]]:
    return {
        version.id: parse_ladder(version.yaml_text, path=f"ladder {version.key}").stage_keys()
        for version in session.scalars(select(LadderVersion))
    }


def _stages(session: Session, reference: date) -> tuple[set[int], set[int]]:
    """Cluster ids evaluated by ``reference``, and those at an upper stage then."""
    order = _stage_order(session)
    latest: dict[tuple[int, str], StageEvaluation] = {}
    rows = session.execute(
        select(StageEvaluation, LadderVersion.key)
        .join(LadderVersion, LadderVersion.id == StageEvaluation.ladder_version_id)
        .where(StageEvaluation.as_of <= reference)
        .order_by(StageEvaluation.as_of, StageEvaluation.id)
    ).all()
    for record, key in rows:
        latest[(record.cluster_id, key)] = record
    evaluated = {cid for cid, _ in latest}
    upper: set[int] = set()
    for (cid, _key), record in latest.items():
        if record.stage is None:
            continue
        if record.valid_until is not None and record.valid_until < reference:
            continue
        keys = order.get(record.ladder_version_id, [])
        if record.stage in keys and _upper_half(keys.index(record.stage), len(keys)):
            upper.add(cid)
    return evaluated, upper


def _funding(session: Session) -> tuple[int | None, dict[int, Decimal], set[int]]:
    """The funding year, grants per cluster id in it, and the cluster ids that applied."""
    latest: dict[int, Allocation] = {}
    for allocation in session.scalars(
        select(Allocation).order_by(Allocation.created_at, Allocation.id)
    ):
        latest[allocation.call_id] = allocation
    if not latest:
        return None, {}, set()
    year = max(a.created_at.year for a in latest.values())
    runs = [a for a in latest.values() if a.created_at.year == year]
    applicants = dict(
        session.execute(
            select(Application.id, Application.cluster_id).where(
                Application.call_id.in_([a.call_id for a in runs])
            )
        ).all()
    )
    granted: dict[int, Decimal] = defaultdict(Decimal)
    for run in runs:
        for row in run.result.get("rows", []):
            cluster = applicants.get(int(row["application_id"]))
            if cluster is not None:
                granted[cluster] += Decimal(str(row["grant"]))
    return year, dict(granted), set(applicants.values())


def _firms(session: Session, day: date) -> tuple[dict[int, int], dict[int, int]]:
    known: dict[int, int] = defaultdict(int)
    unknown: dict[int, int] = defaultdict(int)
    for member in session.scalars(
        select(ClusterMember).where(
            ClusterMember.member_type.in_(FIRM_TYPES),
            ClusterMember.joined_on <= day,
            (ClusterMember.left_on.is_(None)) | (ClusterMember.left_on > day),
        )
    ):
        if member.employees is None:
            unknown[member.cluster_id] += 1
        else:
            known[member.cluster_id] += member.employees
    return known, unknown


def _international(
    session: Session, clusters: Iterable[ClusterOrganisation], reference: date
) -> tuple[dict[int, int], set[int]]:
    """Per cluster id: international collaborations, and the ids active in matchmaking."""
    by_org = {c.organisation_id: c for c in clusters}
    profiles = list(session.scalars(select(PartnerProfile)))
    country_of = {p.organisation_id: p.country for p in profiles}
    for org, cluster in by_org.items():
        country_of.setdefault(org, cluster.country)
    profile_org = {p.id: p.organisation_id for p in profiles}
    active = {by_org[p.organisation_id].id for p in profiles if p.organisation_id in by_org}
    count: dict[int, int] = defaultdict(int)
    for request in session.scalars(
        select(MatchRequest).where(MatchRequest.status == MatchStatus.ACCEPTED)
    ):
        if request.answered_at is None or request.answered_at.date() > reference:
            continue
        a = profile_org[request.from_profile_id]
        b = profile_org[request.to_profile_id]
        if country_of.get(a) == country_of.get(b):
            continue
        for side in (a, b):
            if side in by_org:
                count[by_org[side].id] += 1
    members: dict[int, list[int]] = defaultdict(list)
    for cid, oid in session.execute(
        select(CollaborationParticipant.collaboration_id, CollaborationParticipant.organisation_id)
    ):
        members[cid].append(oid)
    other_orgs = {o for orgs in members.values() for o in orgs} - set(country_of)
    if other_orgs:
        for oid, country in session.execute(
            select(Organisation.id, Organisation.country).where(Organisation.id.in_(other_orgs))
        ):
            if country:
                country_of[oid] = country
    year = reference.year
    for collaboration in session.scalars(select(Collaboration)):
        orgs = members.get(collaboration.id, [])
        for org in orgs:
            if org in by_org:
                active.add(by_org[org].id)
        ended = collaboration.ended_on.year if collaboration.ended_on else 9999
        if not collaboration.started_on.year <= year <= ended:
            continue
        for org in orgs:
            if org not in by_org:
                continue
            mine = country_of.get(org)
            if any(country_of.get(o) not in (None, mine) for o in orgs if o != org):
                count[by_org[org].id] += 1
    return dict(count), active


def platform_figures(session: Session, *, today: date | None = None) -> PlatformFigures:
    """Read the cluster registry, stage evaluations, allocations and collaborations.

    ``today`` is the reference date (default: today): stages valid then, collaborations
    running in its year, requests accepted by then.
    """
    reference = today or date.today()
    clusters = list(session.scalars(select(ClusterOrganisation).order_by(ClusterOrganisation.id)))
    year, granted, applied = _funding(session)
    known, unknown = _firms(session, date(year if year else reference.year, 12, 31))
    evaluated, upper = _stages(session, reference)
    international, active = _international(session, clusters, reference)
    return PlatformFigures(
        reference=reference,
        funding_year=year,
        organisations=tuple(
            OrganisationFigures(
                cluster_id=c.id,
                region_code=c.region_code.strip().upper(),
                firm_employees=known.get(c.id, 0),
                firms_unknown=unknown.get(c.id, 0),
                applied=c.id in applied,
                granted=granted.get(c.id, Decimal(0)),
                evaluated=c.id in evaluated,
                upper_stage=c.id in upper,
                matchmaking=c.id in active,
                international=international.get(c.id, 0),
            )
            for c in clusters
        ),
    )


def _frame(ctx: Context) -> pd.DataFrame:
    """The snapshot's organisations with the code of their region at the context's level."""
    assert ctx.platform is not None
    width = 2 + ctx.level
    rows = [
        {
            "region": o.region_code[:width],
            "firm_employees": float(o.firm_employees),
            "firms_unknown": o.firms_unknown,
            "applied": o.applied,
            "granted": float(o.granted),
            "evaluated": o.evaluated,
            "upper_stage": o.upper_stage,
            "matchmaking": o.matchmaking,
            "international": float(o.international),
        }
        for o in ctx.platform.organisations
        if len(o.region_code) >= width
    ]
    columns = [
        "region",
        "firm_employees",
        "firms_unknown",
        "applied",
        "granted",
        "evaluated",
        "upper_stage",
        "matchmaking",
        "international",
    ]
    return pd.DataFrame(rows, columns=columns)


def funding_per_employee(ctx: Context) -> IndicatorData:
    """Grants allocated in the funding year per employee of the region's cluster member firms."""
    if ctx.platform is None:
        return empty(ctx, str(ctx.year), NO_RECORDS)
    year = ctx.platform.funding_year
    if year is None:
        return empty(ctx, str(ctx.year), "No funding call of the platform has been allocated yet.")
    frame = _frame(ctx)
    by_region = frame.groupby("region").agg(
        granted=("granted", "sum"),
        employees=("firm_employees", "sum"),
        unknown=("firms_unknown", "sum"),
        applied=("applied", "any"),
    )
    rated = by_region[by_region["applied"] & (by_region["employees"] > 0)]
    if rated.empty:
        return empty(
            ctx,
            str(year),
            "No cluster organisation with known member firms applied to a call allocated "
            "in the funding year.",
        )
    values = rated["granted"] / rated["employees"]
    notes = {
        str(region): ev.Reading(
            "Upper bound: the head count of {count} member firms is not recorded.",
            {"count": str(int(n))},
        )
        for region, n in rated["unknown"].items()
        if n > 0
    }
    return IndicatorData(in_scope(ctx, values), str(year), notes)


def organisations_per_stage(ctx: Context) -> IndicatorData:
    """Share (%) of the region's evaluated cluster organisations at an upper stage."""
    if ctx.platform is None:
        return empty(ctx, str(ctx.year), NO_RECORDS)
    frame = _frame(ctx)
    evaluated = frame[frame["evaluated"]]
    if evaluated.empty:
        return empty(
            ctx, str(ctx.platform.reference.year), "No cluster organisation has been evaluated."
        )
    counts = evaluated.groupby("region").agg(
        evaluated=("evaluated", "size"), upper=("upper_stage", "sum")
    )
    values = 100.0 * counts["upper"] / counts["evaluated"]
    notes = {
        str(region): ev.Reading(
            "{upper} of {evaluated} evaluated cluster organisations.",
            {"upper": str(int(row.upper)), "evaluated": str(int(row.evaluated))},
        )
        for region, row in counts.iterrows()
    }
    return IndicatorData(in_scope(ctx, values), str(ctx.platform.reference.year), notes)


def international_collaborations(ctx: Context) -> IndicatorData:
    """International collaborations per registered cluster organisation of the region."""
    if ctx.platform is None:
        return empty(ctx, str(ctx.year), NO_RECORDS)
    frame = _frame(ctx)
    by_region = frame.groupby("region").agg(
        organisations=("region", "size"),
        international=("international", "sum"),
        matchmaking=("matchmaking", "any"),
    )
    rated = by_region[by_region["matchmaking"]]
    if rated.empty:
        return empty(
            ctx,
            str(ctx.platform.reference.year),
            "No cluster organisation has a partner profile or a recorded collaboration.",
        )
    values = rated["international"] / rated["organisations"]
    notes = {
        str(region): ev.Reading(
            "{count} international collaborations of {organisations} cluster organisations.",
            {"count": str(int(row.international)), "organisations": str(int(row.organisations))},
        )
        for region, row in rated.iterrows()
    }
    return IndicatorData(in_scope(ctx, values), str(ctx.platform.reference.year), notes)

"""Stage evaluations in the records: run one, store it with its inputs, list, reproduce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import NotFound, PermissionDenied
from polisee.records.clusters import ClusterOrganisation
from polisee.records.financing import LadderVersion, StageEvaluation
from polisee.records.permissions import Permission
from polisee.services.audit import record_change
from polisee.services.clusters import Viewer, get_cluster, members_of, reports_of
from polisee.services.financing._evaluate import (
    Evaluation,
    MembershipCheck,
    evaluate,
    membership_check,
)
from polisee.services.financing._facts import (
    Award,
    MemberFacts,
    OrganisationFacts,
    ReportFacts,
)
from polisee.services.financing._ladders_db import (
    get_ladder_version,
    ladder_of,
    latest_ladder,
    latest_ladders,
)

__all__ = [
    "MembershipFlag",
    "StageSummary",
    "StoredEvaluation",
    "cluster_facts",
    "current_award",
    "evaluate_cluster",
    "get_evaluation",
    "latest_stages",
    "list_evaluations",
    "membership_flags",
    "reproduce_evaluation",
    "stage_cards",
]


@dataclass(frozen=True)
class StoredEvaluation:
    """An evaluation with its record (None while it is only a preview)."""

    evaluation: Evaluation
    record: StageEvaluation | None
    ladder_version: LadderVersion


def cluster_facts(session: Session, cluster: ClusterOrganisation) -> OrganisationFacts:
    """The organisation's data as an evaluation reads it (members by date, reports by year)."""
    members = sorted(members_of(session, cluster.id), key=lambda m: (m.joined_on, m.id))
    return OrganisationFacts(
        name=cluster.name,
        country=cluster.country,
        founded_year=cluster.founded_year,
        management_fte=cluster.management_fte,
        website=cluster.website,
        members=tuple(
            MemberFacts(m.name, m.member_type.value, m.country, m.employees, m.joined_on, m.left_on)
            for m in members
        ),
        reports=tuple(
            ReportFacts(
                r.year,
                r.members_turnover,
                r.export_share,
                r.rd_spending,
                r.joint_projects,
                r.patents,
                r.events,
                r.services,
                r.staff_fte,
            )
            for r in sorted(reports_of(session, cluster.id), key=lambda r: r.year)
        ),
    )


def current_award(session: Session, cluster_id: int, ladder_key: str, on: date) -> Award | None:
    """The titled stage (one with a validity period) most recently awarded or renewed on
    this ladder (any version) by a stored evaluation on or before ``on``; evaluations that
    only confirmed a title during its validity do not move the award date."""
    rows = session.scalars(
        select(StageEvaluation)
        .join(LadderVersion, LadderVersion.id == StageEvaluation.ladder_version_id)
        .where(
            StageEvaluation.cluster_id == cluster_id,
            LadderVersion.key == ladder_key,
            StageEvaluation.as_of <= on,
            StageEvaluation.stage.is_not(None),
            StageEvaluation.valid_until.is_not(None),
        )
        .order_by(StageEvaluation.as_of.desc(), StageEvaluation.id.desc())
    )
    for row in rows:
        if row.result.get("award") == "continuation" or row.stage is None:
            continue
        return Award(row.stage, row.as_of, row.valid_until, row.id)
    return None


def _inputs(
    facts: OrganisationFacts, award: Award | None, version: LadderVersion, as_of: date
) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "ladder": {"key": version.key, "version": version.version, "sha256": version.sha256},
        "organisation": facts.to_json(),
        "previous_award": award.to_json() if award else None,
    }


def evaluate_cluster(
    session: Session,
    viewer: Viewer,
    cluster_id: int,
    ladder_key: str,
    *,
    as_of: date | None = None,
    store: bool = True,
) -> StoredEvaluation:
    """Evaluate a cluster organisation on the newest version of a ladder.

    Stored (with its inputs, the ladder version and the result) when ``store``; a preview
    otherwise. The viewer must see the organisation; storing needs ``stage:evaluate``.
    """
    cluster = get_cluster(session, viewer, cluster_id)
    if store and Permission.STAGE_EVALUATE not in viewer.permissions:
        raise PermissionDenied("needs permission 'stage:evaluate'")
    version = latest_ladder(session, ladder_key)
    day = as_of or date.today()
    facts = cluster_facts(session, cluster)
    award = current_award(session, cluster.id, version.key, day)
    result = evaluate(ladder_of(version), facts, day, previous_award=award)
    record = None
    if store:
        record = StageEvaluation(
            cluster_id=cluster.id,
            ladder_version_id=version.id,
            as_of=day,
            stage=result.stage,
            score=None if result.score is None else Decimal(str(result.score)),
            valid_until=result.valid_until,
            inputs=_inputs(facts, award, version, day),
            result=result.to_json(),
            created_by_id=viewer.user_id,
        )
        session.add(record)
        session.flush()
        record_change(
            session,
            viewer.actor,
            "evaluation.create",
            "stage_evaluation",
            record.id,
            after={
                "cluster_id": cluster.id,
                "ladder": version.key,
                "ladder_version": version.version,
                "as_of": day.isoformat(),
                "stage": result.stage,
                "score": result.score,
            },
        )
    return StoredEvaluation(result, record, version)


def list_evaluations(session: Session, viewer: Viewer, cluster_id: int) -> list[StoredEvaluation]:
    """The stored evaluations of a cluster organisation, newest first."""
    cluster = get_cluster(session, viewer, cluster_id)
    rows = session.execute(
        select(StageEvaluation, LadderVersion)
        .join(LadderVersion, LadderVersion.id == StageEvaluation.ladder_version_id)
        .where(StageEvaluation.cluster_id == cluster.id)
        .order_by(StageEvaluation.as_of.desc(), StageEvaluation.id.desc())
    ).all()
    return [StoredEvaluation(Evaluation.from_json(r.result), r, v) for r, v in rows]


def get_evaluation(
    session: Session, viewer: Viewer, cluster_id: int, evaluation_id: int
) -> StoredEvaluation:
    """One stored evaluation of a cluster organisation."""
    cluster = get_cluster(session, viewer, cluster_id)
    record = session.get(StageEvaluation, evaluation_id)
    if record is None or record.cluster_id != cluster.id:
        raise NotFound(f"no evaluation {evaluation_id} of cluster organisation {cluster_id}")
    version = get_ladder_version(session, record.ladder_version_id)
    return StoredEvaluation(Evaluation.from_json(record.result), record, version)


def reproduce_evaluation(session: Session, record: StageEvaluation) -> Evaluation:
    """The evaluation recomputed from its stored inputs and ladder version alone (it must
    equal the stored result: that is how a past decision is explained)."""
    version = get_ladder_version(session, record.ladder_version_id)
    inputs = record.inputs
    award = Award.from_json(inputs["previous_award"]) if inputs.get("previous_award") else None
    return evaluate(
        ladder_of(version),
        OrganisationFacts.from_json(inputs["organisation"]),
        date.fromisoformat(inputs["as_of"]),
        previous_award=award,
    )


def stage_cards(
    session: Session, viewer: Viewer, cluster_id: int, *, as_of: date | None = None
) -> list[StoredEvaluation]:
    """A preview evaluation on the newest version of every ladder (nothing stored)."""
    return [
        evaluate_cluster(session, viewer, cluster_id, version.key, as_of=as_of, store=False)
        for version in latest_ladders(session)
    ]


@dataclass(frozen=True)
class StageSummary:
    """The stage the latest stored evaluation on a ladder gave a cluster organisation."""

    ladder_key: str
    stage: str | None
    stage_name: str | None
    as_of: date
    valid_until: date | None


def latest_stages(session: Session, cluster_ids: list[int]) -> dict[int, list[StageSummary]]:
    """For each cluster organisation, the latest stored evaluation per ladder (by key)."""
    out: dict[int, dict[str, StageSummary]] = {}
    if not cluster_ids:
        return {}
    rows = session.execute(
        select(StageEvaluation, LadderVersion.key)
        .join(LadderVersion, LadderVersion.id == StageEvaluation.ladder_version_id)
        .where(StageEvaluation.cluster_id.in_(cluster_ids))
        .order_by(StageEvaluation.as_of, StageEvaluation.id)
    ).all()
    for record, key in rows:
        out.setdefault(record.cluster_id, {})[key] = StageSummary(
            key,
            record.stage,
            record.result.get("stage_name"),
            record.as_of,
            record.valid_until,
        )
    return {cid: [by_key[k] for k in sorted(by_key)] for cid, by_key in out.items()}


@dataclass(frozen=True)
class MembershipFlag:
    """A titled stage and how much the membership changed since it was awarded."""

    cluster: ClusterOrganisation
    ladder_key: str
    award: Award
    check: MembershipCheck


def membership_flags(
    session: Session,
    viewer: Viewer,
    clusters: list[ClusterOrganisation],
    *,
    today: date | None = None,
) -> list[MembershipFlag]:
    """For every visible cluster organisation holding a still-valid title on a ladder with
    membership rules, the membership change since the award (lapsed ones first)."""
    day = today or date.today()
    ladders = [(v.key, ladder_of(v)) for v in latest_ladders(session)]
    flags = []
    for cluster in clusters:
        if not viewer.can_read(cluster):
            continue
        facts: OrganisationFacts | None = None
        for key, ladder in ladders:
            if ladder.membership is None:
                continue
            award = current_award(session, cluster.id, key, day)
            if award is None or (award.valid_until is not None and award.valid_until < day):
                continue
            facts = facts or cluster_facts(session, cluster)
            check = membership_check(facts, award, day, ladder.membership.max_change_share)
            flags.append(MembershipFlag(cluster, key, award, check))
    return sorted(flags, key=lambda f: (not f.check.lapsed, -(f.check.share or 0), f.cluster.name))

"""The cluster organisation API, version 1: the registry and stored evaluations as JSON.

Same permissions and object-level rules as the pages (``cluster:read``; cluster managers
see their own organisation, the agency every one). Lists are paginated like the evidence
API (``page``, ``per_page``, ``total``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from polisee.services import clusters
from polisee.services import financing as fin
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._financing_common import viewer
from polisee.web.routes.api import API_ERRORS
from polisee.web.security import DbSession, require

__all__ = [
    "ClusterOrganisationOut",
    "ClusterOrganisationPage",
    "EvaluationOut",
    "StageOut",
    "router",
]

router = APIRouter(prefix="/api/v1", tags=["cluster organisations"], responses=API_ERRORS)
Reader = Annotated[Principal, require(Permission.CLUSTER_READ)]


class StageOut(BaseModel):
    """The stage of the latest stored evaluation on one ladder."""

    ladder: str
    stage: str | None
    stage_name: str | None
    as_of: date
    valid_until: date | None


class ClusterOrganisationOut(BaseModel):
    """A registry entry."""

    id: int
    name: str
    demo: bool
    country: str
    region_code: str
    founded_year: int
    legal_form: str
    website: str
    management_fte: float
    cluster_category: str
    nace_codes: list[str]
    technologies: list[str]
    members: int
    stages: list[StageOut]


class ClusterOrganisationPage(BaseModel):
    """One page of the registry."""

    total: int
    page: int
    per_page: int
    items: list[ClusterOrganisationOut]


class EvaluationOut(BaseModel):
    """A stored evaluation with the inputs it read and its full result."""

    id: int
    cluster_id: int
    ladder: str
    ladder_version: int
    as_of: date
    stage: str | None
    score: float | None
    valid_until: date | None
    missing: list[dict[str, Any]]
    result: dict[str, Any]
    inputs: dict[str, Any]


def _out(
    profile: clusters.ClusterProfile, stages: list[fin.StageSummary]
) -> ClusterOrganisationOut:
    c = profile.cluster
    return ClusterOrganisationOut(
        id=c.id,
        name=c.name,
        demo=c.demo,
        country=c.country,
        region_code=c.region_code,
        founded_year=c.founded_year,
        legal_form=c.legal_form,
        website=c.website,
        management_fte=float(c.management_fte),
        cluster_category=c.cluster_category,
        nace_codes=list(c.nace_codes),
        technologies=list(c.technologies),
        members=profile.members,
        stages=[
            StageOut(
                ladder=s.ladder_key,
                stage=s.stage,
                stage_name=s.stage_name,
                as_of=s.as_of,
                valid_until=s.valid_until,
            )
            for s in stages
        ],
    )


@router.get("/cluster-organisations", name="api:cluster_organisations")
def list_cluster_organisations(
    db: DbSession,
    principal: Reader,
    country: Annotated[str, Query(max_length=2)] = "",
    region: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=80)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ClusterOrganisationPage:
    """The cluster organisations the caller may see, by name."""
    profiles = clusters.list_clusters(
        db, viewer(db, principal), country=country or None, region=region or None, search=q or None
    )
    chunk = profiles[(page - 1) * per_page : page * per_page]
    stages = fin.latest_stages(db, [p.cluster.id for p in chunk])
    return ClusterOrganisationPage(
        total=len(profiles),
        page=page,
        per_page=per_page,
        items=[_out(p, stages.get(p.cluster.id, [])) for p in chunk],
    )


@router.get("/cluster-organisations/{cluster_id}", name="api:cluster_organisation")
def show_cluster_organisation(
    db: DbSession, principal: Reader, cluster_id: int
) -> ClusterOrganisationOut:
    """One cluster organisation with the stage of its latest evaluation on each ladder."""
    who = viewer(db, principal)
    cluster = clusters.get_cluster(db, who, cluster_id)
    profile = next(p for p in clusters.list_clusters(db, who) if p.cluster.id == cluster.id)
    return _out(profile, fin.latest_stages(db, [cluster.id]).get(cluster.id, []))


@router.get(
    "/cluster-organisations/{cluster_id}/evaluations/{evaluation_id}",
    name="api:cluster_organisation_evaluation",
)
def show_evaluation(
    db: DbSession, principal: Reader, cluster_id: int, evaluation_id: int
) -> EvaluationOut:
    """A stored evaluation; ``missing`` are the phrases of what the next stage needs
    (message id, plural, values), ready for translation."""
    stored = fin.get_evaluation(db, viewer(db, principal), cluster_id, evaluation_id)
    record = stored.record
    assert record is not None
    return EvaluationOut(
        id=record.id,
        cluster_id=record.cluster_id,
        ladder=stored.ladder_version.key,
        ladder_version=stored.ladder_version.version,
        as_of=record.as_of,
        stage=record.stage,
        score=stored.evaluation.score,
        valid_until=record.valid_until,
        missing=[g.to_json() for g in stored.evaluation.gaps],
        result=record.result,
        inputs=record.inputs,
    )

"""The partner matchmaking API, version 1: profiles, matches with their parts, the
collaboration network and the aggregate request numbers.

Same permissions and visibility as the pages: anonymous callers get public profiles only,
and a members-only profile answers 403 without a signed-in session.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from polisee.records.partners import PartnerProfile
from polisee.services import partners as pt
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._partners_common import viewer
from polisee.web.routes.api import API_ERRORS, ErrorOut
from polisee.web.routes.partners import match_result
from polisee.web.security import DbSession, require

__all__ = [
    "EdgeOut",
    "MatchOut",
    "MatchPage",
    "MonthCount",
    "NetworkOut",
    "NodeOut",
    "PartnerProfileOut",
    "PartnerProfilePage",
    "RequestSummaryOut",
    "router",
]

router = APIRouter(
    prefix="/api/v1/partners",
    tags=["partners"],
    responses={
        **API_ERRORS,
        503: {"model": ErrorOut, "description": "No statistics are loaded yet"},
    },
)
Reader = Annotated[Principal, require(Permission.PARTNER_READ)]


class PartnerProfileOut(BaseModel):
    """A cooperation profile."""

    id: int
    name: str
    demo: bool
    visibility: str
    country: str
    region_code: str
    summary: str
    offers: str
    needs: str
    target_regions: list[str]
    value_chain_roles: list[str]
    nace_codes: list[str]
    technologies: list[str]
    cooperation_types: list[str]
    languages: list[str]
    region_pairing: bool
    cluster_id: int | None
    version: int


class PartnerProfilePage(BaseModel):
    """One page of profiles."""

    total: int
    page: int
    per_page: int
    items: list[PartnerProfileOut]


class MatchOut(BaseModel):
    """A ranked partner: score, each part (null: no value for this pair) and its share."""

    profile: PartnerProfileOut
    score: float
    parts: dict[str, float | None]
    contributions: dict[str, float]
    industry_pairs: list[tuple[str, str, float]]
    shared_languages: list[str]
    in_our_targets: bool | None
    we_in_their_targets: bool | None


class MatchPage(BaseModel):
    """The ranked partners of a profile and how they were scored."""

    profile_id: int
    model: str
    relatedness: str
    weights: dict[str, float]
    considered: int
    items: list[MatchOut]


class NodeOut(BaseModel):
    """An organisation in the network with its centralities."""

    organisation_id: int
    name: str
    country: str
    region_code: str
    profile_id: int | None
    links: int
    international_links: int
    degree_centrality: float
    betweenness: float


class EdgeOut(BaseModel):
    """Two organisations that collaborated."""

    source: int
    target: int
    collaborations: int
    kinds: list[str]
    international: bool
    bridge: bool


class NetworkOut(BaseModel):
    """The collaboration network with its measures."""

    year: int | None
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    isolates: list[int]


class MonthCount(BaseModel):
    """Requests started in one month."""

    month: str
    count: int


class RequestSummaryOut(BaseModel):
    """Aggregate numbers of match requests."""

    total: int
    by_status: dict[str, int]
    accepted_share: float | None
    median_days_to_answer: float | None
    organisations: int
    messages: int
    by_month: list[MonthCount]
    international_share: float | None


def _out(p: PartnerProfile) -> PartnerProfileOut:
    return PartnerProfileOut(
        id=p.id,
        name=p.name,
        demo=p.demo,
        visibility=p.visibility.value,
        country=p.country,
        region_code=p.region_code,
        summary=p.summary,
        offers=p.offers,
        needs=p.needs,
        target_regions=list(p.target_regions or []),
        value_chain_roles=list(p.value_chain_roles or []),
        nace_codes=list(p.nace_codes or []),
        technologies=list(p.technologies or []),
        cooperation_types=list(p.cooperation_types or []),
        languages=list(p.languages or []),
        region_pairing=p.region_pairing,
        cluster_id=p.cluster_id,
        version=p.version,
    )


@router.get("/profiles", name="api:partner_profiles")
def list_profiles(
    db: DbSession,
    principal: Reader,
    q: Annotated[str, Query(max_length=80)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    industry: Annotated[str, Query(max_length=8)] = "",
    cooperation_type: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> PartnerProfilePage:
    """The profiles the caller may see, by name, filtered."""
    filters = pt.SearchFilters.from_mapping(
        {"q": q, "country": country, "industry": industry, "cooperation_type": cooperation_type}
    )
    found = pt.search_profiles(db, viewer(db, principal), filters)
    chunk = found[(page - 1) * per_page : page * per_page]
    return PartnerProfilePage(
        total=len(found), page=page, per_page=per_page, items=[_out(p) for p in chunk]
    )


@router.get("/profiles/{profile_id}", name="api:partner_profile")
def show_profile(db: DbSession, principal: Reader, profile_id: int) -> PartnerProfileOut:
    """One profile (403 for a members-only profile without a signed-in session)."""
    return _out(pt.visible_profile(db, viewer(db, principal), profile_id))


@router.get("/profiles/{profile_id}/matches", name="api:partner_matches")
def list_matches(
    request: Request,
    db: DbSession,
    principal: Reader,
    profile_id: int,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> MatchPage:
    """The best partners among the profiles the caller may see; weights as ``w_<part>``
    query parameters, filters ``country`` and ``cooperation_type``."""
    result = match_result(request, db, principal, profile_id, limit)
    return MatchPage(
        profile_id=result.profile.id,
        model=result.model,
        relatedness=result.relatedness,
        weights=result.effective_weights,
        considered=result.considered,
        items=[
            MatchOut(
                profile=_out(m.profile),
                score=m.score,
                parts=m.parts,
                contributions=m.contributions,
                industry_pairs=m.industry_pairs,
                shared_languages=m.shared_languages,
                in_our_targets=m.in_our_targets,
                we_in_their_targets=m.we_in_their_targets,
            )
            for m in result.matches
        ],
    )


@router.get("/network", name="api:partner_network")
def show_network(
    db: DbSession,
    principal: Annotated[Principal, require(Permission.NETWORK_READ)],
    year: Annotated[int | None, Query(ge=1950, le=2100)] = None,
) -> NetworkOut:
    """The collaboration network (signed-in users) with centralities and bridges."""
    network = pt.collaboration_network(db, viewer(db, principal), year=year)
    return NetworkOut(
        year=network.year,
        nodes=[
            NodeOut(
                organisation_id=n.place.organisation_id,
                name=n.place.name,
                country=n.place.country,
                region_code=n.place.region_code,
                profile_id=n.place.profile_id,
                links=n.links,
                international_links=n.international_links,
                degree_centrality=n.degree,
                betweenness=n.betweenness,
            )
            for n in network.nodes
        ],
        edges=[
            EdgeOut(
                source=e.source,
                target=e.target,
                collaborations=e.collaborations,
                kinds=e.kinds,
                international=e.international,
                bridge=e.bridge,
            )
            for e in network.edges
        ],
        isolates=[p.organisation_id for p in network.isolates],
    )


@router.get("/requests/summary", name="api:partner_request_summary")
def show_request_summary(
    db: DbSession, principal: Annotated[Principal, require(Permission.PARTNER_MONITOR)]
) -> RequestSummaryOut:
    """Aggregate numbers of match requests (administrators): no names, no messages."""
    s = pt.request_statistics(db, viewer(db, principal))
    return RequestSummaryOut(
        total=s.total,
        by_status=s.by_status,
        accepted_share=s.accepted_share,
        median_days_to_answer=s.median_days_to_answer,
        organisations=s.organisations,
        messages=s.messages,
        by_month=[MonthCount(month=m, count=c) for m, c in s.by_month],
        international_share=s.international_share,
    )

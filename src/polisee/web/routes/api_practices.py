"""The good-practice API, version 1: search with facets, one practice, recommendations.

Same permissions and visibility as the pages (``practice:read``; unpublished practices only
for their author and validators). Lists are paginated with ``page`` and ``per_page``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from polisee.services import practices as pr
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes.api import API_ERRORS
from polisee.web.security import DbSession, Semantic, require

__all__ = [
    "AttachmentOut",
    "EventOut",
    "FacetOut",
    "PracticeHitOut",
    "PracticeOut",
    "PracticePage",
    "RecommendationOut",
    "router",
]

router = APIRouter(prefix="/api/v1", tags=["practices"], responses=API_ERRORS)
Reader = Annotated[Principal, require(Permission.PRACTICE_READ)]
Facet = Annotated[list[str], Query(max_length=20)]


class FacetOut(BaseModel):
    """A facet value and how many hits have it."""

    value: str
    count: int
    selected: bool


class PracticeHitOut(BaseModel):
    """A practice in a result list."""

    id: int
    title: str
    summary: str
    instrument: str
    state: str
    demo: bool
    themes: list[str]
    regions: list[str]
    countries: list[str]
    period_start: int | None
    period_end: int | None
    relevance: float | None = Field(description="Rank of the search engine; higher is better")
    relevance_share: float | None = Field(description="Relevance over the best hit's, 0 to 1")


class PracticePage(BaseModel):
    """One page of hits with facet counts; ``mode`` says which search ran."""

    query: str
    mode: str
    semantic_available: bool
    total: int
    page: int
    per_page: int
    items: list[PracticeHitOut]
    facets: dict[str, list[FacetOut]]


class AttachmentOut(BaseModel):
    """An attached file (download it from ``url``)."""

    id: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    url: str


class EventOut(BaseModel):
    """One step of the validation history."""

    at: datetime
    actor: str
    from_state: str | None
    to_state: str
    note: str


class PracticeOut(BaseModel):
    """The full practice record."""

    id: int
    title: str
    summary: str
    organisation: str
    instrument: str
    themes: list[str]
    regions: list[str]
    target_group: str
    period_start: int | None
    period_end: int | None
    budget_eur: int | None
    budget_note: str
    funding_source: str
    results: str
    result_figures: list[dict[str, Any]]
    success_factors: str
    difficulties: str
    transferability: str
    contacts: str
    links: list[dict[str, str]]
    language: str
    state: str
    demo: bool
    published_at: datetime | None
    attachments: list[AttachmentOut]
    history: list[EventOut]


class RecommendationOut(BaseModel):
    """A recommended practice with the parts of its score (see the recommender's weights)."""

    practice_id: int
    title: str
    regions: list[str]
    themes: list[str]
    instrument: str
    score: float
    theme: float
    criterion: float
    semantic: float | None
    region: float


@router.get("/practices", name="api_practices:list")
def list_practices(
    db: DbSession,
    principal: Reader,
    semantic: Semantic,
    q: Annotated[str, Query(max_length=200)] = "",
    theme: Facet = [],  # noqa: B006  (FastAPI copies query defaults)
    instrument: Facet = [],  # noqa: B006
    country: Facet = [],  # noqa: B006
    period: Facet = [],  # noqa: B006
    scope: Literal["published", "mine", "review"] = "published",
    mode: Literal["fulltext", "semantic"] = "fulltext",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PracticePage:
    """Search practices (web-search syntax: words, "phrases", -excluded, OR) with facets."""
    result = pr.search_practices(
        db,
        q,
        {"theme": theme, "instrument": instrument, "country": country, "period": period},
        page,
        principal=principal,
        scope=scope,
        mode=mode,
        encoder=semantic.encoder() if mode == "semantic" else None,
        per_page=per_page,
    )
    return PracticePage(
        query=result.query,
        mode=result.mode,
        semantic_available=semantic.available,
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        items=[
            PracticeHitOut(
                id=h.id,
                title=h.title,
                summary=h.summary,
                instrument=h.instrument,
                state=h.state,
                demo=h.demo,
                themes=list(h.themes),
                regions=list(h.regions),
                countries=list(h.countries),
                period_start=h.period_start,
                period_end=h.period_end,
                relevance=h.relevance,
                relevance_share=h.relevance_share,
            )
            for h in result.hits
        ],
        facets={
            name: [FacetOut(value=v.value, count=v.count, selected=v.selected) for v in values]
            for name, values in result.facets.items()
        },
    )


@router.get("/practices/recommendations", name="api_practices:recommend")
def recommend_practices(
    db: DbSession,
    principal: Reader,
    semantic: Semantic,
    region: Annotated[str, Query(max_length=10)],
    criterion: Annotated[str, Query(max_length=300)],
    theme: Annotated[str, Query(max_length=64)] = "",
    guidance: Annotated[str, Query(max_length=2000)] = "",
    peers: Facet = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=20)] = 3,
) -> list[RecommendationOut]:
    """The best published practices for one weak criterion of a region."""
    gap = pr.Gap(
        theme_key=theme, criterion_key="api", criterion_title=criterion, guiding_text=guidance
    )
    found = pr.recommend_practices(
        db,
        [gap],
        region_code=region.upper(),
        peer_regions=[p.upper() for p in peers],
        limit_per_gap=limit,
        encoder=semantic.encoder(),
    )[0]
    return [
        RecommendationOut(
            practice_id=r.practice_id,
            title=r.title,
            regions=list(r.regions),
            themes=list(r.themes),
            instrument=r.instrument,
            score=r.score,
            theme=r.parts.theme,
            criterion=r.parts.criterion,
            semantic=r.parts.semantic,
            region=r.parts.region,
        )
        for r in found.items
    ]


@router.get("/practices/{practice_id}", name="api_practices:show")
def show_practice(db: DbSession, principal: Reader, practice_id: int) -> PracticeOut:
    """One practice the caller may see, with its attachments and validation history."""
    p = pr.get_practice(db, practice_id, principal, full=True)
    return PracticeOut(
        id=p.id,
        title=p.title,
        summary=p.summary,
        organisation=p.organisation,
        instrument=p.instrument.value,
        themes=[t.theme for t in p.themes],
        regions=[r.region_code for r in p.regions],
        target_group=p.target_group,
        period_start=p.period_start,
        period_end=p.period_end,
        budget_eur=p.budget_eur,
        budget_note=p.budget_note,
        funding_source=p.funding_source,
        results=p.results,
        result_figures=list(p.result_figures),
        success_factors=p.success_factors,
        difficulties=p.difficulties,
        transferability=p.transferability,
        contacts=p.contacts,
        links=list(p.links),
        language=p.language,
        state=p.state.value,
        demo=p.demo,
        published_at=p.published_at,
        attachments=[
            AttachmentOut(
                id=a.id,
                name=a.original_name,
                content_type=a.content_type,
                size_bytes=a.size_bytes,
                sha256=a.sha256,
                url=f"/practices/{p.id}/attachments/{a.id}",
            )
            for a in p.attachments
        ],
        history=[
            EventOut(
                at=e.at,
                actor=e.actor_label,
                from_state=e.from_state.value if e.from_state else None,
                to_state=e.to_state.value,
                note=e.note,
            )
            for e in p.events
        ],
    )

"""The evidence API, version 1: regions, profiles, industries, clusters and indicators as JSON.

Same permission as the pages (``evidence:read``, public). Lists are paginated with
``page`` and ``per_page`` and report ``total`` and ``links``; invalid filters give 422
naming the field; filter values are only ever compared, so an injection attempt is just
a value that matches nothing.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from polisee.analytics import registry
from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services.analysis import indicator_table
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes.api import API_ERRORS, ErrorOut
from polisee.web.routes.evidence import Store, cache_of
from polisee.web.security import require

__all__ = [
    "BlockOut",
    "ClusterOut",
    "IndicatorOut",
    "IndicatorPage",
    "IndustryOut",
    "KeyFigureOut",
    "Links",
    "ProfileOut",
    "RegionOut",
    "RegionPage",
    "router",
]

router = APIRouter(
    prefix="/api/v1",
    tags=["evidence"],
    responses={
        **API_ERRORS,
        503: {"model": ErrorOut, "description": "No statistics are loaded yet"},
    },
)
Reader = Annotated[Principal, require(Permission.EVIDENCE_READ)]
PageQuery = Annotated[int, Query(ge=1, le=100_000)]
PerPageQuery = Annotated[int, Query(ge=1, le=500)]
Text = Annotated[str | None, Query(max_length=80)]


class Links(BaseModel):
    """Where the neighbouring pages of a list are."""

    self: str
    first: str
    last: str
    next: str | None = None
    prev: str | None = None


class RegionOut(BaseModel):
    """A NUTS region."""

    code: str
    name: str
    name_native: str
    level: int
    country: str
    country_name: str
    has_data: bool = Field(description="Whether business statistics by industry exist for it")


class RegionPage(BaseModel):
    """One page of regions."""

    total: int
    page: int
    per_page: int
    links: Links
    items: list[RegionOut]


class IndustryOut(BaseModel):
    """A NACE Rev. 2 division with regional figures."""

    code: str
    title: str
    section: str


class ClusterOut(BaseModel):
    """A cluster category (U.S. Cluster Mapping, carried to NACE divisions)."""

    code: str
    name: str
    traded: bool
    industries: list[str]


class IndicatorOut(BaseModel):
    """An indicator of the registry."""

    key: str
    name: str
    unit: str
    kind: str
    peer: str


class IndicatorPage(BaseModel):
    """One page of an indicator's results; ``items`` are rows of the labelled table."""

    key: str
    name: str
    unit: str
    measure: str
    year: int | None
    notes: list[str]
    total: int
    page: int
    per_page: int
    links: Links
    columns: list[str]
    items: list[dict[str, Any]]


class KeyFigureOut(BaseModel):
    """A headline figure of a region."""

    key: str
    label: str
    unit: str
    value: float | None
    year: int | None
    rank: int | None
    of: int
    trend: list[tuple[int, float]]
    source: str


class BlockOut(BaseModel):
    """A section of a profile: its table rows, readings and sources."""

    title: str
    readings: list[str]
    sources: list[str]
    notes: list[str]
    columns: list[str]
    rows: list[dict[str, Any]]


class ProfileOut(BaseModel):
    """A region's profile."""

    code: str
    name: str
    name_native: str
    country: str
    level: int
    year: int
    eci: float | None
    key_figures: list[KeyFigureOut]
    blocks: dict[str, BlockOut]


def _clean(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NA:
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [str(c) for c in frame.columns]
    return [
        {c: _clean(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _links(request: Request, page: int, per_page: int, total: int) -> Links:
    last = max(1, math.ceil(total / per_page))
    base = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "per_page")]

    def url(p: int) -> str:
        return f"{request.url.path}?{urlencode([*base, ('page', p), ('per_page', per_page)])}"

    return Links(
        self=url(page),
        first=url(1),
        last=url(last),
        next=url(page + 1) if page < last else None,
        prev=url(page - 1) if page > 1 else None,
    )


def _slice(frame: pd.DataFrame, page: int, per_page: int) -> pd.DataFrame:
    return frame.iloc[(page - 1) * per_page : page * per_page]


@router.get("/regions", name="api:regions")
def list_regions(
    request: Request,
    principal: Reader,
    store: Store,
    level: Annotated[int | None, Query(ge=0, le=3)] = 2,
    country: Text = None,
    q: Text = None,
    page: PageQuery = 1,
    per_page: PerPageQuery = 50,
) -> RegionPage:
    """NUTS regions, filtered by level, country (two-letter code) and a search text."""
    frame = ev.regions_list(store, level=level, country=country, query=q, cache=cache_of(request))
    return RegionPage(
        total=len(frame),
        page=page,
        per_page=per_page,
        links=_links(request, page, per_page, len(frame)),
        items=[RegionOut(**row) for row in _records(_slice(frame, page, per_page))],
    )


def _block(block: ev.Block) -> BlockOut:
    return BlockOut(
        title=block.title,
        readings=[r.english() for r in block.readings],
        sources=[s.english() for s in block.sources],
        notes=block.notes,
        columns=[str(c) for c in block.table.columns],
        rows=_records(block.table),
    )


@router.get("/regions/{code}", name="api:region")
def show_region(
    request: Request,
    principal: Reader,
    store: Store,
    code: str,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> ProfileOut:
    """A region's profile: key figures and every block of the profile page."""
    cache = cache_of(request)
    years = ev.available_years(store, cache)
    if year is not None and year not in years:
        raise InputError(f"expected a year among {years}, got {year}", field="year")
    if len(code) > 12:
        raise NotFound(f"no region {code[:80]!r}")
    profile = ev.region_profile(store, code, year, cache=cache)
    return ProfileOut(
        code=profile.code,
        name=profile.name,
        name_native=profile.name_native,
        country=profile.country,
        level=profile.level,
        year=profile.year,
        eci=profile.eci,
        key_figures=[
            KeyFigureOut(
                key=f.key,
                label=f.label,
                unit=f.unit,
                value=f.value,
                year=f.year,
                rank=f.rank,
                of=f.of,
                trend=list(f.trend),
                source=f.source.english(),
            )
            for f in profile.key_figures
        ],
        blocks={key: _block(block) for key, block in profile.blocks.items()},
    )


@router.get("/industries", name="api:industries")
def list_industries(request: Request, principal: Reader, store: Store) -> list[IndustryOut]:
    """NACE divisions with regional figures."""
    frame = ev.industries_list(store, cache=cache_of(request))
    return [IndustryOut(**row) for row in _records(frame)]


@router.get("/clusters", name="api:clusters")
def list_clusters(request: Request, principal: Reader, store: Store) -> list[ClusterOut]:
    """Cluster categories with their NACE divisions."""
    frame = ev.clusters_list(store, cache=cache_of(request))
    return [
        ClusterOut(
            code=str(row["code"]),
            name=str(row["name"]),
            traded=bool(row["traded"]),
            industries=[i for i in str(row["industries"]).split(", ") if i],
        )
        for row in _records(frame)
    ]


@router.get("/indicators", name="api:indicators")
def list_indicators(principal: Reader) -> list[IndicatorOut]:
    """Every indicator of the registry."""
    return [
        IndicatorOut(key=i.key, name=i.name, unit=i.unit, kind=i.kind, peer=i.peer)
        for i in registry.values()
    ]


@router.get("/indicators/{key}", name="api:indicator")
def show_indicator(
    request: Request,
    principal: Reader,
    store: Store,
    key: str,
    measure: Annotated[str, Query(max_length=40)] = "V16110",
    level: Annotated[int, Query(ge=0, le=2)] = 2,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    region: Text = None,
    country: Text = None,
    page: PageQuery = 1,
    per_page: PerPageQuery = 100,
) -> IndicatorPage:
    """A registry indicator computed on the store, filtered and paginated."""
    if key not in registry:
        raise NotFound(f"no indicator {key[:80]!r}; known: {', '.join(sorted(registry))}")
    cache = cache_of(request)
    known = set(store.measures()["measure"])
    if measure not in known:
        raise InputError(
            f"expected a measure among {sorted(known)}, got {measure!r}", field="measure"
        )
    if year is None:
        year = ev.default_year(store, cache)

    def compute() -> Any:
        return indicator_table(store, key, measure=measure, level=level, year=year)

    try:
        result = cache.fetch(store, "indicator", (key, measure, level, year), compute)
    except NotFound as exc:
        raise InputError(str(exc), field="year") from None
    table = result.table
    if region is not None and "region" in table.columns:
        table = table[table["region"] == region.upper()]
    if country is not None and "region" in table.columns:
        table = table[table["region"].str.slice(0, 2) == country.upper()]
    return IndicatorPage(
        key=result.key,
        name=result.name,
        unit=result.unit,
        measure=measure,
        year=year,
        notes=result.notes,
        total=len(table),
        page=page,
        per_page=per_page,
        links=_links(request, page, per_page, len(table)),
        columns=[str(c) for c in table.columns],
        items=_records(_slice(table, page, per_page)),
    )

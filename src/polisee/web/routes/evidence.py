"""The evidence explorer's pages: map, regions and profiles, clusters, industries, comparison.

Every page is public (``evidence:read``). Tables download as CSV and XLSX, map layers as
GeoJSON; chart specs come from :mod:`polisee.web.charts`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from markupsafe import Markup
from starlette.responses import HTMLResponse, Response

from polisee import __version__
from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore
from polisee.web import charts
from polisee.web.security import require
from polisee.web.templating import language_of, render

__all__ = [
    "Formatter",
    "NoData",
    "TableFormat",
    "cache_of",
    "formatter_for",
    "get_store",
    "router",
    "table_download",
]

router = APIRouter()
Reader = Annotated[Principal, require(Permission.EVIDENCE_READ)]
TableFormat = Literal["csv", "xlsx"]
GEO_FORMAT = "geojson"
EUROPE_BOUNDS = [-25.0, 34.0, 45.0, 72.0]
MAX_TEXT = 80


class NoData(Exception):
    """No statistics store has been loaded yet."""


async def get_store(request: Request) -> StatsStore:
    """The app's read-only statistics store; :class:`NoData` when none is loaded."""
    store: StatsStore | None = request.app.state.evidence.store()
    if store is None:
        raise NoData
    return store


Store = Annotated[StatsStore, Depends(get_store)]


async def _fast(handler: Callable[[], Response]) -> Response:
    """Answer from the cache on the event loop; go to a worker thread if anything is missing."""
    try:
        with ev.cached_only():
            return handler()
    except ev.CacheMiss:
        return await run_in_threadpool(handler)


def cache_of(request: Request) -> ev.EvidenceCache:
    cache: ev.EvidenceCache = request.app.state.evidence.cache
    return cache


# --- formatting ----------------------------------------------------------------------------

# The formatter is shared with the reports (services); the pages keep its name here.
Formatter = ev.Formatter


def formatter_for(request: Request) -> Formatter:
    """The visitor's formatter, with the NACE titles in their language (read once per data
    folder and language; English titles where the classification has none)."""
    language = language_of(request)
    state = getattr(request.app.state, "evidence", None)
    data_dir = getattr(state, "data_dir", None)
    return Formatter(language, ev.industry_titles(data_dir, language))


def _page(
    request: Request, name: str, context: dict[str, Any], block: str | None = None
) -> Response:
    fmt = formatter_for(request)
    full = {"fmt": fmt, "nav": name.split("/")[-1].removesuffix(".html"), **context}
    if block is not None and request.headers.get("hx-request") == "true":
        return render(request, name, full, block=block)
    return render(request, name, full)


# --- downloads -----------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def table_download(
    frame: pd.DataFrame,
    *,
    fmt: str,
    filename: str,
    title: str,
    sources: Sequence[ev.Source],
    notes: Sequence[str],
    formatter: Formatter,
) -> Response:
    """``frame`` as a CSV or XLSX attachment (the XLSX has a "Sources and notes" sheet)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(list(frame.columns))
        for row in frame.itertuples(index=False):
            writer.writerow(["" if _cell(v) is None else _cell(v) for v in row])
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{filename}.csv"'},
        )
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Data"
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        meta = book.create_sheet("Sources and notes")
        _ = formatter.gettext
        meta.append([_("Table"), _(title)])
        for source in sources:
            meta.append([_("Source"), formatter.source(source)])
        for note in notes:
            meta.append([_("Note"), _(note)])
        meta.append([_("Generated by"), f"polisee {__version__}"])
        meta.append([_("Generated on"), formatter.date(date.today())])
        buffer = io.BytesIO()
        book.save(buffer)
        return Response(
            buffer.getvalue(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="{filename}.xlsx"'},
        )
    raise InputError(f"expected a format among csv, xlsx, got {fmt!r}", field="format")


def _format(fmt: str) -> str:
    if fmt not in ("csv", "xlsx"):
        raise InputError(
            f"expected a format among csv, xlsx, got {fmt[:MAX_TEXT]!r}", field="format"
        )
    return fmt


# --- parameters ----------------------------------------------------------------------------


def _year(store: StatsStore, cache: ev.EvidenceCache, year: int | None) -> int:
    years = ev.available_years(store, cache)
    if year is None:
        return ev.default_year(store, cache)
    if year not in years:
        raise InputError(f"expected a year among {years}, got {year}", field="year")
    return year


def _code(code: str) -> str:
    clean = code.strip().upper()
    if not clean or len(clean) > 12 or not clean.replace("_", "").replace("-", "").isalnum():
        raise NotFound(f"no region or industry {code[:MAX_TEXT]!r}")
    return clean


YearQuery = Annotated[int | None, Query(ge=1990, le=2100)]
LevelQuery = Annotated[int, Query(ge=0, le=2)]


@dataclass(frozen=True)
class MapQuery:
    """The query parameters every map route shares, as the visitor gave them."""

    indicator: str
    level: int
    year: int | None
    industry: str | None
    cluster: str | None


async def map_query(
    indicator: str = "lq",
    level: LevelQuery = 2,
    year: YearQuery = None,
    industry: str | None = None,
    cluster: str | None = None,
) -> MapQuery:
    # async and I/O-free, so the cached map routes stay on the event loop.
    return MapQuery(indicator, level, year, industry, cluster)


Map = Annotated[MapQuery, Depends(map_query)]


def _map_params(store: StatsStore, cache: ev.EvidenceCache, query: MapQuery) -> dict[str, Any]:
    """The query checked and completed (default year, industry or cluster)."""
    indicator, level, year = query.indicator, query.level, query.year
    industry, cluster = query.industry, query.cluster
    if indicator not in ev.MAP_INDICATORS:
        raise InputError(
            f"expected an indicator among {sorted(ev.MAP_INDICATORS)}, got {indicator[:MAX_TEXT]!r}",
            field="indicator",
        )
    needs = ev.MAP_INDICATORS[indicator].needs
    industry = (industry or "").strip().upper() or None
    cluster = (cluster or "").strip() or None
    if "industry" not in needs:
        industry = None
    if "cluster" not in needs:
        cluster = None
    if needs == "industry|cluster" and industry and cluster:
        cluster = None
    if needs == "industry|cluster" and not (industry or cluster):
        industry = "C29"
        if industry not in set(ev.industries_list(store, cache=cache)["code"]):
            industry = str(ev.industries_list(store, cache=cache)["code"].iloc[0])
    if needs == "cluster" and not cluster:
        cluster = str(ev.clusters_list(store, cache=cache)["code"].iloc[0])
    return {
        "indicator": indicator,
        "level": level,
        "year": _year(store, cache, year),
        "industry": industry,
        "cluster": cluster,
    }


def _map_query(params: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v is not None})


def _map_title(
    store: StatsStore, cache: ev.EvidenceCache, params: dict[str, Any], fmt: Formatter
) -> str:
    indicator = ev.MAP_INDICATORS[params["indicator"]]
    _ = fmt.gettext
    what = _(indicator.label)
    if params["industry"]:
        titles = ev.industries_list(store, cache=cache).set_index("code")["title"]
        title = fmt.title(params["industry"], titles.get(params["industry"], ""))
        what += f" · {params['industry']} {title}"
    if params["cluster"]:
        names = ev.clusters_list(store, cache=cache).set_index("code")["name"]
        what += f" · {names.get(params['cluster'], params['cluster'])}"
    return f"{what}, {params['year']}"


# --- map -------------------------------------------------------------------------------------


@router.get("/map", name="evidence:map")
def show_map(
    request: Request,
    principal: Reader,
    store: Store,
    query: Map,
) -> Response:
    """The map of Europe coloured by an indicator."""
    cache = cache_of(request)
    params = _map_params(store, cache, query)
    fmt = formatter_for(request)
    values = ev.map_values(store, cache=cache, **params)
    ranked = sorted(((v, k) for k, v in values.items() if v is not None), reverse=True)[:10]
    names = ev.regions_list(store, level=None, cache=cache).set_index("code")["label"]
    context = {
        "params": params,
        "query": _map_query(params),
        "indicators": ev.MAP_INDICATORS,
        "years": ev.available_years(store, cache),
        "industries": fmt.with_titles(ev.industries_list(store, cache=cache), "code").to_dict(
            "records"
        ),
        "clusters": ev.clusters_list(store, cache=cache).to_dict("records"),
        "title": _map_title(store, cache, params, fmt),
        "top": [(k, names.get(k, k), v) for v, k in ranked],
        "unit": ev.MAP_INDICATORS[params["indicator"]].unit,
        "counted": sum(1 for v in values.values() if v is not None),
        "bounds": json.dumps(EUROPE_BOUNDS),
    }
    return _page(request, "evidence/map.html", context, block="panel")


def _choropleth(
    store: StatsStore, cache: ev.EvidenceCache, params: dict[str, Any], fmt: Formatter
) -> bytes:
    def compute() -> bytes:
        values = ev.map_values(store, cache=cache, **params)
        indicator = ev.MAP_INDICATORS[params["indicator"]]
        stars = indicator.key == "stars"
        spec = charts.choropleth(
            values,
            indicator=_map_title(store, cache, params, fmt),
            unit=fmt.gettext(indicator.unit) if indicator.unit else "",
            breaks=[0.5, 1.5, 2.5, 3.5] if stars else "quantile",
            locale=fmt.language,
            no_data_label=fmt.gettext("No data"),
        )
        if stars:
            # One class per number of stars: the legend names the stars, not the cut points.
            for item, klass in zip(spec["legend"]["items"], spec["classes"], strict=True):
                item["label"] = fmt.stars(math.ceil(klass["lower"]))
        return json.dumps(spec, ensure_ascii=False).encode("utf-8")

    key = (*tuple(sorted((k, str(v)) for k, v in params.items())), fmt.language)
    return cache.fetch(store, "choropleth", key, compute)


@router.get("/maps/values.json", name="evidence:map_values")
async def show_map_values(
    request: Request,
    principal: Reader,
    store: Store,
    query: Map,
) -> Response:
    """The choropleth spec (colours, labels, legend) of a map layer, for map.js."""

    def handle() -> Response:
        cache = cache_of(request)
        params = _map_params(store, cache, query)
        body = _choropleth(store, cache, params, formatter_for(request))
        return Response(body, media_type="application/json")

    return await _fast(handle)


@router.get("/maps/nuts{level}.geojson", name="evidence:boundaries")
def show_boundaries(request: Request, principal: Reader, level: int) -> Response:
    """GISCO NUTS 2021 boundaries of a level (0-2)."""
    if level not in (0, 1, 2):
        raise NotFound(f"no boundaries for NUTS level {level}")
    body = ev.boundaries(request.app.state.evidence.data_dir, level)
    return Response(body, media_type="application/geo+json")


@router.get("/maps/layer.geojson", name="evidence:map_layer")
def download_map_layer(
    request: Request,
    principal: Reader,
    store: Store,
    query: Map,
) -> Response:
    """A map layer as GeoJSON: boundaries with the indicator's value as a property."""
    cache = cache_of(request)
    params = _map_params(store, cache, query)
    values = ev.map_values(store, cache=cache, **params)
    collection = json.loads(ev.boundaries(request.app.state.evidence.data_dir, params["level"]))
    for feature in collection["features"]:
        feature["properties"].update(
            {
                "indicator": params["indicator"],
                "year": params["year"],
                "industry": params["industry"],
                "cluster": params["cluster"],
                "value": values.get(feature["properties"]["code"]),
            }
        )
    collection["properties"] = {"source": "Eurostat; boundaries © EuroGeographics", **params}
    name = f"polisee-{params['indicator']}-nuts{params['level']}-{params['year']}"
    return Response(
        json.dumps(collection, ensure_ascii=False),
        media_type="application/geo+json",
        headers={"content-disposition": f'attachment; filename="{name}.geojson"'},
    )


@router.get("/maps/table.{fmt}", name="evidence:map_table")
def download_map_table(
    request: Request,
    principal: Reader,
    store: Store,
    fmt: str,
    query: Map,
) -> Response:
    """A map layer's values as a CSV or XLSX table."""
    fmt = _format(fmt)
    cache = cache_of(request)
    params = _map_params(store, cache, query)
    values = ev.map_values(store, cache=cache, **params)
    regions = ev.regions_list(store, level=params["level"], cache=cache)
    frame = pd.DataFrame({"region": regions["code"], "name": regions["label"]})
    frame["value"] = frame["region"].map(values)
    frame = frame[frame["region"].isin(values)].reset_index(drop=True)
    formatter = formatter_for(request)
    return table_download(
        frame,
        fmt=fmt,
        filename=f"polisee-{params['indicator']}-nuts{params['level']}-{params['year']}",
        title=_map_title(store, cache, params, formatter),
        sources=[
            ev.Source("sbs_r_nuts06_r2", ev.SOURCE_TITLES["sbs_r_nuts06_r2"], str(params["year"]))
        ],
        notes=[],
        formatter=formatter,
    )


@router.get("/maps/locator/{code}.json", name="evidence:locator")
def show_locator(request: Request, principal: Reader, store: Store, code: str) -> Response:
    """A map spec that colours one region (the locator map of a profile)."""
    code = _code(code)
    fmt = formatter_for(request)
    regions = ev.regions_list(store, level=None, cache=cache_of(request))
    row = regions[regions["code"] == code]
    if row.empty:
        raise NotFound(f"no region {code!r}")
    level = int(row["level"].iloc[0])
    same = regions[regions["level"] == level]["code"]
    spec = charts.choropleth(
        {c: (1.0 if c == code else None) for c in same},
        indicator=str(row["label"].iloc[0]),
        n_classes=1,
        palette=["#0b5cad", "#0b5cad"],
        locale=fmt.language,
        no_data_label=fmt.gettext("Other regions"),
        no_data_color="#e3e8ee",
    )
    spec["labels"] = {c: (fmt.gettext("this region") if c == code else "") for c in same}
    spec["legend"]["items"] = [{"color": "#0b5cad", "label": str(row["label"].iloc[0])}]
    spec["legend"]["no_data"]["count"] = 0
    return Response(json.dumps(spec, ensure_ascii=False), media_type="application/json")


# --- regions -----------------------------------------------------------------------------------


@router.get("/regions", name="evidence:regions")
def list_regions(
    request: Request,
    principal: Reader,
    store: Store,
    q: Annotated[str, Query(max_length=MAX_TEXT)] = "",
    country: Annotated[str, Query(max_length=MAX_TEXT)] = "",
    level: LevelQuery = 2,
) -> Response:
    """Regions by country, searchable by code or name."""
    cache = cache_of(request)
    everything = ev.regions_list(store, level=level, cache=cache)
    found = ev.regions_list(
        store, level=level, country=country or None, query=q or None, cache=cache
    )
    countries = (
        everything[["country", "country_name"]]
        .drop_duplicates()
        .sort_values("country_name")
        .to_dict("records")
    )
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in found.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        groups.setdefault((str(row["country"]), str(row["country_name"])), []).append(row)
    context = {
        "q": q,
        "country": country,
        "level": level,
        "countries": countries,
        "groups": sorted(groups.items(), key=lambda item: item[0][1]),
        "total": len(found),
    }
    return _page(request, "evidence/regions.html", context, block="results")


def _profile(request: Request, store: StatsStore, code: str, year: int | None) -> ev.RegionProfile:
    cache = cache_of(request)
    return ev.region_profile(store, _code(code), _year(store, cache, year), cache=cache)


def _profile_charts(profile: ev.RegionProfile, fmt: Formatter) -> dict[str, dict[str, Any]]:
    _ = fmt.gettext
    specs: dict[str, dict[str, Any]] = {}
    for figure in profile.key_figures:
        if figure.key not in ("employment", "gdp_pps_hab") or len(figure.trend) < 2:
            continue
        frame = pd.DataFrame(
            [
                {"region": profile.code, "label": profile.display_name, "year": y, "value": v}
                for y, v in figure.trend
            ]
        )
        specs[f"trend-{figure.key}"] = charts.trend_lines(
            frame,
            title=f"{_(figure.label)}, {profile.display_name}",
            unit=_(figure.unit),
            locale=fmt.language,
            gettext=fmt.gettext,
        )
    spec_table = fmt.with_titles(profile.block("specialisations").table)
    if len(spec_table):
        specs["lq"] = charts.lq_bar(
            spec_table[spec_table["share"] >= 0.005],
            title=_("Location quotients of the largest specialisations"),
            top=12,
            employment_unit=_("persons"),
            locale=fmt.language,
            gettext=fmt.gettext,
        )
    opportunities = fmt.with_titles(profile.block("opportunities").table)
    if len(opportunities):
        specs["opportunities"] = charts.opportunity_scatter(
            opportunities,
            title=_("Growth opportunities: feasibility and complexity"),
            quadrant_labels=[
                _("Low risk, high benefit"),
                _("High risk, high benefit"),
                _("Low risk, low benefit"),
                _("High risk, low benefit"),
            ],
            employment_unit=_("persons"),
            locale=fmt.language,
            gettext=fmt.gettext,
        )
    shift = fmt.with_titles(profile.block("shift_share").table)
    if len(shift):
        top = shift.head(10).copy()
        top["label"] = top["industry"] + " " + top["title"].str.slice(0, 40)
        specs["shift_share"] = charts.shift_share_bar(
            top,
            title=_("Largest employment changes by industry"),
            label="label",
            components={
                "national": _("National growth"),
                "industry_mix": _("Industry mix"),
                "competitive": _("Regional shift"),
            },
            total="change",
            unit=_("persons"),
            locale=fmt.language,
            gettext=fmt.gettext,
        )
    return {k: fmt.translate_spec(v) for k, v in specs.items()}


@router.get("/regions/{code}", name="evidence:region")
async def show_region(
    request: Request, principal: Reader, store: Store, code: str, year: YearQuery = None
) -> Response:
    """A region's profile: key figures, clusters, specialisation, opportunities, peers."""
    return await _fast(lambda: _region_page(request, store, code, year))


def _region_page(request: Request, store: StatsStore, code: str, year: int | None) -> Response:
    profile = _profile(request, store, code, year)
    fmt = formatter_for(request)
    cache = cache_of(request)

    def body() -> Markup:
        # The profile's body depends only on the figures, the language and the host: it is
        # rendered once and kept, so a repeated view only renders the page shell around it.
        try:
            bounds = list(ev.country_bounds(request.app.state.evidence.data_dir, profile.country))
        except (NotFound, InputError, OSError):
            bounds = EUROPE_BOUNDS
        context = {
            "fmt": fmt,
            "nav": "region",
            "profile": profile,
            "charts": _profile_charts(profile, fmt),
            "years": ev.available_years(store, cache),
            "bounds": json.dumps(bounds),
        }
        response = render(request, "evidence/region.html", context, block="profile")
        return Markup(bytes(response.body).decode("utf-8"))

    key = (profile.code, profile.year, fmt.language, str(request.base_url))
    cached = cache.fetch(store, "profile_html", key, body)
    if request.headers.get("hx-request") == "true":
        return HTMLResponse(cached)
    return _page(request, "evidence/region.html", {"profile": profile, "cached_body": cached})


TABLES = (
    "key_figures",
    "specialisations",
    "clusters",
    "indices",
    "opportunities",
    "peers",
    "shift_share",
)


def _key_figures_frame(profile: ev.RegionProfile) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "key": f.key,
                "label": f.label,
                "value": f.value,
                "unit": f.unit,
                "year": f.year,
                "rank": f.rank,
                "of": f.of,
                "dataset": f.source.dataset,
            }
            for f in profile.key_figures
        ]
    )


@router.get("/regions/{code}/tables/{table}.{fmt}", name="evidence:region_table")
def download_region_table(
    request: Request,
    principal: Reader,
    store: Store,
    code: str,
    table: str,
    fmt: str,
    year: YearQuery = None,
) -> Response:
    """One table of a region profile as CSV or XLSX."""
    fmt = _format(fmt)
    if table not in TABLES:
        raise NotFound(f"no table {table[:MAX_TEXT]!r}; tables: {', '.join(TABLES)}")
    profile = _profile(request, store, code, year)
    if table == "key_figures":
        frame = _key_figures_frame(profile)
        sources = [f.source for f in profile.key_figures]
        notes: list[str] = [
            "Persons employed, local units and wages: sum of the SBS sections B-N without K, known cells."
        ]
        title = "Key figures"
    else:
        block = profile.block(table)
        frame, sources, notes, title = block.table, block.sources, block.notes, block.title
    return table_download(
        frame,
        fmt=_format(fmt),
        filename=f"polisee-{profile.code}-{table}-{profile.year}",
        title=title,
        sources=sources,
        notes=notes,
        formatter=formatter_for(request),
    )


# --- clusters and industries -----------------------------------------------------------------


@router.get("/clusters", name="evidence:clusters")
def list_clusters(request: Request, principal: Reader, store: Store) -> Response:
    """The cluster categories."""
    clusters = ev.clusters_list(store, cache=cache_of(request))
    context = {
        "traded": clusters[clusters["traded"]].to_dict("records"),
        "local": clusters[~clusters["traded"]].to_dict("records"),
    }
    return _page(request, "evidence/clusters.html", context)


def _ranking_page(
    request: Request, store: StatsStore, overview: dict[str, Any], kind: str, title: str
) -> Response:
    fmt = formatter_for(request)
    _ = fmt.gettext
    trend = (
        overview["trend"]
        .assign(region=overview["code"], label=title)
        .rename(columns={"employment": "value"})
    )
    spec = charts.trend_lines(
        trend,
        title=_("Persons employed across all regions"),
        unit=_("persons"),
        locale=fmt.language,
        gettext=fmt.gettext,
    )
    params = {
        "indicator": "stars" if kind == "cluster" else "lq",
        "level": 2,
        "year": overview["year"],
    }
    params["cluster" if kind == "cluster" else "industry"] = overview["code"]
    context = {
        "overview": overview,
        "kind": kind,
        "title": title,
        "trend_spec": fmt.translate_spec(spec),
        "query": _map_query(params),
        "years": ev.available_years(store, cache_of(request)),
        "bounds": json.dumps(EUROPE_BOUNDS),
        "ranking": overview["ranking"].head(25).to_dict("records"),
    }
    return _page(request, "evidence/ranking.html", context)


@router.get("/clusters/{code}", name="evidence:cluster")
def show_cluster(
    request: Request, principal: Reader, store: Store, code: str, year: YearQuery = None
) -> Response:
    """A cluster across regions: map of stars, ranking and trend."""
    cache = cache_of(request)
    overview = ev.cluster_overview(store, _code(code), _year(store, cache, year), cache=cache)
    name = formatter_for(request).gettext(str(overview["name"]))
    return _ranking_page(request, store, overview, "cluster", name)


@router.get("/clusters/{code}/ranking.{fmt}", name="evidence:cluster_table")
def download_cluster_table(
    request: Request, principal: Reader, store: Store, code: str, fmt: str, year: YearQuery = None
) -> Response:
    """A cluster's regional ranking as CSV or XLSX."""
    fmt = _format(fmt)
    cache = cache_of(request)
    overview = ev.cluster_overview(store, _code(code), _year(store, cache, year), cache=cache)
    return table_download(
        overview["ranking"],
        fmt=_format(fmt),
        filename=f"polisee-cluster-{overview['code']}-{overview['year']}",
        title=str(overview["name"]),
        sources=[overview["source"]],
        notes=["Stars: European Cluster Observatory criteria; strong: U.S. Cluster Mapping rules."],
        formatter=formatter_for(request),
    )


@router.get("/industries", name="evidence:industries")
def list_industries(request: Request, principal: Reader, store: Store) -> Response:
    """NACE divisions with figures."""
    industries = formatter_for(request).with_titles(
        ev.industries_list(store, cache=cache_of(request)), "code"
    )
    return _page(request, "evidence/industries.html", {"industries": industries.to_dict("records")})


@router.get("/industries/{code}", name="evidence:industry")
def show_industry(
    request: Request, principal: Reader, store: Store, code: str, year: YearQuery = None
) -> Response:
    """An industry across regions: map of location quotients, ranking and trend."""
    cache = cache_of(request)
    overview = ev.industry_overview(store, _code(code), _year(store, cache, year), cache=cache)
    title = formatter_for(request).title(overview["code"], overview["title"])
    return _ranking_page(request, store, overview, "industry", f"{overview['code']} {title}")


@router.get("/industries/{code}/ranking.{fmt}", name="evidence:industry_table")
def download_industry_table(
    request: Request, principal: Reader, store: Store, code: str, fmt: str, year: YearQuery = None
) -> Response:
    """An industry's regional ranking as CSV or XLSX."""
    fmt = _format(fmt)
    cache = cache_of(request)
    overview = ev.industry_overview(store, _code(code), _year(store, cache, year), cache=cache)
    return table_download(
        overview["ranking"],
        fmt=_format(fmt),
        filename=f"polisee-industry-{overview['code']}-{overview['year']}",
        title=f"{overview['code']} {overview['title']}",
        sources=[overview["source"]],
        notes=["Location quotient of persons employed; confidential cells are unknown."],
        formatter=formatter_for(request),
    )


# --- comparison ----------------------------------------------------------------------------------


RegionsQuery = Annotated[list[str], Query(max_length=5)]


def _comparison(
    request: Request, store: StatsStore, regions: list[str], year: int | None
) -> dict[str, Any]:
    cache = cache_of(request)
    codes = [_code(r) for r in regions if r.strip()]
    return ev.compare_regions(store, codes, _year(store, cache, year), cache=cache)


@router.get("/compare", name="evidence:compare")
def show_comparison(
    request: Request,
    principal: Reader,
    store: Store,
    regions: Annotated[list[str] | None, Query()] = None,
    year: YearQuery = None,
) -> Response:
    """Two to five regions side by side."""
    chosen = [r for r in (regions or []) if r.strip()][:5]
    cache = cache_of(request)
    fmt = formatter_for(request)
    context: dict[str, Any] = {
        "chosen": chosen,
        "all_regions": ev.regions_list(store, level=2, cache=cache).to_dict("records"),
        "comparison": None,
    }
    if len(chosen) >= 2:
        comparison = _comparison(request, store, chosen, year)
        spec = charts.trend_lines(
            comparison["trend"],
            title=fmt.gettext("Persons employed"),
            unit=fmt.gettext("persons"),
            locale=fmt.language,
            gettext=fmt.gettext,
        )
        context["comparison"] = comparison
        context["trend_spec"] = fmt.translate_spec(spec)
        from urllib.parse import urlencode

        context["query"] = urlencode([("regions", c) for c in chosen])
    return _page(request, "evidence/compare.html", context)


@router.get("/compare/table.{fmt}", name="evidence:compare_table")
def download_comparison_table(
    request: Request,
    principal: Reader,
    store: Store,
    fmt: str,
    regions: Annotated[list[str] | None, Query()] = None,
    year: YearQuery = None,
) -> Response:
    """The compared regions' key figures and indices as CSV or XLSX."""
    fmt = _format(fmt)
    comparison = _comparison(request, store, regions or [], year)
    frame = comparison["figures"].merge(comparison["indices"].drop(columns="name"), on="region")
    return table_download(
        frame,
        fmt=_format(fmt),
        filename=f"polisee-comparison-{comparison['year']}",
        title="Regions compared",
        sources=[
            ev.Source(
                "sbs_r_nuts06_r2", ev.SOURCE_TITLES["sbs_r_nuts06_r2"], str(comparison["year"])
            )
        ],
        notes=[],
        formatter=formatter_for(request),
    )

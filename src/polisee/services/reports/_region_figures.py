"""The region report's figures: trend lines and the two maps of the region's neighbourhood."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services.i18n import country_name
from polisee.services.reports._context import ReportContext
from polisee.services.reports._map import (
    LQ_CLASSES,
    NO_DATA_FILL,
    SEQUENTIAL,
    LegendItem,
    choropleth_svg,
    class_of,
    frame_around,
    quantile_edges,
    shapes_from_geojson,
)
from polisee.services.reports._model import Block, Chart, Paragraphs
from polisee.services.reports._svg import line_chart
from polisee.sources.gisco import label_points
from polisee.statsdb import StatsStore

__all__ = [
    "CHART_WIDTH",
    "HALF_WIDTH",
    "MAP_ASPECT",
    "RegionContext",
    "map_blocks",
    "trend_charts",
]

CHART_WIDTH = 660.0
HALF_WIDTH = 320.0
MAP_ASPECT = 1.05


class RegionContext(ReportContext):
    """The report context with the region's profile."""

    def __init__(
        self, profile: ev.RegionProfile, language: str, titles: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(language, titles)
        self.profile = profile


def trend_charts(ctx: RegionContext) -> list[Block]:
    """Persons employed and GDP per inhabitant over the years, side by side."""
    _, p = ctx._, ctx.profile
    charts: list[Block] = []
    for figure in p.key_figures:
        points = [(float(y), v) for y, v in figure.trend if math.isfinite(v)]
        if figure.key not in ("employment", "gdp_pps_hab") or len(points) < 2:
            continue
        title = _("{label}, {region}").format(label=_(figure.label), region=p.name)
        svg = line_chart(
            points,
            title=title,
            unit=_(figure.unit),
            mark=float(p.year),
            value_format=lambda v: ctx.fmt.num(v, significant=3),
            width=HALF_WIDTH,
        )
        charts.append(
            Chart(f"trend-{figure.key}", title, svg, "", ctx.sources([figure.source]), "half")
        )
    return charts


def map_blocks(
    ctx: RegionContext, store: StatsStore, data_dir: Path | None, cache: ev.EvidenceCache | None
) -> list[Block]:
    """Two maps of the region's country and neighbours, side by side: the location quotient
    of the region's largest specialisation and GDP per inhabitant; a note without boundaries."""
    _, p = ctx._, ctx.profile
    if data_dir is None:
        return [Paragraphs([_("No boundary files are at hand: the maps are left out.")], "note")]
    try:
        regions = json.loads(ev.boundaries(data_dir, p.level))
        countries = json.loads(ev.boundaries(data_dir, 0))
        bounds = ev.country_bounds(data_dir, p.country)
    except (InputError, NotFound, OSError):
        return [Paragraphs([_("No boundary files are at hand: the maps are left out.")], "note")]
    frame = frame_around(bounds, aspect=MAP_ASPECT, margin=0.3)
    borders = shapes_from_geojson(countries, {})
    try:
        points = label_points(data_dir, level=0)
    except (InputError, OSError):
        points = {}
    names = [
        (country_name(c, ctx.language, c), lon, lat)
        for c, (lon, lat) in points.items()
        if c != p.country or p.level > 0
    ]
    blocks: list[Block] = []
    specialisations = p.block("specialisations").table
    sizeable = specialisations[specialisations["share"] >= ev.MIN_SHARE_FOR_READING]
    if len(sizeable):
        code = str(sizeable.iloc[0]["industry"])
        name = ctx.title(code, str(sizeable.iloc[0]["title"]))
        values = ev.map_values(store, "lq", p.level, p.year, industry=code, cache=cache)
        colours = {
            region: SEQUENTIAL[k]
            for region, value in values.items()
            if (k := class_of(value, LQ_CLASSES)) is not None
        }
        number = ctx.fmt.num
        labels = [f"< {number(LQ_CLASSES[0], decimals=1)}"]
        labels += [
            f"{number(a, significant=3)}–{number(b, significant=3)}"
            for a, b in pairwise(LQ_CLASSES)
        ]
        labels.append(f"≥ {number(LQ_CLASSES[-1], significant=3)}")
        legend = [LegendItem(c, t) for c, t in zip(SEQUENTIAL, labels, strict=True)]
        legend.append(LegendItem(NO_DATA_FILL, _("no data")))
        title = _("Location quotient in {code} {industry}, {year}").format(
            code=code, industry=name, year=p.year
        )
        svg = choropleth_svg(
            shapes_from_geojson(regions, colours),
            frame=frame,
            width=HALF_WIDTH,
            title=title,
            legend=legend,
            legend_title=_("Location quotient"),
            borders=borders,
            highlight=p.code,
            highlight_label=p.code,
            labels=names,
            ident="map-lq",
        )
        caption = _(
            "Darker regions employ a larger share of their workforce in the region's largest "
            "specialisation (1 = same share as all regions); {region} is outlined."
        ).format(region=p.name)
        sources = ctx.sources(p.block("specialisations").sources)
        blocks.append(Chart("map-lq", title, svg, caption, sources, "half"))
    gdp = ev.map_values(store, "gdp_pps_hab", p.level, p.year, cache=cache)
    if any(v is not None for v in gdp.values()):
        edges = [_round_significant(e, 2) for e in quantile_edges(gdp.values(), 5)]
        edges = sorted(set(edges))
        palette = SEQUENTIAL[1:] if len(edges) + 1 <= 5 else SEQUENTIAL
        colours = {
            region: palette[k]
            for region, value in gdp.items()
            if (k := class_of(value, edges)) is not None
        }
        number = ctx.fmt.num
        labels = [f"< {number(edges[0], significant=2)}"]
        labels += [
            f"{number(a, significant=2)}–{number(b, significant=2)}" for a, b in pairwise(edges)
        ]
        labels.append(f"≥ {number(edges[-1], significant=2)}")
        legend = [LegendItem(c, t) for c, t in zip(palette, labels, strict=True)]
        legend.append(LegendItem(NO_DATA_FILL, _("no data")))
        title = _("GDP per inhabitant in purchasing power standards, {year}").format(year=p.year)
        svg = choropleth_svg(
            shapes_from_geojson(regions, colours),
            frame=frame,
            width=HALF_WIDTH,
            title=title,
            legend=legend,
            legend_title=_("PPS per inhabitant"),
            borders=borders,
            highlight=p.code,
            highlight_label=p.code,
            labels=names,
            ident="map-gdp",
        )
        caption = _(
            "Each class holds about a fifth of the European regions with data; {region} is "
            "outlined."
        ).format(region=p.name)
        gdp_sources = [f.source for f in p.key_figures if f.key == "gdp_pps_hab"]
        blocks.append(Chart("map-gdp", title, svg, caption, ctx.sources(gdp_sources), "half"))
    return blocks


def _round_significant(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))

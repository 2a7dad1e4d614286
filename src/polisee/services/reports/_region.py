"""The region profile report: the profile page's evidence as a document in one language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from polisee import __version__
from polisee.services import evidence as ev
from polisee.services.i18n import country_name
from polisee.services.reports._context import (
    data_table,
    localised_titles,
    readings_of,
    records_of,
    say,
)
from polisee.services.reports._model import (
    Block,
    Chart,
    Column,
    FigureCard,
    KeyFigures,
    Paragraphs,
    Report,
    Section,
    Table,
)
from polisee.services.reports._region_figures import (
    CHART_WIDTH,
    RegionContext,
    map_blocks,
    trend_charts,
)
from polisee.services.reports._svg import (
    Bar,
    Component,
    Point,
    StackedRow,
    bar_chart,
    scatter_chart,
    shift_share_chart,
)
from polisee.statsdb import StatsStore

__all__ = ["REGION_STEPS", "region_report"]

#: Steps :func:`region_report` reports to ``on_step`` (for progress bars).
REGION_STEPS = 5
SHARE_FOR_CHART = 0.005
KEY_FIGURES_NOTE = (
    "Persons employed, local units and wages: sum of the SBS sections B-N without K, known cells."
)

Step = Callable[[int, int, str], None]


def _quiet(done: int, total: int, what: str) -> None:
    """The default progress callback: report nothing."""


# --- sections ------------------------------------------------------------------------------


def _key_figures(ctx: RegionContext) -> KeyFigures:
    _, p = ctx._, ctx.profile
    cards = []
    rows = []
    for figure in p.key_figures:
        detail = []
        if figure.year is not None:
            detail.append(str(figure.year))
        if figure.rank:
            detail.append(
                _("rank %(rank)s of %(of)s regions") % {"rank": figure.rank, "of": figure.of}
            )
        cards.append(
            FigureCard(
                label=_(figure.label),
                value=ctx.fmt.num(figure.value, significant=4),
                unit=_(figure.unit),
                detail=" · ".join(detail),
            )
        )
        rows.append(
            {
                "label": _(figure.label),
                "value": figure.value,
                "unit": _(figure.unit),
                "year": figure.year,
                "rank": figure.rank,
                "of": figure.of,
                "source": ctx.fmt.source(figure.source),
            }
        )
    table = Table(
        key="key_figures",
        title=_("Key figures"),
        columns=[
            Column("label", _("Figure")),
            Column("value", _("Value"), "number"),
            Column("unit", _("Unit")),
            Column("year", _("Year"), "code"),
            Column("rank", _("Rank"), "integer"),
            Column("of", _("Regions ranked"), "integer"),
            Column("source", _("Source")),
        ],
        rows=rows,
        sources=ctx.sources([f.source for f in p.key_figures]),
        notes=[_(KEY_FIGURES_NOTE)],
    )
    return KeyFigures(cards, table)


def _summary(ctx: RegionContext) -> Section:
    _, p = ctx._, ctx.profile
    picks = [
        ("specialisations", 0),
        ("clusters", 0),
        ("opportunities", 0),
        ("opportunities", 1),
        ("shift_share", 0),
        ("peers", 0),
    ]
    texts = []
    for key, index in picks:
        block = p.block(key)
        if len(block.readings) > index:
            texts.append(say(ctx, block.readings[index]))
    blocks: list[Block] = [Paragraphs(texts, style="reading"), _key_figures(ctx)]
    return Section("summary", _("At a glance"), blocks)


def _clusters(ctx: RegionContext) -> Section:
    _, block = ctx._, ctx.profile.block("clusters")
    table = block.table.copy()
    table["cluster_name"] = [_(str(n)) for n in table["cluster_name"]]
    table["flag"] = [
        _("strong") if strong else (_("significant") if significant else "")
        for strong, significant in zip(table["strong"], table["significant"], strict=True)
    ]
    starred = int((table["stars"] > 0).sum())
    columns = [
        Column("cluster_name", _("Cluster")),
        Column("employment", _("Persons employed"), "integer"),
        Column("lq", _("Location quotient"), "number", 2),
        Column("stars", _("Stars"), "stars"),
        Column("flag", _("Strong cluster"), "flag"),
    ]
    printed = data_table(
        ctx, "clusters", _("Clusters"), columns, table, block, shown=max(starred, 5)
    )
    printed.caption = _(
        "Clusters with at least one star come first; the XLSX file holds all {total}."
    ).format(total=len(table))
    return Section("clusters", _("Clusters"), [readings_of(ctx, block), printed], new_page=True)


def _specialisations(ctx: RegionContext) -> Section:
    _, p, block = ctx._, ctx.profile, ctx.profile.block("specialisations")
    table = block.table.copy()
    table["title"] = [
        ctx.title(str(c), str(t)) for c, t in zip(table["industry"], table["title"], strict=True)
    ]
    blocks: list[Block] = [readings_of(ctx, block)]
    chosen = table[table["share"] >= SHARE_FOR_CHART].head(10)
    if len(chosen):
        title = _("Location quotients of the largest specialisations")
        svg = bar_chart(
            [
                Bar(
                    f"{r['industry']} {r['title']}",
                    float(r["lq"]),
                    ctx.fmt.num(r["lq"], decimals=2),
                )
                for r in records_of(chosen)
            ],
            title=title,
            axis_label=_("Location quotient of persons employed"),
            reference=1.0,
            reference_label=_("1 = same share as all regions"),
            tick_format=lambda v: ctx.fmt.num(v, significant=2),
            width=CHART_WIDTH,
        )
        caption = _(
            "Industries with at least 0.5 % of the region's employment, by location quotient, {year}."
        ).format(year=p.year)
        blocks.append(Chart("lq", title, svg, caption, ctx.sources(block.sources)))
    columns = [
        Column("industry", _("Code"), "code"),
        Column("title", _("Industry")),
        Column("lq", _("Location quotient"), "number", 2),
        Column("employment", _("Persons employed"), "integer"),
        Column("share", _("Share of the region"), "percent", 1),
    ]
    blocks.append(
        data_table(ctx, "specialisations", _("Top specialisations"), columns, table, block, 12)
    )
    return Section("specialisations", _("Top specialisations"), blocks, new_page=True)


def _opportunities(ctx: RegionContext) -> Section:
    _, block = ctx._, ctx.profile.block("opportunities")
    table = block.table.copy()
    table["title"] = [
        ctx.title(str(c), str(t)) for c, t in zip(table["industry"], table["title"], strict=True)
    ]
    table["quadrant"] = [_(str(q)) for q in table["quadrant"]]
    columns = [
        Column("rank", _("Rank"), "integer"),
        Column("industry", _("Code"), "code"),
        Column("title", _("Industry")),
        Column("density", _("Feasibility (density)"), "number", 3),
        Column("pci", _("Complexity (PCI)"), "number", 2),
        Column("cog", _("Outlook gain (COG)"), "number", 2),
        Column("quadrant", _("Quadrant"), "flag"),
    ]
    blocks: list[Block] = [readings_of(ctx, block)]
    known = table.dropna(subset=["density", "pci"])
    if len(known):
        biggest = float(known["employment"].max()) if known["employment"].notna().any() else 0.0
        points = [
            Point(
                float(r["density"]),
                float(r["pci"]),
                str(r["industry"]) if int(r["rank"]) <= 10 else "",
                float(r["employment"]) / biggest if biggest > 0 and r["employment"] else 0.0,
            )
            for r in records_of(known)
        ]
        title = _("Growth opportunities: feasibility and complexity")
        svg = scatter_chart(
            points,
            title=title,
            x_label=_("Feasibility (density)"),
            y_label=_("Complexity (PCI)"),
            quadrant_labels=[
                _("Low risk, high benefit"),
                _("High risk, high benefit"),
                _("Low risk, low benefit"),
                _("High risk, low benefit"),
            ],
            x_format=lambda v: ctx.fmt.num(v, significant=2),
            y_format=lambda v: ctx.fmt.num(v, significant=2),
            width=CHART_WIDTH,
            height=270,
        )
        caption = _(
            "Each dot is an industry in which the region is not yet specialised: to the right "
            "the closer it is to what the region already does, higher up the more complex; "
            "dashed lines at the medians, dots sized by employment, the ten best labelled."
        )
        blocks.append(Chart("opportunities", title, svg, caption, ctx.sources(block.sources)))
    blocks.append(
        data_table(ctx, "opportunities", _("Growth opportunities"), columns, table, block, 10)
    )
    return Section("opportunities", _("Growth opportunities"), blocks, new_page=True)


def _shift_share(ctx: RegionContext) -> Section:
    _, block = ctx._, ctx.profile.block("shift_share")
    table = block.table.copy()
    table["title"] = [
        ctx.title(str(c), str(t)) for c, t in zip(table["industry"], table["title"], strict=True)
    ]
    blocks: list[Block] = [readings_of(ctx, block)]
    if len(table):
        components = [
            Component("national", _("National growth"), "#9aa5b1"),
            Component("industry_mix", _("Industry mix"), "#E69F00"),
            Component("competitive", _("Regional shift"), "#0072B2"),
        ]
        rows = [
            StackedRow(
                f"{r['industry']} {r['title']}",
                {key: float(r[key]) for key in ("national", "industry_mix", "competitive")},
                float(r["change"]),
                ("+" if float(r["change"]) > 0 else "") + ctx.fmt.count(r["change"]),
            )
            for r in records_of(table.head(10))
        ]
        title = _("Largest employment changes by industry")
        svg = shift_share_chart(
            rows,
            components,
            title=title,
            total_label=_("Change"),
            axis_label=_("persons"),
            tick_format=lambda v: ctx.fmt.num(v, significant=3),
            width=CHART_WIDTH,
        )
        caption = _(
            "The ten largest changes: what overall growth, the industry mix and the region's "
            "own competitiveness each contributed (persons employed)."
        )
        blocks.append(Chart("shift_share", title, svg, caption, ctx.sources(block.sources)))
    # The period is the block's source year, "2010-2014"; its ends head the level columns.
    first, _dash, last = block.sources[0].year.partition("-") if block.sources else ("", "", "")
    columns = [
        Column("industry", _("Code"), "code"),
        Column("title", _("Industry")),
        Column("value_start", first, "integer"),
        Column("value_end", last, "integer"),
        Column("change", _("Change"), "integer"),
        Column("national", _("National growth"), "integer"),
        Column("industry_mix", _("Industry mix"), "integer"),
        Column("competitive", _("Regional shift"), "integer"),
    ]
    printed = data_table(
        ctx, "shift_share", _("Shift-share of employment"), columns, table, block, 10
    )
    printed.sheet = _("Shift-share")
    blocks.append(printed)
    return Section("shift_share", _("Shift-share of employment"), blocks, new_page=True)


def _peers_and_indices(ctx: RegionContext) -> Section:
    _, p = ctx._, ctx.profile
    peers = p.block("peers")
    frame = peers.table.copy()
    frame["country_name"] = [country_name(str(c), ctx.language, str(c)) for c in frame["country"]]
    peer_columns = [
        Column("rank", _("Rank"), "integer"),
        Column("region", _("Code"), "code"),
        Column("name", _("Region")),
        Column("country_name", _("Country")),
        Column("employment", _("Persons employed"), "integer"),
        Column("structure", _("Structural distance"), "number", 3),
    ]
    indices = p.block("indices")
    index_frame = indices.table.copy()
    index_frame["name"] = [_(str(n)) for n in index_frame["name"]]
    index_frame["percentile"] = index_frame["percentile"] / 100
    index_columns = [
        Column("name", _("Index")),
        Column("value", _("Value"), "number", 3),
        Column("median", _("Median of the regions"), "number", 3),
        Column("percentile", _("Regions below"), "percent", 0),
    ]
    return Section(
        "peers",
        _("Peer regions and specialisation indices"),
        [
            readings_of(ctx, peers),
            data_table(ctx, "peers", _("Peer regions"), peer_columns, frame, peers),
            readings_of(ctx, indices),
            data_table(
                ctx, "indices", _("Specialisation indices"), index_columns, index_frame, indices
            ),
        ],
        new_page=True,
    )


def _about(ctx: RegionContext) -> Section:
    _ = ctx._
    texts = [
        _(
            "This report is generated by polisee from official statistics; it repeats the "
            "region's profile in the evidence explorer, where every table can be downloaded "
            "and every figure traced to its source."
        ),
        _(
            "A location quotient compares an industry's share of the region's employment "
            "with its share across all regions with data: above 1 the region is relatively "
            "specialised in it. Confidential and missing cells are unknown, never zero."
        ),
        _(
            "Figures are as published by Eurostat on the date each dataset was loaded; "
            "later revisions are not reflected until the data are loaded again."
        ),
    ]
    return Section("about", _("About this report"), [Paragraphs(texts)], new_page=True)


# --- the report ----------------------------------------------------------------------------


def region_report(
    store: StatsStore,
    code: str,
    *,
    language: str,
    year: int | None = None,
    data_dir: Path | None = None,
    cache: ev.EvidenceCache | None = None,
    today: date | None = None,
    on_step: Step = _quiet,
) -> Report:
    """The region profile report of ``code`` for ``year`` in ``language``.

    Parameters
    ----------
    store : StatsStore
        The statistics store (the demo data or any loaded data).
    code : str
        A NUTS code of level 0-2, e.g. ``"HU21"``.
    language : str
        ``"en"`` or ``"hu"`` (any language of :data:`polisee.services.i18n.LANGUAGES`).
    year : int, optional
        The year of the figures; by default the last complete SBS year.
    data_dir : Path, optional
        The data directory, for boundaries (maps) and NACE titles in ``language``;
        without it the maps are left out and industries keep their English titles.
    cache : EvidenceCache, optional
        Shared with the explorer so that the profile is computed once.
    today : date, optional
        The generation date written on the report (default: today).
    on_step : callable, optional
        Called as ``on_step(done, REGION_STEPS, what)`` after each step.

    Returns
    -------
    Report

    Raises
    ------
    NotFound
        When the region is unknown or has no figures for the year.
    KeyError
        When ``language`` is not supported.
    """
    on_step(0, REGION_STEPS, "profile")
    profile = ev.region_profile(store, code, year, cache=cache)
    on_step(1, REGION_STEPS, "titles")
    ctx = RegionContext(profile, language, localised_titles(data_dir, language))
    _ = ctx._
    on_step(2, REGION_STEPS, "maps")
    maps = map_blocks(ctx, store, data_dir, cache)
    on_step(3, REGION_STEPS, "charts")
    summary = _summary(ctx)
    place = Section(
        "trends", _("Trends and neighbourhood"), [*trend_charts(ctx), *maps], new_page=True
    )
    sections = [
        summary,
        place,
        _clusters(ctx),
        _specialisations(ctx),
        _opportunities(ctx),
        _shift_share(ctx),
        _peers_and_indices(ctx),
        _about(ctx),
    ]
    on_step(4, REGION_STEPS, "tables")
    sources: dict[str, None] = {}
    notes: dict[str, None] = {}
    for section in sections:
        for table in section.tables():
            sources.update(dict.fromkeys(table.sources))
            notes.update(dict.fromkeys(table.notes))
    today = today or date.today()
    country = country_name(profile.country, language, profile.country_name)
    generated = ctx.fmt.date(today)
    report = Report(
        kind="region",
        language=language,
        title=profile.display_name,
        subtitle=_("{country} · NUTS {level} region {code} · figures for {year}").format(
            country=country, level=profile.level, code=profile.code, year=profile.year
        ),
        kicker=_("Region profile"),
        generated=today,
        generated_text=generated,
        running_title=_("Region profile: {name} ({code})").format(
            name=profile.name, code=profile.code
        ),
        footer=ev.full_stop(
            _("Source: Eurostat; boundaries © EuroGeographics. Generated on {date}.").format(
                date=generated
            )
        ),
        cover_facts=[
            (_("Region"), f"{profile.display_name} · {profile.code}"),
            (_("Country"), country),
            (_("Figures for"), str(profile.year)),
            (_("Generated on"), generated),
            (_("Generated by"), f"polisee {__version__}"),
        ],
        sections=sections,
        sources=list(sources),
        notes=list(notes),
        filename=f"polisee-region-{profile.code}-{profile.year}-{language}",
    )
    on_step(5, REGION_STEPS, "done")
    return report

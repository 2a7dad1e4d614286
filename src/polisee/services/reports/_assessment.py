"""The assessment report: a self-assessment's results page as a document in one language.

It prints what the results page shows to the same reader: respondents by stakeholder group,
theme scores with a radar, every criterion's statistics with the consensus flags, the
indicators from the statistics beside the self-scores, the change since the previous round,
the benchmark against peer regions, and the weak criteria with recommended and pinned
practices. The access rule is the page's: :func:`assessment_report` raises PermissionDenied
when the results are not open to the principal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from polisee import __version__
from polisee.errors import NotFound
from polisee.records.assessments import StakeholderGroup
from polisee.services import assessment as sa
from polisee.services import evidence as ev
from polisee.services import practices as pr
from polisee.services.reports._assessment_facts import GROUP_LABELS, gather_facts, practice_link
from polisee.services.reports._assessment_facts import AssessmentFacts as _Facts
from polisee.services.reports._context import ReportContext, region_label
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
from polisee.services.reports._svg import Bar, RadarSeries, bar_chart, radar_chart
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore

__all__ = ["ASSESSMENT_STEPS", "assessment_report"]

#: Steps :func:`assessment_report` reports to ``on_step`` (for progress bars).
ASSESSMENT_STEPS = 4
CHART_WIDTH = 660.0
VERDICTS = {
    "higher": "The self-score is higher than the data suggest.",
    "lower": "The self-score is lower than the data suggest.",
    "in_line": "The self-score is in line with the data.",
    "no_data": "The data do not cover this theme for the region yet.",
}
METHOD_NOTE = (
    "Only submitted answers count. Medians, means and spreads leave out level 0 (no "
    "information); the spread is the standard deviation. Groups differ when the medians of "
    "two stakeholder groups are 2 or more points apart."
)
WEAK_NOTE = "Criteria with a median of 2 or less, or 1.5 points or more below the peer regions."
COLOURS = ("#0b3c5d", "#9aa5b1", "#E69F00")

Step = Callable[[int, int, str], None]


def _quiet(done: int, total: int, what: str) -> None:
    """The default progress callback: report nothing."""


# --- sections --------------------------------------------------------------------------------


def _summary(f: _Facts) -> Section:
    _, r = f.ctx._, f.found
    texts = [
        _("%(invited)s respondents invited, %(done)s submitted every answer.")
        % {"invited": r.respondents, "done": r.respondents_done}
    ]
    if r.previous is not None:
        texts.append(_("Compared with the round of %(year)s.") % {"year": r.previous.round_year})
    weakest = f.gaps[0] if f.gaps else None
    if weakest is not None and weakest.median is not None:
        texts.append(
            _("The weakest criterion is {criterion}, with a median of {median}.").format(
                criterion=weakest.criterion_title, median=f.num(weakest.median)
            )
        )
    disagreements = sum(t.disagreements for t in r.themes)
    criteria = len(r.definition.criteria)
    cards = [
        FigureCard(
            _("Respondents invited"),
            f.ctx.fmt.count(r.respondents),
            "",
            _("{count} submitted every answer").format(count=r.respondents_done),
        ),
        FigureCard(
            _("Weak criteria"),
            f.ctx.fmt.count(len(f.gaps)),
            _("of {count} criteria").format(count=criteria),
        ),
        FigureCard(
            _("Groups differ"),
            f.ctx.fmt.count(disagreements),
            _("of {count} criteria").format(count=criteria),
        ),
    ]
    rows: list[dict[str, Any]] = [
        {"group": _(GROUP_LABELS[g]), "invited": invited, "done": done}
        for g, invited, done in f.by_group
    ]
    rows.append(
        {"group": _("All respondents"), "invited": r.respondents, "done": r.respondents_done}
    )
    groups = Table(
        key="respondents",
        title=_("Respondents by stakeholder group"),
        columns=[
            Column("group", _("Stakeholder group")),
            Column("invited", _("Invited"), "integer"),
            Column("done", _("Submitted every answer"), "integer"),
        ],
        rows=rows,
        sheet=_("Respondents"),
    )
    key_table = Table(
        key="key_figures",
        title=_("Key figures"),
        columns=[Column("label", _("Figure")), Column("value", _("Value"), "integer")],
        rows=[
            {"label": _("Respondents invited"), "value": r.respondents},
            {"label": _("Submitted every answer"), "value": r.respondents_done},
            {"label": _("Weak criteria"), "value": len(f.gaps)},
            {"label": _("Groups differ"), "value": disagreements},
        ],
        notes=[_(METHOD_NOTE)],
    )
    key_figures = KeyFigures(cards, key_table)
    blocks: list[Block] = [Paragraphs(texts, style="reading"), key_figures, groups]
    return Section("summary", _("At a glance"), blocks)


def _flag(ctx: ReportContext, stats: sa.Stats) -> str:
    if stats.disagreement:
        assert stats.consensus_gap is not None
        return "⚠ " + ctx._("differ by %(gap)s") % {
            "gap": ctx.fmt.num(stats.consensus_gap, decimals=1)
        }
    if stats.consensus_gap is None:
        return "–"
    return ctx._("no")


def _stat_row(ctx: ReportContext, stats: sa.Stats) -> dict[str, Any]:
    return {
        "median": stats.median,
        "mean": stats.mean,
        "std": stats.std,
        "share": stats.share,
        "answered": f"{stats.n}/{stats.invited}",
        "no_information": stats.no_information,
        "gap": stats.consensus_gap,
        "flag": _flag(ctx, stats),
    }


def _themes(f: _Facts) -> Section:
    _, r, lang = f.ctx._, f.found, f.language
    series = [
        RadarSeries(
            _("Round %(year)s (median)") % {"year": r.assessment.round_year},
            [t.stats.median for t in r.themes],
            COLOURS[0],
        )
    ]
    if r.previous is not None:
        series.append(
            RadarSeries(
                _("Round %(year)s (median)") % {"year": r.previous.round_year},
                [t.previous_median for t in r.themes],
                COLOURS[1],
                dashed=True,
            )
        )
    if r.benchmark is not None and r.benchmark.peers:
        series.append(
            RadarSeries(
                _("Peer regions (median of %(count)s)") % {"count": len(r.benchmark.peers)},
                [t.peer_median for t in r.themes],
                COLOURS[2],
                dashed=True,
            )
        )
    title = _("Self-assessment by theme")
    svg = radar_chart(
        [t.theme.label(lang) for t in r.themes],
        series,
        title=title,
        max_value=r.definition.max_score,
        ring_format=lambda v: f.ctx.fmt.num(v, decimals=0),
        width=CHART_WIDTH,
        height=370,
    )
    caption = _(
        "Median score of each theme from 0 to {max}; dashed lines show the previous round and "
        "the peer regions where there are any."
    ).format(max=r.definition.max_score)
    rows = [
        {
            "theme": f"{t.theme.number}. {t.theme.title(lang)}",
            **_stat_row(f.ctx, t.stats),
            "previous": t.previous_median,
            "change": t.change,
            "peers": t.peer_median,
        }
        for t in r.themes
    ]
    columns = [
        Column("theme", _("Theme")),
        Column("median", _("Median"), "number", 1),
        Column("mean", _("Mean"), "number", 2),
        Column("std", _("Spread (SD)"), "number", 2),
        Column("share", _("Answered"), "percent", 0),
        Column("flag", _("Groups differ"), "flag"),
        Column("previous", _("Previous round"), "number", 1),
        Column("change", _("Change"), "number", 1),
        Column("peers", _("Peer regions"), "number", 1),
    ]
    table = Table("themes", _("Themes"), columns, rows, notes=[_(METHOD_NOTE)])
    chart = Chart("radar", title, svg, caption, [_source_line(f)])
    return Section("themes", _("Theme scores"), [chart, table], new_page=True)


def _criteria(f: _Facts) -> Section:
    _, r, lang = f.ctx._, f.found, f.language
    rows = []
    for t in r.themes:
        for c in t.criteria:
            rows.append(
                {
                    "theme": str(t.theme.number),
                    "criterion": c.criterion.title(lang),
                    **_stat_row(f.ctx, c.stats),
                    **{f"group_{g.value}": c.stats.group_medians.get(g) for g in StakeholderGroup},
                    "change": c.change,
                    "peers": c.peer_median,
                    "key": c.criterion.key,
                }
            )
    columns = [
        Column("theme", _("Theme"), "code"),
        Column("criterion", _("Criterion")),
        Column("median", _("Median"), "number", 1),
        Column("mean", _("Mean"), "number", 2),
        Column("std", _("Spread (SD)"), "number", 2),
        Column("share", _("Answered"), "percent", 0),
        Column("flag", _("Groups differ"), "flag"),
        Column("change", _("Change"), "number", 1),
    ]
    table = Table("criteria", _("Criteria"), columns, rows, notes=[_(METHOD_NOTE)])
    if r.groups:
        table.caption = _("The XLSX file also holds the medians of each stakeholder group.")
    # The XLSX gets the group medians too (the printed page has no room for them).
    extra = [Column(f"group_{g.value}", _(GROUP_LABELS[g]), "number", 1) for g in r.groups]
    by_group = Table(
        "criteria_groups",
        _("Criterion medians by stakeholder group"),
        [
            Column("key", _("Code"), "code"),
            Column("criterion", _("Criterion")),
            Column("median", _("Median"), "number", 1),
            *extra,
            Column("no_information", _("No information"), "integer"),
            Column("peers", _("Peer regions"), "number", 1),
        ],
        rows,
        shown=0,
        sheet=_("By group"),
    )
    blocks: list[Block] = [table]
    if r.groups:
        blocks.append(by_group)
    return Section("criteria", _("Criteria"), blocks, new_page=True)


def _data(f: _Facts) -> Section:
    _, r, lang, fmt = f.ctx._, f.found, f.language, f.ctx.fmt
    if not f.stats_loaded:
        note = _(
            "No statistics are loaded yet, so the indicators from the data are not shown "
            "beside the scores. An analyst loads them with polisee data load or polisee demo."
        )
        return Section("data", _("Self-scores and what the data say"), [Paragraphs([note], "note")])
    blocks: list[Block] = []
    rows: list[dict[str, Any]] = []
    sources: list[ev.Source] = []
    for t in r.themes:
        found = f.indicators.get(t.theme.key, [])
        if not found:
            continue
        if t.stats.median is None:
            head = _("Nobody has scored %(theme)s yet; the data show:") % {
                "theme": t.theme.label(lang)
            }
        else:
            head = _(
                "Respondents scored %(theme)s %(score)s of %(max)s (median); the data show:"
            ) % {
                "theme": t.theme.label(lang),
                "score": fmt.num(t.stats.median, decimals=1),
                "max": r.definition.max_score,
            }
        texts = [head]
        for value in found:
            said = " ".join(fmt.say(reading) for reading in value.readings)
            texts.append(
                f"{_(value.spec.label)}: "
                f"{fmt.num(value.value, value.spec.unit, decimals=value.spec.decimals)}. {said}"
            )
            sources.extend(value.sources)
            rows.append(
                {
                    "theme": t.theme.label(lang),
                    "indicator": _(value.spec.label),
                    "value": fmt.num(value.value, value.spec.unit, decimals=value.spec.decimals),
                    "number": value.value,
                    "year": value.year,
                    "peers": fmt.num(
                        value.peer_median, value.spec.unit, decimals=value.spec.decimals
                    )
                    if value.peer_median is not None
                    else None,
                    "self": t.stats.median,
                }
            )
        blocks.append(Paragraphs(texts, style="reading"))
    if rows:
        notes = list(
            dict.fromkeys(
                _(v.spec.note) for values in f.indicators.values() for v in values if v.spec.note
            )
        )
        blocks.append(
            Table(
                "indicators",
                _("Indicators beside the self-scores"),
                [
                    Column("theme", _("Theme")),
                    Column("indicator", _("Indicator")),
                    Column("self", _("Self-score (median)"), "number", 1),
                    Column("value", _("Region"), "flag"),
                    Column("peers", _("Median of the peer regions"), "flag"),
                    Column("year", _("Year"), "code"),
                ],
                rows,
                sources=f.ctx.sources(sources),
                notes=notes,
                sheet=_("Indicators"),
            )
        )
    if f.data_scores:
        score_rows = []
        for c in f.data_scores:
            theme = r.definition.theme(c.theme_key)
            score_rows.append(
                {
                    "theme": theme.label(lang),
                    "self": c.self_median,
                    "data": c.data_score,
                    "rank": _("%(rank)s of %(of)s") % {"rank": c.rank, "of": c.of}
                    if c.rank
                    else None,
                    "reading": _(VERDICTS[c.verdict]),
                }
            )
        blocks.append(
            Table(
                "data_scores",
                _("Self-scores and the scoreboard"),
                [
                    Column("theme", _("Theme")),
                    Column("self", _("Self-score (median)"), "number", 1),
                    Column("data", _("Data score (0-100)"), "number", 0),
                    Column("rank", _("Rank"), "flag"),
                    Column("reading", _("Reading")),
                ],
                score_rows,
                sources=[_("Source: polisee scoreboard of six themes, computed from Eurostat.")],
                notes=[
                    _(
                        "Each theme's median self-score beside the region's rank on the "
                        "six-theme scoreboard (computed from official statistics). The two agree "
                        "when their positions on a common 0-1 scale differ by at most a quarter."
                    )
                ],
                sheet=_("Scoreboard"),
            )
        )
    if not blocks:
        blocks.append(
            Paragraphs([_("The statistics hold no indicator for this region yet.")], "note")
        )
    return Section("data", _("Self-scores and what the data say"), blocks)


def _previous(f: _Facts) -> Section | None:
    _, r, lang = f.ctx._, f.found, f.language
    if r.previous is None:
        return None
    title = _("Change of the theme medians since {year}").format(year=r.previous.round_year)
    bars = [
        Bar(
            t.theme.label(lang),
            t.change if t.change is not None else float("nan"),
            ("+" if (t.change or 0) > 0 else "") + f.num(t.change) if t.change is not None else "–",
            highlight=(t.change or 0) < 0,
        )
        for t in r.themes
    ]
    svg = bar_chart(
        bars,
        title=title,
        axis_label=_("Change of the median (points)"),
        tick_format=lambda v: f.ctx.fmt.num(v, decimals=1),
        width=CHART_WIDTH,
    )
    rows = [
        {
            "theme": t.theme.label(lang),
            "previous": t.previous_median,
            "median": t.stats.median,
            "change": t.change,
        }
        for t in r.themes
    ]
    table = Table(
        "previous",
        _("Change since the previous round"),
        [
            Column("theme", _("Theme")),
            Column("previous", str(r.previous.round_year), "number", 1),
            Column("median", str(r.assessment.round_year), "number", 1),
            Column("change", _("Change"), "number", 1),
        ],
        rows,
        sheet=_("Change"),
    )
    text = _("Compared with the round of %(year)s.") % {"year": r.previous.round_year}
    caption = _("Falls are drawn in orange.")
    return Section(
        "previous",
        _("Change since the previous round"),
        [
            Paragraphs([text], style="reading"),
            Chart("change", title, svg, caption, [_source_line(f)]),
            table,
        ],
    )


def _benchmark(f: _Facts) -> Section | None:
    _, r, lang = f.ctx._, f.found, f.language
    bench = r.benchmark
    if bench is None or not bench.peers:
        return None
    if f.peers_chosen:
        head = _("Peer regions chosen by the owner:")
    else:
        head = _(
            "Peer regions suggested from the statistics (nearest by industry structure and size):"
        )
    texts = [f"{head} {', '.join(f.peers)}."]
    texts.extend(f"{p.region_code}: {p.title} ({p.round_year})" for p in bench.peers)
    texts.extend(f"{code}: {_('no published results')}" for code in bench.missing)
    rows = []
    for t in r.themes:
        row: dict[str, Any] = {
            "theme": t.theme.label(lang),
            "median": t.stats.median,
            "peers": t.peer_median,
            "gap": None
            if t.stats.median is None or t.peer_median is None
            else t.stats.median - t.peer_median,
        }
        for p in bench.peers:
            row[f"peer_{p.region_code}"] = p.theme_medians.get(t.theme.key)
        rows.append(row)
    table = Table(
        "benchmark",
        _("Benchmark against peer regions"),
        [
            Column("theme", _("Theme")),
            Column("median", r.assessment.region_code, "number", 1),
            *(Column(f"peer_{p.region_code}", p.region_code, "number", 1) for p in bench.peers),
            Column("peers", _("Median of the peer regions"), "number", 1),
            Column("gap", _("Difference"), "number", 1),
        ],
        rows,
        sources=[_("Source: published self-assessments on polisee, latest round of each region.")],
        sheet=_("Benchmark"),
    )
    return Section(
        "benchmark",
        _("Benchmark against peer regions"),
        [Paragraphs(texts), table],
    )


def _gaps(f: _Facts) -> Section:
    _ = f.ctx._
    blocks: list[Block] = [Paragraphs([_(WEAK_NOTE)], "note")]
    if not f.gaps:
        blocks.append(Paragraphs([_("No weak criterion.")]))
        return Section("gaps", _("Weak criteria and good practices"), blocks, new_page=True)
    blocks.append(
        Table(
            "gaps",
            _("Weak criteria"),
            [
                Column("criterion", _("Criterion")),
                Column("median", _("Median"), "number", 1),
                Column("peers", _("Peer regions"), "number", 1),
            ],
            [
                {"criterion": g.criterion_title, "median": g.median, "peers": g.peer_median}
                for g in f.gaps
            ],
            sheet=_("Weak criteria"),
        )
    )
    rows = [
        {
            "criterion": rec.gap.criterion_title,
            "practice": item.title,
            "regions": ", ".join(item.regions),
            "score": item.score,
            "link": practice_link(f.base_url, item.practice_id),
        }
        for rec in f.recommendations
        for item in rec.items
    ]
    if rows:
        mode = f.recommendations[0].mode
        note = (
            _("Score = 0.35 × theme + 0.25 × criterion words + 0.25 × meaning + 0.15 × region.")
            if mode == "semantic"
            else _(
                "Score = (0.35 × theme + 0.25 × criterion words + 0.15 × region) / 0.75; the "
                "semantic model is not installed, so meaning is left out."
            )
        )
        blocks.append(
            Table(
                "recommended",
                _("Good practices for the weak criteria"),
                [
                    Column("criterion", _("Criterion")),
                    Column("practice", _("Practice")),
                    Column("regions", _("Regions"), "code"),
                    Column("score", _("Score"), "number", 2),
                    Column("link", _("Link"), "code"),
                ],
                rows,
                sources=[_("Source: the polisee library of good practices (published ones).")],
                notes=[note],
                sheet=_("Recommended practices"),
            )
        )
    else:
        blocks.append(Paragraphs([_("No published practice matches this criterion yet.")], "note"))
    pins = [
        {
            "criterion": _criterion_title(f, pin.criterion_key),
            "practice": pin.title,
            "regions": ", ".join(f.practice_regions.get(pin.practice_id, ())),
            "note": pin.note,
            "link": practice_link(f.base_url, pin.practice_id),
        }
        for pin in f.pins
    ]
    if pins:
        blocks.append(
            Table(
                "pinned",
                _("Pinned practices"),
                [
                    Column("criterion", _("Criterion")),
                    Column("practice", _("Practice")),
                    Column("regions", _("Regions"), "code"),
                    Column("note", _("Note")),
                    Column("link", _("Link"), "code"),
                ],
                pins,
                sheet=_("Pinned practices"),
            )
        )
    else:
        blocks.append(Paragraphs([_("No practice pinned yet.")], "note"))
    return Section("gaps", _("Weak criteria and good practices"), blocks, new_page=True)


def _criterion_title(f: _Facts, key: str) -> str:
    try:
        return f.found.definition.criterion(key).title(f.language)
    except (KeyError, NotFound):
        return key


def _about(f: _Facts) -> Section:
    _ = f.ctx._
    texts = [
        _(
            "This report is generated by polisee from the submitted answers of the "
            "self-assessment; it repeats the results page, where the results can also be "
            "downloaded as CSV."
        ),
        _(METHOD_NOTE),
        _(
            "Self-scores are the judgement of the respondents, not measurements; the "
            "indicators beside them come from official statistics and say where the two "
            "may disagree."
        ),
    ]
    if f.found.assessment.demo:
        texts.append(
            _("[demo] The answers of this assessment are demonstration data, not a real survey.")
        )
    return Section("about", _("About this report"), [Paragraphs(texts)])


def _source_line(f: _Facts) -> str:
    r = f.found
    return f.ctx._(
        "Source: self-assessment “{title}”, framework {framework} version {version}, "
        "{count} respondents."
    ).format(
        title=r.assessment.title,
        framework=r.framework.key,
        version=r.framework.version,
        count=r.respondents,
    )


# --- the report ----------------------------------------------------------------------------


def assessment_report(
    session: Session,
    assessment_id: int,
    principal: Principal,
    *,
    language: str,
    store: StatsStore | None = None,
    cache: ev.EvidenceCache | None = None,
    encoder: pr.Encoder | None = None,
    base_url: str = "",
    today: date | None = None,
    on_step: Step = _quiet,
) -> Report:
    """The assessment report of ``assessment_id`` in ``language``, as ``principal`` sees it.

    Parameters
    ----------
    session : Session
        The records.
    assessment_id : int
        The assessment.
    principal : Principal
        The reader: the results must be open to them (the owner's organisation, reviewers,
        respondents who have submitted, everyone signed in once published).
    language : str
        Any language of :data:`polisee.services.i18n.LANGUAGES`.
    store, cache : StatsStore, EvidenceCache, optional
        The statistics for the indicators, the suggested peers and the scoreboard; without a
        store the report says that no statistics are loaded.
    encoder : Encoder, optional
        The semantic model for the practice recommendations (as on the page).
    base_url : str
        Where polisee is served, for the links to practices (a path without it).
    today : date, optional
        The generation date written on the report (default: today).
    on_step : callable, optional
        Called as ``on_step(done, ASSESSMENT_STEPS, what)`` after each step.

    Raises
    ------
    PermissionDenied
        When the results are not open to ``principal``.
    NotFound
        When there is no such assessment.
    KeyError
        When ``language`` is not supported.
    """
    ctx = ReportContext(language)
    _ = ctx._
    on_step(0, ASSESSMENT_STEPS, "results")
    facts = gather_facts(
        session,
        assessment_id,
        principal,
        language=language,
        store=store,
        cache=cache,
        encoder=encoder,
        base_url=base_url,
    )
    found = facts.found
    on_step(1, ASSESSMENT_STEPS, "statistics")
    on_step(2, ASSESSMENT_STEPS, "charts")
    sections = [
        s
        for s in (
            _summary(facts),
            _themes(facts),
            _criteria(facts),
            _data(facts),
            _previous(facts),
            _benchmark(facts),
            _gaps(facts),
            _about(facts),
        )
        if s is not None
    ]
    on_step(3, ASSESSMENT_STEPS, "tables")
    sources: dict[str, None] = {_source_line(facts): None}
    notes: dict[str, None] = {}
    for section in sections:
        for table in section.tables():
            sources.update(dict.fromkeys(table.sources))
            notes.update(dict.fromkeys(table.notes))
    day = today or date.today()
    generated = ctx.fmt.date(day)
    a = found.assessment
    region = region_label(store, a.region_code)
    group_text = ", ".join(
        f"{_(GROUP_LABELS[g])} {invited}" for g, invited, _done in facts.by_group
    )
    report = Report(
        kind="assessment",
        language=language,
        title=a.title,
        subtitle=_("Self-assessment of {region} · round {year} · {framework}").format(
            region=region, year=a.round_year, framework=found.definition.title(language)
        ),
        kicker=_("Assessment report"),
        generated=day,
        generated_text=generated,
        running_title=_("Assessment report: {region}, round {year}").format(
            region=a.region_code, year=a.round_year
        ),
        footer=ev.full_stop(
            _("Source: self-assessment on polisee. Generated on {date}.").format(date=generated)
        ),
        cover_facts=[
            (_("Region"), region),
            (_("Round"), str(a.round_year)),
            (
                _("Framework"),
                _("{title}, version {version}").format(
                    title=found.definition.title(language), version=found.framework.version
                ),
            ),
            (_("Respondents"), group_text or "–"),
            (_("Status"), _("Published") if a.published else _("Not published")),
            (_("Generated on"), generated),
            (_("Generated by"), f"polisee {__version__}"),
        ],
        sections=sections,
        sources=list(sources),
        notes=list(notes),
        filename=f"polisee-assessment-{a.region_code}-{a.round_year}-{a.id}-{language}",
    )
    on_step(4, ASSESSMENT_STEPS, "done")
    return report

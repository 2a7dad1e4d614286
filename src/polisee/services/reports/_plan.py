"""The plan monitoring report: an action plan's monitoring dashboard as a document.

It prints what the dashboard shows to the same reader (the plan's access rule: the owner
organisation, action owners, partners, everyone signed in once published): objectives with
their criteria and practices, every KPI's baseline, latest value, target and progress with
who reported what on which evidence, a progress chart and a Gantt-like timeline, overdue
milestones and reports, the budget by funding source, risks and pilot evaluations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session

from polisee import __version__
from polisee.records.plans import ActionStatus, KpiKind
from polisee.services import evidence as ev
from polisee.services import plans as pl
from polisee.services.i18n import format_number, translations
from polisee.services.reports._assessment_facts import practice_link
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
from polisee.services.reports._svg import Bar, bar_chart
from polisee.services.reports._svg_plan import (
    GanttMark,
    GanttRow,
    ProgressRow,
    gantt_chart,
    progress_chart,
)
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore

__all__ = ["PLAN_STEPS", "plan_report"]

#: Steps :func:`plan_report` reports to ``on_step`` (for progress bars).
PLAN_STEPS = 3
CHART_WIDTH = 660.0
ACTION_COLOURS = {
    ActionStatus.PLANNED: "#9aa5b1",
    ActionStatus.IN_PROGRESS: "#0072B2",
    ActionStatus.COMPLETED: "#009E73",
    ActionStatus.DELAYED: "#D55E00",
    ActionStatus.CANCELLED: "#cbd2d9",
}
PROGRESS_NOTE = (
    "Way travelled = (latest − baseline) / (target − baseline); expected = the share of the "
    "time from the baseline year to the target year passed at the latest value. Computed KPIs "
    "are recomputed from the statistics whenever new data is loaded."
)

Step = Callable[[int, int, str], None]
Day = date  # _Plan has a method named "date"


def _quiet(done: int, total: int, what: str) -> None:
    """The default progress callback: report nothing."""


@dataclass
class _Plan:
    """The monitoring view with the reader's language."""

    ctx: ReportContext
    m: pl.Monitoring
    base_url: str

    @property
    def language(self) -> str:
        return self.ctx.language

    def num(self, value: float | int | None, unit: str = "") -> str:
        if value is None:
            return "–"
        return format_number(float(value), unit, self.language, significant=4)

    def money(self, value: int | None) -> str:
        if value is None:
            return "–"
        return format_number(float(value), "EUR", self.language, decimals=0)

    def date(self, value: Day | None) -> str:
        if value is None:
            return "–"
        return str(format_date(value, format="medium", locale=self.language))

    def when(self, value: int | Day | None) -> str:
        if value is None:
            return "–"
        return str(value) if isinstance(value, int) else self.date(value)

    def value(self, state: pl.KpiState, number: float | None, when: int | Day | None) -> str:
        """A KPI value with its unit and time, as the dashboard writes it."""
        text = self.num(number, state.kpi.unit)
        return f"{text} ({self.when(when)})" if number is not None else text

    def share(self, value: float | None) -> str:
        if value is None:
            return "–"
        return format_number(value * 100, "%", self.language, decimals=0)

    def label(self, labels: dict[str, str], key: object) -> str:
        text = str(getattr(key, "value", key))
        return self.ctx._(labels.get(text, text))

    def measures(self, state: pl.KpiState) -> str:
        """What a KPI measures, e.g. "Location quotient · C29 · HU21"."""
        _, kpi = self.ctx._, state.kpi
        if kpi.kind is KpiKind.REPORTED:
            return _("Reported by the action owners")
        parts = [_(state.name)]
        if kpi.industry:
            parts.append(kpi.industry)
        if kpi.cluster:
            parts.append(_("cluster %(code)s") % {"code": kpi.cluster})
        if kpi.indicator_key == pl.FIGURE or kpi.measure != pl.DEFAULT_MEASURE:
            parts.append(str(kpi.measure))
        if kpi.value_column:
            parts.append(kpi.value_column)
        parts.append(str(kpi.region_code))
        return " · ".join(parts)


# --- sections --------------------------------------------------------------------------------


def _on_track(state: pl.KpiState) -> bool:
    return state.progress.status in ("achieved", "on_track")


def _summary(p: _Plan) -> Section:
    _, m = p.ctx._, p.m
    texts: list[str] = []
    if m.plan.summary:
        texts.extend(line for line in m.plan.summary.splitlines() if line.strip())
    good = sum(1 for k in m.kpis if _on_track(k))
    readings = [
        _("{good} of {total} KPIs have reached their target or are on track.").format(
            good=good, total=len(m.kpis)
        )
    ]
    cards = [
        FigureCard(
            _("KPIs on track"),
            f"{good} / {len(m.kpis)}",
            _("target reached or on track"),
        ),
        FigureCard(_("Overdue milestones"), str(len(m.overdue_milestones)), ""),
        FigureCard(_("Overdue reports"), str(len(m.overdue_reports)), ""),
        FigureCard(_("Actions"), str(len(m.actions)), ""),
        FigureCard(_("Budget of the actions"), p.money(m.budget_eur), ""),
        FigureCard(_("Objectives"), str(len(m.objectives)), ""),
    ]
    table = Table(
        "key_figures",
        _("Key figures"),
        [Column("label", _("Figure")), Column("value", _("Value"), "integer")],
        [
            {"label": _("KPIs on track"), "value": good},
            {"label": _("KPIs"), "value": len(m.kpis)},
            {"label": _("Overdue milestones"), "value": len(m.overdue_milestones)},
            {"label": _("Overdue reports"), "value": len(m.overdue_reports)},
            {"label": _("Actions"), "value": len(m.actions)},
            {"label": _("Budget of the actions"), "value": m.budget_eur},
            {"label": _("Objectives"), "value": len(m.objectives)},
        ],
    )
    blocks: list[Block] = []
    if m.plan.demo:
        blocks.append(
            Paragraphs(
                [
                    _(
                        "Demo content: the organisations, people, budgets and reported values "
                        "of this plan are fictional and only illustrate the platform. Computed "
                        "KPIs come from the Eurostat data loaded in the statistics store."
                    )
                ],
                "note",
            )
        )
    if texts:
        blocks.append(Paragraphs(texts))
    blocks.extend([Paragraphs(readings, style="reading"), KeyFigures(cards, table)])
    blocks.extend(_attention(p))
    return Section("summary", _("At a glance"), blocks)


def _attention(p: _Plan) -> list[Block]:
    """The overdue milestones and reports as the dashboard words them."""
    _, m = p.ctx._, p.m
    ngettext = translations(p.language).ngettext
    texts = [
        ngettext(
            "Milestone “%(milestone)s” of “%(action)s” was due on %(date)s: %(num)d day late.",
            "Milestone “%(milestone)s” of “%(action)s” was due on %(date)s: %(num)d days late.",
            ms.days,
        )
        % {
            "milestone": ms.milestone.title,
            "action": ms.action.title,
            "date": p.date(ms.milestone.due_on),
            "num": ms.days,
        }
        for ms in m.overdue_milestones
    ]
    for k in m.overdue_reports:
        assert k.due is not None
        texts.append(
            ngettext(
                "A report on “%(kpi)s” was due on %(date)s: %(num)d day late.",
                "A report on “%(kpi)s” was due on %(date)s: %(num)d days late.",
                k.due.days_late,
            )
            % {"kpi": k.kpi.title, "date": p.date(k.due.period_end), "num": k.due.days_late}
        )
    if not texts:
        return [Paragraphs([_("Nothing is overdue.")], "note")]
    return [Paragraphs([_("Needs attention") + ":", *texts], style="note")]


def _objectives(p: _Plan) -> Section:
    _ = p.ctx._
    rows = [
        {
            "objective": o.objective.title,
            "description": o.objective.description,
            "criteria": "; ".join(c.title for c in o.criteria) or "–",
            "practices": "; ".join(
                f"{pr.title} ({practice_link(p.base_url, pr.id)})" for pr in o.practices
            )
            or "–",
        }
        for o in p.m.objectives
    ]
    if not rows:
        return Section("objectives", _("Objectives"), [Paragraphs([_("No objective yet.")])])
    table = Table(
        "objectives",
        _("Objectives"),
        [
            Column("objective", _("Objective")),
            Column("criteria", _("Assessment criteria")),
            Column("practices", _("Good practices transferred")),
        ],
        rows,
    )
    return Section("objectives", _("Objectives"), [table])


def _kpis(p: _Plan) -> Section:
    _, m = p.ctx._, p.m
    if not m.kpis:
        return Section("kpis", _("Progress against the targets"), [Paragraphs([_("No KPI yet.")])])
    blocks: list[Block] = []
    if not m.stats_loaded:
        blocks.append(
            Paragraphs([_("No statistics are loaded: computed KPIs have no values yet.")], "note")
        )
    title = _("Progress towards the targets")
    svg = progress_chart(
        [
            ProgressRow(
                s.kpi.title,
                s.progress.share,
                s.progress.expected,
                s.progress.status,
                p.share(s.progress.share)
                if s.progress.share is not None
                else p.label(pl.KPI_STATUS, s.progress.status),
            )
            for s in m.kpis
        ],
        title=title,
        legend=[(k, _(v)) for k, v in pl.KPI_STATUS.items()],  # type: ignore[misc]
        expected_label=_("Expected by now"),
        target_label=_("Target"),
        tick_format=p.share,
        width=CHART_WIDTH,
    )
    caption = _(
        "The share of the way from the baseline to the target that each KPI has travelled; "
        "the black tick is where a straight path would be by the latest value."
    )
    blocks.append(Chart("progress", title, svg, caption, _sources(p)))
    rows = []
    for s in m.kpis:
        computed = s.kpi.kind is KpiKind.COMPUTED
        problem = ""
        if s.problem == "no_baseline":
            problem = _("No value in the baseline year %(year)s.") % {"year": s.kpi.baseline_year}
        elif s.problem == "error":
            problem = _("The indicator cannot be computed:") + " " + s.error
        rows.append(
            {
                "kpi": s.kpi.title,
                "source": _("computed") if computed else _("reported"),
                "baseline": p.value(s, s.baseline, s.kpi.baseline_year),
                "latest": p.value(s, s.latest, s.latest_at),
                "target": p.value(s, s.kpi.target_value, s.kpi.target_year),
                "share": s.progress.share,
                "expected": s.progress.expected,
                "status": p.label(pl.KPI_STATUS, s.progress.status)
                + (f" – {problem}" if problem else ""),
            }
        )
    blocks.append(
        Table(
            "kpis",
            _("KPIs"),
            [
                Column("kpi", _("KPI")),
                Column("source", _("Source"), "flag"),
                Column("baseline", _("Baseline")),
                Column("latest", _("Latest")),
                Column("target", _("Target")),
                Column("share", _("Way travelled"), "percent", 0),
                Column("expected", _("Expected by now"), "percent", 0),
                Column("status", _("Status"), "flag"),
            ],
            rows,
            sources=_sources(p),
            notes=[_(PROGRESS_NOTE)],
        )
    )
    figures = [
        {
            **row,
            "measures": p.measures(s),
            "baseline": s.baseline,
            "latest": s.latest,
            "target": s.kpi.target_value,
            "kind": _("computed") if s.kpi.kind is KpiKind.COMPUTED else _("reported"),
        }
        for row, s in zip(pl.kpi_rows(m), m.kpis, strict=True)
    ]
    blocks.append(
        Table(
            "kpi_values",
            _("KPI values"),
            [
                Column("title", _("KPI")),
                Column("kind", _("Kind"), "flag"),
                Column("measures", _("What it measures")),
                Column("unit", _("Unit")),
                Column("baseline_year", _("Baseline year"), "code"),
                Column("baseline", _("Baseline"), "number"),
                Column("latest_at", _("Latest at"), "code"),
                Column("latest", _("Latest"), "number"),
                Column("target_year", _("Target year"), "code"),
                Column("target", _("Target"), "number"),
                Column("share_travelled", _("Way travelled"), "percent", 1),
                Column("expected_share", _("Expected by now"), "percent", 1),
                Column("status", _("Status"), "code"),
            ],
            figures,
            shown=0,
            sheet=_("KPI values"),
        )
    )
    reports = [
        {
            "kpi": s.kpi.title,
            "as_of": p.date(r.as_of),
            "value": p.num(r.value, s.kpi.unit),
            "number": r.value,
            "reporter": r.reporter_label,
            "evidence": r.evidence or "–",
        }
        for s in m.kpis
        for r in s.reports
    ]
    if reports:
        blocks.append(
            Table(
                "reports",
                _("Reported values"),
                [
                    Column("kpi", _("KPI")),
                    Column("as_of", _("As of"), "flag"),
                    Column("value", _("Value"), "flag"),
                    Column("reporter", _("Reported by")),
                    Column("evidence", _("Evidence")),
                ],
                reports,
                notes=[_("Values reported by the action owners, with the evidence they gave.")],
            )
        )
    return Section("kpis", _("Progress against the targets"), blocks)


def _timeline(p: _Plan) -> Section:
    _, m = p.ctx._, p.m
    if not m.actions:
        return Section("timeline", _("Timeline"), [Paragraphs([_("No action yet.")])])
    title = _("Timeline of actions and milestones")
    svg = gantt_chart(
        [
            GanttRow(
                a.action.title,
                a.action.starts_on,
                a.action.ends_on,
                ACTION_COLOURS[a.action.status],
                tuple(GanttMark(ms.milestone.due_on, ms.status) for ms in a.milestones),
                late=a.overdue,
            )
            for a in m.actions
        ],
        title=title,
        start=min(m.plan.starts_on, *(a.action.starts_on for a in m.actions)),
        end=max(m.plan.ends_on, *(a.action.ends_on for a in m.actions)),
        today=m.today,
        today_label=p.date(m.today),
        legend=[(k, _(v)) for k, v in pl.MILESTONE_STATUS.items()],  # type: ignore[misc]
        width=CHART_WIDTH,
    )
    caption = _(
        "Each bar is an action over its period, coloured by status; diamonds are milestones, "
        "overdue ones ringed; the dashed line is the date of this report."
    )
    actions = Table(
        "actions",
        _("Actions"),
        [
            Column("action", _("Action line")),
            Column("owner", _("Owner")),
            Column("partners", _("Partners")),
            Column("period", _("Period")),
            Column("budget", _("Budget"), "integer"),
            Column("funding", _("Funding source")),
            Column("status", _("Status"), "flag"),
        ],
        [
            {
                "action": a.action.title + (f" ({_('pilot')})" if a.action.is_pilot else ""),
                "owner": a.owner + (f" – {a.responsible}" if a.responsible else ""),
                "partners": ", ".join(a.partners) or "–",
                "period": f"{p.date(a.action.starts_on)} – {p.date(a.action.ends_on)}",
                "budget": a.action.budget_eur,
                "funding": a.action.funding_source or "–",
                "status": p.label(pl.ACTION_STATUS, a.action.status)
                + (f" ({_('late')})" if a.overdue else ""),
            }
            for a in m.actions
        ],
        notes=[_("Budgets in euro.")],
    )
    milestones = Table(
        "milestones",
        _("Milestones"),
        [
            Column("milestone", _("Milestone")),
            Column("action", _("Action line")),
            Column("due", _("Due"), "flag"),
            Column("status", _("Status"), "flag"),
            Column("done", _("Done on"), "flag"),
        ],
        [
            {
                "milestone": ms.milestone.title,
                "action": ms.action.title,
                "due": p.date(ms.milestone.due_on),
                "status": ("⚠ " if ms.status == "overdue" else "")
                + p.label(pl.MILESTONE_STATUS, ms.status),
                "done": p.date(ms.milestone.done_on) if ms.milestone.done_on else "–",
            }
            for ms in m.milestones
        ],
    )
    chart = Chart("timeline", title, svg, caption)
    return Section("timeline", _("Timeline"), [chart, actions, milestones])


def _budget(p: _Plan) -> Section:
    _, m = p.ctx._, p.m
    totals: dict[str, list[int]] = {}
    for a in m.actions:
        source = a.action.funding_source.strip() or _("Not stated")
        entry = totals.setdefault(source, [0, 0])
        entry[0] += a.action.budget_eur or 0
        entry[1] += 1
    total = sum(v[0] for v in totals.values())
    ordered = sorted(totals.items(), key=lambda kv: -kv[1][0])
    rows: list[dict[str, Any]] = [
        {
            "source": source,
            "actions": count,
            "budget": amount,
            "share": amount / total if total else None,
        }
        for source, (amount, count) in ordered
    ]
    blocks: list[Block] = []
    if rows and total:
        title = _("Budget by funding source")
        svg = bar_chart(
            [Bar(source, float(amount), p.money(amount)) for source, (amount, _n) in ordered],
            title=title,
            axis_label=_("euro"),
            tick_format=lambda v: format_number(v, "", p.language, significant=3),
            width=CHART_WIDTH,
        )
        blocks.append(Chart("budget", title, svg))
    rows.append({"source": _("Total"), "actions": len(m.actions), "budget": total, "share": 1.0})
    blocks.append(
        Table(
            "budget",
            _("Budget by funding source"),
            [
                Column("source", _("Funding source")),
                Column("actions", _("Actions"), "integer"),
                Column("budget", _("Budget (EUR)"), "integer"),
                Column("share", _("Share"), "percent", 0),
            ],
            rows,
            notes=[_("The budgets the actions state; spending is not tracked.")],
            sheet=_("Budget"),
        )
    )
    return Section("budget", _("Budget by funding source"), blocks)


def _risks(p: _Plan) -> Section:
    _, m = p.ctx._, p.m
    titles = {a.action.id: a.action.title for a in m.actions}
    if not m.risks:
        return Section("risks", _("Risks"), [Paragraphs([_("No risk recorded.")], "note")])
    table = Table(
        "risks",
        _("Risks"),
        [
            Column("risk", _("Risk")),
            Column("likelihood", _("Likelihood"), "flag"),
            Column("impact", _("Impact"), "flag"),
            Column("mitigation", _("Mitigation")),
            Column("action", _("Action line")),
        ],
        [
            {
                "risk": r.description,
                "likelihood": p.label(pl.LEVELS, r.likelihood),
                "impact": p.label(pl.LEVELS, r.impact),
                "mitigation": r.mitigation or "–",
                "action": titles.get(r.action_id, "–") if r.action_id else "–",
            }
            for r in m.risks
        ],
    )
    return Section("risks", _("Risks"), [table])


def _pilots(p: _Plan) -> Section | None:
    _, m = p.ctx._, p.m
    pilots = [a for a in m.actions if a.action.is_pilot]
    if not pilots:
        return None
    blocks: list[Block] = []
    rows = []
    for a in pilots:
        e = a.evaluation
        texts = [f"{a.action.title} ({p.label(pl.ACTION_STATUS, a.action.status)})"]
        if e is None:
            texts.append(_("Not evaluated yet."))
        else:
            texts.extend(
                f"{label}: {text}"
                for label, text in (
                    (_("Before"), e.before),
                    (_("After"), e.after),
                    (_("Lessons"), e.lessons),
                )
                if text
            )
            if e.practice_id is not None:
                texts.append(
                    _("Published as a good practice: {link}").format(
                        link=practice_link(p.base_url, e.practice_id)
                    )
                )
        blocks.append(Paragraphs(texts))
        rows.append(
            {
                "pilot": a.action.title,
                "before": e.before if e else "",
                "after": e.after if e else "",
                "lessons": e.lessons if e else "",
                "practice": practice_link(p.base_url, e.practice_id) if e and e.practice_id else "",
            }
        )
    blocks.append(
        Table(
            "pilots",
            _("Pilot evaluations"),
            [
                Column("pilot", _("Pilot")),
                Column("before", _("Before")),
                Column("after", _("After")),
                Column("lessons", _("Lessons")),
                Column("practice", _("Good practice"), "code"),
            ],
            rows,
            shown=0,
            sheet=_("Pilots"),
        )
    )
    return Section("pilots", _("Pilot evaluations"), blocks)


def _about(p: _Plan) -> Section:
    _ = p.ctx._
    texts = [
        _(
            "This report is generated by polisee from the action plan's records on the date "
            "on its cover; it repeats the plan's monitoring dashboard, where KPI values are "
            "reported and milestones marked done."
        ),
        _(PROGRESS_NOTE),
        _(
            "A KPI is on track when the way travelled is at least the expected share; overdue "
            "means a milestone not marked done by its date, or a reporting period ended "
            "without a report."
        ),
    ]
    if p.m.data_version:
        texts.append(_("Data version %(version)s.") % {"version": p.m.data_version})
    return Section("about", _("About this report"), [Paragraphs(texts)])


def _sources(p: _Plan) -> list[str]:
    _ = p.ctx._
    out = []
    if any(s.kpi.kind is KpiKind.COMPUTED for s in p.m.kpis):
        out.append(_("Computed KPIs: Eurostat, through the polisee statistics store."))
    if any(s.kpi.kind is KpiKind.REPORTED for s in p.m.kpis):
        out.append(_("Reported KPIs: values reported by the action owners on polisee."))
    return out


# --- the report ----------------------------------------------------------------------------


def plan_report(
    session: Session,
    plan_id: int,
    principal: Principal,
    *,
    language: str,
    store: StatsStore | None = None,
    cache: ev.EvidenceCache | None = None,
    base_url: str = "",
    today: date | None = None,
    on_step: Step = _quiet,
) -> Report:
    """The monitoring report of plan ``plan_id`` in ``language``, as ``principal`` sees it.

    Parameters
    ----------
    session : Session
        The records.
    plan_id : int
        The plan.
    principal : Principal
        The reader; the plan must be open to them as on the dashboard.
    language : str
        Any language of :data:`polisee.services.i18n.LANGUAGES`.
    store, cache : StatsStore, EvidenceCache, optional
        The statistics for computed KPIs (without a store they have no values, and the
        report says so).
    base_url : str
        Where polisee is served, for the links to practices (a path without it).
    today : date, optional
        The day the report is made for: what is overdue, and the date on it.
    on_step : callable, optional
        Called as ``on_step(done, PLAN_STEPS, what)`` after each step.

    Raises
    ------
    PermissionDenied
        When the plan is not shared with ``principal``.
    NotFound
        When there is no such plan.
    KeyError
        When ``language`` is not supported.
    """
    ctx = ReportContext(language)
    _ = ctx._
    on_step(0, PLAN_STEPS, "monitoring")
    day = today or date.today()
    m = pl.plan_monitoring(
        session, plan_id, principal, store=store, cache=cache, today=day, language=language
    )
    p = _Plan(ctx, m, base_url)
    on_step(1, PLAN_STEPS, "charts")
    sections = [
        s
        for s in (
            _summary(p),
            _objectives(p),
            _kpis(p),
            _timeline(p),
            _budget(p),
            _risks(p),
            _pilots(p),
            _about(p),
        )
        if s is not None
    ]
    on_step(2, PLAN_STEPS, "tables")
    sources: dict[str, None] = {}
    notes: dict[str, None] = {}
    for section in sections:
        for table in section.tables():
            sources.update(dict.fromkeys(table.sources))
            notes.update(dict.fromkeys(table.notes))
    generated = ctx.fmt.date(day)
    plan = m.plan
    regions = ", ".join(r.region_code for r in plan.regions)
    region_names = ", ".join(region_label(store, r.region_code) for r in plan.regions)
    report = Report(
        kind="plan",
        language=language,
        title=plan.title,
        subtitle=_("Action plan of {owner} · {regions} · {start} – {end}").format(
            owner=m.owner, regions=regions, start=p.date(plan.starts_on), end=p.date(plan.ends_on)
        ),
        kicker=_("Plan monitoring report"),
        generated=day,
        generated_text=generated,
        running_title=_("Monitoring report: {title}").format(title=plan.title),
        footer=ev.full_stop(
            _("Source: action plan records on polisee. Generated on {date}.").format(date=generated)
        ),
        cover_facts=[
            (_("Plan"), plan.title),
            (_("Regions"), region_names or "–"),
            (_("Owner"), m.owner),
            (_("Period"), f"{p.date(plan.starts_on)} – {p.date(plan.ends_on)}"),
            (_("Status"), p.label(pl.PLAN_STATUS, plan.status)),
            (_("Generated on"), generated),
            (_("Generated by"), f"polisee {__version__}"),
        ],
        sections=sections,
        sources=list(sources),
        notes=list(notes),
        filename=f"polisee-plan-{plan.id}-{day.isoformat()}-{language}",
    )
    on_step(3, PLAN_STEPS, "done")
    return report

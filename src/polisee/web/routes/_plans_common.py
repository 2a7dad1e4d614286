"""What the plan pages share: the permissions they need, labels (English msgids of the
plans catalogue), numbers and dates in the reader's language, form helpers, and the chart
specs of the monitoring view."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from babel.dates import format_date
from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from polisee.errors import InputError
from polisee.services import plans as pl
from polisee.services.permissions import Permission
from polisee.services.plans import (
    ACTION_STATUS,
    KPI_STATUS,
    LEVELS,
    MILESTONE_STATUS,
    PLAN_STATUS,
)
from polisee.services.sessions import Principal
from polisee.web import charts
from polisee.web.i18n import translations
from polisee.web.routes._assessment_common import statistics
from polisee.web.security import require
from polisee.web.templating import language_of

__all__ = [
    "ACTION_STATUS",
    "KPI_STATUS",
    "LABELS",
    "LEVELS",
    "MILESTONE_STATUS",
    "PLAN_STATUS",
    "RELATIONS",
    "Editor",
    "PlanFormatter",
    "Proposer",
    "Reader",
    "dashboard_charts",
    "form_int",
    "form_ints",
    "formatter",
    "is_htmx",
    "kpi_chart",
    "monitoring_of",
]

Reader = Annotated[Principal, require(Permission.PLAN_READ)]
Editor = Annotated[Principal, require(Permission.PLAN_EDIT)]
Proposer = Annotated[Principal, require(Permission.PRACTICE_PROPOSE)]

RELATIONS = {
    "owner": "Your organisation's plan",
    "action": "You own an action",
    "partner": "Your organisation is a partner",
    "published": "Published",
}
LABELS = {
    "plan_status": PLAN_STATUS,
    "action_status": ACTION_STATUS,
    "kpi_status": KPI_STATUS,
    "milestone_status": MILESTONE_STATUS,
    "levels": LEVELS,
    "relations": RELATIONS,
}


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def form_int(form: FormData, name: str, *, required: bool = False) -> int | None:
    """An id from a form field; None when empty (InputError when required)."""
    raw = form.get(name)
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        if required:
            raise InputError("expected a value, got an empty field", field=name)
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError(f"expected a number, got {text[:20]!r}", field=name) from None


def form_ints(form: FormData, name: str) -> tuple[int, ...]:
    """Every id of a multi-valued form field."""
    out = []
    for raw in form.getlist(name):
        if isinstance(raw, str) and raw.strip():
            try:
                out.append(int(raw))
            except ValueError:
                raise InputError(f"expected numbers, got {raw[:20]!r}", field=name) from None
    return tuple(out)


Day = date  # the class below has a method named "date"


class PlanFormatter:
    """Numbers, money, shares and dates in one language (used by the plan templates)."""

    def __init__(self, language: str) -> None:
        self.language = language
        catalogue = translations(language)
        self.gettext = catalogue.gettext
        self.ngettext = catalogue.ngettext

    def num(self, value: float | int | None, unit: str = "") -> str:
        if value is None:
            return "—"
        return charts.format_number(float(value), unit, self.language, significant=4)

    def money(self, value: int | None) -> str:
        if value is None:
            return "—"
        return charts.format_number(float(value), "EUR", self.language, decimals=0)

    def share(self, value: float | None) -> str:
        if value is None:
            return "—"
        return charts.format_number(value * 100, "%", self.language, decimals=0)

    def date(self, value: Day | None) -> str:
        if value is None:
            return "—"
        return str(format_date(value, format="medium", locale=self.language))

    def when(self, value: int | Day | None) -> str:
        """A KPI value's time: a year, or a date."""
        if value is None:
            return "—"
        return str(value) if isinstance(value, int) else self.date(value)

    def label(self, labels: Mapping[str, str], key: object) -> str:
        text = getattr(key, "value", key)
        return self.gettext(labels.get(str(text), str(text)))

    def indicator(self, state: pl.KpiState) -> str:
        """What a KPI measures, e.g. "Location quotient · C29 · HU21"."""
        kpi = state.kpi
        if kpi.kind is pl.KpiKind.REPORTED:
            return self.gettext("Reported by the action owners")
        parts = [self.gettext(state.name)]
        if kpi.industry:
            parts.append(kpi.industry)
        if kpi.cluster:
            parts.append(self.gettext("cluster %(code)s") % {"code": kpi.cluster})
        if kpi.indicator_key == pl.FIGURE or kpi.measure != pl.DEFAULT_MEASURE:
            parts.append(str(kpi.measure))
        if kpi.value_column:
            parts.append(kpi.value_column)
        parts.append(str(kpi.region_code))
        return " · ".join(parts)


def formatter(request: Request) -> PlanFormatter:
    """The formatter in the visitor's language."""
    return PlanFormatter(language_of(request))


def monitoring_of(
    request: Request, db: Session, principal: Principal, plan_id: int
) -> pl.Monitoring:
    """The plan's monitoring view on the app's statistics store, in the reader's language."""
    store, cache = statistics(request)
    return pl.plan_monitoring(
        db, plan_id, principal, store=store, cache=cache, language=language_of(request)
    )


def _value(
    state: pl.KpiState, value: float | None, when: int | date | None, fmt: PlanFormatter
) -> str:
    text = fmt.num(value, state.kpi.unit)
    return f"{text} ({fmt.when(when)})" if value is not None else text


def kpi_chart(state: pl.KpiState, fmt: PlanFormatter) -> dict[str, Any]:
    """The trend chart of one KPI: its values and the straight path to the target."""
    _ = fmt.gettext
    kpi = state.kpi
    return charts.kpi_trend(
        state.points,
        baseline=state.baseline,
        target=kpi.target_value,
        baseline_year=kpi.baseline_year,
        target_year=kpi.target_year,
        title=kpi.title,
        unit=kpi.unit,
        locale=fmt.language,
        labels={"values": _("Values"), "path": _("Path to the target"), "target": _("Target")},
        gettext=fmt.gettext,
    )


def dashboard_charts(monitoring: pl.Monitoring, fmt: PlanFormatter) -> dict[str, dict[str, Any]]:
    """The KPI progress chart, the timeline and one trend chart per KPI (``kpi-<id>``)."""
    _ = fmt.gettext
    specs: dict[str, dict[str, Any]] = {}
    if monitoring.kpis:
        bars = [
            charts.KpiBar(
                label=s.kpi.title,
                share=s.progress.share,
                expected=s.progress.expected,
                status=s.progress.status,
                status_text=fmt.label(KPI_STATUS, s.progress.status),
                baseline_text=_value(s, s.baseline, s.kpi.baseline_year, fmt),
                latest_text=_value(s, s.latest, s.latest_at, fmt),
                target_text=_value(s, s.kpi.target_value, s.kpi.target_year, fmt),
            )
            for s in monitoring.kpis
        ]
        specs["progress"] = charts.kpi_progress(
            bars,
            title=_("Progress towards the targets"),
            locale=fmt.language,
            gettext=fmt.gettext,
            labels={
                "axis": _("% of the way from baseline to target"),
                "share": _("Way travelled"),
                "expected": _("Expected by now"),
                "baseline": _("Baseline"),
                "latest": _("Latest"),
                "target": _("Target"),
                "status": _("Status"),
            },
        )
        for state in monitoring.kpis:
            specs[f"kpi-{state.kpi.id}"] = kpi_chart(state, fmt)
    views = monitoring.actions
    if views:
        rows = {v.action.id: i for i, v in enumerate(views)}
        specs["timeline"] = charts.plan_timeline(
            [
                charts.GanttAction(
                    label=v.action.title,
                    starts_on=v.action.starts_on,
                    ends_on=v.action.ends_on,
                    status=v.action.status.value,
                    status_text=fmt.label(ACTION_STATUS, v.action.status),
                    period_text=f"{fmt.date(v.action.starts_on)} – {fmt.date(v.action.ends_on)}",
                )
                for v in views
            ],
            [
                charts.GanttMilestone(
                    row=rows[m.action.id],
                    label=m.milestone.title,
                    due_on=m.milestone.due_on,
                    status=m.status,
                    status_text=fmt.label(MILESTONE_STATUS, m.status),
                    due_text=fmt.date(m.milestone.due_on),
                )
                for m in monitoring.milestones
            ],
            today=monitoring.today,
            title=_("Timeline of actions and milestones"),
            labels={
                "actions": _("Actions"),
                "milestones": _("Milestones"),
                "today": _("Today"),
                "period": _("Period"),
                "status": _("Status"),
                "due": _("Due"),
            },
            gettext=fmt.gettext,
        )
    return specs

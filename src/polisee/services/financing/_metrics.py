"""The metrics a ladder's rules and rubric read: each computed from an organisation's facts
on a date, with a label, a unit and (for counts) the words for "n more ...".

Annual-report metrics read the latest report of a calendar year that ended before the
date (an evaluation on 2026-06-01 reads the 2025 report); without one they are missing,
and a rule on a missing metric fails with "no data".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from polisee.services.financing._facts import OrganisationFacts, ReportFacts, add_years

__all__ = ["IMPROVEMENT_INDICATORS", "METRICS", "Metric", "MetricContext", "shortfall"]


@dataclass(frozen=True)
class MetricContext:
    """The date of an evaluation and the window (years) of membership-change metrics."""

    as_of: date
    window_years: int = 2


Compute = Callable[[OrganisationFacts, MetricContext], float | None]


@dataclass(frozen=True)
class Metric:
    """One metric: ``more`` is the (singular, plural) message for a shortfall of n units;
    ``share_of`` names the member types a share counts, so a shortfall in the share can
    be said as a number of members of that type."""

    key: str
    label: str
    unit: str
    description: str
    compute: Compute
    more: tuple[str, str] | None = None
    share_of: frozenset[str] | None = None
    foreign: bool = False


def _members(org: OrganisationFacts, ctx: MetricContext) -> float:
    return float(len(org.active_members(ctx.as_of)))


def _count_types(types: frozenset[str]) -> Compute:
    def compute(org: OrganisationFacts, ctx: MetricContext) -> float:
        return float(sum(1 for m in org.active_members(ctx.as_of) if m.member_type in types))

    return compute


def _share_types(types: frozenset[str]) -> Compute:
    def compute(org: OrganisationFacts, ctx: MetricContext) -> float | None:
        members = org.active_members(ctx.as_of)
        if not members:
            return None
        return sum(1 for m in members if m.member_type in types) / len(members)

    return compute


def _foreign_share(org: OrganisationFacts, ctx: MetricContext) -> float | None:
    members = org.active_members(ctx.as_of)
    if not members:
        return None
    return sum(1 for m in members if m.country != org.country) / len(members)


def _years_active(org: OrganisationFacts, ctx: MetricContext) -> float:
    # Only the founding year is registered: years active counts calendar years since then.
    return float(max(ctx.as_of.year - org.founded_year, 0))


def _management_fte(org: OrganisationFacts, ctx: MetricContext) -> float:
    return float(org.management_fte)


def _has_website(org: OrganisationFacts, ctx: MetricContext) -> float:
    return 1.0 if org.website.strip() else 0.0


def _latest(org: OrganisationFacts, ctx: MetricContext) -> ReportFacts | None:
    reports = org.reports_before(ctx.as_of)
    return reports[0] if reports else None


def _report(read: Callable[[ReportFacts], float | None]) -> Compute:
    def compute(org: OrganisationFacts, ctx: MetricContext) -> float | None:
        report = _latest(org, ctx)
        return None if report is None else read(report)

    return compute


def _rd_intensity(report: ReportFacts) -> float | None:
    if report.members_turnover <= 0:
        return None
    return float(report.rd_spending / report.members_turnover)


def _member_change_share(org: OrganisationFacts, ctx: MetricContext) -> float | None:
    start = add_years(ctx.as_of, -ctx.window_years)
    base = len(org.active_members(start))
    if base == 0:
        return None
    changes = sum(1 for m in org.members if start < m.joined_on <= ctx.as_of) + sum(
        1 for m in org.members if m.left_on is not None and start < m.left_on <= ctx.as_of
    )
    return changes / base


#: Indicators whose improvement from one annual report to the next counts for
#: ``improved_indicators`` (the "areas of improvement" of a silver-style label).
IMPROVEMENT_INDICATORS: tuple[tuple[str, Callable[[ReportFacts], float | None]], ...] = (
    ("joint_projects", lambda r: float(r.joint_projects)),
    ("export_share", lambda r: float(r.export_share)),
    ("rd_intensity", _rd_intensity),
    ("events", lambda r: float(r.events)),
    ("services", lambda r: float(r.services)),
    ("patents", lambda r: float(r.patents)),
)


def _improved(org: OrganisationFacts, ctx: MetricContext) -> float | None:
    reports = org.reports_before(ctx.as_of)
    if len(reports) < 2:
        return None
    latest, previous = reports[0], reports[1]
    improved = 0
    for _, read in IMPROVEMENT_INDICATORS:
        now, before = read(latest), read(previous)
        if now is not None and before is not None and now > before:
            improved += 1
    return float(improved)


_SME = frozenset({"sme"})
_LARGE = frozenset({"large"})
_KNOWLEDGE = frozenset({"research", "education"})


def _m(metric: Metric) -> tuple[str, Metric]:
    return metric.key, metric


METRICS: dict[str, Metric] = dict(
    [
        _m(
            Metric(
                "members_count",
                "members",
                "count",
                "Members on the date of the evaluation.",
                _members,
                more=("{count} more member", "{count} more members"),
            )
        ),
        _m(
            Metric(
                "sme_count",
                "SME members",
                "count",
                "Small and medium-sized enterprises among the members.",
                _count_types(_SME),
                more=("{count} more SME member", "{count} more SME members"),
            )
        ),
        _m(
            Metric(
                "sme_share",
                "SME share",
                "share",
                "Share of SMEs among the members.",
                _share_types(_SME),
                more=("{count} more SME member", "{count} more SME members"),
                share_of=_SME,
            )
        ),
        _m(
            Metric(
                "large_firms",
                "large firms",
                "count",
                "Large firms among the members.",
                _count_types(_LARGE),
                more=("{count} more large firm", "{count} more large firms"),
            )
        ),
        _m(
            Metric(
                "research_members",
                "research and education members",
                "count",
                "Research organisations and universities or schools among the members.",
                _count_types(_KNOWLEDGE),
                more=(
                    "{count} more research or education member",
                    "{count} more research or education members",
                ),
            )
        ),
        _m(
            Metric(
                "foreign_share",
                "share of members from abroad",
                "share",
                "Share of members registered in another country than the cluster organisation.",
                _foreign_share,
                more=("{count} more member from abroad", "{count} more members from abroad"),
                foreign=True,
            )
        ),
        _m(
            Metric(
                "years_active",
                "years active",
                "years",
                "Calendar years since the founding year.",
                _years_active,
                more=("{count} more year of activity", "{count} more years of activity"),
            )
        ),
        _m(
            Metric(
                "management_fte",
                "management staff",
                "fte",
                "Staff of the cluster management organisation, full-time equivalent.",
                _management_fte,
            )
        ),
        _m(
            Metric(
                "has_website",
                "a website presenting the cluster",
                "flag",
                "Whether the cluster organisation has a website (1) or not (0).",
                _has_website,
            )
        ),
        _m(
            Metric(
                "joint_projects",
                "joint projects",
                "count",
                "Joint projects of members in the last reported year.",
                _report(lambda r: float(r.joint_projects)),
                more=("{count} more joint project", "{count} more joint projects"),
            )
        ),
        _m(
            Metric(
                "patents",
                "patents",
                "count",
                "Patent applications of members in the last reported year.",
                _report(lambda r: float(r.patents)),
                more=("{count} more patent", "{count} more patents"),
            )
        ),
        _m(
            Metric(
                "events",
                "events",
                "count",
                "Events organised for members in the last reported year.",
                _report(lambda r: float(r.events)),
                more=("{count} more event", "{count} more events"),
            )
        ),
        _m(
            Metric(
                "services",
                "services",
                "count",
                "Services the cluster management offered members in the last reported year.",
                _report(lambda r: float(r.services)),
                more=("{count} more service", "{count} more services"),
            )
        ),
        _m(
            Metric(
                "export_share",
                "export share",
                "share",
                "Exports as a share of members' turnover in the last reported year.",
                _report(lambda r: float(r.export_share)),
            )
        ),
        _m(
            Metric(
                "rd_intensity",
                "R&D intensity",
                "share",
                "Members' R&D spending as a share of their turnover in the last reported year.",
                _report(_rd_intensity),
            )
        ),
        _m(
            Metric(
                "members_turnover",
                "members' turnover",
                "eur",
                "Members' turnover in the last reported year, euro.",
                _report(lambda r: float(r.members_turnover)),
            )
        ),
        _m(
            Metric(
                "staff_fte",
                "cluster management staff (reported)",
                "fte",
                "Staff of the cluster management in the last reported year, full-time equivalent.",
                _report(lambda r: float(r.staff_fte)),
            )
        ),
        _m(
            Metric(
                "member_change_share",
                "membership change",
                "share",
                "Members who joined or left in the window (default two years) per member at its start.",
                _member_change_share,
            )
        ),
        _m(
            Metric(
                "improved_indicators",
                "improved indicators",
                "count",
                "Indicators (joint projects, export share, R&D intensity, events, services, patents) "
                "that rose from the previous annual report to the last one.",
                _improved,
                more=("{count} more improved indicator", "{count} more improved indicators"),
            )
        ),
    ]
)


def shortfall(
    metric: Metric, org: OrganisationFacts, ctx: MetricContext, actual: float, required: float
) -> int | None:
    """How many more units (or members of the counted type) reach ``required``; None when the
    gap is not a count.

    For a share ``s/m`` below ``r`` the answer is the smallest ``k`` with
    ``(s + k) / (m + k) >= r``, that is ``ceil((r*m - s) / (1 - r))``.
    """
    if metric.more is None:
        return None
    if metric.unit != "share":
        return max(math.ceil(required - actual - 1e-9), 1)
    if required >= 1:
        return None
    members = org.active_members(ctx.as_of)
    total = len(members)
    if metric.foreign:
        have = sum(1 for m in members if m.country != org.country)
    else:
        assert metric.share_of is not None
        have = sum(1 for m in members if m.member_type in metric.share_of)
    return max(math.ceil((required * total - have) / (1 - required) - 1e-9), 1)

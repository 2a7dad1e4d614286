"""What a plan editor writes, checked: plans, objectives, actions, milestones, risks, KPIs,
reports and pilot evaluations; and the vocabularies the pages offer."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from polisee.analytics import registry
from polisee.errors import InputError
from polisee.records.plans import ActionStatus, KpiKind, Level, PlanStatus
from polisee.records.practices import Instrument

__all__ = [
    "DEFAULT_MEASURE",
    "FIGURE",
    "KPI_INDICATORS",
    "KPI_INDICATOR_NAMES",
    "MAX_REGIONS",
    "ActionInput",
    "KpiInput",
    "MilestoneInput",
    "ObjectiveInput",
    "PilotInput",
    "PlanInput",
    "ReportInput",
    "RiskInput",
    "parse_date",
    "region_codes",
]

MAX_REGIONS = 10
TEXT_LIMIT = 4000
TITLE_LIMIT = 300
FIGURE = "figure"
"""The KPI source that is no registry indicator: the stored value of a measure for the
region (and an industry, ``TOTAL`` when none is named), e.g. GDP or R&D personnel."""
DEFAULT_MEASURE = "V16110"
"""Persons employed (Eurostat SBS), the measure the specialisation indicators use by default."""
# Registry indicators with a value per region (and industry or cluster) that a target can
# be set on; shift-share is a decomposition and the strong-cluster flags are yes/no.
_EXCLUDED = frozenset({"shift_share", "strong_flags"})
KPI_INDICATORS: dict[str, str] = {
    key: indicator.kind
    for key, indicator in registry.items()
    if indicator.kind in ("region", "region-industry", "region-cluster") and key not in _EXCLUDED
}
"""Indicator key -> kind (``region``, ``region-industry``, ``region-cluster``) of every
indicator a computed KPI may use; :data:`FIGURE` is ``region-industry``."""
KPI_INDICATORS[FIGURE] = "region-industry"
KPI_INDICATOR_NAMES: dict[str, str] = {
    key: registry[key].name if key in registry else "Stored figure" for key in KPI_INDICATORS
}
"""Indicator key -> name (an English msgid) of :data:`KPI_INDICATORS`."""

_REGION = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,20}$")
_YEARS = (1990, 2100)


def _text(value: str | None, field: str, *, required: bool = False, limit: int = TEXT_LIMIT) -> str:
    clean = (value or "").replace("\r\n", "\n").strip()
    if required and not clean:
        raise InputError("expected a value, got an empty field", field=field)
    if len(clean) > limit:
        raise InputError(f"expected at most {limit} characters, got {len(clean)}", field=field)
    return clean


def parse_date(value: date | str | None, field: str, *, required: bool = True) -> date | None:
    """A date from a ``date`` or ISO text (``2026-03-31``); None for an empty optional one.

    >>> parse_date("2026-03-31", "due_on")
    datetime.date(2026, 3, 31)
    >>> parse_date("31/03/2026", "due_on")
    Traceback (most recent call last):
    ...
    polisee.errors.InputError: due_on: expected a date like 2026-03-31, got '31/03/2026'
    """
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        if required:
            raise InputError("expected a date like 2026-03-31, got an empty field", field=field)
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(
            f"expected a date like 2026-03-31, got {text[:20]!r}", field=field
        ) from None


def _required_date(value: date | str | None, field: str) -> date:
    found = parse_date(value, field)
    assert found is not None
    return found


def _year(value: int | str | None, field: str) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise InputError(
            f"expected a year like 2025, got {str(value)[:20]!r}", field=field
        ) from None
    if not _YEARS[0] <= year <= _YEARS[1]:
        raise InputError(
            f"expected a year from {_YEARS[0]} to {_YEARS[1]}, got {year}", field=field
        )
    return year


def _number(value: float | int | str | None, field: str, *, required: bool = True) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError("expected a number, got an empty field", field=field)
        return None
    try:
        number = float(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        raise InputError(f"expected a number, got {str(value)[:20]!r}", field=field) from None
    if math.isnan(number) or math.isinf(number):
        raise InputError(f"expected a finite number, got {value!r}", field=field)
    return number


def _amount(value: int | str | None, field: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = int(str(value).replace(" ", "").replace("_", "").replace("\u00a0", ""))
    except ValueError:
        raise InputError(f"expected a whole number of euros, got {value!r}", field=field) from None
    if not 0 <= amount <= 2_000_000_000:
        raise InputError(f"expected 0 to 2,000,000,000 euros, got {amount}", field=field)
    return amount


def _choice(value: str, kind: type[Any], field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise InputError(f"expected one of {choices}, got {value[:40]!r}", field=field) from None


def region_codes(values: Iterable[str], field: str = "regions") -> list[str]:
    """Distinct NUTS codes, upper-cased and sorted; one to :data:`MAX_REGIONS`.

    >>> region_codes(["hu21", " AT31", "HU21"])
    ['AT31', 'HU21']
    """
    codes = sorted({code.strip().upper() for code in values if code.strip()})
    bad = [code for code in codes if not _REGION.match(code)]
    if bad or not codes:
        raise InputError(
            f"expected NUTS region codes like HU21, got {bad[:3] or 'none'}", field=field
        )
    if len(codes) > MAX_REGIONS:
        raise InputError(f"expected at most {MAX_REGIONS} regions, got {len(codes)}", field=field)
    return codes


def _period(starts: date | str | None, ends: date | str | None) -> tuple[date, date]:
    start = _required_date(starts, "starts_on")
    end = _required_date(ends, "ends_on")
    if end < start:
        raise InputError(f"expected an end on or after {start.isoformat()}", field="ends_on")
    return start, end


@dataclass(frozen=True)
class PlanInput:
    """A plan's header."""

    title: str
    regions: tuple[str, ...]
    starts_on: date | str
    ends_on: date | str
    summary: str = ""
    status: str = PlanStatus.DRAFT.value
    published: bool = False

    def checked(self) -> dict[str, Any]:
        starts, ends = _period(self.starts_on, self.ends_on)
        return {
            "title": _text(self.title, "title", required=True, limit=TITLE_LIMIT),
            "summary": _text(self.summary, "summary"),
            "regions": region_codes(self.regions),
            "starts_on": starts,
            "ends_on": ends,
            "status": _choice(self.status, PlanStatus, "status"),
            "published": bool(self.published),
        }


@dataclass(frozen=True)
class ObjectiveInput:
    """An objective: linked criterion keys need the assessment; practices are ids."""

    title: str
    description: str = ""
    assessment_id: int | None = None
    criterion_keys: tuple[str, ...] = ()
    practice_ids: tuple[int, ...] = ()

    def checked(self) -> dict[str, Any]:
        keys = list(dict.fromkeys(k.strip() for k in self.criterion_keys if k.strip()))
        if keys and self.assessment_id is None:
            raise InputError("criteria need the assessment they belong to", field="assessment_id")
        return {
            "title": _text(self.title, "title", required=True, limit=TITLE_LIMIT),
            "description": _text(self.description, "description"),
            "assessment_id": self.assessment_id,
            "criterion_keys": keys,
            "practice_ids": sorted(set(self.practice_ids)),
        }


@dataclass(frozen=True)
class ActionInput:
    """An action line."""

    title: str
    owner_organisation_id: int
    starts_on: date | str
    ends_on: date | str
    description: str = ""
    objective_id: int | None = None
    instrument: str = Instrument.OTHER.value
    responsible_id: int | None = None
    partner_ids: tuple[int, ...] = ()
    budget_eur: int | str | None = None
    funding_source: str = ""
    status: str = ActionStatus.PLANNED.value
    is_pilot: bool = False

    def checked(self) -> dict[str, Any]:
        starts, ends = _period(self.starts_on, self.ends_on)
        partners = sorted(set(self.partner_ids) - {self.owner_organisation_id})
        return {
            "title": _text(self.title, "title", required=True, limit=TITLE_LIMIT),
            "description": _text(self.description, "description"),
            "objective_id": self.objective_id,
            "instrument": _choice(self.instrument, Instrument, "instrument"),
            "owner_organisation_id": self.owner_organisation_id,
            "responsible_id": self.responsible_id,
            "partner_ids": partners,
            "starts_on": starts,
            "ends_on": ends,
            "budget_eur": _amount(self.budget_eur, "budget_eur"),
            "funding_source": _text(self.funding_source, "funding_source", limit=1000),
            "status": _choice(self.status, ActionStatus, "status"),
            "is_pilot": bool(self.is_pilot),
        }


@dataclass(frozen=True)
class MilestoneInput:
    """A dated step of an action."""

    action_id: int
    title: str
    due_on: date | str

    def checked(self) -> dict[str, Any]:
        return {
            "action_id": self.action_id,
            "title": _text(self.title, "title", required=True, limit=TITLE_LIMIT),
            "due_on": _required_date(self.due_on, "due_on"),
        }


@dataclass(frozen=True)
class RiskInput:
    """A risk with likelihood and impact (low, medium, high) and its mitigation."""

    description: str
    likelihood: str
    impact: str
    mitigation: str = ""
    action_id: int | None = None

    def checked(self) -> dict[str, Any]:
        return {
            "description": _text(self.description, "description", required=True),
            "likelihood": _choice(self.likelihood, Level, "likelihood"),
            "impact": _choice(self.impact, Level, "impact"),
            "mitigation": _text(self.mitigation, "mitigation"),
            "action_id": self.action_id,
        }


@dataclass(frozen=True)
class KpiInput:
    """A KPI. Computed: ``indicator_key`` (see :data:`KPI_INDICATORS`) with ``industry`` or
    ``cluster`` as its kind needs, ``region_code``; the baseline value comes from the data.
    Reported: ``baseline_value`` and ``reporting_months``."""

    title: str
    kind: str
    baseline_year: int | str
    target_value: float | int | str
    target_year: int | str
    unit: str = ""
    objective_id: int | None = None
    action_id: int | None = None
    indicator_key: str = ""
    measure: str = ""
    industry: str = ""
    cluster: str = ""
    nuts_level: int | str = 2
    value_column: str = ""
    region_code: str = ""
    baseline_value: float | int | str | None = None
    reporting_months: int | str | None = None

    def checked(self) -> dict[str, Any]:
        kind = _choice(self.kind, KpiKind, "kind")
        baseline_year = _year(self.baseline_year, "baseline_year")
        target_year = _year(self.target_year, "target_year")
        if target_year < baseline_year:
            raise InputError(
                f"expected a target year from {baseline_year} on, got {target_year}",
                field="target_year",
            )
        values: dict[str, Any] = {
            "title": _text(self.title, "title", required=True, limit=TITLE_LIMIT),
            "kind": kind,
            "unit": _text(self.unit, "unit", limit=60),
            "objective_id": self.objective_id,
            "action_id": self.action_id,
            "baseline_year": baseline_year,
            "target_value": _number(self.target_value, "target_value"),
            "target_year": target_year,
            "indicator_key": None,
            "measure": None,
            "industry": None,
            "cluster": None,
            "nuts_level": None,
            "value_column": None,
            "region_code": None,
            "baseline_value": None,
            "reporting_months": None,
        }
        if kind is KpiKind.REPORTED:
            months = _number(self.reporting_months, "reporting_months")
            assert months is not None
            if not months.is_integer() or not 1 <= months <= 24:
                raise InputError(
                    f"expected 1 to 24 months, got {self.reporting_months!r}",
                    field="reporting_months",
                )
            values["baseline_value"] = _number(self.baseline_value, "baseline_value")
            values["reporting_months"] = int(months)
            return values
        key = self.indicator_key.strip()
        if key not in KPI_INDICATORS:
            raise InputError(
                f"expected one of {', '.join(sorted(KPI_INDICATORS))}, got {key[:40]!r}",
                field="indicator_key",
            )
        indicator_kind = KPI_INDICATORS[key]
        industry = self.industry.strip().upper()
        cluster = self.cluster.strip()
        if indicator_kind == "region-industry" and key != FIGURE and not industry:
            raise InputError(f"indicator {key!r} needs an industry code", field="industry")
        if indicator_kind == "region-cluster" and not cluster:
            raise InputError(f"indicator {key!r} needs a cluster code", field="cluster")
        for name, code in (("industry", industry), ("cluster", cluster)):
            if code and not _CODE.match(code):
                raise InputError(f"expected a code like C29 or 4, got {code[:20]!r}", field=name)
        level = _number(self.nuts_level, "nuts_level")
        if level not in (0, 1, 2, 3):
            raise InputError(
                f"expected a NUTS level 0 to 3, got {self.nuts_level!r}", field="nuts_level"
            )
        column = self.value_column.strip()
        if column and not re.match(r"^[a-z_]{1,64}$", column):
            raise InputError(
                f"expected a column name like employment, got {column[:40]!r}", field="value_column"
            )
        region = self.region_code.strip().upper()
        if not _REGION.match(region):
            raise InputError(
                f"expected a NUTS region code like HU21, got {region[:20]!r}", field="region_code"
            )
        measure = self.measure.strip()
        if key == FIGURE and not measure:
            raise InputError("the stored figure needs a measure", field="measure")
        if measure and not _CODE.match(measure):
            raise InputError(
                f"expected a measure code like V16110, got {measure[:20]!r}", field="measure"
            )
        values.update(
            {
                "indicator_key": key,
                "measure": measure or DEFAULT_MEASURE,
                "industry": industry if indicator_kind == "region-industry" and industry else None,
                "cluster": cluster if indicator_kind == "region-cluster" else None,
                "nuts_level": int(level),
                "value_column": column or None,
                "region_code": region,
            }
        )
        return values


@dataclass(frozen=True)
class ReportInput:
    """A reported value as of a date, with its evidence."""

    value: float | int | str
    as_of: date | str
    evidence: str = ""

    def checked(self) -> dict[str, Any]:
        return {
            "value": _number(self.value, "value"),
            "as_of": _required_date(self.as_of, "as_of"),
            "evidence": _text(self.evidence, "evidence"),
        }


@dataclass(frozen=True)
class PilotInput:
    """A pilot's evaluation: the situation before and after, and the lessons learned."""

    before: str = ""
    after: str = ""
    lessons: str = ""

    def checked(self) -> dict[str, Any]:
        return {
            "before": _text(self.before, "before"),
            "after": _text(self.after, "after"),
            "lessons": _text(self.lessons, "lessons"),
        }

"""KPI values and progress: computed KPIs read from the statistics store (cached by data
version, so new data updates them by itself), reported KPIs from their reports, and the
arithmetic of the way travelled from baseline to target."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

from polisee.analytics import registry
from polisee.errors import InputError, NotFound
from polisee.records.plans import Kpi
from polisee.services.analysis import indicator_table
from polisee.services.evidence import EvidenceCache
from polisee.statsdb import StatsStore

__all__ = [
    "Direction",
    "KpiSource",
    "Progress",
    "Status",
    "computed_series",
    "direction",
    "expected_share",
    "progress",
    "progress_share",
    "year_fraction",
]

Direction = Literal["increase", "decrease", "maintain"]
Status = Literal["achieved", "on_track", "behind", "no_data"]
_FIGURE = "figure"


@dataclass(frozen=True)
class KpiSource:
    """What a computed KPI reads: a registry indicator (or ``figure``, the stored value of
    ``measure``) for one region, industry or cluster, and the result column to take."""

    indicator_key: str
    measure: str
    region: str
    level: int = 2
    industry: str | None = None
    cluster: str | None = None
    column: str | None = None

    @classmethod
    def of(cls, kpi: Kpi | Mapping[str, Any]) -> KpiSource:
        """The source of a KPI record, or of a KPI's checked input values."""

        def get(name: str) -> Any:
            return kpi.get(name) if isinstance(kpi, Mapping) else getattr(kpi, name)

        key = get("indicator_key")
        region = get("region_code")
        if key is None or region is None:
            raise InputError(
                "a computed KPI names an indicator and a region", field="indicator_key"
            )
        return cls(
            indicator_key=str(key),
            measure=str(get("measure") or "V16110"),
            region=str(region),
            level=int(get("nuts_level") if get("nuts_level") is not None else 2),
            industry=get("industry"),
            cluster=get("cluster"),
            column=get("value_column"),
        )

    @property
    def value_column(self) -> str:
        """The column of the indicator's table that holds the KPI's value."""
        return self.column or ("value" if self.indicator_key == _FIGURE else self.indicator_key)


def _table(store: StatsStore, source: KpiSource) -> pd.DataFrame:
    if source.indicator_key == _FIGURE:
        return store.facts(
            source.measure,
            level=source.level,
            regions=[source.region],
            industries=[source.industry or "TOTAL"],
        )
    if source.indicator_key not in registry:
        raise NotFound(f"no indicator {source.indicator_key!r}")
    try:
        return indicator_table(
            store,
            source.indicator_key,
            measure=source.measure,
            level=source.level,
            region=source.region,
        ).table
    except NotFound:
        return pd.DataFrame(columns=["region", "year"])


def computed_series(
    store: StatsStore, source: KpiSource, *, cache: EvidenceCache | None = None
) -> list[tuple[int, float | None]]:
    """The KPI's value in every year the store holds for the region (None where it is
    missing), oldest first. The region's whole indicator table is cached under the store's
    data version: loading new data changes the version, so the values are recomputed."""
    name = "plan_kpi_figure" if source.indicator_key == _FIGURE else "plan_kpi_table"
    params: tuple[object, ...] = (source.indicator_key, source.measure, source.level, source.region)
    if source.indicator_key == _FIGURE:
        params += (source.industry,)
    # An empty cache is falsy (it has a length): test for None.
    used = cache if cache is not None else EvidenceCache(4)
    table = used.fetch(store, name, params, lambda: _table(store, source))
    if table.empty:
        return []
    if source.industry is not None and "industry" in table.columns:
        table = table[table["industry"] == source.industry]
    if source.cluster is not None and "cluster" in table.columns:
        table = table[table["cluster"].astype(str) == source.cluster]
    column = source.value_column
    if column not in table.columns:
        known = [c for c in table.columns if c not in ("region", "region_name", "year")]
        raise InputError(f"expected a column among {known}, got {column!r}", field="value_column")
    out = []
    for year, value in table.groupby("year")[column].first().sort_index().items():
        number = None if value is None or pd.isna(value) else float(value)
        out.append((int(str(year)), number))
    return out


def direction(baseline: float, target: float) -> Direction:
    """Which way the target lies from the baseline.

    >>> direction(100, 120), direction(5.1, 4.0), direction(3, 3)
    ('increase', 'decrease', 'maintain')
    """
    if target > baseline:
        return "increase"
    if target < baseline:
        return "decrease"
    return "maintain"


def progress_share(baseline: float | None, latest: float | None, target: float) -> float | None:
    """The share of the way from baseline to target travelled: 0 at the baseline, 1 at the
    target, below 0 when the value moved away from the target, above 1 beyond it. For a
    target equal to the baseline (keep the level): 1 while the value is at least the
    target, else 0. None without a baseline or a value.

    >>> progress_share(100, 130, 200)  # 30 of the 100 to travel
    0.3
    >>> progress_share(10, 7, 4)  # a decrease: 3 of the 6 to travel
    0.5
    >>> progress_share(10, 12, 4)  # moved the wrong way by 2 of 6
    -0.3333333333333333
    >>> progress_share(3, 3, 3), progress_share(3, 2.5, 3), progress_share(None, 1, 2)
    (1.0, 0.0, None)
    """
    if baseline is None or latest is None:
        return None
    if target == baseline:
        return 1.0 if latest >= target else 0.0
    return (latest - baseline) / (target - baseline)


def expected_share(start: float, end: float, at: float) -> float:
    """The share of the period from ``start`` to ``end`` (years, fractions allowed) elapsed
    at ``at``, between 0 and 1: where a straight path to the target would be.

    >>> expected_share(2010, 2020, 2014), expected_share(2010, 2020, 2025)
    (0.4, 1.0)
    >>> expected_share(2025, 2025, 2024)
    0.0
    """
    if end <= start:
        return 1.0 if at >= end else 0.0
    return min(1.0, max(0.0, (at - start) / (end - start)))


def year_fraction(day: date) -> float:
    """A date as a year with a fraction (1 January is the whole year; 2 July is 182 of 365
    days on).

    >>> year_fraction(date(2026, 1, 1)), round(year_fraction(date(2026, 7, 2)), 3)
    (2026.0, 2026.499)
    """
    days = (date(day.year + 1, 1, 1) - date(day.year, 1, 1)).days
    return day.year + (day.timetuple().tm_yday - 1) / days


@dataclass(frozen=True)
class Progress:
    """Baseline, latest value and target, with the share travelled (see
    :func:`progress_share`), the share a straight path would have reached by the latest
    value's time (see :func:`expected_share`) and the status that follows."""

    baseline: float | None
    latest: float | None
    target: float
    direction: Direction
    share: float | None
    expected: float | None
    status: Status

    @property
    def bar_share(self) -> float:
        """The share clipped to 0-1, for a progress bar."""
        return 0.0 if self.share is None else min(1.0, max(0.0, self.share))


def progress(
    baseline: float | None,
    latest: float | None,
    target: float,
    *,
    start: float,
    end: float,
    at: float | None,
) -> Progress:
    """The progress of a KPI from ``baseline`` (at year ``start``) to ``target`` (at year
    ``end``), given its ``latest`` value at year ``at``.

    Achieved once the share reaches 1 (for a level to keep: while the value is at least the
    target); on track while the share is at least the expected share; else behind.

    >>> p = progress(100, 130, 200, start=2020, end=2030, at=2024)
    >>> p.share, p.expected, p.status
    (0.3, 0.4, 'behind')
    >>> progress(10, 7, 4, start=2020, end=2030, at=2024).status
    'on_track'
    >>> progress(10, None, 4, start=2020, end=2030, at=None).status
    'no_data'
    """
    share = progress_share(baseline, latest, target)
    way = direction(baseline, target) if baseline is not None else "increase"
    expected = expected_share(start, end, at) if at is not None else None
    status: Status
    if share is None or latest is None:
        status = "no_data"
    elif share >= 1 - 1e-9:
        status = "achieved"
    elif way == "maintain":
        status = "behind"
    elif expected is None or share >= expected - 1e-9:
        status = "on_track"
    else:
        status = "behind"
    if share is not None and math.isnan(share):
        share, status = None, "no_data"
    return Progress(baseline, latest, target, way, share, expected, status)

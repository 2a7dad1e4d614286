"""Indicators over the statistics store: the registry applied to stored Panels, with labels."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from polisee.analytics import (
    Indicator,
    Panel,
    cluster_panel,
    compute,
    registry,
    star_ratings,
    strong_cluster_flags,
)
from polisee.analytics import location_quotient as lq_function
from polisee.errors import InputError, NotFound
from polisee.statsdb import StatsStore

__all__ = ["CLUSTER_DEFINITION", "IndicatorResult", "cluster_industries", "indicator_table"]

CLUSTER_DEFINITION = "us-cmp-division"
"""Cluster definition used with data published by NACE division (Eurostat SBS)."""

EMPLOYMENT = "V16110"
ESTABLISHMENTS = "V11210"
WAGES = "V13320"


def _missing_option(indicator: Indicator) -> dict[str, str]:
    """How to tell an indicator's function about confidential cells, when it takes the option.

    The LQ keeps a missing cell unknown (totals over the known cells); complexity and the
    indices need complete matrices, so there a missing cell counts as 0.
    """
    parameters = inspect.signature(indicator.function).parameters.values()
    takes = any(p.name == "missing" or p.kind is p.VAR_KEYWORD for p in parameters)
    if not takes:
        return {}
    return {"missing": "known" if indicator.key == "lq" else "zero"}


@dataclass
class IndicatorResult:
    """An indicator table and the notes a reader needs to interpret it."""

    key: str
    name: str
    unit: str
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _panel(store: StatsStore, measure: str, **filters: Any) -> Panel:
    return store.panel(measure, **filters)


def indicator_table(
    store: StatsStore,
    key: str,
    *,
    measure: str = EMPLOYMENT,
    dataset: str | None = None,
    level: int = 2,
    year: int | None = None,
    industry_level: str | None = "division",
    region: str | None = None,
    countries: list[str] | None = None,
) -> IndicatorResult:
    """Compute registry indicator ``key`` on the stored figures of ``measure``.

    Region x cluster indicators (``strong_flags``, ``stars``) aggregate NACE divisions
    to the US Cluster Mapping categories and use persons employed, local units and
    wages from the SBS data. Missing (confidential) cells count as unknown: regional
    totals are taken over the known cells and a missing cell's own result is NaN.
    """
    if key not in registry:
        raise NotFound(f"no indicator {key!r}; known: {', '.join(sorted(registry))}")
    indicator = registry[key]
    filters: dict[str, Any] = {
        "dataset": dataset,
        "level": level,
        "industry_level": industry_level,
        "countries": countries,
    }
    years = None
    if year is not None:
        years = (year, year)
    notes = [
        "Missing (confidential) cells are unknown, not zero: totals use the known cells.",
    ]
    if indicator.kind == "region-cluster":
        table = _cluster_indicator(
            store, key, dataset=dataset, level=level, years=years, countries=countries
        )
        notes.append(
            f"Clusters: US Cluster Mapping categories carried to NACE divisions ({CLUSTER_DEFINITION})."
        )
    elif key == "shift_share":
        # A change needs two years: from the first year held to ``year`` (default the last).
        panel = _panel(store, measure, **filters)
        end = year if year is not None else panel.years[-1]
        if end not in panel.years or end == panel.years[0]:
            raise InputError(
                f"shift-share needs an end year after {panel.years[0]} among {panel.years}",
                field="year",
            )
        table = pd.DataFrame(compute(key, panel, start=panel.years[0], end=end))
        notes.append(f"Shift-share from {panel.years[0]} to {end}, classic method.")
    else:
        panel = _panel(store, measure, years=years, **filters)
        result = compute(key, panel, **_missing_option(indicator))
        table = result.to_frame(key) if isinstance(result, pd.Series) else result
    table = table.reset_index()
    if region is not None and "region" in table.columns:
        table = table[table["region"] == region]
        if table.empty:
            raise NotFound(f"no {key} results for region {region!r} with these filters")
    table = _label(store, table)
    order = {"stars": ["stars", "employment"], "strong_flags": ["lq"]}.get(key, [key])
    if all(c in table.columns for c in order):
        table = table.sort_values(order, ascending=False, na_position="last", kind="stable")
    return IndicatorResult(key, indicator.name, indicator.unit, table.reset_index(drop=True), notes)


def cluster_industries(store: StatsStore) -> pd.DataFrame:
    """The stored cluster definition as analytics wants it: ``cluster`` (code), ``industry``,
    ``weight``."""
    definition = store.cluster_definition(CLUSTER_DEFINITION)
    return pd.DataFrame(
        {
            "cluster": definition["cluster_code"].astype(str),
            "industry": definition["industry"],
            "weight": definition["weight"],
        }
    )


def _cluster_indicator(
    store: StatsStore,
    key: str,
    *,
    dataset: str | None,
    level: int,
    years: tuple[int, int] | None,
    countries: list[str] | None,
) -> pd.DataFrame:
    definition = store.cluster_definition(CLUSTER_DEFINITION)
    names = dict(zip(definition["cluster_code"].astype(str), definition["cluster"], strict=False))
    definitions = cluster_industries(store)
    filters: dict[str, Any] = {
        "dataset": dataset,
        "level": level,
        "years": years,
        "industry_level": "division",
        "countries": countries,
    }
    employment = _panel(store, EMPLOYMENT, **filters)
    if key == "stars":
        wages = None
        try:
            payroll = cluster_panel(_panel(store, WAGES, **filters), definitions).values
            persons = cluster_panel(employment, definitions).values
            wages = (payroll * 1e6 / persons.reindex(payroll.index)).replace(
                [np.inf, -np.inf], np.nan
            )
            wages.index = wages.index.set_names(["region", "cluster", "year"])
        except NotFound:
            wages = None
        table = star_ratings(employment, clusters=definitions, wages=wages, missing="known")
    elif key == "strong_flags":
        # The CMP flags are defined for traded clusters, with traded employment as the LQ base.
        traded_defs = definitions[definition["traded"].astype(bool).to_numpy()]
        emp = cluster_panel(employment, traded_defs)
        est = cluster_panel(_panel(store, ESTABLISHMENTS, **filters), traded_defs)
        lq = lq_function(emp, missing="zero")
        idx_names = ["region", "cluster", "year"]
        lq.index = lq.index.set_names(idx_names)
        e = emp.values.rename_axis(idx_names)
        s = est.values.rename_axis(idx_names).reindex(e.index)
        table = strong_cluster_flags(lq, e, s).join(lq.rename("lq")).join(e.rename("employment"))
    else:
        raise InputError(
            f"indicator {key!r} is not a region x cluster indicator", field="indicator"
        )
    out = table.reset_index()
    out.insert(2, "cluster_name", out["cluster"].map(names))
    return out.set_index(["region", "cluster"])


def _label(store: StatsStore, table: pd.DataFrame) -> pd.DataFrame:
    if "region" in table.columns:
        regions = store.regions()
        names = dict(zip(regions["code"], regions["name_latin"], strict=False))
        table.insert(
            list(table.columns).index("region") + 1,
            "region_name",
            table["region"].map(names).fillna(""),
        )
    if "industry" in table.columns:
        industries = store.industries()
        titles = dict(zip(industries["code"], industries["title"], strict=False))
        table.insert(
            list(table.columns).index("industry") + 1,
            "industry_title",
            table["industry"].map(titles).fillna(""),
        )
    return table

"""The ECharts option of the funding-call simulation: grants per application, one bar
series per scenario."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from polisee.web.charts._echarts import (
    _base,
    _clean,
    _label_axis,
    _require,
    _short,
    _tooltip,
    _value_axis,
)
from polisee.web.charts._numbers import format_number

__all__ = ["scenario_grants"]


def scenario_grants(
    frame: pd.DataFrame,
    *,
    scenarios: Sequence[str],
    title: str,
    unit: str = "EUR",
    locale: str = "en",
    grant_label: str = "Grant",
    rank_label: str = "Rank",
) -> dict[str, Any]:
    """Horizontal grouped bars: for every ranked application, its grant in each scenario.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long: columns ``scenario``, ``label`` (the applicant), ``grant`` (0 when not
        funded) and ``rank`` (its rank in that scenario).
    scenarios : sequence of str
        Scenario labels in the order of the series.
    title, unit, locale : str
        Chart title; the unit of the grants; number formatting.
    grant_label, rank_label : str
        Tooltip labels (translated by the caller).

    Returns
    -------
    dict
        An ECharts option. Applicants are ordered by their best rank in the first
        scenario; each bar's tooltip gives the grant and the rank. An applicant missing
        from a scenario has ``None`` there (no bar), never zero.

    Examples
    --------
    >>> f = pd.DataFrame({"scenario": ["A", "A", "B", "B"], "label": ["x", "y", "x", "y"],
    ...                   "grant": [10.0, 0.0, 10.0, 5.0], "rank": [1, 2, 1, 2]})
    >>> spec = scenario_grants(f, scenarios=["A", "B"], title="Grants")
    >>> [s["name"] for s in spec["series"]], spec["yAxis"]["data"]
    (['A', 'B'], ['x', 'y'])
    >>> [p["value"] for p in spec["series"][1]["data"]]
    [10.0, 5.0]
    """
    _require(frame, ["scenario", "label", "grant", "rank"], "scenario_grants")
    first = frame[frame["scenario"] == scenarios[0]] if len(scenarios) else frame
    order = list(first.sort_values(["rank", "label"], kind="stable")["label"])
    order += [label for label in frame["label"].drop_duplicates() if label not in order]
    series = []
    for scenario in scenarios:
        rows = frame[frame["scenario"] == scenario].set_index("label")
        points: list[dict[str, Any] | None] = []
        for label in order:
            if label not in rows.index:
                points.append(None)
                continue
            grant = float(rows.loc[label, "grant"])
            rank = int(rows.loc[label, "rank"])
            points.append(
                {
                    "value": grant,
                    "heading": f"{label} · {scenario}",
                    "rows": [
                        [grant_label, format_number(grant, unit, locale, decimals=0)],
                        [rank_label, str(rank)],
                    ],
                }
            )
        series.append({"type": "bar", "name": scenario, "data": points, "barMaxWidth": 18})
    spec = _base(title)
    spec.update(
        {
            "legend": {"top": 36, "left": 8},
            "grid": {"left": 12, "right": 40, "top": 76, "bottom": 44, "containLabel": True},
            "tooltip": _tooltip("item"),
            "xAxis": _value_axis(unit, min=0),
            "yAxis": _label_axis([_short(str(label), 40) for label in order]),
            "series": series,
        }
    )
    return _clean(spec)

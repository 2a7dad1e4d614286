"""Shift-share decomposition of regional growth: classic, Esteban-Marquillas, dynamic."""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np
import pandas as pd

from polisee.analytics.panel import Panel
from polisee.errors import InputError

__all__ = ["ShiftShareMethod", "shift_share"]

ShiftShareMethod = Literal["classic", "esteban_marquillas", "dynamic"]
_METHODS = ("classic", "esteban_marquillas", "dynamic")


def _wide(panel: Panel, years: list[int]) -> pd.DataFrame:
    """Region x industry rows, one column per year (NaN where missing)."""
    for y in years:
        if y not in panel.years:
            raise InputError(f"year {y} is not in the panel (years {panel.years})", field="year")
    v = panel.values
    v = v[v.index.get_level_values("year").isin(years)]
    return v.unstack("year").reindex(columns=years)


def _reference_totals(
    wide: pd.DataFrame, reference: Panel | None, y0: int, y1: int
) -> tuple[pd.Series, pd.Series]:
    """Reference employment by industry at the two dates."""
    if reference is None:
        # only cells known at both dates, so that reference growth is like for like
        both = wide[[y0, y1]].dropna()
        grouped = both.groupby(level="industry").sum()
        return grouped[y0], grouped[y1]
    ref = _wide(reference, [y0, y1]).groupby(level="industry").sum(min_count=1)
    return ref[y0], ref[y1]


def _one_step(
    wide: pd.DataFrame, reference: Panel | None, y0: int, y1: int, method: str
) -> pd.DataFrame:
    x0 = wide[y0].to_numpy(dtype="float64")
    x1 = wide[y1].to_numpy(dtype="float64")
    n0, n1 = _reference_totals(wide, reference, y0, y1)
    industries = wide.index.get_level_values("industry")
    X0 = n0.reindex(industries).to_numpy(dtype="float64")
    X1 = n1.reindex(industries).to_numpy(dtype="float64")
    with np.errstate(all="ignore"):
        g_n = float(n1.sum() / n0.sum()) - 1.0
        g_i = X1 / X0 - 1.0
        national = np.where(x0 == 0, 0.0, x0 * g_n)
        mix = np.where(x0 == 0, 0.0, x0 * (g_i - g_n))
    change = x1 - x0
    competitive = change - national - mix  # residual: the identity holds to rounding
    out = {
        "value_start": x0,
        "value_end": x1,
        "change": change,
        "national": national,
        "industry_mix": mix,
        "competitive": competitive,
    }
    if method == "esteban_marquillas":
        regions = wide.index.get_level_values("region")
        reg0 = pd.Series(x0, index=wide.index).groupby(level="region").sum(min_count=1)
        r0 = reg0.reindex(regions).to_numpy(dtype="float64")
        with np.errstate(all="ignore"):
            homothetic = r0 * X0 / float(n0.sum())
            em_comp = np.where(x0 > 0, homothetic / x0 * competitive, 0.0)
        em_comp = np.where(np.isnan(competitive), np.nan, em_comp)
        out["competitive"] = em_comp
        out["allocation"] = competitive - em_comp
    return pd.DataFrame(out, index=wide.index)


def shift_share(
    panel: Panel,
    *,
    start: int,
    end: int,
    method: ShiftShareMethod = "classic",
    reference: Panel | None = None,
) -> pd.DataFrame:
    r"""Decompose each region-industry change between ``start`` and ``end``.

    Parameters
    ----------
    panel : Panel
        Employment by region, industry and year.
    start, end : int
        First and last year, ``start < end``.
    method : {"classic", "esteban_marquillas", "dynamic"}
        Classic (Dunn 1960) three-way split; Esteban-Marquillas (1972) with the
        competitive effect on homothetic employment plus an allocation effect;
        dynamic (Barff & Knight 1988): classic components year by year, summed.
    reference : Panel, optional
        Reference economy (e.g. the nation, or the EU); summed over its regions.
        By default the sum of the panel's regions, counting only cells known at
        both dates of each step.

    Returns
    -------
    pd.DataFrame
        Indexed ``(region, industry)`` with ``value_start``, ``value_end``,
        ``change``, ``national``, ``industry_mix``, ``competitive`` and, for
        Esteban-Marquillas, ``allocation``. Components sum to ``change``.

    Notes
    -----
    With :math:`g` the reference growth of all industries, :math:`g_i` of
    industry i and :math:`g_{ri}` of the cell:

    .. math:: \Delta x_{ri} = x_{ri} g + x_{ri}(g_i - g) + x_{ri}(g_{ri} - g_i)

    The competitive (regional) shift is computed as the residual, so the
    identity holds to floating-point rounding even when :math:`x_{ri}=0` at the
    start (then the whole change is competitive). Esteban-Marquillas splits
    the competitive shift with homothetic employment
    :math:`\hat x_{ri} = x_r x_i / x` (reference shares):
    competitive :math:`\hat x_{ri}(g_{ri}-g_i)`, allocation
    :math:`(x_{ri}-\hat x_{ri})(g_{ri}-g_i)`; for a cell empty at the start
    :math:`g_{ri}` is undefined and the whole shift is booked as allocation.
    Dynamic: the sum over consecutive panel years; a cell missing in any of
    them is NaN. REAT's ``shift`` reports the same components summed over
    industries ("National share", "Industrial mix", "Regional shift").

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["A", "A", "B", "B"] * 2,
    ...                    "industry": ["x", "y"] * 4,
    ...                    "year": [2000] * 4 + [2001] * 4,
    ...                    "value": [10., 10., 10., 10., 20., 10., 10., 20.]})
    >>> shift_share(Panel.from_frame(df), start=2000, end=2001)[
    ...     ["change", "national", "industry_mix", "competitive"]]
                     change  national  industry_mix  competitive
    region industry
    A      x           10.0       5.0           0.0          5.0
           y            0.0       5.0           0.0         -5.0
    B      x            0.0       5.0           0.0         -5.0
           y           10.0       5.0           0.0          5.0

    Reference grows 40 -> 60 (50 %), both industries 20 -> 30 (50 %): no mix.
    """
    if method not in _METHODS:
        raise InputError(f"expected method in {list(_METHODS)}, got {method!r}", field="method")
    if start >= end:
        raise InputError(f"expected start < end, got {start} and {end}", field="start")
    if method != "dynamic":
        return _one_step(_wide(panel, [start, end]), reference, start, end, method)
    years = [y for y in panel.years if start <= y <= end]
    wide = _wide(panel, years)
    if start not in years or end not in years:
        raise InputError(f"years {start} and {end} must be in the panel", field="year")
    steps = [_one_step(wide, reference, a, b, "classic") for a, b in itertools.pairwise(years)]
    parts = ["national", "industry_mix", "competitive"]
    summed = sum((s[parts] for s in steps[1:]), steps[0][parts])
    x0 = wide[start]
    x1 = wide[end]
    out = pd.DataFrame({"value_start": x0, "value_end": x1, "change": x1 - x0})
    return pd.concat([out, summed], axis=1)

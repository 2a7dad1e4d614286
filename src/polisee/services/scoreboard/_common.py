"""What the indicator modules share: empty results, the scope, growth, business-economy shares."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from polisee.services import evidence as ev
from polisee.services.scoreboard._data import division_matrix, growth_years, section_totals
from polisee.services.scoreboard._model import Context, IndicatorData

__all__ = [
    "SBS_SCOPE",
    "annual_growth",
    "empty",
    "in_scope",
    "share_of_business_economy",
    "start_year",
]

SBS_SCOPE = "business economy (NACE sections B-N without K)"


def empty(ctx: Context, year: str, reason: str) -> IndicatorData:
    return IndicatorData(
        pd.Series(np.nan, index=list(ctx.regions), dtype=float), year, reason=reason
    )


def in_scope(ctx: Context, values: pd.Series) -> pd.Series:
    return values.reindex(list(ctx.regions)).astype(float)


def annual_growth(start: pd.Series, end: pd.Series, years: int) -> pd.Series:
    """Average annual growth in % between two positive levels."""
    end = end.reindex(start.index)
    with np.errstate(all="ignore"):
        out = ((end / start) ** (1.0 / years) - 1.0) * 100.0
    return out.where((start > 0) & (end > 0))


def start_year(ctx: Context) -> int:
    return growth_years(ctx)[0]


def share_of_business_economy(
    ctx: Context, members: Sequence[str], what: str
) -> tuple[pd.Series, dict[str, ev.Reading]]:
    """100 x employment in ``members`` (known cells) / business-economy employment, and a
    lower-bound note for regions where some member cells are confidential."""
    matrix = division_matrix(ctx, ctx.year)
    columns = [m for m in members if m in matrix.columns]
    part = matrix[columns]
    numerator = part.sum(axis=1, min_count=1).fillna(0.0)
    total = section_totals(ctx, ctx.year).reindex(matrix.index)
    total = total.where(total > 0, matrix.sum(axis=1, min_count=1))
    with np.errstate(all="ignore"):
        share = 100.0 * numerator / total
    hidden = part.isna().sum(axis=1)
    notes = {
        str(region): ev.Reading(
            "Lower bound: {count} of the {total} industries counted ({what}) are confidential "
            "in this region.",
            {"count": str(int(n)), "total": str(len(columns)), "what": what},
        )
        for region, n in hidden.items()
        if n > 0
    }
    return in_scope(ctx, share), notes

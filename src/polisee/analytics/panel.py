"""The one in-memory shape for analytics: a validated region x industry x year panel."""

from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from polisee.errors import InputError

__all__ = ["INDEX_NAMES", "Panel"]

INDEX_NAMES = ("region", "industry", "year")


@dataclass(frozen=True)
class Panel:
    """A long frame indexed by ``(region, industry, year)`` with one ``value`` column.

    Build it with :meth:`Panel.from_frame`, which validates once; every analytics
    function then trusts it. Missing cells (confidential, not published) are NaN,
    never zero. An optional ``flag`` column keeps Eurostat's observation flags.

    Examples
    --------
    >>> df = pd.DataFrame({"geo": ["A", "A", "B"], "nace": ["x", "y", "x"],
    ...                    "year": [2014, 2014, 2014], "emp": [1.0, 3.0, 2.0]})
    >>> panel = Panel.from_frame(df, region="geo", industry="nace", year="year", value="emp")
    >>> panel.to_matrix(2014)
    industry    x    y
    region
    A         1.0  3.0
    B         2.0  NaN
    """

    data: pd.DataFrame
    measure: str = "value"
    unit: str = ""
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        region: str = "region",
        industry: str = "industry",
        year: str = "year",
        value: str = "value",
        flag: str | None = None,
        measure: str | None = None,
        unit: str = "",
        allow_negative: bool = False,
    ) -> Panel:
        """Validate ``df`` and return a Panel.

        Raises
        ------
        InputError
            When a column is missing, a year is not an integer, a value is not
            numeric, a value is negative (unless ``allow_negative``) or a
            ``(region, industry, year)`` key occurs twice. The message names the
            column and the offending key.
        """
        columns = {"region": region, "industry": industry, "year": year, "value": value}
        if flag is not None:
            columns["flag"] = flag
        missing = [c for c in columns.values() if c not in df.columns]
        if missing:
            raise InputError(
                f"expected columns {sorted(columns.values())}, missing {missing}",
                field=missing[0],
            )
        out = pd.DataFrame(
            {
                "region": df[region].astype(str).to_numpy(),
                "industry": df[industry].astype(str).to_numpy(),
            }
        )
        years = pd.to_numeric(df[year], errors="coerce")
        bad_year = years.isna() | (years != np.floor(years))
        if bool(bad_year.any()):
            pos = int(np.flatnonzero(bad_year.to_numpy())[0])
            raise InputError(
                f"expected an integer year in '{year}', got {df[year].iloc[pos]!r} "
                f"at region {out['region'].iloc[pos]}, industry {out['industry'].iloc[pos]}",
                field=year,
            )
        out["year"] = years.astype("int64").to_numpy()
        values = pd.to_numeric(df[value], errors="coerce").astype("float64")
        bad_value = values.isna() & df[value].notna()
        if bool(bad_value.any()):
            pos = int(np.flatnonzero(bad_value.to_numpy())[0])
            raise InputError(
                f"expected a number in '{value}', got {df[value].iloc[pos]!r} at "
                f"{_where(out, pos)}",
                field=value,
            )
        values_np = values.to_numpy()
        if np.isinf(values_np).any():
            pos = int(np.flatnonzero(np.isinf(values_np))[0])
            raise InputError(
                f"expected a finite number in '{value}', got {values_np[pos]} at {_where(out, pos)}",
                field=value,
            )
        if not allow_negative and (values_np < 0).any():
            pos = int(np.flatnonzero(values_np < 0)[0])
            raise InputError(
                f"expected non-negative values in '{value}', got {values_np[pos]:g} at "
                f"{_where(out, pos)}",
                field=value,
            )
        out["value"] = values_np
        if flag is not None:
            out["flag"] = df[flag].fillna("").astype(str).to_numpy()
        dup = out.duplicated(["region", "industry", "year"])
        if bool(dup.any()):
            pos = int(np.flatnonzero(dup.to_numpy())[0])
            raise InputError(f"duplicate key at {_where(out, pos)}", field=region)
        out = out.set_index(list(INDEX_NAMES)).sort_index()
        return cls(out, measure=measure or value, unit=unit)

    # -- labels ---------------------------------------------------------------
    @property
    def values(self) -> pd.Series:
        """The ``value`` column, indexed by ``(region, industry, year)``."""
        return self.data["value"]

    @property
    def regions(self) -> pd.Index:
        return self.data.index.get_level_values("region").unique().sort_values()

    @property
    def industries(self) -> pd.Index:
        return self.data.index.get_level_values("industry").unique().sort_values()

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.data.index.get_level_values("year").unique())

    def __len__(self) -> int:
        return len(self.data)

    # -- views ------------------------------------------------------------------
    def to_matrix(self, year: int | None = None) -> pd.DataFrame:
        """Region x industry matrix for one year (NaN where a cell is missing).

        ``year`` may be omitted when the panel holds a single year.
        """
        if year is None:
            years = self.years
            if len(years) != 1:
                raise InputError(f"expected a year, the panel holds {years}", field="year")
            year = years[0]
        if year not in self.years:
            raise InputError(f"year {year} is not in the panel (years {self.years})", field="year")
        one = self.values.xs(year, level="year")
        return one.unstack("industry").sort_index(axis=0).sort_index(axis=1)

    def select(
        self,
        *,
        regions: Collection[Hashable] | None = None,
        industries: Collection[Hashable] | None = None,
        years: Collection[int] | None = None,
    ) -> Panel:
        """A new Panel restricted to the given labels (``None`` keeps all)."""
        idx = self.data.index
        mask = np.ones(len(idx), dtype=bool)
        if regions is not None:
            mask &= idx.get_level_values("region").isin(list(regions))
        if industries is not None:
            mask &= idx.get_level_values("industry").isin(list(industries))
        if years is not None:
            mask &= idx.get_level_values("year").isin(list(years))
        return Panel(self.data[mask], measure=self.measure, unit=self.unit, meta=dict(self.meta))


def _where(frame: pd.DataFrame, pos: int) -> str:
    return (
        f"region {frame['region'].iloc[pos]}, industry {frame['industry'].iloc[pos]}, "
        f"year {frame['year'].iloc[pos] if 'year' in frame else '?'}"
    )

"""Industry aggregations kept as data: WIOD's 56 industries and Eurostat's technology groups.

Both tables map NACE Rev. 2 divisions (Eurostat notation, ``C10``) to a group and live in
``sources/data/`` as plain CSV files, so that they can be read, reviewed and cited without
reading code:

- ``wiod56_nace_r2.csv``: every NACE Rev. 2 division -> the WIOD / JRC industry (56 codes
  such as ``C10-C12``, ``C31_C32``, ``R_S``) whose CO2 emissions include it.
- ``eurostat_htec_nace_r2.csv``: Eurostat's high-tech and knowledge-intensive aggregations
  of NACE Rev. 2 at division level (``HTC``, ``C_HTC``, ``C_HTC_M``, ``KIS``, ``KIS_HTC``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from polisee.errors import InputError

__all__ = [
    "DATA_DIR",
    "technology_aggregates",
    "technology_members",
    "wiod_industries",
    "wiod_members",
]

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def _read(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    path = DATA_DIR / name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in columns:
        if column not in frame.columns:
            raise InputError(
                f"expected a column {column!r}, got {list(frame.columns)}", path=path, field=column
            )
    return frame


def wiod_industries() -> pd.DataFrame:
    """NACE Rev. 2 divisions and their WIOD industry: ``nace_division, wiod_code, wiod_label``.

    One row per division (88); a copy, so callers may change it.

    Examples
    --------
    >>> table = wiod_industries().set_index("nace_division")
    >>> table.loc[["C11", "C19", "R93"], "wiod_code"].tolist()
    ['C10-C12', 'C19', 'R_S']
    """
    return _read("wiod56_nace_r2.csv", ("nace_division", "wiod_code", "wiod_label")).copy()


def wiod_members() -> dict[str, list[str]]:
    """WIOD industry -> its NACE divisions, in classification order.

    >>> wiod_members()["C10-C12"]
    ['C10', 'C11', 'C12']
    """
    table = wiod_industries()
    return {
        str(code): list(group["nace_division"])
        for code, group in table.groupby("wiod_code", sort=False)
    }


def technology_aggregates() -> pd.DataFrame:
    """Eurostat's technology aggregations: ``aggregate, label, nace_division`` (one row per member).

    Examples
    --------
    >>> sorted(technology_aggregates()["aggregate"].unique())
    ['C_HTC', 'C_HTC_M', 'HTC', 'KIS', 'KIS_HTC']
    """
    return _read("eurostat_htec_nace_r2.csv", ("aggregate", "label", "nace_division")).copy()


def technology_members(aggregate: str) -> list[str]:
    """The NACE divisions of one Eurostat aggregate.

    >>> technology_members("C_HTC")
    ['C21', 'C26']
    """
    table = technology_aggregates()
    members = table.loc[table["aggregate"] == aggregate, "nace_division"].tolist()
    if not members:
        known = ", ".join(sorted(table["aggregate"].unique()))
        raise InputError(
            f"expected an aggregate among {known}, got {aggregate!r}", field="aggregate"
        )
    return [str(m) for m in members]

"""Firm records -> region x industry x year panels, on DuckDB (default) or Apache Spark.

One specification (:class:`FirmAggregation`) and two executors that return the same frame:
per cell ``firms`` (row count), and per magnitude ``<m>_sum``, ``<m>_max`` (the largest
single firm, for the dominance rule) and ``<m>_n`` (firms reporting it). Sums and maxima
are taken over ``DECIMAL(38, 6)`` in both engines, so they are exact and do not depend on
the order in which the rows are added up: the engines agree to the last bit.

:func:`apply_confidentiality` then turns the cells into the published long frame; it is
plain pandas on the (small) aggregate, shared by both executors.

The input is canonical firm records (:data:`polisee.sources.firms.FIRM_SCHEMA`) as a
Parquet path (a local file for DuckDB; for Spark also any URI its Hadoop file system
reads, ``hdfs://...``, ``s3a://...``) or, for DuckDB, an Arrow table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from polisee.errors import InputError

__all__ = [
    "CELL_COLUMNS",
    "FIRM_MEASURES",
    "FIRM_MEASURE_CODES",
    "NACE_PREFIX",
    "Engine",
    "FirmAggregation",
    "aggregate_cells",
    "aggregate_firms",
    "apply_confidentiality",
    "check_cells",
    "duckdb_cells",
    "normalise_cells",
]

Engine = Literal["duckdb", "spark"]

FIRM_MEASURES = ("employees", "turnover", "exports", "rd")
"""Magnitude columns of the canonical firm records (``polisee.sources.firms.FIRM_SCHEMA``;
a test checks that both layers name the same ones)."""

NACE_PREFIX = {"section": 1, "division": 3, "group": 4, "class": 5}
"""Characters of a Eurostat-notation class (``C1011``) that name its ancestor at each level:
``C``, ``C10``, ``C101``, ``C1011`` (the notation nests, so a prefix is the parent)."""

FIRM_MEASURE_CODES = {
    "firms": "FIRM_COUNT",
    "employees": "FIRM_EMPLOYEES",
    "turnover": "FIRM_TURNOVER",
    "exports": "FIRM_EXPORTS",
    "rd": "FIRM_RD",
}
"""Measure codes of the published panel in the statistics store."""

CELL_COLUMNS = (
    "region",
    "industry",
    "year",
    "firms",
    "shortest_region",
    *(f"{m}_{stat}" for m in FIRM_MEASURES for stat in ("sum", "max", "n")),
)


@dataclass(frozen=True)
class FirmAggregation:
    """What to aggregate to and which cells to suppress.

    Parameters
    ----------
    region_level
        NUTS level of the output regions (0 country ... 3); every input code must be at
        this level or finer.
    nace_level
        ``section``, ``division``, ``group`` or ``class``.
    min_firms
        A magnitude with fewer reporting firms in a cell is suppressed.
    dominance
        A magnitude whose largest firm holds more than this share of the cell total is
        suppressed (0 < dominance <= 1; 1 switches the rule off).
    """

    region_level: int = 2
    nace_level: str = "division"
    min_firms: int = 3
    dominance: float = 0.85

    def __post_init__(self) -> None:
        if self.region_level not in (0, 1, 2, 3):
            raise InputError(
                f"expected a NUTS level 0 to 3, got {self.region_level}", field="level"
            )
        if self.nace_level not in NACE_PREFIX:
            raise InputError(
                f"expected a NACE level among {', '.join(NACE_PREFIX)}, got {self.nace_level!r}",
                field="nace",
            )
        if self.min_firms < 1:
            raise InputError(f"expected at least 1 firm, got {self.min_firms}", field="min_firms")
        if not 0 < self.dominance <= 1:
            raise InputError(f"expected a share in (0, 1], got {self.dominance}", field="dominance")

    @property
    def region_chars(self) -> int:
        """Characters of a NUTS code at :attr:`region_level`."""
        return 2 + self.region_level

    @property
    def nace_chars(self) -> int:
        """Characters of a Eurostat NACE code at :attr:`nace_level`."""
        return NACE_PREFIX[self.nace_level]


def _duckdb_sql(spec: FirmAggregation, source: str) -> str:
    stats = []
    for m in FIRM_MEASURES:
        exact = f"CAST({m} AS DECIMAL(38, 6))"
        stats += [f"sum({exact}) AS {m}_sum", f"max({exact}) AS {m}_max", f"count({m}) AS {m}_n"]
    return (
        f"SELECT substr(region, 1, {spec.region_chars}) AS region, "
        f"substr(nace, 1, {spec.nace_chars}) AS industry, year, count(*) AS firms, "
        f"min(length(region)) AS shortest_region, {', '.join(stats)} "
        f"FROM {source} GROUP BY 1, 2, 3"
    )


def duckdb_cells(
    source: str | Path | pa.Table,
    spec: FirmAggregation,
    *,
    check_keys: bool = True,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> pd.DataFrame:
    """The cells of ``spec`` computed by DuckDB (in memory, spilling to a temp dir if need be)."""
    con = duckdb.connect()
    try:
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        relation = "firm_records"
        if isinstance(source, pa.Table):
            con.register(relation, source)
        else:
            con.register(relation, con.read_parquet(str(source)))
        if check_keys:
            _refuse_duplicate(_duplicate_keys(con, relation), source)
        table = con.sql(_duckdb_sql(spec, relation)).to_arrow_table()
    except duckdb.Error as exc:
        raise InputError(f"cannot aggregate the firm records: {exc}", path=_name(source)) from exc
    finally:
        con.close()
    return normalise_cells(table)


def _duplicate_keys(con: duckdb.DuckDBPyConnection, relation: str) -> list[Any]:
    """The first (firm_id, year) held twice, if any.

    Keys are grouped by a 64-bit hash first (8 bytes per key instead of the strings: a
    quarter of the memory and time on 50 M rows); only rows of a repeated hash are then
    compared by their real key, so a hash collision is never reported as a duplicate.
    """
    repeated = con.execute(
        f"SELECT hash(firm_id, year) AS h FROM {relation} GROUP BY h HAVING count(*) > 1"
    ).fetchall()
    if not repeated:
        return []
    hashes = [row[0] for row in repeated]
    return con.execute(
        f"SELECT firm_id, year FROM {relation} WHERE list_contains(?, hash(firm_id, year)) "
        "GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 1",
        [hashes],
    ).fetchall()


def _name(source: object) -> str | None:
    return None if isinstance(source, pa.Table) else str(source)


def _refuse_duplicate(dup: list[Any], source: object) -> None:
    if dup:
        firm, year = dup[0][0], dup[0][1]
        raise InputError(
            f"firm {firm} has more than one row for {year}: expected one row per firm and year",
            path=_name(source),
            field="firm_id",
        )


def normalise_cells(table: pa.Table) -> pd.DataFrame:
    """Engine output -> the cells frame with fixed dtypes and order (region, industry, year)."""
    columns: dict[str, Any] = {}
    for name in CELL_COLUMNS:
        column = table.column(name)
        if name in ("region", "industry"):
            columns[name] = np.asarray(column.to_pylist(), dtype=object)
        elif name.endswith(("_sum", "_max")):
            columns[name] = column.cast(pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        else:
            columns[name] = column.cast(pa.int64()).to_numpy(zero_copy_only=False)
    frame = pd.DataFrame(columns)
    return frame.sort_values(["region", "industry", "year"], kind="stable").reset_index(drop=True)


def check_cells(cells: pd.DataFrame, spec: FirmAggregation) -> None:
    """Refuse input whose region codes are coarser than the requested level."""
    short = cells[cells["shortest_region"] < spec.region_chars]
    if len(short):
        row = short.iloc[0]
        raise InputError(
            f"region {row['region']} (industry {row['industry']}, {row['year']}) is at NUTS "
            f"level {int(row['shortest_region']) - 2}: level {spec.region_level} needs codes of "
            f"level {spec.region_level} or finer",
            field="region",
        )


def aggregate_cells(
    source: str | Path | pa.Table,
    spec: FirmAggregation,
    *,
    engine: Engine = "duckdb",
    spark: Any = None,
    check_keys: bool = True,
) -> pd.DataFrame:
    """The cells of ``spec`` from either engine (same frame, same dtypes, same order).

    ``spark`` is a ``SparkSession`` for ``engine="spark"`` (see
    :func:`polisee.statsdb.spark.spark_session`); the source must then be a path.
    """
    if engine == "duckdb":
        cells = duckdb_cells(source, spec, check_keys=check_keys)
    elif engine == "spark":
        from polisee.statsdb.spark import spark_cells

        if isinstance(source, pa.Table):
            raise InputError("the Spark engine reads Parquet paths, not in-memory tables")
        cells = spark_cells(str(source), spec, session=spark, check_keys=check_keys)
    else:
        raise InputError(f"expected engine duckdb or spark, got {engine!r}", field="engine")
    check_cells(cells, spec)
    return cells


def apply_confidentiality(cells: pd.DataFrame, spec: FirmAggregation) -> pd.DataFrame:
    """The published long frame: ``measure, region, industry, year, value, flag``.

    ``FIRM_COUNT`` is every firm of the cell and is always published. Each magnitude is
    the sum over the firms reporting it; it is suppressed (NaN, flag ``c``) when fewer
    than ``min_firms`` firms report it or the largest one holds more than ``dominance``
    of the total. A published sum over fewer firms than the cell has is flagged ``i``
    (partial: see the dataset's notes). No secondary suppression is applied.

    Examples
    --------
    Two firms (8 and 2 employees) in a cell: with min_firms=2 the share of the largest is
    8 / 10 = 0.8, above 0.75, so employment is suppressed; the firm count stays.

    >>> cells = pd.DataFrame({"region": ["HU21"], "industry": ["C10"], "year": [2020],
    ...     "firms": [2], "shortest_region": [5], "employees_sum": [10.0],
    ...     "employees_max": [8.0], "employees_n": [2], "turnover_sum": [float("nan")],
    ...     "turnover_max": [float("nan")], "turnover_n": [0], "exports_sum": [float("nan")],
    ...     "exports_max": [float("nan")], "exports_n": [0], "rd_sum": [float("nan")],
    ...     "rd_max": [float("nan")], "rd_n": [0]})
    >>> out = apply_confidentiality(cells, FirmAggregation(min_firms=2, dominance=0.75))
    >>> out[["measure", "value", "flag"]].to_string(index=False)
    '       measure  value flag\\n    FIRM_COUNT    2.0     \\nFIRM_EMPLOYEES    NaN    c'
    """
    keys = cells[["region", "industry", "year"]]
    parts = [
        keys.assign(
            measure=FIRM_MEASURE_CODES["firms"], value=cells["firms"].astype("float64"), flag=""
        )
    ]
    for m in FIRM_MEASURES:
        total = cells[f"{m}_sum"].to_numpy(dtype="float64")
        largest = cells[f"{m}_max"].to_numpy(dtype="float64")
        reporting = cells[f"{m}_n"].to_numpy(dtype="int64")
        present = reporting > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total > 0, largest / total, 0.0)
        secret = present & ((reporting < spec.min_firms) | (share > spec.dominance))
        flag = np.where(
            secret, "c", np.where(present & (reporting < cells["firms"].to_numpy()), "i", "")
        )
        value = np.where(present & ~secret, total, np.nan)
        part = keys.assign(measure=FIRM_MEASURE_CODES[m], value=value, flag=flag)
        # A measure nobody reported in a cell is absent, not a cell of its own.
        parts.append(part[present])
    out = pd.concat(parts, ignore_index=True)
    out = out[["measure", "region", "industry", "year", "value", "flag"]]
    out = out.astype({"measure": object, "flag": object, "value": "float64", "year": "int64"})
    return out.sort_values(["measure", "region", "industry", "year"], kind="stable").reset_index(
        drop=True
    )


def aggregate_firms(
    source: str | Path | pa.Table,
    spec: FirmAggregation,
    *,
    engine: Engine = "duckdb",
    spark: Any = None,
    check_keys: bool = True,
) -> pd.DataFrame:
    """Cells of ``spec`` on ``engine`` with the confidentiality rules applied (long frame)."""
    cells = aggregate_cells(source, spec, engine=engine, spark=spark, check_keys=check_keys)
    return apply_confidentiality(cells, spec)

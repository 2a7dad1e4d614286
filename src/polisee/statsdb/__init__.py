"""The DuckDB statistics store: schema, all-or-nothing loads, named queries returning Panels."""

from polisee.statsdb.store import FACT_COLUMNS, INDUSTRY_LEVELS, StatsStore

__all__ = ["FACT_COLUMNS", "INDUSTRY_LEVELS", "StatsStore"]

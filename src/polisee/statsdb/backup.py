"""Consistent exports of the DuckDB statistics store and their import into a new file.

An export runs ``EXPORT DATABASE`` inside one read transaction: a snapshot, even while
another connection of the same process writes. A store file owned by no connection of
this process is opened read-only, which shares DuckDB's file lock with the web server's
readers and waits for no one (a running load holds the write lock: the export then fails
with a clear message instead of copying half a load).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from polisee.errors import Conflict, InputError
from polisee.statsdb.store import StatsStore

__all__ = ["STORE_TABLES", "export_store", "import_store", "replace_store", "table_counts"]

STORE_TABLES = (
    "meta",
    "datasets",
    "facts",
    "facts_unharmonised",
    "regions",
    "industries",
    "cluster_industries",
    "loads",
)


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per store table, as seen by ``con``'s current transaction."""
    counts = {}
    for table in STORE_TABLES:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def _export(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    con.execute("BEGIN TRANSACTION")
    try:
        counts = table_counts(con)
        con.execute(f"EXPORT DATABASE '{_quoted(target)}' (FORMAT PARQUET, COMPRESSION ZSTD)")
    finally:
        con.execute("ROLLBACK")
    return counts


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def export_store(source: StatsStore | Path, target: Path) -> dict[str, int]:
    """Export a snapshot of the store into the new directory ``target``; rows per table.

    ``source`` is an open store of this process (its connection keeps writing meanwhile)
    or the path of a store file.
    """
    if isinstance(source, StatsStore):
        cursor = source.con.cursor()
        try:
            return _export(cursor, target)
        finally:
            cursor.close()
    try:
        con = duckdb.connect(str(source), read_only=True)
    except duckdb.IOException as exc:
        raise Conflict(
            f"the statistics store {source} is being written (a load is running); "
            f"try again when it has finished: {exc}"
        ) from exc
    try:
        return _export(con, target)
    finally:
        con.close()


def import_store(source: Path, target: Path, *, expected: dict[str, int]) -> Path:
    """Build a store file beside ``target`` from the export ``source``; returns its path.

    The rows of every table must equal ``expected`` (the export's counts), else nothing
    is kept. :func:`replace_store` then puts the file in place of ``target``.
    """
    staging = target.with_name(target.name + ".restoring")
    for leftover in (staging, Path(f"{staging}.wal")):
        leftover.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(staging))
    try:
        con.execute(f"IMPORT DATABASE '{_quoted(source)}'")
        counts = table_counts(con)
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        con.close()
        staging.unlink(missing_ok=True)
        raise InputError(f"the statistics export cannot be imported: {exc}", path=source) from exc
    con.close()
    if counts != expected:
        staging.unlink(missing_ok=True)
        raise InputError(
            f"the imported statistics have {counts} rows, the backup recorded {expected}",
            path=source,
        )
    return staging


def replace_store(staged: Path, target: Path) -> None:
    """Put the imported file ``staged`` in place of the store ``target`` (atomic rename)."""
    Path(f"{target}.wal").unlink(missing_ok=True)
    os.replace(staged, target)

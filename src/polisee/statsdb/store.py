"""The DuckDB statistics store.

Writes happen inside :meth:`StatsStore.transaction`, which the caller opens:
a failure anywhere inside leaves the store exactly as it was. Reads return
pandas frames or analytics :class:`~polisee.analytics.Panel` objects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from polisee.analytics import Panel
from polisee.errors import Conflict, InputError, NotFound
from polisee.statsdb.schema import SCHEMA_VERSION, STATEMENTS

__all__ = ["FACT_COLUMNS", "INDUSTRY_LEVELS", "StatsStore"]

FACT_COLUMNS = ("dataset", "measure", "region", "industry", "year", "value", "flag")
INDUSTRY_LEVELS = {"section": 1, "division": 2, "group": 3, "class": 4}


class StatsStore:
    """A DuckDB file (or an in-memory database when ``path`` is None).

    Examples
    --------
    >>> store = StatsStore(None)
    >>> store.datasets().empty
    True
    >>> store.close()
    """

    def __init__(self, path: str | Path | None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        if self.path is not None and not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if read_only and (self.path is None or not self.path.exists()):
            raise NotFound(
                f"no statistics store at {self.path}; load data first (polisee data load)"
            )
        target = str(self.path) if self.path is not None else ":memory:"
        self.con = duckdb.connect(target, read_only=read_only)
        self._in_transaction = False
        if not read_only:
            self._create_schema()

    # -- lifecycle -------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> StatsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _create_schema(self) -> None:
        for statement in STATEMENTS:
            self.con.execute(statement)
        self.con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )

    @contextmanager
    def transaction(self) -> Iterator[StatsStore]:
        """All-or-nothing: commit when the block ends, roll back if it raises."""
        if self._in_transaction:
            raise Conflict("a statistics-store transaction is already open")
        self.con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._in_transaction = False

    def _require_transaction(self) -> None:
        if not self._in_transaction:
            raise Conflict("writes to the statistics store need an open transaction")

    # -- writes ---------------------------------------------------------------------
    def replace_facts(self, dataset: str, frame: pd.DataFrame, *, validated: bool = False) -> int:
        """Replace every fact of ``dataset`` with ``frame`` (canonical columns); return rows.

        The ``dataset`` column of ``frame`` is ignored: every row is stored under
        ``dataset``. The key ``(measure, region, industry, year)`` is checked to be unique
        unless ``validated`` is True (the caller guarantees it, as the readers do).
        """
        self._require_transaction()
        missing = [c for c in FACT_COLUMNS if c not in frame.columns]
        if missing:
            raise InputError(f"canonical frame lacks columns {missing}", field=missing[0])
        # An Arrow table over the frame's columns (no copy for Arrow-backed strings and
        # numeric columns) instead of a copied frame; the dataset name is a constant.
        facts = pa.Table.from_pandas(
            frame.loc[:, [c for c in FACT_COLUMNS if c != "dataset"]], preserve_index=False
        )
        self.con.register("_incoming_facts", facts)
        try:
            if not validated:
                self._check_fact_keys()
            self.con.execute("DELETE FROM facts WHERE dataset = ?", [dataset])
            self.con.execute(
                "INSERT INTO facts SELECT ?, measure, region, industry, "
                "CAST(year AS INTEGER), CAST(value AS DOUBLE), coalesce(flag, '') "
                "FROM _incoming_facts",
                [dataset],
            )
        finally:
            self.con.unregister("_incoming_facts")
        return int(facts.num_rows)

    def _check_fact_keys(self) -> None:
        dup = self.con.execute(
            "SELECT measure, region, industry, year FROM _incoming_facts "
            "GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 1"
        ).fetchall()
        if dup:
            where = ", ".join(
                f"{k} {v}"
                for k, v in zip(("measure", "region", "industry", "year"), dup[0], strict=True)
            )
            raise InputError(f"duplicate fact {where}", field="region")

    def replace_unharmonised(self, dataset: str, frame: pd.DataFrame) -> int:
        """Keep the rows that could not be harmonised, under their own codes, apart from facts.

        ``frame`` has the canonical columns plus ``reason``.
        """
        self._require_transaction()
        rows = frame.loc[:, [*FACT_COLUMNS, "reason"]].copy()
        rows["dataset"] = dataset
        self.con.execute("DELETE FROM facts_unharmonised WHERE dataset = ?", [dataset])
        self.con.register("_incoming_unharmonised", rows)
        try:
            self.con.execute(
                "INSERT INTO facts_unharmonised SELECT dataset, measure, region, industry, "
                "CAST(year AS INTEGER), CAST(value AS DOUBLE), coalesce(flag, ''), reason "
                "FROM _incoming_unharmonised"
            )
        finally:
            self.con.unregister("_incoming_unharmonised")
        return len(rows)

    def unharmonised(self, dataset: str) -> pd.DataFrame:
        """Rows of ``dataset`` kept under codes that could not be harmonised, with the reason."""
        return self.con.execute(
            "SELECT measure, region, industry, year, value, flag, reason FROM facts_unharmonised "
            "WHERE dataset = ? ORDER BY measure, region, industry, year",
            [dataset],
        ).df()

    def upsert_dataset(
        self,
        dataset: str,
        *,
        source: str,
        sha256: str,
        summary: Mapping[str, Any],
        title: str = "",
        nuts_version: int | None = None,
    ) -> int:
        """Record (or update) a dataset's metadata; returns its new version number."""
        self._require_transaction()
        now = datetime.now(UTC).replace(tzinfo=None)
        row = self.con.execute(
            "SELECT version FROM datasets WHERE dataset = ?", [dataset]
        ).fetchall()
        version = 1 if not row else int(row[0][0]) + 1
        self.con.execute("DELETE FROM datasets WHERE dataset = ?", [dataset])
        self.con.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [dataset, title, source, sha256, nuts_version, now, version, json.dumps(summary)],
        )
        load_id = self.con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()
        self.con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?)",
            [int(load_id[0][0]), dataset, source, sha256, now, json.dumps(summary)],
        )
        return version

    def replace_regions(self, frame: pd.DataFrame) -> int:
        """Insert or replace region rows (code, level, parent, country, name, name_latin, ...)."""
        self._require_transaction()
        cols = [
            "code",
            "level",
            "parent",
            "country",
            "name",
            "name_latin",
            "nuts_version",
            "extra_regio",
        ]
        regions = frame.reindex(columns=cols).copy()
        for text in ("parent", "name", "name_latin"):
            regions[text] = _text(regions[text])
        regions["extra_regio"] = regions["extra_regio"].astype(object).fillna(False).astype(bool)
        self.con.register("_incoming_regions", regions)
        try:
            self.con.execute(
                "DELETE FROM regions WHERE code IN (SELECT code FROM _incoming_regions)"
            )
            self.con.execute("INSERT INTO regions SELECT * FROM _incoming_regions")
        finally:
            self.con.unregister("_incoming_regions")
        return len(regions)

    def replace_industries(self, frame: pd.DataFrame) -> int:
        """Insert or replace industry rows (code, level, parent, section, title, classification)."""
        self._require_transaction()
        cols = ["code", "level", "parent", "section", "title", "classification"]
        industries = frame.reindex(columns=cols).copy()
        for text in ("parent", "section", "title"):
            industries[text] = _text(industries[text])
        industries["classification"] = _text(industries["classification"], "NACE Rev. 2")
        self.con.register("_incoming_industries", industries)
        try:
            self.con.execute(
                "DELETE FROM industries WHERE code IN (SELECT code FROM _incoming_industries)"
            )
            self.con.execute("INSERT INTO industries SELECT * FROM _incoming_industries")
        finally:
            self.con.unregister("_incoming_industries")
        return len(industries)

    def replace_cluster_definition(self, definition: str, frame: pd.DataFrame) -> int:
        """Replace the industries of every cluster of a named definition."""
        self._require_transaction()
        cols = ["cluster_code", "cluster", "traded", "industry", "weight"]
        rows = frame.reindex(columns=cols).copy()
        rows.insert(0, "definition", definition)
        rows["cluster_code"] = rows["cluster_code"].astype(str)
        rows["weight"] = rows["weight"].fillna(1.0).astype(float)
        self.con.execute("DELETE FROM cluster_industries WHERE definition = ?", [definition])
        self.con.register("_incoming_clusters", rows)
        try:
            self.con.execute("INSERT INTO cluster_industries SELECT * FROM _incoming_clusters")
        finally:
            self.con.unregister("_incoming_clusters")
        return len(rows)

    # -- reads ------------------------------------------------------------------------
    def datasets(self) -> pd.DataFrame:
        """One row per loaded dataset with its fact counts."""
        return self.con.execute(
            """
            SELECT d.dataset, d.title, d.source, d.nuts_version, d.loaded_at, d.version,
                   coalesce(f.rows, 0) AS rows, coalesce(f.values_present, 0) AS values_present,
                   f.first_year, f.last_year, coalesce(f.measures, 0) AS measures
            FROM datasets d LEFT JOIN (
                SELECT dataset, count(*) AS rows, count(value) AS values_present,
                       min(year) AS first_year, max(year) AS last_year,
                       count(DISTINCT measure) AS measures
                FROM facts GROUP BY dataset) f USING (dataset)
            ORDER BY d.dataset
            """
        ).df()

    def dataset(self, name: str) -> dict[str, Any]:
        """Metadata and load summary of one dataset."""
        rows = self.con.execute(
            "SELECT dataset, title, source, sha256, nuts_version, loaded_at, version, summary "
            "FROM datasets WHERE dataset = ?",
            [name],
        ).fetchall()
        if not rows:
            known = ", ".join(self.datasets()["dataset"]) or "none"
            raise NotFound(f"dataset {name!r} is not loaded (loaded: {known})")
        row = rows[0]
        keys = ["dataset", "title", "source", "sha256", "nuts_version", "loaded_at", "version"]
        out = dict(zip(keys, row[:7], strict=True))
        out["summary"] = json.loads(row[7]) if row[7] else {}
        return out

    def data_version(self) -> str:
        """A short token that changes whenever any dataset is (re)loaded: a cache key."""
        rows = self.con.execute("SELECT dataset, version FROM datasets ORDER BY dataset").fetchall()
        return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]

    def measures(self, dataset: str | None = None) -> pd.DataFrame:
        """Measures with their dataset, fact count and year range."""
        where, params = ("WHERE dataset = ?", [dataset]) if dataset else ("", [])
        return self.con.execute(
            f"SELECT dataset, measure, count(*) AS rows, count(value) AS values_present, "
            f"min(year) AS first_year, max(year) AS last_year FROM facts {where} "
            f"GROUP BY dataset, measure ORDER BY dataset, measure",
            params,
        ).df()

    def regions(self, *, level: int | None = None, country: str | None = None) -> pd.DataFrame:
        """The region dimension (extra-regio codes included, flagged)."""
        clauses: list[str] = []
        params: list[Any] = []
        if level is not None:
            clauses.append("level = ?")
            params.append(level)
        if country is not None:
            clauses.append("country = ?")
            params.append(country)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self.con.execute(f"SELECT * FROM regions {where} ORDER BY code", params).df()

    def industries(self, *, level: int | None = None) -> pd.DataFrame:
        """The industry dimension."""
        if level is None:
            return self.con.execute("SELECT * FROM industries ORDER BY code").df()
        return self.con.execute(
            "SELECT * FROM industries WHERE level = ? ORDER BY code", [level]
        ).df()

    def cluster_definition(self, definition: str) -> pd.DataFrame:
        """Clusters of a named definition as ``cluster_code, cluster, traded, industry, weight``."""
        frame = self.con.execute(
            "SELECT cluster_code, cluster, traded, industry, weight FROM cluster_industries "
            "WHERE definition = ? ORDER BY cluster_code, industry",
            [definition],
        ).df()
        if frame.empty:
            raise NotFound(f"cluster definition {definition!r} is not loaded")
        return frame

    def resolve_dataset(self, measure: str, dataset: str | None = None) -> str:
        """The dataset holding ``measure``; an error names the candidates when ambiguous."""
        if dataset is not None:
            self.dataset(dataset)
            return dataset
        rows = self.con.execute(
            "SELECT DISTINCT dataset FROM facts WHERE measure = ? ORDER BY dataset", [measure]
        ).fetchall()
        if not rows:
            raise NotFound(f"no loaded dataset has measure {measure!r}")
        if len(rows) > 1:
            names = ", ".join(r[0] for r in rows)
            raise InputError(
                f"measure {measure!r} is in several datasets ({names}); name one", field="dataset"
            )
        return str(rows[0][0])

    def facts(
        self,
        measure: str,
        *,
        dataset: str | None = None,
        level: int | None = 2,
        years: tuple[int, int] | Collection[int] | None = None,
        industry_level: str | int | None = None,
        industries: Collection[str] | None = None,
        regions: Collection[str] | None = None,
        countries: Collection[str] | None = None,
        include_extra_regio: bool = False,
    ) -> pd.DataFrame:
        """Facts of one measure as a long frame ``region, industry, year, value, flag``."""
        name = self.resolve_dataset(measure, dataset)
        clauses = ["f.dataset = ?", "f.measure = ?"]
        params: list[Any] = [name, measure]
        if level is not None:
            clauses.append("r.level = ?")
            params.append(level)
        if not include_extra_regio:
            clauses.append("NOT coalesce(r.extra_regio, FALSE)")
        if years is not None:
            if isinstance(years, tuple) and len(years) == 2:
                clauses.append("f.year BETWEEN ? AND ?")
                params.extend([int(years[0]), int(years[1])])
            else:
                clauses.append("list_contains(?, f.year)")
                params.append([int(y) for y in years])
        if industry_level is not None:
            lvl = INDUSTRY_LEVELS.get(str(industry_level))
            if lvl is None:
                try:
                    lvl = int(industry_level)
                except ValueError:
                    raise InputError(
                        f"expected an industry level among {list(INDUSTRY_LEVELS)}, got {industry_level!r}",
                        field="industry_level",
                    ) from None
            clauses.append("i.level = ?")
            params.append(lvl)
        if industries is not None:
            clauses.append("list_contains(?, f.industry)")
            params.append(list(industries))
        if regions is not None:
            clauses.append("list_contains(?, f.region)")
            params.append(list(regions))
        if countries is not None:
            clauses.append("list_contains(?, r.country)")
            params.append(list(countries))
        sql = (
            "SELECT f.region, f.industry, f.year, f.value, f.flag FROM facts f "
            "LEFT JOIN regions r ON r.code = f.region "
            "LEFT JOIN industries i ON i.code = f.industry "
            "WHERE " + " AND ".join(clauses) + " ORDER BY f.region, f.industry, f.year"
        )
        return self.con.execute(sql, params).df()

    def panel(self, measure: str, **filters: Any) -> Panel:
        """Facts of one measure as an analytics Panel (missing cells stay NaN).

        Accepts the filters of :meth:`facts`.
        """
        frame = self.facts(measure, **filters)
        if frame.empty:
            raise NotFound(f"no facts for measure {measure!r} with filters {filters}")
        dataset = self.resolve_dataset(measure, filters.get("dataset"))
        panel = Panel.from_frame(frame, flag="flag", measure=measure, allow_negative=True)
        panel.meta.update({"dataset": dataset, "data_version": self.data_version()})
        return panel

    def checksum(self) -> str:
        """A digest of every table's ordered content: equal digests mean an unchanged store."""
        digest = hashlib.sha256()
        for table, order in (
            ("datasets", "dataset"),
            ("facts", "dataset, measure, region, industry, year"),
            ("facts_unharmonised", "dataset, measure, region, industry, year, reason"),
            ("regions", "code"),
            ("industries", "code"),
            ("cluster_industries", "definition, cluster_code, industry"),
            ("loads", "load_id"),
        ):
            for row in self.con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall():
                digest.update(repr(row).encode())
        return digest.hexdigest()


def _text(column: pd.Series, default: str = "") -> pd.Series:
    return column.astype(object).where(column.notna(), default).astype(str)

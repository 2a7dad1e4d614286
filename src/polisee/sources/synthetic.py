"""Synthetic firm-level records for tests and benchmarks (never shown as real data).

Firms get a fixed region and NACE class and one row per year; sizes follow a lognormal
law, so that some region x industry cells have few firms or one dominant firm, which is
what the confidentiality rules must catch. Values are whole persons and amounts in cents.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from polisee.sources.firms import FIRM_SCHEMA

__all__ = ["synthetic_firms", "write_synthetic_firms"]


def synthetic_firms(
    firms: int,
    *,
    regions: Sequence[str],
    classes: Sequence[str],
    years: Sequence[int],
    seed: int = 0,
    first_id: int = 0,
) -> pa.Table:
    """``firms x len(years)`` rows with the canonical schema, reproducible from ``seed``.

    About one value in ten of ``exports`` and ``rd`` is missing (a firm not surveyed).

    >>> t = synthetic_firms(2, regions=["HU211"], classes=["C1011"], years=[2020, 2021])
    >>> t.num_rows, t.column_names[:4]
    (4, ['firm_id', 'region', 'nace', 'year'])
    """
    rng = np.random.default_rng(seed)
    n_years = len(years)
    ids = np.arange(first_id, first_id + firms)
    # A skewed pick: a few regions and industries hold most firms, many hold a handful.
    region_p = rng.dirichlet(np.full(len(regions), 0.6))
    class_p = rng.dirichlet(np.full(len(classes), 0.6))
    region = rng.choice(len(regions), size=firms, p=region_p)
    nace = rng.choice(len(classes), size=firms, p=class_p)
    size = rng.lognormal(mean=1.5, sigma=1.4, size=firms)
    growth = rng.normal(1.0, 0.08, size=(firms, n_years)).cumprod(axis=1)
    employees = np.maximum(np.round(size[:, None] * growth), 0).ravel()
    productivity = rng.lognormal(mean=11.0, sigma=0.5, size=firms)
    turnover = np.round(employees * np.repeat(productivity, n_years), 2)
    exports = np.round(turnover * np.repeat(rng.beta(0.7, 2.0, size=firms), n_years), 2)
    rd = np.round(turnover * np.repeat(rng.beta(0.3, 20.0, size=firms), n_years), 2)
    rows = firms * n_years
    exports_missing = rng.random(rows) < 0.1
    rd_missing = rng.random(rows) < 0.1
    region_codes = np.asarray(regions, dtype=object)[np.repeat(region, n_years)]
    class_codes = np.asarray(classes, dtype=object)[np.repeat(nace, n_years)]
    arrays = [
        pa.array(np.char.add("F", np.repeat(ids, n_years).astype(str)).astype(object)),
        pa.array(region_codes, pa.string()),
        pa.array(class_codes, pa.string()),
        pa.array(np.tile(np.asarray(years, dtype=np.int32), firms)),
        pa.array(employees),
        pa.array(turnover),
        pa.array(exports, mask=exports_missing),
        pa.array(rd, mask=rd_missing),
    ]
    return pa.Table.from_arrays(arrays, schema=FIRM_SCHEMA)


def write_synthetic_firms(
    path: str | Path,
    rows: int,
    *,
    regions: Sequence[str],
    classes: Sequence[str],
    years: Sequence[int],
    seed: int = 0,
    chunk_rows: int = 2_000_000,
) -> int:
    """Write about ``rows`` firm-year rows to a Parquet file, a chunk at a time.

    Only one chunk is in memory at once, so 50 million rows need no more than a few
    hundred MB. Returns the number of rows written (a multiple of ``len(years)``).
    """
    per_chunk = max(1, chunk_rows // len(years))
    total_firms = max(1, rows // len(years))
    written = 0
    with pq.ParquetWriter(str(path), FIRM_SCHEMA, compression="zstd") as writer:
        for n, start in enumerate(range(0, total_firms, per_chunk)):
            count = min(per_chunk, total_firms - start)
            table = synthetic_firms(
                count, regions=regions, classes=classes, years=years, seed=seed + n, first_id=start
            )
            writer.write_table(table, row_group_size=1 << 20)
            written += table.num_rows
    return written

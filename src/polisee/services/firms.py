"""Firm-level records to a region x industry panel in the statistics store.

``aggregate_firm_file`` validates a CSV or Parquet firm file (into canonical Parquet in a
work directory, batch by batch) and aggregates it on DuckDB or Spark with the
confidentiality rules; ``load_firm_panel`` writes the result as a dataset, inside the
caller's ``with store.transaction():``, so the explorer and ``polisee analyse`` can use it.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from polisee.errors import InputError
from polisee.services.data import _add_unknown_regions, load_classifications
from polisee.sources import classifications as cls
from polisee.sources.fetch import file_sha256
from polisee.sources.firms import (
    FIRM_SCHEMA,
    FirmCodes,
    iter_firm_batches,
    nace_class_lookup,
    read_postcodes,
)
from polisee.statsdb import StatsStore
from polisee.statsdb.firms import Engine, FirmAggregation, aggregate_cells, apply_confidentiality

__all__ = ["FirmPanel", "aggregate_firm_file", "firm_codes", "load_firm_panel", "write_canonical"]


@dataclass
class FirmPanel:
    """An aggregated firm file: the published long frame and what was done."""

    frame: pd.DataFrame
    spec: FirmAggregation
    engine: str
    source: str
    sha256: str
    records: int
    cells: int
    suppressed: dict[str, int] = field(default_factory=dict)
    partial: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """The JSON-ready description kept with the dataset."""
        out = {k: v for k, v in asdict(self).items() if k not in ("frame", "spec")}
        out["spec"] = asdict(self.spec)
        out["notes"] = [
            "Aggregated from firm-level records; FIRM_COUNT is always published.",
            f"Primary suppression (flag c): fewer than {self.spec.min_firms} reporting firms, "
            f"or the largest firm above {self.spec.dominance:.0%} of the cell total.",
            "Flag i: the sum covers only the firms that reported the measure.",
            "No secondary suppression: totals over suppressed cells may reveal them.",
        ]
        return out


def firm_codes(data_dir: Path, postcodes: Path | None = None) -> FirmCodes:
    """What a firm file may use: NACE Rev. 2 classes, NUTS countries, optional postcodes."""
    vocabulary = cls.code_vocabulary(data_dir)
    return FirmCodes(
        classes=nace_class_lookup(cls.load_nace(data_dir)),
        countries=vocabulary.countries,
        postcodes=read_postcodes(postcodes) if postcodes is not None else None,
    )


def write_canonical(
    path: Path, target: Path, *, codes: FirmCodes, batch_rows: int = 1 << 20
) -> int:
    """Validate ``path`` batch by batch into canonical Parquet at ``target``; returns rows.

    On bad input nothing is left at ``target``.
    """
    rows = 0
    try:
        with pq.ParquetWriter(str(target), FIRM_SCHEMA, compression="zstd") as writer:
            for batch in iter_firm_batches(path, codes=codes, batch_rows=batch_rows):
                writer.write_batch(batch)
                rows += batch.num_rows
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if rows == 0:
        target.unlink(missing_ok=True)
        raise InputError("the file has a header but no firm records", path=path, line=2)
    return rows


def aggregate_firm_file(
    path: str | Path,
    spec: FirmAggregation,
    *,
    data_dir: Path,
    engine: Engine = "duckdb",
    postcodes: Path | None = None,
    spark_master: str = "local[*]",
    spark_conf: Mapping[str, str] | None = None,
    canonical: bool = False,
    work_dir: Path | None = None,
) -> FirmPanel:
    """Validate and aggregate a firm file; nothing is written to any store.

    With ``canonical=True`` the input is taken to be canonical Parquet already (for
    example on HDFS or S3 for a Spark cluster) and is read by the engine directly.
    """
    started = time.perf_counter()
    source = str(path)
    spark = None
    if engine == "spark":
        from polisee.statsdb.spark import spark_session

        spark = spark_session(spark_master, conf=spark_conf)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="polisee-firms-") as tmp:
        if canonical:
            target, sha = source, ""
            records = -1
        else:
            local = Path(path)
            target = str(Path(tmp) / "firms.parquet")
            records = write_canonical(local, Path(target), codes=firm_codes(data_dir, postcodes))
            sha = file_sha256(local)
        cells = aggregate_cells(target, spec, engine=engine, spark=spark)
    frame = apply_confidentiality(cells, spec)
    return FirmPanel(
        frame=frame,
        spec=spec,
        engine=engine,
        source=source,
        sha256=sha,
        records=records if records >= 0 else int(cells["firms"].sum()),
        cells=len(cells),
        suppressed={
            str(k): int(v) for k, v in frame[frame["flag"] == "c"].groupby("measure").size().items()
        },
        partial={
            str(k): int(v) for k, v in frame[frame["flag"] == "i"].groupby("measure").size().items()
        },
        seconds=round(time.perf_counter() - started, 3),
    )


def load_firm_panel(
    store: StatsStore, panel: FirmPanel, *, dataset: str, data_dir: Path, nuts_version: int = 2021
) -> int:
    """Replace ``dataset`` in the store with the panel; returns the fact rows written.

    Call inside ``with store.transaction():``. The region and industry dimensions are
    loaded first when the store has none yet.
    """
    if not dataset.strip():
        raise InputError("expected a dataset name", field="dataset")
    if store.regions().empty or store.industries().empty:
        load_classifications(store, data_dir, nuts_version=nuts_version)
    _add_unknown_regions(store, panel.frame["region"].unique(), nuts_version)
    rows = store.replace_facts(dataset, panel.frame.assign(dataset=dataset))
    store.upsert_dataset(
        dataset,
        source=panel.source,
        sha256=panel.sha256,
        summary=panel.summary(),
        title=f"Firm-level panel ({panel.spec.nace_level}, NUTS {panel.spec.region_level})",
    )
    return rows

"""The Apache Spark executor of :class:`polisee.statsdb.firms.FirmAggregation`.

Needs the ``spark`` extra (``pip install 'polisee[spark]'``) and a Java 17+ runtime.
:func:`spark_session` starts a local Spark (``local[1]``, ``local[*]``) bound to the
loopback address, or connects to a cluster when ``master`` is ``spark://host:7077``,
``yarn`` or ``k8s://...``; options such as ``spark.executor.memory`` or the S3 settings
of ``spark.hadoop.fs.s3a.*`` go in ``conf``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from polisee.errors import InputError
from polisee.statsdb.firms import (
    FIRM_MEASURES,
    FirmAggregation,
    _refuse_duplicate,
    normalise_cells,
)

__all__ = ["spark_cells", "spark_session"]


def spark_session(master: str = "local[1]", *, conf: Mapping[str, str] | None = None) -> Any:
    """A ``SparkSession`` on ``master`` (an existing one in this process is reused).

    Local masters bind the driver to 127.0.0.1 so that nothing listens beyond this
    machine, and run with the web UI off and few shuffle partitions.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError(
            "the Spark engine needs pyspark: pip install 'polisee[spark]'", field="engine"
        ) from exc
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
    }
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        settings |= {
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.sql.shuffle.partitions": "4",
        }
    settings |= dict(conf or {})
    builder = SparkSession.builder.master(master).appName("polisee")
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_cells(
    source: str, spec: FirmAggregation, *, session: Any = None, check_keys: bool = True
) -> Any:
    """The cells of ``spec`` computed by Spark's DataFrame API from a Parquet path or URI.

    Returns the same frame as :func:`polisee.statsdb.firms.duckdb_cells`.
    """
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException
    from pyspark.sql import functions as sf
    from pyspark.sql.types import DecimalType

    spark = session if session is not None else spark_session()
    try:
        records = spark.read.parquet(source)
        missing = [
            c
            for c in ("firm_id", "region", "nace", "year", *FIRM_MEASURES)
            if c not in records.columns
        ]
        if missing:
            raise InputError(
                f"the firm records have no column {missing[0]!r}", path=source, field=missing[0]
            )
        if check_keys:
            dup = (
                records.groupBy("firm_id", "year")
                .count()
                .where(sf.col("count") > 1)
                .orderBy("firm_id", "year")
                .limit(1)
                .collect()
            )
            _refuse_duplicate([(row["firm_id"], row["year"]) for row in dup], source)
        exact = DecimalType(38, 6)
        stats = []
        for m in FIRM_MEASURES:
            value = sf.col(m).cast(exact)
            stats += [
                sf.sum(value).alias(f"{m}_sum"),
                sf.max(value).alias(f"{m}_max"),
                sf.count(sf.col(m)).alias(f"{m}_n"),
            ]
        cells = (
            records.select(
                sf.substring("region", 1, spec.region_chars).alias("region"),
                sf.substring("nace", 1, spec.nace_chars).alias("industry"),
                sf.col("year"),
                sf.length("region").alias("region_length"),
                *(sf.col(m) for m in FIRM_MEASURES),
            )
            .groupBy("region", "industry", "year")
            .agg(
                sf.count(sf.lit(1)).alias("firms"),
                sf.min("region_length").alias("shortest_region"),
                *stats,
            )
        )
        table: pa.Table = cells.toArrow()
    except (PySparkException, Py4JError) as exc:
        raise InputError(f"Spark cannot aggregate the firm records: {exc}", path=source) from exc
    return normalise_cells(table)

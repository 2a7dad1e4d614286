"""``polisee firms aggregate``: firm-level records to a confidential region x industry panel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from polisee.cli import _console
from polisee.cli._common import settings_from_env, stats_store
from polisee.errors import InputError
from polisee.services import firms as firms_service
from polisee.statsdb.firms import Engine, FirmAggregation

__all__ = ["app"]

app = typer.Typer(help="Firm-level records.", no_args_is_help=True)


def _conf(items: list[str]) -> dict[str, str]:
    conf: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"expected --spark-conf KEY=VALUE, got {item!r}", field="--spark-conf")
        conf[key.strip()] = value.strip()
    return conf


@app.command("aggregate")
def aggregate(
    path: Annotated[
        str,
        typer.Argument(help="Firm records: .csv, .csv.gz or .parquet (a URI with --canonical)."),
    ],
    level: Annotated[int, typer.Option(help="NUTS level of the output regions (0-3).")] = 2,
    nace: Annotated[str, typer.Option(help="section, division, group or class.")] = "division",
    engine: Annotated[str, typer.Option(help="duckdb (default) or spark.")] = "duckdb",
    min_firms: Annotated[int, typer.Option(help="Suppress cells with fewer reporting firms.")] = 3,
    dominance: Annotated[
        float, typer.Option(help="Suppress cells whose largest firm holds more than this share.")
    ] = 0.85,
    postcodes: Annotated[
        Path | None, typer.Option(help="Postcode-to-NUTS table (CSV: [country,] postcode, nuts).")
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(help="Dataset name in the statistics store (default firms_<file>)."),
    ] = None,
    load: Annotated[bool, typer.Option(help="Load the panel into the statistics store.")] = True,
    output: Annotated[Path | None, typer.Option(help="Also write the panel to this CSV.")] = None,
    spark_master: Annotated[
        str, typer.Option(help="Spark master: local[*], spark://host:7077, yarn, k8s://...")
    ] = "local[*]",
    spark_conf: Annotated[
        list[str] | None, typer.Option(help="Spark setting KEY=VALUE (repeatable).")
    ] = None,
    canonical: Annotated[
        bool,
        typer.Option(help="The input is canonical Parquet already: the engine reads it as is."),
    ] = False,
) -> None:
    """Aggregate firm records to region x industry x year with confidentiality flags."""
    if engine not in ("duckdb", "spark"):
        raise InputError(f"expected --engine duckdb or spark, got {engine!r}", field="--engine")
    settings = settings_from_env()
    spec = FirmAggregation(
        region_level=level, nace_level=nace, min_firms=min_firms, dominance=dominance
    )
    chosen: Engine = "spark" if engine == "spark" else "duckdb"
    panel = firms_service.aggregate_firm_file(
        path,
        spec,
        data_dir=settings.data_dir,
        engine=chosen,
        postcodes=postcodes,
        spark_master=spark_master,
        spark_conf=_conf(spark_conf or []),
        canonical=canonical,
        work_dir=settings.var_dir if settings.var_dir.is_dir() else None,
    )
    name = dataset or "firms_" + Path(path).name.split(".")[0]
    if load:
        with stats_store(settings) as store, store.transaction():
            firms_service.load_firm_panel(store, panel, dataset=name, data_dir=settings.data_dir)
    if output is not None:
        panel.frame.to_csv(output, index=False)
    rows = [
        ("firm records", panel.records),
        ("cells (region x industry x year)", panel.cells),
        ("engine", panel.engine),
        ("seconds", panel.seconds),
    ]
    rows += [(f"suppressed {m} (c)", n) for m, n in sorted(panel.suppressed.items())]
    rows += [(f"partial {m} (i)", n) for m, n in sorted(panel.partial.items())]
    if load:
        rows.append(("dataset", name))
    _console.print_table("Firm panel", ["", "value"], rows)

"""``polisee analyse``: any registry indicator over the statistics store."""

from __future__ import annotations

import json
import math
import sys
from typing import Annotated, Any, Literal

import typer

from polisee.analytics import registry
from polisee.cli import _console
from polisee.cli._common import settings_from_env, stats_store
from polisee.errors import InputError
from polisee.services.analysis import indicator_table

__all__ = ["analyse", "list_indicators"]


def list_indicators() -> None:
    """List every indicator with its unit and peer implementation."""
    rows = [(k, i.name, i.unit, i.kind, i.peer) for k, i in sorted(registry.items())]
    _console.print_table("Indicators", ["key", "name", "unit", "kind", "peer"], rows)


def analyse(
    indicator: Annotated[
        str,
        typer.Argument(
            help="Indicator key (`polisee indicators` lists them), e.g. lq, eci, stars."
        ),
    ],
    measure: Annotated[
        str, typer.Option(help="Measure code, e.g. V16110 persons employed.")
    ] = "V16110",
    level: Annotated[int, typer.Option(help="NUTS level of the regions.")] = 2,
    year: Annotated[int | None, typer.Option(help="Year (default: every year held).")] = None,
    region: Annotated[str | None, typer.Option(help="Show one region, e.g. HU21.")] = None,
    country: Annotated[
        list[str] | None, typer.Option(help="Restrict to countries (repeatable), e.g. HU.")
    ] = None,
    dataset: Annotated[
        str | None, typer.Option(help="Dataset, when the measure is in several.")
    ] = None,
    industry_level: Annotated[
        str, typer.Option(help="section, division, group or class.")
    ] = "division",
    top: Annotated[int, typer.Option(help="Rows shown in a table (0 = all).")] = 25,
    output: Annotated[
        Literal["table", "csv", "json"], typer.Option("--format", help="table, csv or json.")
    ] = "table",
) -> None:
    """Compute an indicator over the statistics store."""
    if indicator not in registry:
        raise InputError(
            f"unknown indicator {indicator!r}; known: {', '.join(sorted(registry))}",
            field="INDICATOR",
        )
    settings = settings_from_env()
    with stats_store(settings, read_only=True) as store:
        result = indicator_table(
            store,
            indicator,
            measure=measure,
            dataset=dataset,
            level=level,
            year=year,
            industry_level=industry_level,
            region=region,
            countries=country,
        )
    table = result.table
    if output == "csv":
        table.to_csv(sys.stdout, index=False)
        return
    if output == "json":
        records = json.loads(table.to_json(orient="records"))
        _console.console.print_json(
            json.dumps(
                {
                    "indicator": indicator,
                    "unit": result.unit,
                    "notes": result.notes,
                    "rows": records,
                }
            )
        )
        return
    shown = table if top == 0 else table.head(top)
    rows = [tuple(_cell(v) for v in row) for row in shown.itertuples(index=False)]
    _console.print_table(
        f"{result.name} ({result.unit}) — {measure}", [str(c) for c in table.columns], rows
    )
    if top and len(table) > top:
        _console.console.print(
            f"{len(table) - top} more rows: --top 0 shows all, --format csv exports them"
        )
    for note in result.notes:
        _console.console.print(f"note: {note}")


def _cell(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and math.isnan(value):
        return "–"
    return value

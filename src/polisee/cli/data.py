"""``polisee data``: load, list, show and fetch statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, cast

import pandas as pd
import typer

from polisee.cli import _console
from polisee.cli._common import settings_from_env, stats_store
from polisee.errors import InputError
from polisee.services import data as data_service

__all__ = ["app"]

app = typer.Typer(help="Load, list and fetch statistics.", no_args_is_help=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def _parse_mapping(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise InputError(f"expected --map KEY=COLUMN, got {item!r}", field="--map")
        mapping[key.strip()] = value.strip()
    return mapping


@app.command("load")
def load_data(
    paths: Annotated[
        list[Path], typer.Argument(help="Eurostat .tsv/.tsv.gz, SDMX-CSV, CSV or XLSX files.")
    ],
    dataset: Annotated[
        str | None, typer.Option(help="Dataset name (default: from the file).")
    ] = None,
    nuts_version: Annotated[
        int, typer.Option("--nuts-version", help="NUTS version to harmonise regions to.")
    ] = 2021,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Column mapping for plain tables: region=geo, year=time, value=obs, measure=...",
        ),
    ] = None,
) -> None:
    """Load files into the statistics store, each all-or-nothing."""
    settings = settings_from_env()
    columns = _parse_mapping(mapping or [])
    with stats_store(settings) as store:
        for path in paths:
            with _console.progress(f"loading {path.name}") as update, store.transaction():
                summary = data_service.load_statistics(
                    store,
                    path,
                    data_dir=settings.data_dir,
                    dataset=dataset,
                    nuts_version=nuts_version,
                    mapping=columns,
                    max_bytes=settings.max_input_bytes,
                    progress=lambda _label, done, total: update(done, total),
                )
            _print_summary(summary)


def _print_summary(summary: data_service.LoadSummary) -> None:
    out = _console.console
    out.print(
        f"[bold]{summary.dataset}[/bold] loaded from {summary.source} ({summary.file_format}) in {summary.seconds:.1f} s"
    )
    rows = [
        ("rows", summary.rows),
        ("values present", summary.values_present),
        ("missing (':')", summary.missing),
        ("measures", ", ".join(summary.measures)),
        ("industries", summary.industries),
        ("years", f"{min(summary.years)}-{max(summary.years)}" if summary.years else "-"),
        ("NUTS version", str(summary.nuts_version)),
    ]
    rows += [
        (f"regions at level {lvl}" if lvl >= 0 else "aggregates", n)
        for lvl, n in summary.regions_by_level.items()
    ]
    rows += [(f"flag '{flag}'", n) for flag, n in summary.flags.items()]
    rows += [(f"excluded: {what}", n) for what, n in summary.excluded.items() if n]
    _console.print_table("Load summary", ["", "value"], rows)
    if summary.conversions:
        by_kind: dict[str, list[str]] = {}
        for c in summary.conversions:
            arrow = f"{c.get('from_code', '')}→{c.get('to_code', '')}"
            by_kind.setdefault(
                f"{c.get('kind', '')} (from NUTS {c.get('from_version', '')})", []
            ).append(arrow)
        _console.print_table(
            f"Regions converted to NUTS {summary.nuts_version}",
            ["conversion", "count", "regions"],
            [(kind, len(codes), ", ".join(codes)) for kind, codes in sorted(by_kind.items())],
        )
    if summary.dropped:
        reasons: dict[str, tuple[int, set[str]]] = {}
        for d in summary.dropped:
            count, codes = reasons.get(str(d.get("reason", "")), (0, set()))
            codes.add(str(d.get("region", "")))
            reasons[str(d.get("reason", ""))] = (count + int(d.get("rows", 0)), codes)
        _console.print_table(
            "Rows not harmonised (kept under their own codes, except superseded duplicates)",
            ["reason", "rows", "regions"],
            [
                (reason, count, ", ".join(sorted(codes)))
                for reason, (count, codes) in sorted(reasons.items())
            ],
        )


@app.command("list")
def list_data() -> None:
    """Show the datasets in the statistics store."""
    settings = settings_from_env()
    with stats_store(settings, read_only=True) as store:
        frame = store.datasets()
        if frame.empty:
            _console.console.print("The statistics store is empty: run `polisee data load FILE`.")
            return
        rows = [
            (
                r["dataset"],
                int(r["rows"]),
                int(r["values_present"]),
                int(r["measures"]),
                f"{int(r['first_year'])}-{int(r['last_year'])}" if r["rows"] else "-",
                "" if pd.isna(r["nuts_version"]) else str(int(r["nuts_version"])),
                str(r["loaded_at"])[:19],
            )
            for r in _records(frame)
        ]
        _console.print_table(
            f"Statistics store {settings.stats_path}",
            ["dataset", "rows", "values", "measures", "years", "NUTS", "loaded (UTC)"],
            rows,
        )


@app.command("show")
def show_data(dataset: Annotated[str, typer.Argument(help="A loaded dataset.")]) -> None:
    """Show a dataset's measures and its load summary."""
    settings = settings_from_env()
    with stats_store(settings, read_only=True) as store:
        meta = store.dataset(dataset)
        measures = store.measures(dataset)
        _console.console.print(
            f"[bold]{dataset}[/bold] from {meta['source']} (version {meta['version']})"
        )
        _console.print_table(
            "Measures",
            ["measure", "rows", "values", "years"],
            [
                (
                    r["measure"],
                    int(r["rows"]),
                    int(r["values_present"]),
                    f"{int(r['first_year'])}-{int(r['last_year'])}",
                )
                for r in _records(measures)
            ],
        )


@app.command("fetch")
def fetch_data(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Eurostat dataset codes (sbs_r_nuts06_r2) or GISCO files (NUTS_RG_60M_2021_4326_LEVL_2.geojson)."
        ),
    ] = None,
    eurostat_url: Annotated[
        str | None, typer.Option(help="Base URL of the Eurostat API (for mirrors and tests).")
    ] = None,
    gisco_url: Annotated[
        str | None, typer.Option(help="Base URL of the GISCO NUTS GeoJSON files.")
    ] = None,
) -> None:
    """Download datasets and boundaries into the data directory (resumable, checksummed)."""
    settings = settings_from_env()
    wanted = list(names or data_service.FETCH_DEFAULTS)
    base_urls = {k: v for k, v in (("eurostat", eurostat_url), ("gisco", gisco_url)) if v}
    with _console.progress(f"fetching {len(wanted)} files") as update:
        files = data_service.fetch_files(
            wanted,
            data_dir=settings.data_dir,
            base_urls=base_urls or None,
            progress=lambda done, total, _name: update(done, total),
        )
    _console.print_table(
        f"Fetched into {settings.data_dir}",
        ["name", "status", "bytes", "sha256"],
        [(f.name, f.status, int(f.size), f.sha256[:16]) for f in files],
    )

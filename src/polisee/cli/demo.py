"""``polisee demo``: load the real demo data and show what polisee finds in it."""

from __future__ import annotations

from typing import Annotated

import typer

from polisee.cli import _console
from polisee.cli._common import settings_from_env, stats_store
from polisee.cli.serve import serve as run_server
from polisee.records.db import transaction
from polisee.services.analysis import indicator_table
from polisee.services.data import LoadSummary
from polisee.services.demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_DATASETS,
    DemoDataset,
    load_demo,
    load_demo_records,
)
from polisee.services.schema import upgrade

__all__ = ["demo"]


def demo(
    region: Annotated[str, typer.Option(help="Region whose specialisations are shown.")] = "HU21",
    year: Annotated[
        int, typer.Option(help="Year of the figures shown (2014 is the last complete SBS year).")
    ] = 2014,
    serve: Annotated[bool, typer.Option(help="Start the web platform afterwards.")] = True,
    host: Annotated[str, typer.Option(help="Address of the web platform.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the web platform.")] = 8000,
) -> None:
    """Load the demo data (SBS, GDP, LFS, R&D personnel), show a first reading, start the platform."""
    settings = settings_from_env()
    out = _console.console
    out.print(f"Data directory: {settings.data_dir}")
    out.print(f"Statistics store: {settings.stats_path}")

    def report(item: DemoDataset, summary: LoadSummary | None) -> None:
        if summary is None:
            out.print(f"  {item.dataset}: already loaded from the same file")
        else:
            out.print(
                f"  {item.dataset}: {summary.rows:,} rows, {summary.values_present:,} values, "
                f"{len(summary.conversions)} region conversions, {summary.seconds:.1f} s — {item.what}"
            )

    with stats_store(settings) as store:
        with _console.progress(f"loading {len(DEMO_DATASETS)} demo datasets") as update:
            done = 0

            def step(item: DemoDataset, summary: LoadSummary | None) -> None:
                nonlocal done
                done += 1
                update(done, len(DEMO_DATASETS))
                report(item, summary)

            load_demo(store, settings.data_dir, on_dataset=step)
        listing = store.datasets()
        _console.print_table(
            "The statistics store",
            ["dataset", "rows", "values", "years"],
            [
                (
                    str(r["dataset"]),
                    int(r["rows"]),
                    int(r["values_present"]),
                    f"{r['first_year']}-{r['last_year']}",
                )
                for r in listing.to_dict("records")
            ],
        )
        lq = indicator_table(store, "lq", year=year, region=region).table.head(10)
        stars = indicator_table(store, "stars", year=year, region=region).table
    name = lq["region_name"].iloc[0] if len(lq) else region
    _console.print_table(
        f"Top specialisations of {region} {name}, {year} (location quotient of persons employed)",
        ["industry", "title", "LQ"],
        [
            (str(r["industry"]), str(r["industry_title"]), float(r["lq"]))
            for r in lq.to_dict("records")
        ],
    )
    starred = stars[stars["stars"] > 0].head(10)
    _console.print_table(
        f"Clusters of {region} with European Cluster Observatory stars, {year}",
        ["cluster", "employment", "LQ", "stars"],
        [
            (str(r["cluster_name"]), float(r["employment"]), float(r["lq"]), "★" * int(r["stars"]))
            for r in starred.to_dict("records")
        ],
    )
    out.print(
        "From the command line: `polisee analyse --help`, `polisee indicators`, `polisee data list`."
    )
    upgrade(settings.database_url)
    with transaction(settings.database_url) as session:
        records = load_demo_records(session)
    password = records.password
    for line in records.lines:
        out.print(f"Demo content: {line}", markup=False)
    if password is not None:
        out.print(
            f"[bold]Administrator account[/bold] {DEMO_ADMIN_EMAIL} with password [bold]{password}[/bold] "
            "(shown this once; `polisee users reset-token` issues a new one)"
        )
    if serve:
        run_server(host=host, port=port)

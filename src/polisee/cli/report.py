"""``polisee report``: documents for decision makers (PDF, HTML, XLSX) in their language."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from polisee.cli import _console
from polisee.cli._common import settings_from_env, stats_store
from polisee.errors import InputError
from polisee.services.i18n import LANGUAGES
from polisee.services.reports import REGION_STEPS, RENDER_STEPS, export, region_report

__all__ = ["app", "report_region"]

app = typer.Typer(
    help="Reports for decision makers: PDF, HTML or XLSX, in any of the platform's languages.",
    no_args_is_help=True,
)


@app.command("region")
def report_region(
    code: Annotated[str, typer.Argument(help="NUTS code of the region, e.g. HU21.")],
    fmt: Annotated[
        Literal["pdf", "html", "xlsx"], typer.Option("--format", help="pdf, html or xlsx.")
    ] = "pdf",
    lang: Annotated[
        str, typer.Option("--lang", help=f"Language of the report: {', '.join(LANGUAGES)}.")
    ] = "en",
    year: Annotated[
        int | None, typer.Option(help="Year of the figures (default: the last complete year).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="File or folder to write (default: the report's name in this folder)."),
    ] = None,
) -> None:
    """Write the region profile report: key figures, maps, charts, tables and sources."""
    if lang not in LANGUAGES:
        raise InputError(
            f"expected a language among {', '.join(LANGUAGES)}, got {lang!r}", field="--lang"
        )
    settings = settings_from_env()
    total = REGION_STEPS + RENDER_STEPS[fmt]
    with (
        stats_store(settings, read_only=True) as store,
        _console.progress(f"{code.upper()} report ({fmt}, {lang})") as update,
    ):
        report = region_report(
            store,
            code,
            language=lang,
            year=year,
            data_dir=settings.data_dir,
            on_step=lambda done, _total, _what: update(done, total),
        )
        rendered = export(
            report, fmt, on_step=lambda done, _total, _what: update(REGION_STEPS + done, total)
        )
    path = output if output is not None else Path(rendered.filename)
    if path.is_dir():
        path = path / rendered.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rendered.content)
    _console.console.print(f"wrote {path} ({len(rendered.content):,} bytes)")

"""``polisee report``: documents for decision makers (PDF, HTML, XLSX) in their language.

``report region`` prints public statistics. ``report assessment`` and ``report plan`` print
records that not everyone may read, so they act as a named user (``--as EMAIL``) and apply
that user's access rules, exactly as the web pages do for the signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

import typer
from sqlalchemy.orm import Session

from polisee.cli import _console
from polisee.cli._common import settings_from_env, stats_store
from polisee.config import Settings
from polisee.errors import InputError
from polisee.records.db import transaction
from polisee.services.i18n import LANGUAGES
from polisee.services.reports import (
    ASSESSMENT_STEPS,
    PLAN_STEPS,
    REGION_STEPS,
    RENDER_STEPS,
    Report,
    ReportFile,
    assessment_report,
    export,
    plan_report,
    region_report,
)
from polisee.services.schema import upgrade
from polisee.services.sessions import Principal, principal_of_user
from polisee.statsdb import StatsStore

__all__ = ["app", "report_assessment", "report_plan", "report_region"]

Format = Annotated[
    Literal["pdf", "html", "xlsx"], typer.Option("--format", help="pdf, html or xlsx.")
]
Language = Annotated[
    str, typer.Option("--lang", help=f"Language of the report: {', '.join(LANGUAGES)}.")
]
Output = Annotated[
    Path | None,
    typer.Option(help="File or folder to write (default: the report's name in this folder)."),
]
ActAs = Annotated[
    str,
    typer.Option(
        "--as",
        help="Email of the user to act as: the report shows what this user may see.",
        show_default=False,
    ),
]
BaseUrl = Annotated[
    str,
    typer.Option(help="Where polisee is served, for links in the report (default: paths only)."),
]

app = typer.Typer(
    help="Reports for decision makers (region, assessment, plan): PDF, HTML or XLSX, in any of "
    "the platform's languages.",
    no_args_is_help=True,
)


@app.command("region")
def report_region(
    code: Annotated[str, typer.Argument(help="NUTS code of the region, e.g. HU21.")],
    fmt: Format = "pdf",
    lang: Language = "en",
    year: Annotated[
        int | None, typer.Option(help="Year of the figures (default: the last complete year).")
    ] = None,
    output: Output = None,
) -> None:
    """Write the region profile report: key figures, maps, charts, tables and sources."""
    _check_language(lang)
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
    _write(rendered, output)


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise InputError(
            f"expected a language among {', '.join(LANGUAGES)}, got {lang!r}", field="--lang"
        )


def _write(rendered: ReportFile, output: Path | None) -> None:
    path = output if output is not None else Path(rendered.filename)
    if path.is_dir():
        path = path / rendered.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rendered.content)
    _console.console.print(f"wrote {path} ({len(rendered.content):,} bytes)")


@contextmanager
def _optional_store(settings: Settings) -> Iterator[StatsStore | None]:
    """The statistics store when one has been loaded, else None (the report says so)."""
    if not settings.stats_path.exists():
        yield None
        return
    with stats_store(settings, read_only=True) as store:
        yield store


Builder = Callable[[Session, Principal, StatsStore | None, Callable[[int, int, str], None]], Report]


def _records_report(
    label: str, steps: int, fmt: str, lang: str, act_as: str, output: Path | None, build: Builder
) -> None:
    """Build a report from the records as the user ``act_as`` and write it."""
    _check_language(lang)
    if not act_as.strip():
        raise InputError("expected the email of the user to act as", field="--as")
    settings = settings_from_env()
    upgrade(settings.database_url)
    total = steps + RENDER_STEPS[fmt]
    with (
        transaction(settings.database_url) as db,
        _optional_store(settings) as store,
        _console.progress(f"{label} ({fmt}, {lang})") as update,
    ):
        principal = principal_of_user(db, act_as)
        report = build(db, principal, store, lambda done, _total, _what: update(done, total))
        rendered = export(
            report, fmt, on_step=lambda done, _total, _what: update(steps + done, total)
        )
    _write(rendered, output)


@app.command("assessment")
def report_assessment(
    assessment_id: Annotated[int, typer.Argument(help="Id of the assessment.", min=1)],
    act_as: ActAs = "",
    fmt: Format = "pdf",
    lang: Language = "en",
    base_url: BaseUrl = "",
    output: Output = None,
) -> None:
    """Write the assessment report: respondents, theme scores and radar, every criterion,
    the data beside the self-scores, change since the previous round, the peer benchmark,
    weak criteria with good practices, sources. Only results open to the user ``--as``."""
    _records_report(
        f"Assessment {assessment_id} report",
        ASSESSMENT_STEPS,
        fmt,
        lang,
        act_as,
        output,
        lambda db, principal, store, step: assessment_report(
            db,
            assessment_id,
            principal,
            language=lang,
            store=store,
            base_url=base_url,
            on_step=step,
        ),
    )


@app.command("plan")
def report_plan(
    plan_id: Annotated[int, typer.Argument(help="Id of the action plan.", min=1)],
    act_as: ActAs = "",
    fmt: Format = "pdf",
    lang: Language = "en",
    base_url: BaseUrl = "",
    output: Output = None,
) -> None:
    """Write the plan monitoring report: objectives, KPIs against targets, timeline,
    overdue milestones and reports, budget, risks, pilot evaluations. Only plans shared
    with the user ``--as``."""
    _records_report(
        f"Plan {plan_id} report",
        PLAN_STEPS,
        fmt,
        lang,
        act_as,
        output,
        lambda db, principal, store, step: plan_report(
            db, plan_id, principal, language=lang, store=store, base_url=base_url, on_step=step
        ),
    )

"""``polisee frameworks``: list the assessment frameworks and import a YAML file as a new
version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from polisee.cli import _console
from polisee.config import Settings
from polisee.errors import InputError, PoliseeError
from polisee.records.db import transaction
from polisee.services import assessment
from polisee.services.audit import CLI_ACTOR
from polisee.services.schema import upgrade

__all__ = ["app"]

app = typer.Typer(help="Self-assessment frameworks and their versions.", no_args_is_help=True)


def _fail(error: PoliseeError) -> typer.Exit:
    _console.err_console.print(f"error: {error}", markup=False)
    return typer.Exit(2 if isinstance(error, InputError) else 1)


def _database() -> str:
    url = Settings().database_url
    upgrade(url)
    return url


@app.command("import")
def import_framework(
    path: Annotated[Path, typer.Argument(help="The framework YAML file.")],
) -> None:
    """Store the file as the next version of its framework (version 1 for a new key)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(InputError(f"cannot read the file: {exc}", path=path)) from None
    try:
        with transaction(_database()) as db:
            framework = assessment.import_framework(db, text, actor=CLI_ACTOR, source=str(path))
            key, version = framework.key, framework.version
    except PoliseeError as exc:
        raise _fail(exc) from None
    _console.console.print(f"stored framework {key} version {version}")


@app.command("list")
def list_frameworks() -> None:
    """Every stored version, with the number of assessments that use it."""
    with transaction(_database()) as db:
        rows = [
            (v.key, v.version, v.title, v.themes, v.criteria, v.assessments)
            for v in assessment.list_frameworks(db)
        ]
    _console.print_table(
        "Assessment frameworks",
        ["key", "version", "title", "themes", "criteria", "assessments"],
        rows,
    )

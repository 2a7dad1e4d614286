"""The ``polisee`` command: sub-apps per area (``polisee data load``, ``polisee analyse lq``).

Exit codes: 0 success, 1 a polisee error (not found, permission, conflict),
2 bad input (``file:line: field: message`` on stderr) or bad usage.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from polisee.cli import _console
from polisee.cli import analyse as analyse_cli
from polisee.cli import backup as backup_cli
from polisee.cli import data as data_cli
from polisee.cli import db as db_cli
from polisee.cli import demo as demo_cli
from polisee.cli import financing as financing_cli
from polisee.cli import firms as firms_cli
from polisee.cli import frameworks as frameworks_cli
from polisee.cli import plans as plans_cli
from polisee.cli import report as report_cli
from polisee.cli import serve as serve_cli
from polisee.cli import users as users_cli
from polisee.errors import InputError, PoliseeError

__all__ = ["app", "main"]


class _Group(TyperGroup):
    """Turns polisee errors into a message on stderr and a meaningful exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except InputError as exc:
            _console.err_console.print(f"error: {exc}", markup=False)
            ctx.exit(2)
        except PoliseeError as exc:
            _console.err_console.print(f"error: {exc}", markup=False)
            ctx.exit(1)


app = typer.Typer(
    name="polisee",
    cls=_Group,
    help="Evidence for cluster and smart-specialisation policy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data_cli.app, name="data")
app.add_typer(db_cli.app, name="db")
app.add_typer(firms_cli.app, name="firms")
app.add_typer(users_cli.app, name="users")
app.add_typer(frameworks_cli.app, name="frameworks")
app.add_typer(serve_cli.app, name="serve")
app.add_typer(financing_cli.ladders_app, name="ladders")
app.add_typer(financing_cli.clusters_app, name="clusters")
app.add_typer(report_cli.app, name="report")
app.add_typer(plans_cli.app, name="plans")
app.command("analyse")(analyse_cli.analyse)
app.command("indicators")(analyse_cli.list_indicators)
app.command("demo")(demo_cli.demo)
app.command("backup")(backup_cli.backup)
app.command("restore")(backup_cli.restore)


@app.callback()
def root() -> None:
    """Evidence for cluster and smart-specialisation policy."""


@app.command("version")
def show_version() -> None:
    """Print the polisee version."""
    from polisee import __version__

    _console.console.print(f"polisee {__version__}")


def main() -> None:
    """Entry point of the ``polisee`` script."""
    sys.exit(app())

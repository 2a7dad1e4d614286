"""``polisee db``: create, upgrade, downgrade and inspect the records schema."""

from __future__ import annotations

from typing import Annotated

import typer

from polisee.cli import _console
from polisee.config import Settings
from polisee.services.schema import current, downgrade, head, upgrade

__all__ = ["app"]

app = typer.Typer(
    help="The records database (users, organisations, audit log).", no_args_is_help=True
)


@app.command("upgrade")
def upgrade_db() -> None:
    """Create the records schema or bring it up to the newest revision."""
    settings = Settings()
    upgrade(settings.database_url)
    _console.console.print(f"records schema at revision {current(settings.database_url)}")


@app.command("downgrade")
def downgrade_db(
    revision: Annotated[str, typer.Argument(help="Target revision; 'base' removes every table.")],
) -> None:
    """Take the records schema back to REVISION."""
    settings = Settings()
    downgrade(settings.database_url, revision)
    _console.console.print(f"records schema at revision {current(settings.database_url) or 'base'}")


@app.command("current")
def show_current() -> None:
    """Print the schema's revision and the newest one."""
    settings = Settings()
    _console.console.print(f"current: {current(settings.database_url) or 'base'}  head: {head()}")

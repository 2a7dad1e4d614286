"""``polisee backup DIR`` and ``polisee restore DIR``: both stores, with a checksum manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from polisee.cli import _console
from polisee.cli._common import settings_from_env
from polisee.services import backup as backup_service

__all__ = ["backup", "restore"]


def backup(
    directory: Annotated[Path, typer.Argument(help="A new (or empty) directory for the backup.")],
) -> None:
    """Back up the records database and the statistics store (safe while the platform runs)."""
    settings = settings_from_env()
    manifest = backup_service.backup(
        directory, database_url=settings.database_url, stats=settings.stats_path
    )
    _console.print_table(
        f"Backup in {directory} ({manifest.records_dialect}, revision {manifest.records_revision})",
        ["file", "bytes", "sha256"],
        [(name, int(f["bytes"]), str(f["sha256"])[:16]) for name, f in manifest.files.items()],
    )


def restore(
    directory: Annotated[Path, typer.Argument(help="A directory written by `polisee backup`.")],
) -> None:
    """Replace both stores with a verified backup (stop the web server first)."""
    settings = settings_from_env()
    manifest = backup_service.restore(
        directory, database_url=settings.database_url, stats_path=settings.stats_path
    )
    tables = manifest.stats_tables or {}
    _console.console.print(
        f"restored the {manifest.records_dialect} records (revision {manifest.records_revision}) "
        f"and {tables.get('facts', 0):,} statistics facts from the backup of {manifest.created_at}"
    )

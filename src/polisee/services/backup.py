"""Backups of both stores (records and statistics) into one directory, and their restore.

A backup directory holds ``records.sqlite3`` or ``records.pgdump``, the statistics
export under ``stats/`` and ``manifest.json`` listing every file with its SHA-256 and
size, the records revision and the statistics row counts. Restore verifies every file
first and refuses a backup with a missing, extra or changed file before it changes
anything. The checksums catch damaged and edited backups, not a forger who rewrites the
manifest as well: keep backups where only administrators can write.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from polisee import __version__
from polisee.errors import Conflict, InputError
from polisee.records.backup import dialect_of, dump_records, restore_records
from polisee.records.migrate import current
from polisee.sources.fetch import file_sha256
from polisee.statsdb import StatsStore
from polisee.statsdb.backup import export_store, import_store, replace_store

__all__ = ["BACKUP_FORMAT", "MANIFEST", "Manifest", "backup", "restore", "verify_backup"]

BACKUP_FORMAT = 1
MANIFEST = "manifest.json"
_RECORDS_FILE = {"sqlite": "records.sqlite3", "postgresql": "records.pgdump"}


@dataclass
class Manifest:
    """What a backup holds; ``files`` maps a relative path to its sha256 and bytes."""

    format: int
    created_at: str
    polisee_version: str
    records_dialect: str
    records_revision: str | None
    records_file: str
    stats_tables: dict[str, int] | None
    files: dict[str, dict[str, Any]] = field(default_factory=dict)


def _listing(root: Path) -> dict[str, dict[str, Any]]:
    return {
        path.relative_to(root).as_posix(): {
            "sha256": file_sha256(path),
            "bytes": path.stat().st_size,
        }
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def backup(target: Path, *, database_url: str, stats: StatsStore | Path | None) -> Manifest:
    """Copy both stores into the new or empty directory ``target``; returns the manifest.

    Safe while the platform runs: each store is copied from one consistent snapshot.
    ``stats`` is an open store, a store file, or None (no statistics yet); a path that
    does not exist counts as None.
    """
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise Conflict(f"the backup directory {target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    dialect = dialect_of(database_url)
    try:
        revision = current(database_url)
        dump_records(database_url, target / _RECORDS_FILE[dialect])
        counts = None
        if isinstance(stats, StatsStore) or (stats is not None and Path(stats).is_file()):
            assert stats is not None
            counts = export_store(stats, target / "stats")
        manifest = Manifest(
            format=BACKUP_FORMAT,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            polisee_version=__version__,
            records_dialect=dialect,
            records_revision=revision,
            records_file=_RECORDS_FILE[dialect],
            stats_tables=counts,
            files=_listing(target),
        )
        (target / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return manifest


def verify_backup(source: Path) -> Manifest:
    """The manifest of a complete, unchanged backup; InputError naming the first problem."""
    source = Path(source)
    path = source / MANIFEST
    try:
        raw = json.loads(path.read_text())
        manifest = Manifest(**raw)
    except FileNotFoundError:
        raise InputError(
            "no manifest.json: not a polisee backup, or an incomplete one", path=source
        ) from None
    except (ValueError, TypeError) as exc:
        raise InputError(f"the manifest is damaged: {exc}", path=path) from exc
    if manifest.format != BACKUP_FORMAT:
        raise InputError(
            f"expected backup format {BACKUP_FORMAT}, got {manifest.format}", path=path
        )
    found = _listing(source)
    for name, expected in sorted(manifest.files.items()):
        actual = found.get(name)
        if actual is None:
            raise InputError(f"the backup lacks {name}", path=source, field=name)
        if actual != expected:
            raise InputError(
                f"{name} has changed since the backup was made (checksum or size differs)",
                path=source,
                field=name,
            )
    extra = sorted(set(found) - set(manifest.files))
    if extra:
        raise InputError(
            f"the backup holds a file it did not write: {extra[0]}", path=source, field=extra[0]
        )
    if manifest.records_file not in manifest.files:
        raise InputError(f"the manifest lists no {manifest.records_file}", path=path)
    return manifest


def restore(source: Path, *, database_url: str, stats_path: Path) -> Manifest:
    """Replace both stores with the backup in ``source`` (verified first).

    The records database must be of the backup's kind (SQLite or PostgreSQL). Stop the
    web server first: it keeps the statistics store open.
    """
    manifest = verify_backup(source)
    dialect = dialect_of(database_url)
    if dialect != manifest.records_dialect:
        raise InputError(
            f"the backup holds a {manifest.records_dialect} records database; "
            f"it cannot be restored into {dialect}",
            field="database_url",
        )
    source = Path(source)
    stats_path = Path(stats_path)
    staged = None
    if manifest.stats_tables is not None:
        # The statistics are imported and checked beside the store before anything changes.
        staged = import_store(source / "stats", stats_path, expected=manifest.stats_tables)
    try:
        restore_records(source / manifest.records_file, database_url)
    except BaseException:
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    if staged is not None:
        replace_store(staged, stats_path)
    else:
        # The backup was taken before any statistics were loaded: so is the restore.
        stats_path.unlink(missing_ok=True)
        Path(f"{stats_path}.wal").unlink(missing_ok=True)
    return manifest

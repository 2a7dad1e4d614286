"""Consistent copies of the records database while the platform runs, and their restore.

SQLite uses the online backup API in one step, which copies under a single read
transaction (WAL readers never block the web server's writer). PostgreSQL uses
``pg_dump --format=custom`` (one repeatable-read snapshot) and ``pg_restore
--single-transaction`` (all or nothing); both programs must be on ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url

from polisee.errors import InputError, NotFound

__all__ = ["dialect_of", "dump_records", "restore_records"]

_PG_TIMEOUT = 3600


def dialect_of(url: str) -> str:
    """``sqlite`` or ``postgresql`` for a records URL; anything else is refused."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise InputError(f"expected a SQLite or PostgreSQL URL, got {name}", field="database_url")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise InputError("an in-memory SQLite database cannot be backed up", field="database_url")
    return Path(database)


def _pg_env(url: str) -> dict[str, str]:
    parsed = make_url(url)
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", str(parsed.port) if parsed.port else None),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
        ("PGDATABASE", parsed.database),
    ):
        if value:
            env[key] = str(value)
    return env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise NotFound(
            f"{name} is not installed: PostgreSQL backups need the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client)"
        )
    return found


def dump_records(url: str, target: Path) -> None:
    """Write a consistent copy of the records database at ``url`` to the file ``target``."""
    if dialect_of(url) == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.is_file():
            raise NotFound(f"no records database at {source_path}")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=-1)
        finally:
            copy.close()
            source.close()
        return
    result = subprocess.run(
        [
            _program("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
        ],
        env=_pg_env(url),
        capture_output=True,
        text=True,
        timeout=_PG_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise InputError(f"pg_dump failed: {result.stderr.strip()}", field="database_url")


def restore_records(source: Path, url: str) -> None:
    """Replace the content of the records database at ``url`` with the copy ``source``.

    All or nothing: SQLite is overwritten by one backup-API step (a single write
    transaction), PostgreSQL by ``pg_restore --clean --single-transaction``.
    """
    if dialect_of(url) == "sqlite":
        target_path = _sqlite_path(url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            copy.backup(target, pages=-1)
        finally:
            target.close()
            copy.close()
        return
    result = subprocess.run(
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={make_url(url).database}",
            str(source),
        ],
        env=_pg_env(url),
        capture_output=True,
        text=True,
        timeout=_PG_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise InputError(f"pg_restore failed: {result.stderr.strip()}", path=source)

"""Schema migrations (Alembic, shipped inside the package): upgrade, downgrade, current."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from polisee.errors import InputError
from polisee.records.db import make_engine

__all__ = ["MIGRATIONS_DIR", "current", "downgrade", "head", "upgrade"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def _connection(url: str) -> Iterator[Connection]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Batch migrations copy and drop tables; with foreign keys on, dropping a
                # parent would cascade into its children. Checked again afterwards.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            yield connection
            if connection.dialect.name == "sqlite":
                broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise InputError(f"foreign keys broken by the migration: {broken}", path=url)
            connection.commit()
    finally:
        engine.dispose()


def head() -> str:
    """The newest revision shipped with this version of polisee."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def upgrade(url: str, revision: str = "head") -> None:
    """Create or bring the records schema at ``url`` up to ``revision`` (default: the newest)."""
    with _connection(url) as connection:
        command.upgrade(_config(connection), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the schema at ``url`` back to ``revision`` (``base`` removes every table)."""
    with _connection(url) as connection:
        command.downgrade(_config(connection), revision)


def current(url: str) -> str | None:
    """The revision the database at ``url`` is at, or ``None`` for an empty database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()

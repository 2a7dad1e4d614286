"""Alembic environment: runs on the connection handed over by :mod:`polisee.records.migrate`."""

from __future__ import annotations

from alembic import context

import polisee.records.models  # registers every table on the metadata
from polisee.records.base import Base


def run_migrations() -> None:
    """Run the migrations on the connection that ``polisee.records.migrate`` passed in."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through polisee.records.migrate")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=polisee.records.models.include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


# Alembic installs ``context.config`` before it executes this file; a plain import (pytest's
# doctest collection) finds no config and leaves the module inert.
if hasattr(context, "config"):
    run_migrations()

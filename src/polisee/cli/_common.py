"""Helpers shared by the CLI sub-apps: settings and stores opened for one command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from polisee.config import Settings
from polisee.statsdb import StatsStore

__all__ = ["settings_from_env", "stats_store"]


def settings_from_env() -> Settings:
    """The settings of this invocation (environment variables ``POLISEE_*``)."""
    return Settings()


@contextmanager
def stats_store(settings: Settings, *, read_only: bool = False) -> Iterator[StatsStore]:
    """Open the statistics store of ``settings`` for the duration of a command."""
    store = StatsStore(settings.stats_path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()

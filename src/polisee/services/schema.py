"""The records schema for entry points: create, upgrade, downgrade, report the revision."""

from __future__ import annotations

from polisee.records.migrate import current, downgrade, head, upgrade

__all__ = ["current", "downgrade", "head", "upgrade"]

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from polisee.cli import db
from polisee.records.migrate import current, head


def test_upgrade_downgrade_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    monkeypatch.setenv("POLISEE_DATABASE_URL", url)
    root = typer.Typer()
    root.add_typer(db.app, name="db")
    runner = CliRunner()
    assert runner.invoke(root, ["db", "upgrade"]).exit_code == 0
    assert current(url) == head()
    shown = runner.invoke(root, ["db", "current"])
    assert f"current: {head()}" in shown.output
    assert runner.invoke(root, ["db", "downgrade", "base"]).exit_code == 0
    assert current(url) is None
    assert "current: base" in runner.invoke(root, ["db", "current"]).output

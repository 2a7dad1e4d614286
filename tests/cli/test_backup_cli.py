"""``polisee backup`` / ``polisee restore`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from polisee.cli import app
from polisee.records.migrate import upgrade
from polisee.statsdb import StatsStore


def test_backup_then_restore_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    var = tmp_path / "var"
    var.mkdir()
    monkeypatch.setenv("POLISEE_VAR_DIR", str(var))
    monkeypatch.delenv("POLISEE_DATABASE_URL", raising=False)
    upgrade(f"sqlite:///{var / 'records.sqlite3'}")
    with StatsStore(var / "stats.duckdb") as store, store.transaction():
        store.replace_facts(
            "d",
            pd.DataFrame(
                {
                    "dataset": "d",
                    "measure": "m",
                    "region": ["HU21"],
                    "industry": "C10",
                    "year": 2020,
                    "value": 1.0,
                    "flag": "",
                }
            ),
        )
    runner = CliRunner()
    made = runner.invoke(app, ["backup", str(tmp_path / "bk")])
    assert made.exit_code == 0, made.output
    assert "records.sqlite3" in made.output
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("POLISEE_VAR_DIR", str(other))
    restored = runner.invoke(app, ["restore", str(tmp_path / "bk")])
    assert restored.exit_code == 0, restored.output
    assert "1 statistics facts" in restored.output
    with StatsStore(other / "stats.duckdb", read_only=True) as store:
        assert len(store.facts("m", level=None)) == 1
    (tmp_path / "bk" / "records.sqlite3").write_bytes(b"tampered")
    refused = runner.invoke(app, ["restore", str(tmp_path / "bk")])
    assert refused.exit_code == 2
    assert "records.sqlite3 has changed since the backup was made" in refused.output

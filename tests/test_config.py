from __future__ import annotations

from pathlib import Path

import pytest

from polisee.config import Settings


def test_environment_overrides_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLISEE_VAR_DIR", str(tmp_path / "v"))
    monkeypatch.setenv("POLISEE_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("POLISEE_DATABASE_URL", raising=False)
    s = Settings()
    assert s.var_dir == tmp_path / "v"
    assert s.data_dir == tmp_path / "d"
    assert s.stats_path == tmp_path / "v" / "stats.duckdb"
    assert s.database_url == f"sqlite:///{tmp_path / 'v' / 'records.sqlite3'}"


def test_database_url_is_kept_when_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLISEE_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings().database_url == "postgresql+psycopg://u@h/db"

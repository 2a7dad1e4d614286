"""``polisee ladders`` and ``polisee clusters`` on a real records database."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from polisee.cli import app
from polisee.records.db import transaction
from polisee.services.financing import builtin_ladder_text, load_demo_clusters


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("POLISEE_DATABASE_URL", database_url)
    return app


def test_import_a_new_version_and_list(cli: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "hu.yaml"
    path.write_text(builtin_ladder_text("hu_cluster_ladder").replace("value: 15,", "value: 14,"))
    result = CliRunner().invoke(cli, ["ladders", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported ladder hu_cluster version 2" in result.output
    listing = CliRunner().invoke(cli, ["ladders", "list"])
    assert "startup → developing → accredited → pole" in listing.output
    assert "bronze → silver → gold" in listing.output


def test_a_bad_ladder_exits_2_naming_file_line_and_field(cli: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("key: bad\nname: Bad\nstages:\n  - key: one\n    name: One\n    rules: nope\n")
    result = CliRunner().invoke(cli, ["ladders", "import", str(path)])
    assert result.exit_code == 2
    assert f"{path}:6: stages[0].rules: expected a list" in result.output


def test_evaluate_prints_rules_rubric_and_what_is_missing(
    cli: typer.Typer, database_url: str
) -> None:
    with transaction(database_url) as db:
        load_demo_clusters(db)
    result = CliRunner().invoke(
        cli,
        [
            "clusters",
            "evaluate",
            "[demo] Budapest Digital Services Cluster",
            "--ladder",
            "hu_cluster",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Stage reached: Developing cluster" in result.output
    assert "Missing for Accredited innovation cluster: export share 18% of 25%" in result.output
    assert "✗ export share ≥ 25%, actual 18% [default]" in result.output
    unknown = CliRunner().invoke(cli, ["clusters", "evaluate", "nobody"])
    assert unknown.exit_code == 1

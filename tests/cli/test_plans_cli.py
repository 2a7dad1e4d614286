"""``polisee plans remind`` on a real records database: reminders once a day."""

from __future__ import annotations

import pytest
import typer
from sqlalchemy.orm import Session
from tests.services.plans.conftest import World, build_world
from typer.testing import CliRunner

from polisee.cli import app


@pytest.fixture
def world(db: Session) -> World:
    return build_world(db)


@pytest.fixture
def cli(world: World, database_url: str, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("POLISEE_DATABASE_URL", database_url)
    return app


def test_polisee_plans_remind(cli: typer.Typer, world: World) -> None:
    first = CliRunner().invoke(cli, ["plans", "remind", "--on", "2026-11-27"])
    assert first.exit_code == 0, first.output
    assert (
        "2026-11-27: 4 reminders sent (3 on milestones, 1 on KPI reports) to 3 people"
        in first.output
    )
    second = CliRunner().invoke(
        cli, ["plans", "remind", "--on", "2026-11-27", "--plan", str(world.plan)]
    )
    assert "0 reminders sent" in second.output
    bad = CliRunner().invoke(cli, ["plans", "remind", "--on", "27/11/2026"])
    assert bad.exit_code == 2
    assert "--on: expected a date like 2026-11-27" in bad.output

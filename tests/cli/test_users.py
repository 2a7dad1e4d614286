from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from polisee.cli import users
from polisee.records.db import transaction
from polisee.services import accounts


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("POLISEE_DATABASE_URL", database_url)
    root = typer.Typer()
    root.add_typer(users.app, name="users")
    return root


def test_create_prints_a_generated_password_once(cli: typer.Typer, database_url: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "users",
            "create",
            "Ana@Example.eu",
            "--name",
            "Ana",
            "--role",
            "admin",
            "--org",
            "Pannon Agency",
        ],
    )
    assert result.exit_code == 0, result.output
    password = re.search(r"password \(shown once\): (\S+)", result.output)
    assert password
    with transaction(database_url) as db:
        user = accounts.authenticate(db, "ana@example.eu", password.group(1))
        assert user is not None
        assert {r.value for r in accounts.roles_of(db, user.id)} == {"admin"}
    listed = CliRunner().invoke(cli, ["users", "list"])
    assert "ana@example.eu" in listed.output
    assert "admin@Pannon Agency" in listed.output


def test_grant_and_errors(cli: typer.Typer) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["users", "create", "a@b.eu", "--name", "A", "--password", "long enough pw"])
    runner.invoke(
        cli, ["users", "create", "o@b.eu", "--name", "O", "--role", "member", "--org", "Org"]
    )
    ok = runner.invoke(cli, ["users", "grant", "a@b.eu", "--role", "analyst", "--org", "Org"])
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(cli, ["users", "grant", "a@b.eu", "--role", "analyst", "--org", "Org"])
    assert again.exit_code == 1
    bad = runner.invoke(cli, ["users", "grant", "a@b.eu", "--role", "king", "--org", "Org"])
    assert bad.exit_code == 2
    assert "role" in bad.output
    dup = runner.invoke(cli, ["users", "create", "A@B.eu", "--name", "A"])
    assert dup.exit_code == 1


def test_reset_token_prints_a_working_link(cli: typer.Typer, database_url: str) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["users", "create", "a@b.eu", "--name", "A", "--password", "long enough pw"])
    result = runner.invoke(cli, ["users", "reset-token", "a@b.eu"])
    assert result.exit_code == 0
    token = re.search(r"/reset/(\S+)", result.output)
    assert token
    with transaction(database_url) as db:
        assert accounts.consume_reset_token(db, token.group(1)).email == "a@b.eu"
    assert runner.invoke(cli, ["users", "reset-token", "nobody@b.eu"]).exit_code == 1

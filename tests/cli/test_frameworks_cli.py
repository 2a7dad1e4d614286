"""``polisee frameworks import`` and ``list``."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from polisee.cli import frameworks
from polisee.records.db import transaction
from polisee.services import assessment as sa


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("POLISEE_DATABASE_URL", database_url)
    root = typer.Typer()
    root.add_typer(frameworks.app, name="frameworks")
    return root


def test_import_twice_stores_one_version_and_lists_it(cli: typer.Typer, database_url: str) -> None:
    shipped = sa.shipped_frameworks()[sa.DEFAULT_FRAMEWORK]
    result = CliRunner().invoke(cli, ["frameworks", "import", str(shipped)])
    assert result.exit_code == 0, result.output
    assert "stored framework six-themes version 1" in result.output
    again = CliRunner().invoke(cli, ["frameworks", "import", str(shipped)])
    assert again.exit_code == 1
    assert "identical to its version 1" in again.output
    listing = CliRunner().invoke(cli, ["frameworks", "list"])
    assert listing.exit_code == 0, listing.output
    assert "six-themes" in listing.output
    with transaction(database_url) as db:
        assert [(v.key, v.version, v.criteria) for v in sa.list_frameworks(db)] == [
            ("six-themes", 1, 24)
        ]


def test_a_bad_file_exits_2_naming_file_line_and_field(cli: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: bad\ntitle: Bad\nscale: 3\nthemes: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["frameworks", "import", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3: scale: expected a list, got a number '3'" in " ".join(result.output.split())
    missing = CliRunner().invoke(cli, ["frameworks", "import", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2
    assert "cannot read the file" in missing.output

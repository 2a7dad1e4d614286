from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from polisee.cli import app
from polisee.config import default_data_dir

DATA = default_data_dir()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eurostat"
needs_data = pytest.mark.skipif(not (DATA / "nuts").exists(), reason="shared data not present")


@pytest.fixture
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("POLISEE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("POLISEE_DATA_DIR", str(DATA))
    table = tmp_path / "emp.csv"
    # Two regions, two divisions, 2014. HU21: C10 10, C29 30; HU22: C10 20, C29 40.
    table.write_text(
        "geo,nace,time,emp\nHU21,C10,2014,10\nHU21,C29,2014,30\nHU22,C10,2014,20\nHU22,C29,2014,40\n"
    )
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "data",
            "load",
            str(table),
            "--dataset",
            "emp",
            "--map",
            "region=geo",
            "--map",
            "industry=nace",
            "--map",
            "year=time",
            "--map",
            "value=emp",
            "--map",
            "measure==V16110",
        ],
    )
    assert result.exit_code == 0, result.output
    return runner


@needs_data
def test_lq_for_one_region_as_json(loaded: CliRunner) -> None:
    result = loaded.invoke(
        app, ["analyse", "lq", "--year", "2014", "--region", "HU21", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {r["industry"]: r["lq"] for r in json.loads(result.output)["rows"]}
    # LQ(HU21, C10) = (10/40) / (30/100) = 0.8333; LQ(HU21, C29) = (30/40) / (70/100) = 1.0714
    assert rows["C10"] == pytest.approx(0.25 / 0.30)
    assert rows["C29"] == pytest.approx(0.75 / 0.70)


@needs_data
def test_unknown_indicator_and_region(loaded: CliRunner) -> None:
    unknown = loaded.invoke(app, ["analyse", "nope"])
    assert unknown.exit_code == 2
    assert "unknown indicator 'nope'" in unknown.output
    missing = loaded.invoke(app, ["analyse", "lq", "--region", "XX99"])
    assert missing.exit_code == 1
    assert "no lq results for region 'XX99'" in missing.output


def test_indicators_lists_the_registry() -> None:
    result = CliRunner().invoke(app, ["indicators"])
    assert result.exit_code == 0
    for key in ("lq", "eci", "stars", "strong_flags", "relatedness_density"):
        assert key in result.output


@needs_data
def test_shift_share_needs_two_years(loaded: CliRunner) -> None:
    # The fixture holds 2014 only: a change cannot be decomposed, and the user is told why.
    result = loaded.invoke(app, ["analyse", "shift_share"])
    assert result.exit_code == 2
    assert "shift-share needs an end year after 2014" in result.output

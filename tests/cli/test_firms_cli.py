"""``polisee firms aggregate`` end to end on the real classifications."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from polisee.cli import app
from polisee.config import default_data_dir
from polisee.statsdb import StatsStore

DATA = default_data_dir()
pytestmark = pytest.mark.skipif(not (DATA / "nace").exists(), reason="shared data not present")

FIRMS = """firm_id,region,nace,year,employees,turnover
A,HU211,10.11,2020,10,100.1
B,HU212,C1012,2020,5,0.2
C,HU211,10.71,2020,3,0.3
D,HU213,1011,2020,2,
E,HU221,C1011,2020,7,7
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLISEE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("POLISEE_DATA_DIR", str(DATA))
    return tmp_path


def test_aggregate_loads_a_dataset(env: Path) -> None:
    path = env / "register.csv"
    path.write_text(FIRMS)
    out = env / "panel.csv"
    result = CliRunner().invoke(
        app, ["firms", "aggregate", str(path), "--min-firms", "3", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "firms_register" in result.output
    with StatsStore(env / "var" / "stats.duckdb", read_only=True) as store:
        facts = store.facts("FIRM_EMPLOYEES", dataset="firms_register", level=2)
        summary = store.dataset("firms_register")["summary"]
    rows = {(r.region, r.industry): (r.value, r.flag) for r in facts.itertuples()}
    assert rows[("HU21", "C10")] == (20.0, "")
    assert math.isnan(rows[("HU22", "C10")][0])
    assert rows[("HU22", "C10")][1] == "c"
    assert summary["records"] == 5
    assert summary["suppressed"]["FIRM_EMPLOYEES"] == 1
    assert out.read_text().startswith("measure,region,industry,year,value,flag")
    # The panel is a dataset like any other: the analysis commands read it.
    lq = CliRunner().invoke(
        app,
        [
            "analyse",
            "lq",
            "--measure",
            "FIRM_EMPLOYEES",
            "--dataset",
            "firms_register",
            "--year",
            "2020",
            "--format",
            "csv",
        ],
    )
    assert lq.exit_code == 0, lq.output
    assert "HU21" in lq.output


def test_bad_file_exits_2_naming_line_and_field(env: Path) -> None:
    path = env / "bad.csv"
    path.write_text(FIRMS.replace("10.71", "10.79"))
    result = CliRunner().invoke(app, ["firms", "aggregate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:4: nace: expected a NACE Rev. 2 class" in result.output
    assert not (env / "var" / "stats.duckdb").exists()


def test_postcode_table_option(env: Path) -> None:
    table = env / "pc.csv"
    table.write_text("postcode,nuts\n8000,HU211\n9000,HU221\n")
    path = env / "pc_firms.csv"
    path.write_text(
        "firm_id,postcode,nace,year,employees\nA,8000,C1011,2020,1\nB,9000,C1011,2020,2\n"
    )
    result = CliRunner().invoke(
        app,
        ["firms", "aggregate", str(path), "--postcodes", str(table), "--level", "3", "--no-load"],
    )
    assert result.exit_code == 0, result.output
    assert "cells (region x industry x year)" in result.output

"""``polisee report assessment`` and ``polisee report plan``: the demo records printed from
the command line as a named user (``--as``), with that user's access rules."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from tests.services._assessment import person, scenario
from tests.services.test_evidence import demo_stats_path
from typer.testing import CliRunner

from polisee.cli import app
from polisee.config import default_data_dir
from polisee.records.assessments import Assessment
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.records.plans import Plan
from polisee.services import plans as pl
from polisee.services.demo import load_demo_records

pytestmark = pytest.mark.slow

VISITOR = "visitor@example.eu"


@dataclass(frozen=True)
class Records:
    url: str
    assessment: int  # the published demo round of HU21
    plan: int  # the published demo plan
    private: int  # an assessment in progress of Pannon Agency


@pytest.fixture(scope="module")
def records(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Records:
    path = tmp_path_factory.mktemp("cli-records") / "records.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with transaction(url) as db:
        load_demo_records(db)
        person(db, VISITOR, role="member", organisation="Visitors")
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        private = scenario(db).assessment_id
        assessment = db.scalar(
            select(Assessment.id).where(
                Assessment.region_code == "HU21",
                Assessment.round_year == 2025,
                Assessment.demo.is_(True),
            )
        )
        plan = db.scalar(select(Plan.id).where(Plan.title == pl.DEMO_PLAN_TITLE))
    engine.dispose()
    assert assessment is not None
    assert plan is not None
    return Records(url, assessment, plan, private)


@pytest.fixture
def runner(
    records: Records, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    monkeypatch.setenv("POLISEE_VAR_DIR", str(demo_stats_path(tmp_path_factory).parent))
    monkeypatch.setenv("POLISEE_DATA_DIR", str(default_data_dir()))
    monkeypatch.setenv("POLISEE_DATABASE_URL", records.url)
    return CliRunner()


def test_assessment_report_as_xlsx(runner: CliRunner, records: Records, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "report",
            "assessment",
            str(records.assessment),
            "--as",
            VISITOR,
            "--format",
            "xlsx",
            "--output",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / f"polisee-assessment-HU21-2025-{records.assessment}-en.xlsx"
    assert f"wrote {path}" in result.output
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames[:3] == ["Key figures", "Respondents", "Themes"]
    assert book.sheetnames[-1] == "Sources and notes"
    figures = {r[0]: r[1] for r in book["Key figures"].iter_rows(2, values_only=True)}
    assert figures["Respondents invited"] == 5
    meta = list(book["Sources and notes"].iter_rows(values_only=True))
    # The statistics of POLISEE_VAR_DIR give the region its name.
    assert ("Region", "Közép-Dunántúl (HU21)") in meta


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_hungarian_plan_report_as_pdf(runner: CliRunner, records: Records, tmp_path: Path) -> None:
    target = tmp_path / "terv.pdf"
    result = runner.invoke(
        app,
        [
            "report",
            "plan",
            str(records.plan),
            "--as",
            VISITOR,
            "--lang",
            "hu",
            "--output",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Célkitűzések" in text
    assert "Előrehaladás a célértékekhez képest" in text
    pages = re.search(r"1\. oldal / (\d+)", text)
    assert pages is not None
    assert 4 <= int(pages.group(1)) <= 9


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["assessment", "{private}", "--as", VISITOR], 1, "these results are not shared with you"),
        (["assessment", "{private}", "--as", "nobody@example.eu"], 1, "no user with email"),
        (["assessment", "{assessment}"], 2, "--as: expected the email of the user to act as"),
        (["plan", "999999", "--as", VISITOR], 1, "no plan with id 999999"),
        (["plan", "{plan}", "--as", VISITOR, "--lang", "xx"], 2, "expected a language among"),
    ],
    ids=["not-shared", "unknown-user", "no-user", "unknown-plan", "unknown-language"],
)
def test_refusals_exit_with_a_message(
    runner: CliRunner, records: Records, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    filled = [
        a.format(private=records.private, assessment=records.assessment, plan=records.plan)
        for a in args
    ]
    result = runner.invoke(app, ["report", *filled, "--output", str(tmp_path)])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert not list(tmp_path.iterdir())


def test_the_owner_prints_an_assessment_in_progress(
    runner: CliRunner, records: Records, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "report",
            "assessment",
            str(records.private),
            "--as",
            "owner@example.eu",
            "--format",
            "html",
            "--output",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    [written] = list(tmp_path.iterdir())
    assert "Not published" in written.read_text()

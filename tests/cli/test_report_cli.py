"""``polisee report region``: the HU21 report from the command line, on the real demo data."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.services.test_evidence import demo_stats_path
from typer.testing import CliRunner

from polisee.cli import app
from polisee.config import default_data_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_stats_path(tmp_path_factory).parent


@pytest.fixture
def runner(var_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("POLISEE_VAR_DIR", str(var_dir))
    monkeypatch.setenv("POLISEE_DATA_DIR", str(default_data_dir()))
    return CliRunner()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_hungarian_pdf_of_central_transdanubia(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["report", "region", "hu21", "--format", "pdf", "--lang", "hu", "--output", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "polisee-region-HU21-2014-hu.pdf"
    assert f"wrote {path}" in result.output
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Régióprofil" in text
    assert "Közép-Dunántúl" in text
    pages = re.search(r"1\. oldal / (\d+)", text)
    assert pages is not None
    assert 6 <= int(pages.group(1)) <= 10


def test_xlsx_for_a_year_to_a_named_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out" / "hu21.xlsx"
    result = runner.invoke(
        app,
        ["report", "region", "HU21", "--format", "xlsx", "--year", "2012", "--output", str(target)],
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(target.read_bytes()))
    assert book.sheetnames[0] == "Key figures"
    meta = list(book["Sources and notes"].iter_rows(values_only=True))
    assert ("Figures for", "2012") in meta


def test_html_lands_in_the_working_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "region", "HU21", "--format", "html"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "polisee-region-HU21-2014-en.html").read_text()
    assert "<h1>Közép-Dunántúl</h1>" in html


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["XX99"], 1, "no region 'XX99'"),
        (
            ["HU21", "--lang", "fr"],
            2,
            "--lang: expected a language among de, en, hr, it, hu, ro, sq, sk, sl, sr_Latn, el, bg, got 'fr'",
        ),
        (["HU21", "--format", "docx"], 2, "docx"),
    ],
    ids=["unknown-region", "unknown-language", "unknown-format"],
)
def test_bad_requests_exit_with_a_message(
    runner: CliRunner, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result = runner.invoke(app, ["report", "region", *args, "--output", str(tmp_path)])
    assert result.exit_code == code
    assert message in result.output
    assert not list(tmp_path.iterdir())

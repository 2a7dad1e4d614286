from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from polisee.cli import app
from polisee.config import default_data_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eurostat"
DATA = default_data_dir()
needs_data = pytest.mark.skipif(not (DATA / "nuts").exists(), reason="shared data not present")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLISEE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("POLISEE_DATA_DIR", str(DATA))
    return tmp_path


@needs_data
def test_load_then_list_and_show(env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["data", "load", str(FIXTURES / "small.tsv")])
    assert result.exit_code == 0, result.output
    assert "small loaded" in result.output
    listing = runner.invoke(app, ["data", "list"])
    assert listing.exit_code == 0
    assert "small" in listing.output
    shown = runner.invoke(app, ["data", "show", "small"])
    assert "V16110" in shown.output


@needs_data
def test_bad_input_exits_2_naming_file_line_and_field(env: Path) -> None:
    bad = env / "bad.tsv"
    bad.write_text((FIXTURES / "small.tsv").read_text().replace("1234 d", "12x d"))
    result = CliRunner().invoke(app, ["data", "load", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: 2014: expected a number or ':', got '12x'" in result.output


def test_missing_store_is_a_clear_error(env: Path) -> None:
    result = CliRunner().invoke(app, ["data", "list"])
    assert result.exit_code == 1
    assert "load data first" in result.output


def test_bad_mapping_is_usage_error(env: Path) -> None:
    result = CliRunner().invoke(
        app, ["data", "load", str(FIXTURES / "small.tsv"), "--map", "region"]
    )
    assert result.exit_code == 2
    assert "expected --map KEY=COLUMN" in result.output


def test_fetch_downloads_into_the_data_dir_from_a_local_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import functools
    import gzip
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    served = tmp_path / "served"
    served.mkdir()
    payload = gzip.compress((FIXTURES / "small.tsv").read_bytes())
    (served / "small").write_bytes(payload)  # the query string (?format=TSV) is ignored
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("POLISEE_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("POLISEE_VAR_DIR", str(tmp_path / "var"))
        url = f"http://127.0.0.1:{server.server_address[1]}"
        result = CliRunner().invoke(app, ["data", "fetch", "small", "--eurostat-url", url])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "data" / "eurostat_regional" / "small.tsv.gz").read_bytes() == payload
        assert "downloaded" in result.output
        again = CliRunner().invoke(app, ["data", "fetch", "small", "--eurostat-url", url])
        assert "skipped" in again.output
    finally:
        server.shutdown()
        server.server_close()

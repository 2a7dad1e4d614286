"""Kill ``polisee data load`` while it writes: the statistics store is exactly as before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polisee.config import default_data_dir
from polisee.statsdb import StatsStore

DATA = default_data_dir()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eurostat"
BIG = DATA / "eurostat_regional" / "sbs_r_nuts06_r2.tsv.gz"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BIG.exists(), reason="shared data not present"),
]


_MAIN = "import sys; from polisee.cli import main; sys.argv[0] = 'polisee'; main()"


def _polisee(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", _MAIN, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, *args], env=env, capture_output=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr.decode()


def _checksum(path: Path) -> str:
    with StatsStore(path, read_only=True) as store:
        return store.checksum()


def test_killed_load_leaves_the_store_as_before(tmp_path: Path) -> None:
    env = {**os.environ, "POLISEE_VAR_DIR": str(tmp_path / "var"), "POLISEE_DATA_DIR": str(DATA)}
    _run(env, "data", "load", str(FIXTURES / "small.tsv"))
    store = tmp_path / "var" / "stats.duckdb"
    before = _checksum(store)
    size = store.stat().st_size
    load = _polisee(env, "data", "load", str(BIG), "--dataset", "sbs")
    # Midway: once the load's transaction has written a megabyte of facts into the file
    # (after some 10 s of reading and harmonising), or has begun its commit log.
    deadline = time.monotonic() + 300
    wal = Path(f"{store}.wal")
    while store.stat().st_size < size + (1 << 20) and not wal.exists():
        assert load.poll() is None, "the load ended before it wrote anything"
        assert time.monotonic() < deadline, "the load never started writing"
        time.sleep(0.01)
    os.killpg(load.pid, signal.SIGKILL)
    assert load.wait(timeout=60) == -signal.SIGKILL
    assert _checksum(store) == before
    with StatsStore(store, read_only=True) as reopened:
        assert list(reopened.datasets()["dataset"]) == ["small"]
    # The store takes the next load as if nothing had happened.
    _run(env, "data", "load", str(FIXTURES / "small.tsv"), "--dataset", "again")
    with StatsStore(store, read_only=True) as reopened:
        assert list(reopened.datasets()["dataset"]) == ["again", "small"]

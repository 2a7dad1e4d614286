"""Backup and restore of both stores: round trip, tampering, and snapshots under writes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine, make_url, select, text

from polisee.errors import Conflict, InputError
from polisee.records.audit import AuditEntry
from polisee.records.base import Base
from polisee.records.db import make_engine, transaction
from polisee.records.migrate import upgrade
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR
from polisee.services.backup import MANIFEST, backup, restore, verify_backup
from polisee.statsdb import StatsStore


def _facts(n: int, dataset: str = "d") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": dataset,
            "measure": "V16110",
            "region": [f"HU{i % 9 + 1}{i % 7}" for i in range(n)],
            "industry": [f"C{i:04d}" for i in range(n)],
            "year": 2020,
            "value": [float(i) for i in range(n)],
            "flag": "",
        }
    )


def _fill_stats(path: Path) -> str:
    with StatsStore(path) as store, store.transaction():
        store.replace_facts("d", _facts(500))
        store.upsert_dataset("d", source="test", sha256="x", summary={"rows": 500})
    with StatsStore(path) as store:
        return store.checksum()


def _fill_records(url: str) -> None:
    with transaction(url) as db:
        org = accounts.create_organisation(
            db, name="Pannon <Agency>", kind="agency", actor=CLI_ACTOR
        )
        user = accounts.create_user(
            db, email="ana@example.eu", display_name="Ana", password="x" * 12, actor=CLI_ACTOR
        )
        accounts.grant_role(
            db, user_id=user.id, organisation_id=org.id, role="analyst", actor=CLI_ACTOR
        )


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        state = {
            table.name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr)
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return state


@pytest.fixture
def target_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty records database of the same kind as ``database_url``, to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'records.sqlite3'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_restore"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        # Without FORCE: PostgreSQL ends an autovacuum worker on the restored database
        # itself, which FORCE may not signal without pg_signal_backend.
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


def test_restore_into_a_new_directory_equals_the_original(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    _fill_records(database_url)
    stats = tmp_path / "var" / "stats.duckdb"
    checksum = _fill_stats(stats)
    manifest = backup(tmp_path / "backup", database_url=database_url, stats=stats)
    assert manifest.stats_tables is not None
    assert manifest.stats_tables["facts"] == 500
    restored_stats = tmp_path / "restored" / "stats.duckdb"
    restore(tmp_path / "backup", database_url=target_url, stats_path=restored_stats)
    with StatsStore(restored_stats, read_only=True) as store:
        assert store.checksum() == checksum
    assert _snapshot(target_url) == _snapshot(database_url)


@pytest.mark.parametrize(
    "damage",
    ["change-stats", "change-records", "remove-file", "add-file", "no-manifest", "bad-manifest"],
    ids=lambda d: d,
)
def test_a_damaged_backup_is_refused_and_changes_nothing(tmp_path: Path, damage: str) -> None:
    for folder_name in ("a", "b"):
        (tmp_path / folder_name).mkdir()
    url = f"sqlite:///{tmp_path / 'a' / 'records.sqlite3'}"
    upgrade(url)
    _fill_records(url)
    stats = tmp_path / "a" / "stats.duckdb"
    _fill_stats(stats)
    folder = tmp_path / "backup"
    backup(folder, database_url=url, stats=stats)
    # The target holds other content that must survive a refused restore.
    target = f"sqlite:///{tmp_path / 'b' / 'records.sqlite3'}"
    upgrade(target)
    with transaction(target) as db:
        accounts.create_organisation(db, name="Kept", kind="agency", actor=CLI_ACTOR)
    target_stats = tmp_path / "b" / "stats.duckdb"
    with StatsStore(target_stats) as store, store.transaction():
        store.replace_facts("kept", _facts(3, "kept"))
    before = (_snapshot(target), target_stats.read_bytes())
    parquet = next((folder / "stats").glob("facts.parquet"))
    if damage == "change-stats":
        raw = bytearray(parquet.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        parquet.write_bytes(bytes(raw))
    elif damage == "change-records":
        with (folder / "records.sqlite3").open("ab") as handle:
            handle.write(b"\0")
    elif damage == "remove-file":
        parquet.unlink()
    elif damage == "add-file":
        (folder / "stats" / "extra.sql").write_text("DROP TABLE facts;")
    elif damage == "no-manifest":
        (folder / MANIFEST).unlink()
    else:
        (folder / MANIFEST).write_text("{not json")
    with pytest.raises(InputError):
        restore(folder, database_url=target, stats_path=target_stats)
    assert (_snapshot(target), target_stats.read_bytes()) == before
    assert not list(tmp_path.glob("b/*.restoring"))


def test_backup_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    upgrade(url)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(Conflict):
        backup(tmp_path / "full", database_url=url, stats=None)


def test_records_dialect_must_match(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    upgrade(url)
    backup(tmp_path / "bk", database_url=url, stats=None)
    manifest = json.loads((tmp_path / "bk" / MANIFEST).read_text())
    assert manifest["records_dialect"] == "sqlite"
    assert verify_backup(tmp_path / "bk").stats_tables is None
    with pytest.raises(InputError, match="cannot be restored into postgresql"):
        restore(
            tmp_path / "bk",
            database_url="postgresql+psycopg://u:p@127.0.0.1:9/none",
            stats_path=tmp_path / "s.duckdb",
        )


def test_records_backup_is_a_snapshot_while_writes_go_on(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    """Each write adds an organisation and its audit entry in one transaction: a snapshot
    holds both or neither, for a gap-free run of organisations."""
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        engine = make_engine(database_url)
        from polisee.records.db import make_session_factory

        factory = make_session_factory(engine)
        i = 0
        while not stop.is_set() and i < 5000:
            with factory() as db, db.begin():
                accounts.create_organisation(db, name=f"w{i:05d}", kind="agency", actor=CLI_ACTOR)
            written.append(i)
            i += 1
        engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        backup(tmp_path / "bk", database_url=database_url, stats=None)
        at_backup_end = len(written)
    finally:
        stop.set()
        thread.join()
    restore(tmp_path / "bk", database_url=target_url, stats_path=tmp_path / "r" / "s.duckdb")
    state = _snapshot(target_url)
    names = sorted(row[1] for row in state["organisations"] if str(row[1]).startswith("w"))
    engine = make_engine(target_url)
    with engine.connect() as connection:
        audited = connection.execute(
            select(AuditEntry.entity_id).where(AuditEntry.action == "organisation.create")
        ).all()
    engine.dispose()
    assert 20 <= len(names) <= at_backup_end + 1
    assert names == [f"w{i:05d}" for i in range(len(names))]
    assert len(audited) == len(names)


def test_statistics_backup_is_a_snapshot_while_loads_go_on(tmp_path: Path) -> None:
    """A writer replaces the dataset with n facts and records n in its summary, in one
    transaction; the export of the same store, taken meanwhile, holds a matching pair."""
    store = StatsStore(tmp_path / "stats.duckdb")
    with store.transaction():
        store.replace_facts("d", _facts(10))
        store.upsert_dataset("d", source="t", sha256="x", summary={"rows": 10})
    stop = threading.Event()
    cursor_store = StatsStore.__new__(StatsStore)
    cursor_store.con = store.con.cursor()
    cursor_store.path = store.path
    cursor_store._in_transaction = False

    def writer() -> None:
        n = 10
        while not stop.is_set() and n < 3000:
            n += 7
            with cursor_store.transaction():
                cursor_store.replace_facts("d", _facts(n))
                cursor_store.upsert_dataset("d", source="t", sha256="x", summary={"rows": n})

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        manifests = [
            backup(tmp_path / f"bk{i}", database_url=_empty_sqlite(tmp_path, i), stats=store)
            for i in range(3)
        ]
    finally:
        stop.set()
        thread.join()
        cursor_store.con.close()
    for i, manifest in enumerate(manifests):
        assert manifest.stats_tables is not None
        restored = tmp_path / f"r{i}" / "stats.duckdb"
        restore(
            tmp_path / f"bk{i}", database_url=_empty_sqlite(tmp_path, 10 + i), stats_path=restored
        )
        with StatsStore(restored, read_only=True) as copy:
            rows = int(copy.datasets()["rows"].iloc[0])
            assert copy.dataset("d")["summary"]["rows"] == rows
            assert rows == manifest.stats_tables["facts"]
    store.close()


def _empty_sqlite(tmp_path: Path, i: int) -> str:
    url = f"sqlite:///{tmp_path / f'db{i}' / 'records.sqlite3'}"
    (tmp_path / f"db{i}").mkdir(exist_ok=True)
    upgrade(url)
    return url

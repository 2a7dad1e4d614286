from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from polisee.records.base import Base
from polisee.records.db import make_engine
from polisee.records.migrate import MIGRATIONS_DIR, current, downgrade, head, upgrade
from polisee.records.models import include_name


def test_upgrade_downgrade_upgrade_round_trip(database_url: str) -> None:
    assert current(database_url) == head()
    downgrade(database_url, "base")
    assert current(database_url) is None
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(database_url)
    assert current(database_url) == head()


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        # The full-text index tables and indexes are created by migrations but not mapped.
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_migration_files_are_date_stamped() -> None:
    names = [p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py")]
    assert names
    assert all(n[:4].isdigit() and n[4] == "_" and n[7] == "_" for n in names), names


def test_sqlite_has_foreign_keys_and_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_foreign_keys_are_enforced(db: Session) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    from polisee.records.accounts import Membership
    from polisee.records.permissions import Role

    db.add(Membership(user_id=999, organisation_id=999, role=Role.MEMBER))
    with pytest.raises(IntegrityError):
        db.flush()

"""The demo practices: real programmes, published by the demo administrator, marked demo."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from polisee.records.practices import Practice, PracticeState
from polisee.services import accounts, demo
from polisee.services.practices._demo import read_demo_file

COUNTRIES = {"AT", "BG", "HR", "EL", "HU", "IT", "RO", "RS", "SK", "SI", "AL", "EU"}


def test_demo_file_is_complete_and_sourced() -> None:
    items = read_demo_file()
    assert len(items) >= 20
    assert len({i.title for i in items}) == len(items)
    for item in items:
        assert item.links, item.title
        assert all(link["url"].startswith(("https://", "http://")) for link in item.links)
        assert {r[:2] for r in item.regions} <= COUNTRIES, item.title
        # Figures are only quoted with a source; free text never states budgets by itself.
        for figure in item.result_figures:
            assert figure["label"]
            assert figure["value"] is not None
    countries = {r[:2] for i in items for r in i.regions}
    assert len(countries - {"EU"}) >= 9


def test_load_demo_records_publishes_once(db: Session) -> None:
    first = demo.load_demo_records(db)
    assert first.password is not None  # the demo administrator was created
    added = first.practices
    assert added == len(read_demo_file())
    assert demo.load_demo_records(db) == demo.DemoRecords(password=None, practices=0)
    admin = accounts.find_user(db, demo.DEMO_ADMIN_EMAIL)
    rows = db.scalars(select(Practice).options(selectinload(Practice.events))).all()
    assert len(rows) == added
    for practice in rows:
        assert practice.demo
        assert practice.state is PracticeState.PUBLISHED
        assert practice.publisher_id == admin.id
        assert practice.author_id is None
        assert [e.to_state.value for e in practice.events] == [
            "draft",
            "submitted",
            "reviewed",
            "published",
        ]
        assert re.search(r"\w", practice.search_title)

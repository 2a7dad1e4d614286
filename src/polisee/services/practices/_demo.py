"""The demo practices: real, publicly documented cluster programmes of the SEE countries,
summarised for this project in its own words, each with its source link.

They are marked ``demo`` and go through the real validation: created and submitted as
project content (no author account), then reviewed and published by the demo
administrator. Loading twice adds nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import InputError, NotFound
from polisee.records.accounts import User
from polisee.records.practices import Practice, PracticeEvent, PracticeState
from polisee.services.accounts import roles_of
from polisee.services.audit import record_change
from polisee.services.permissions import Permission, permissions_for
from polisee.services.practices._model import PracticeInput
from polisee.services.practices._workflow import Decision, create_practice, decide
from polisee.services.sessions import Principal

__all__ = ["DEMO_AUTHOR", "DEMO_FILE", "load_demo_practices", "read_demo_file"]

DEMO_FILE = Path(__file__).resolve().parent / "demo_practices.yaml"
DEMO_AUTHOR = Principal(
    user_id=None,
    email="demo",
    display_name="polisee demo content",
    permissions=frozenset({Permission.PRACTICE_PROPOSE}),
)
_FIELDS = frozenset(PracticeInput.__dataclass_fields__)


def read_demo_file(path: Path = DEMO_FILE) -> list[PracticeInput]:
    """The practices of the demo file, checked (InputError names the entry and field)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("practices") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError("expected a top-level 'practices' list", path=path)
    out = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise InputError(f"entry {number}: expected a mapping", path=path)
        unknown = set(entry) - _FIELDS
        if unknown:
            raise InputError(f"entry {number}: unknown fields {sorted(unknown)}", path=path)
        values: dict[str, Any] = dict(entry)
        for name in ("themes", "regions", "links", "result_figures"):
            values[name] = tuple(values.get(name) or ())
        item = PracticeInput(**values)
        try:
            item.checked()
        except InputError as error:
            raise InputError(
                f"entry {number} ({entry.get('title')!r}): {error.message}",
                path=path,
                field=error.field,
            ) from None
        out.append(item)
    return out


def load_demo_practices(
    session: Session, *, validator_email: str = "admin@polisee.example", path: Path = DEMO_FILE
) -> int:
    """Add the demo practices not yet present (by title), published by ``validator_email``;
    returns how many were added. NotFound if that account does not exist."""
    validator = session.scalar(select(User).where(User.email == validator_email))
    if validator is None:
        raise NotFound(f"no user {validator_email!r}: create the demo administrator first")
    principal = Principal(
        user_id=validator.id,
        email=validator.email,
        display_name=validator.display_name,
        permissions=permissions_for(roles_of(session, validator.id)),
    )
    present = set(session.scalars(select(Practice.title).where(Practice.demo.is_(True))))
    added = 0
    for item in read_demo_file(path):
        if item.title in present:
            continue
        practice = create_practice(session, item, DEMO_AUTHOR, demo=True)
        practice.state = PracticeState.SUBMITTED
        session.add(
            PracticeEvent(
                practice_id=practice.id,
                actor_label=DEMO_AUTHOR.display_name,
                from_state=PracticeState.DRAFT,
                to_state=PracticeState.SUBMITTED,
                note="demo content",
            )
        )
        record_change(
            session,
            DEMO_AUTHOR.actor,
            "practice.submit",
            "practice",
            practice.id,
            before={"state": "draft"},
            after={"state": "submitted"},
        )
        decide(session, practice.id, Decision.REVIEW, principal, note="demo content")
        decide(session, practice.id, Decision.PUBLISH, principal, note="demo content")
        added += 1
    return added

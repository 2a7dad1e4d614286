from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm import Session

from polisee.records.accounts import User


def _user(email: str) -> User:
    return User(email=email, display_name="A", password_hash="x")


def test_email_must_be_stored_lower_case(db: Session) -> None:
    db.add(_user("Ana@Example.eu"))
    with pytest.raises(IntegrityError):
        db.flush()


def test_email_is_unique(db: Session) -> None:
    db.add(_user("ana@example.eu"))
    db.flush()
    db.add(_user("ana@example.eu"))
    with pytest.raises(IntegrityError):
        db.flush()


def test_relationships_never_load_lazily(db: Session) -> None:
    db.add(_user("ana@example.eu"))
    db.commit()
    db.expunge_all()
    user = db.query(User).one()
    with pytest.raises(InvalidRequestError):
        _ = user.memberships

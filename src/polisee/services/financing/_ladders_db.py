"""Ladder versions in the records: the shipped ladders, imports of new versions, lookups."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, NotFound
from polisee.records.financing import LadderVersion
from polisee.services.audit import Actor, record_change
from polisee.services.financing._ladder import (
    BUILTIN_LADDERS,
    Ladder,
    MembershipRules,
    builtin_ladder_text,
    parse_ladder,
)

__all__ = [
    "SYSTEM_ACTOR",
    "ensure_builtin_ladders",
    "get_ladder_version",
    "import_ladder",
    "ladder_of",
    "ladder_versions",
    "latest_ladder",
    "latest_ladders",
    "membership_rules",
]

SYSTEM_ACTOR = Actor(user_id=None, label="system")


@lru_cache(maxsize=64)
def _parsed(text: str, source: str) -> Ladder:
    return parse_ladder(text, path=source)


def ladder_of(version: LadderVersion) -> Ladder:
    """The parsed ladder of a stored version (parsed once per text)."""
    return _parsed(version.yaml_text, version.source)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _store(
    session: Session, text: str, *, source: str, actor: Actor, imported_by_id: int | None
) -> LadderVersion:
    ladder = parse_ladder(text, path=source)
    latest = session.scalar(
        select(LadderVersion)
        .where(LadderVersion.key == ladder.key)
        .order_by(LadderVersion.version.desc())
        .limit(1)
    )
    digest = _sha(text)
    if latest is not None and latest.sha256 == digest:
        raise Conflict(
            f"ladder {ladder.key!r} version {latest.version} has the same text; nothing to import"
        )
    version = LadderVersion(
        key=ladder.key,
        version=(latest.version + 1) if latest else 1,
        name=ladder.name,
        yaml_text=text,
        sha256=digest,
        source=source[:300],
        imported_by_id=imported_by_id,
    )
    session.add(version)
    session.flush()
    record_change(
        session,
        actor,
        "ladder.import",
        "ladder_version",
        version.id,
        after={"key": version.key, "version": version.version, "sha256": digest, "source": source},
    )
    return version


def import_ladder(session: Session, actor: Actor, text: str, *, source: str) -> LadderVersion:
    """Store ``text`` as the next version of its ladder.

    InputError (with line and field) if it is not a valid ladder; Conflict if it is the
    same text as the newest version.
    """
    return _store(session, text, source=source, actor=actor, imported_by_id=actor.user_id)


def ensure_builtin_ladders(session: Session, actor: Actor = SYSTEM_ACTOR) -> list[LadderVersion]:
    """Store the shipped ladders whose key has no version yet; returns the ones added."""
    added = []
    for stem in BUILTIN_LADDERS:
        text = builtin_ladder_text(stem)
        key = parse_ladder(text, path=f"{stem}.yaml").key
        if session.scalar(select(LadderVersion.id).where(LadderVersion.key == key).limit(1)):
            continue
        added.append(
            _store(session, text, source=f"polisee:{stem}.yaml", actor=actor, imported_by_id=None)
        )
    return added


def latest_ladders(session: Session) -> list[LadderVersion]:
    """The newest version of every ladder, by key."""
    newest = (
        select(LadderVersion.key, func.max(LadderVersion.version).label("version"))
        .group_by(LadderVersion.key)
        .subquery()
    )
    return list(
        session.scalars(
            select(LadderVersion)
            .join(
                newest,
                (LadderVersion.key == newest.c.key) & (LadderVersion.version == newest.c.version),
            )
            .order_by(LadderVersion.key)
        )
    )


def latest_ladder(session: Session, key: str) -> LadderVersion:
    """The newest version of the ladder ``key``; NotFound if there is none."""
    version = session.scalar(
        select(LadderVersion)
        .where(LadderVersion.key == key)
        .order_by(LadderVersion.version.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound(f"no ladder {key[:64]!r}")
    return version


def ladder_versions(session: Session, key: str) -> list[LadderVersion]:
    """Every version of a ladder, newest first."""
    return list(
        session.scalars(
            select(LadderVersion)
            .where(LadderVersion.key == key)
            .order_by(LadderVersion.version.desc())
        )
    )


def get_ladder_version(session: Session, version_id: int) -> LadderVersion:
    """A stored ladder version by id."""
    version = session.get(LadderVersion, version_id)
    if version is None:
        raise NotFound(f"no ladder version {version_id}")
    return version


def membership_rules(session: Session) -> MembershipRules | None:
    """The strictest membership-change rules among the newest ladders (the shortest
    reporting deadline), or None when no ladder sets any."""
    rules = [
        ladder.membership
        for ladder in (ladder_of(v) for v in latest_ladders(session))
        if ladder.membership is not None
    ]
    return min(rules, key=lambda r: (r.report_within_days, r.max_change_share)) if rules else None

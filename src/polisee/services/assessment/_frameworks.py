"""Framework versions: import (a new version per edit), the shipped frameworks, listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polisee.errors import Conflict, NotFound
from polisee.records.assessments import Assessment, Framework
from polisee.services.assessment._definition import FrameworkDefinition, parse_framework
from polisee.services.assessment._indicators import INDICATORS
from polisee.services.audit import Actor, record_change

__all__ = [
    "DEFAULT_FRAMEWORK",
    "SHIPPED_DIR",
    "FrameworkSummary",
    "definition_of",
    "ensure_framework",
    "get_framework",
    "import_framework",
    "latest_framework",
    "list_frameworks",
    "load_definition",
    "shipped_frameworks",
]

SHIPPED_DIR = Path(__file__).resolve().parent / "frameworks"
DEFAULT_FRAMEWORK = "six-themes"


def load_definition(text: str, *, source: str = "<framework>") -> FrameworkDefinition:
    """Parse and validate framework YAML against the indicators polisee can compute."""
    return parse_framework(text, source=source, indicators=frozenset(INDICATORS))


def shipped_frameworks() -> dict[str, Path]:
    """The frameworks that come with polisee: key -> YAML file."""
    return {_shipped_key(path): path for path in sorted(SHIPPED_DIR.glob("*.yaml"))}


@cache
def _shipped_key(path: Path) -> str:
    return load_definition(path.read_text(encoding="utf-8"), source=path.name).key


def definition_of(framework: Framework) -> FrameworkDefinition:
    """The typed definition of a stored framework version."""
    return FrameworkDefinition.from_json(framework.definition)


def import_framework(
    session: Session, text: str, *, actor: Actor, source: str = "<framework>"
) -> Framework:
    """Store the YAML as the next version of its framework (version 1 for a new key).

    A version identical to the latest one is refused (Conflict): nothing would change.
    Assessments keep the version they were created with; earlier answers never change meaning.
    """
    definition = load_definition(text, source=source)
    data = definition.to_json()
    latest = latest_framework(session, definition.key)
    if latest is not None and latest.definition == data:
        raise Conflict(
            f"the framework {definition.key!r} is identical to its version {latest.version}"
        )
    framework = Framework(
        key=definition.key,
        version=1 if latest is None else latest.version + 1,
        title=definition.title.en,
        definition=data,
        source_text=text,
        created_by_id=actor.user_id,
    )
    session.add(framework)
    try:
        session.flush()
    except IntegrityError:
        # Someone else stored the same version number in the meantime; the caller's
        # transaction is rolled back with this error.
        raise Conflict(
            f"another version of {definition.key!r} was saved at the same time; try again"
        ) from None
    record_change(
        session,
        actor,
        "framework.import",
        "framework",
        framework.id,
        after={"key": framework.key, "version": framework.version, "title": framework.title},
    )
    return framework


def latest_framework(session: Session, key: str) -> Framework | None:
    """The newest version of framework ``key``, if any is stored."""
    return session.scalar(
        select(Framework).where(Framework.key == key).order_by(Framework.version.desc()).limit(1)
    )


def ensure_framework(session: Session, key: str, *, actor: Actor) -> Framework:
    """The newest stored version of ``key``; a shipped framework not yet stored is imported."""
    found = latest_framework(session, key)
    if found is not None:
        return found
    shipped = shipped_frameworks().get(key)
    if shipped is None:
        raise NotFound(f"no framework {key!r}")
    return import_framework(
        session, shipped.read_text(encoding="utf-8"), actor=actor, source=shipped.name
    )


def get_framework(session: Session, framework_id: int) -> Framework:
    """The framework version with this id, else NotFound."""
    framework = session.get(Framework, framework_id)
    if framework is None:
        raise NotFound(f"no framework with id {framework_id}")
    return framework


@dataclass(frozen=True)
class FrameworkSummary:
    """A framework version as the list shows it."""

    id: int
    key: str
    version: int
    title: str
    created_at: datetime
    themes: int
    criteria: int
    assessments: int
    latest: bool


def list_frameworks(session: Session) -> list[FrameworkSummary]:
    """Every stored version, by key and newest version first, with how many assessments use it."""
    used = dict(
        session.execute(
            select(Assessment.framework_id, func.count()).group_by(Assessment.framework_id)
        ).all()
    )
    rows = session.scalars(select(Framework).order_by(Framework.key, Framework.version.desc()))
    out: list[FrameworkSummary] = []
    seen: set[str] = set()
    for framework in rows:
        definition = definition_of(framework)
        out.append(
            FrameworkSummary(
                id=framework.id,
                key=framework.key,
                version=framework.version,
                title=framework.title,
                created_at=framework.created_at,
                themes=len(definition.themes),
                criteria=len(definition.criteria),
                assessments=int(used.get(framework.id, 0)),
                latest=framework.key not in seen,
            )
        )
        seen.add(framework.key)
    return out

"""Weight scenarios as records: validation, audit, the owner rule, demo scenarios."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.audit import AuditEntry
from polisee.records.scoreboard import ScoreboardScenario
from polisee.services import accounts
from polisee.services import scoreboard as sb
from polisee.services.audit import CLI_ACTOR, Actor
from polisee.services.demo import load_demo_records


def users(db: Session) -> tuple[Actor, Actor]:
    ana = accounts.create_user(
        db, email="ana@example.eu", display_name="Ana", password="x" * 12, actor=CLI_ACTOR
    )
    bela = accounts.create_user(
        db, email="bela@example.eu", display_name="Béla", password="x" * 12, actor=CLI_ACTOR
    )
    db.flush()
    return Actor(ana.id, ana.email), Actor(bela.id, bela.email)


def audit(db: Session, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_create_scenario_is_audited_and_readable(db: Session) -> None:
    ana, _ = users(db)
    scenario = sb.create_scenario(
        db,
        name="  Green   focus ",
        weights={"co2_intensity": "2", "egss_share": 3},
        aggregation="geometric",
        description="More weight on the sustainability estimates.",
        actor=ana,
    )
    db.commit()
    assert scenario.name == "Green focus"
    assert scenario.weights == {"co2_intensity": 2.0, "egss_share": 3.0}
    assert scenario.owner_id == ana.user_id
    assert scenario.demo is False
    assert [s.name for s in sb.list_scenarios(db)] == ["Green focus"]
    entry = audit(db, "scoreboard_scenario.create")[0]
    assert entry.actor_id == ana.user_id
    assert entry.after is not None
    assert entry.after["aggregation"] == "geometric"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"weights": {"no_such_indicator": 1}}, "weights"),
        ({"weights": {"eci": "-1"}}, "eci"),
        ({"weights": {"eci": "101"}}, "eci"),
        ({"weights": {"eci": "a lot"}}, "eci"),
        ({"weights": {"eci": "nan"}}, "eci"),
        ({"aggregation": "harmonic"}, "aggregation"),
        ({"description": "x" * 4001}, "description"),
    ],
    ids=[
        "blank-name",
        "long-name",
        "unknown-indicator",
        "negative",
        "over-100",
        "not-a-number",
        "nan",
        "unknown-aggregation",
        "long-description",
    ],
)
def test_bad_scenarios_are_refused_naming_the_field(
    db: Session, fields: dict[str, object], field: str
) -> None:
    ana, _ = users(db)
    arguments: dict[str, object] = {"name": "S", "weights": {}, **fields}
    with pytest.raises(InputError) as caught:
        sb.create_scenario(db, actor=ana, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert db.scalar(select(func.count()).select_from(ScoreboardScenario)) == 0


def test_names_are_unique(db: Session) -> None:
    ana, bela = users(db)
    sb.create_scenario(db, name="Mine", weights={}, actor=ana)
    with pytest.raises(Conflict):
        sb.create_scenario(db, name="Mine", weights={}, actor=bela)
    other = sb.create_scenario(db, name="Other", weights={}, actor=ana)
    with pytest.raises(Conflict):
        sb.update_scenario(db, other.id, name="Mine", weights={}, actor=ana)


def test_the_owner_updates_and_deletes_with_audit(db: Session) -> None:
    ana, _ = users(db)
    scenario = sb.create_scenario(db, name="Draft", weights={"eci": 2}, actor=ana)
    sb.update_scenario(
        db, scenario.id, name="Final", weights={"eci": 0.5}, aggregation="geometric", actor=ana
    )
    db.commit()
    changed = audit(db, "scoreboard_scenario.update")[0]
    assert changed.before is not None
    assert changed.before["name"] == "Draft"
    assert changed.after is not None
    assert changed.after["weights"] == {"eci": 0.5}
    sb.delete_scenario(db, scenario.id, actor=ana)
    db.commit()
    assert sb.list_scenarios(db) == []
    assert audit(db, "scoreboard_scenario.delete")[0].before["name"] == "Final"  # type: ignore[index]
    with pytest.raises(NotFound):
        sb.get_scenario(db, scenario.id)


def test_another_user_can_neither_change_nor_delete_a_scenario(db: Session) -> None:
    ana, bela = users(db)
    scenario = sb.create_scenario(db, name="Ana's", weights={"eci": 2}, actor=ana)
    db.commit()
    entries = db.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(PermissionDenied):
        sb.update_scenario(db, scenario.id, name="Taken", weights={}, actor=bela)
    with pytest.raises(PermissionDenied):
        sb.delete_scenario(db, scenario.id, actor=bela)
    with pytest.raises(PermissionDenied):
        sb.delete_scenario(db, scenario.id, actor=CLI_ACTOR)
    db.rollback()
    again = sb.get_scenario(db, scenario.id)
    assert (again.name, again.weights) == ("Ana's", {"eci": 2.0})
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_demo_scenarios_are_marked_and_loaded_once(db: Session) -> None:
    first = load_demo_records(db)
    assert f"{len(sb.DEMO_SCENARIOS)} demo scoreboard weight scenarios" in first.lines
    assert not any("scoreboard" in line for line in load_demo_records(db).lines)
    db.commit()
    scenarios = sb.list_scenarios(db)
    assert all(s.demo and s.owner_id is None and "[demo]" in s.name for s in scenarios)
    assert all("Source: https://" in s.description for s in scenarios)
    just = next(s for s in scenarios if s.name.startswith("Just transition"))
    assert just.weights["transition_exposure"] == 3.0

"""Named weight scenarios: saved by analysts, read by everyone, changed only by their owner.

Every change writes an audit entry; nothing here commits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.base import utcnow
from polisee.records.scoreboard import AGGREGATIONS, ScoreboardScenario
from polisee.services.audit import CLI_ACTOR, Actor, record_change, snapshot
from polisee.services.scoreboard._model import indicator_definitions

__all__ = [
    "DEMO_SCENARIOS",
    "MAX_WEIGHT",
    "check_weights",
    "create_demo_scenarios",
    "create_scenario",
    "delete_scenario",
    "get_scenario",
    "list_scenarios",
    "update_scenario",
]

MAX_WEIGHT = 100.0
_FIELDS = ("name", "description", "weights", "aggregation", "owner_id", "demo")


def check_weights(weights: Mapping[str, object]) -> dict[str, float]:
    """Weights as numbers from 0 to :data:`MAX_WEIGHT` for known indicator keys.

    >>> check_weights({"eci": "2", "htec_share": 0})
    {'eci': 2.0, 'htec_share': 0.0}
    """
    known = {d.key for d in indicator_definitions()}
    out: dict[str, float] = {}
    for key, value in weights.items():
        if key not in known:
            raise InputError(
                f"expected an indicator among {sorted(known)}, got {key!r}", field="weights"
            )
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise InputError(f"expected a number for {key}, got {value!r}", field=key) from None
        if not math.isfinite(number) or not 0 <= number <= MAX_WEIGHT:
            raise InputError(
                f"expected a weight from 0 to {MAX_WEIGHT:g} for {key}, got {value!r}", field=key
            )
        out[key] = number
    return out


def _check(name: str, description: str, aggregation: str) -> tuple[str, str]:
    clean = " ".join(name.split())
    if not 1 <= len(clean) <= 120:
        raise InputError(f"expected a name of 1 to 120 characters, got {len(clean)}", field="name")
    text = description.strip()
    if len(text) > 4000:
        raise InputError(
            f"expected a description of at most 4000 characters, got {len(text)}",
            field="description",
        )
    if aggregation not in AGGREGATIONS:
        raise InputError(
            f"expected aggregation among {list(AGGREGATIONS)}, got {aggregation!r}",
            field="aggregation",
        )
    return clean, text


def _unique(session: Session, name: str, exclude: int | None = None) -> None:
    query = select(ScoreboardScenario.id).where(ScoreboardScenario.name == name)
    if exclude is not None:
        query = query.where(ScoreboardScenario.id != exclude)
    if session.scalar(query) is not None:
        raise Conflict(f"a scenario named {name!r} exists already")


def list_scenarios(session: Session) -> list[ScoreboardScenario]:
    """Every scenario, by name."""
    return list(session.scalars(select(ScoreboardScenario).order_by(ScoreboardScenario.name)))


def get_scenario(session: Session, scenario_id: int) -> ScoreboardScenario:
    """One scenario; NotFound when there is none with that id."""
    scenario = session.get(ScoreboardScenario, scenario_id)
    if scenario is None:
        raise NotFound(f"no scoreboard scenario {scenario_id}")
    return scenario


def create_scenario(
    session: Session,
    *,
    name: str,
    weights: Mapping[str, object],
    actor: Actor,
    description: str = "",
    aggregation: str = "arithmetic",
    demo: bool = False,
) -> ScoreboardScenario:
    """A new scenario owned by ``actor``; Conflict when the name is taken."""
    clean, text = _check(name, description, aggregation)
    checked = check_weights(weights)
    _unique(session, clean)
    scenario = ScoreboardScenario(
        name=clean,
        description=text,
        weights=checked,
        aggregation=aggregation,
        owner_id=actor.user_id,
        demo=demo,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    session.add(scenario)
    session.flush()
    record_change(
        session,
        actor,
        "scoreboard_scenario.create",
        "scoreboard_scenario",
        scenario.id,
        after=snapshot(scenario, _FIELDS),
    )
    return scenario


def _owned(session: Session, scenario_id: int, actor: Actor) -> ScoreboardScenario:
    scenario = get_scenario(session, scenario_id)
    if actor.user_id is None or scenario.owner_id != actor.user_id:
        raise PermissionDenied(f"only the owner of scenario {scenario_id} may change it")
    return scenario


def update_scenario(
    session: Session,
    scenario_id: int,
    *,
    name: str,
    weights: Mapping[str, object],
    actor: Actor,
    description: str = "",
    aggregation: str = "arithmetic",
) -> ScoreboardScenario:
    """Change a scenario; PermissionDenied unless ``actor`` owns it."""
    scenario = _owned(session, scenario_id, actor)
    clean, text = _check(name, description, aggregation)
    checked = check_weights(weights)
    _unique(session, clean, exclude=scenario.id)
    before = snapshot(scenario, _FIELDS)
    scenario.name = clean
    scenario.description = text
    scenario.weights = checked
    scenario.aggregation = aggregation
    scenario.updated_at = utcnow()
    session.flush()
    record_change(
        session,
        actor,
        "scoreboard_scenario.update",
        "scoreboard_scenario",
        scenario.id,
        before=before,
        after=snapshot(scenario, _FIELDS),
    )
    return scenario


def delete_scenario(session: Session, scenario_id: int, *, actor: Actor) -> None:
    """Remove a scenario; PermissionDenied unless ``actor`` owns it."""
    scenario = _owned(session, scenario_id, actor)
    before = snapshot(scenario, _FIELDS)
    session.delete(scenario)
    session.flush()
    record_change(
        session,
        actor,
        "scoreboard_scenario.delete",
        "scoreboard_scenario",
        scenario_id,
        before=before,
    )


DEMO_SCENARIOS: tuple[dict[str, object], ...] = (
    {
        "name": "Just transition emphasis [demo]",
        "description": (
            "Demo scenario. The EU Just Transition Fund (Regulation (EU) 2021/1056) supports "
            "the regions whose jobs depend most on fossil fuels and carbon-intensive industry "
            "as they move towards climate neutrality; territorial just transition plans name "
            "those regions. This scenario triples the weight of the two exposure indicators "
            "of the sustainability theme (estimated CO2 per person employed and employment "
            "in carbon-intensive industries) and doubles that of employment growth, so that "
            "the ranking puts forward where the transition weighs most on jobs. "
            "Source: https://eur-lex.europa.eu/eli/reg/2021/1056/oj"
        ),
        "weights": {
            "co2_intensity": 3.0,
            "transition_exposure": 3.0,
            "employment_growth": 2.0,
        },
        "aggregation": "arithmetic",
    },
    {
        "name": "Balanced profile, geometric [demo]",
        "description": (
            "Demo scenario. Equal weights with the geometric mean, which the OECD/JRC "
            "Handbook on Constructing Composite Indicators (2008) recommends when a strong "
            "indicator should not fully make up for a weak one: regions with an even profile "
            "rank higher than with the arithmetic mean. "
            "Source: https://doi.org/10.1787/9789264043466-en"
        ),
        "weights": {},
        "aggregation": "geometric",
    },
)


def create_demo_scenarios(session: Session) -> int:
    """Add the :data:`DEMO_SCENARIOS` that are not there yet (by name); returns how many."""
    existing = {s.name for s in list_scenarios(session)}
    added = 0
    for item in DEMO_SCENARIOS:
        if item["name"] in existing:
            continue
        weights = item["weights"]
        assert isinstance(weights, dict)
        create_scenario(
            session,
            name=str(item["name"]),
            description=str(item["description"]),
            weights=weights,
            aggregation=str(item["aggregation"]),
            actor=CLI_ACTOR,
            demo=True,
        )
        added += 1
    return added

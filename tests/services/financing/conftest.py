"""A small financing world on the test database: an agency with an evaluator and a call
manager, two cluster organisations with one manager each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from polisee.records.permissions import Role, permissions_for
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR
from polisee.services.clusters import (
    CLI_VIEWER,
    ClusterProfileInput,
    Viewer,
    add_member,
    create_cluster,
    viewer_for,
)
from polisee.services.financing import ensure_builtin_ladders

TODAY = date(2026, 11, 27)


@dataclass
class World:
    db: Session
    evaluator: Viewer
    manager_of_calls: Viewer
    manager_a: Viewer
    manager_b: Viewer
    cluster_a: int
    cluster_b: int
    agency: int


def _user(db: Session, email: str, org: int, role: str) -> Viewer:
    user = accounts.create_user(
        db, email=email, display_name=email.split("@")[0], password="x" * 12, actor=CLI_ACTOR
    )
    accounts.grant_role(db, user_id=user.id, organisation_id=org, role=role, actor=CLI_ACTOR)
    return viewer_for(db, user.id, permissions_for([Role(role)]), email)


@pytest.fixture
def world(db: Session) -> World:
    ensure_builtin_ladders(db)
    agency = accounts.create_organisation(db, name="Agency", kind="agency", actor=CLI_ACTOR)
    org_a = accounts.create_organisation(
        db, name="Alpha org", kind="cluster_organisation", actor=CLI_ACTOR
    )
    org_b = accounts.create_organisation(
        db, name="Beta org", kind="cluster_organisation", actor=CLI_ACTOR
    )
    evaluator = _user(db, "evaluator@agency.eu", agency.id, "analyst")
    caller = _user(db, "calls@agency.eu", agency.id, "policy_maker")
    manager_a = _user(db, "a@alpha.eu", org_a.id, "cluster_manager")
    manager_b = _user(db, "b@beta.eu", org_b.id, "cluster_manager")
    alpha = create_cluster(
        db,
        manager_a,
        ClusterProfileInput(
            name="Alpha cluster",
            country="HU",
            region_code="HU21",
            founded_year=2015,
            website="https://alpha.example",
            management_fte="2",
        ),
        organisation_id=org_a.id,
        today=TODAY,
    )
    beta = create_cluster(
        db,
        manager_b,
        ClusterProfileInput(
            name="Beta cluster",
            country="HU",
            region_code="HU22",
            founded_year=2020,
        ),
        organisation_id=org_b.id,
        today=TODAY,
    )
    for i in range(6):
        add_member(
            db,
            manager_a,
            alpha.id,
            name=f"Alpha SME {i}",
            member_type="sme",
            country="HU",
            joined_on=date(2019, 5, 1),
            today=TODAY,
        )
    add_member(
        db,
        CLI_VIEWER,
        beta.id,
        name="Beta SME",
        member_type="sme",
        country="HU",
        joined_on=date(2021, 5, 1),
        today=TODAY,
    )
    db.commit()
    return World(db, evaluator, caller, manager_a, manager_b, alpha.id, beta.id, agency.id)

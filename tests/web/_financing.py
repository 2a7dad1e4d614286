"""Cluster organisations for the financing web tests: Alpha and Beta, each with its own
cluster manager (a@alpha.eu, b@beta.eu) beside the one-user-per-role agency of ``people``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from tests.web.conftest import PASSWORD

from polisee.records.db import transaction
from polisee.services import accounts, clusters
from polisee.services.audit import CLI_ACTOR

__all__ = ["Finance", "finance_fixture", "make_clusters"]


@dataclass
class Finance:
    alpha: int
    beta: int


def make_clusters(database_url: str, *, alpha_smes: int = 6, beta_smes: int = 1) -> Finance:
    ids = []
    with transaction(database_url) as db:
        for name, email, smes in (
            ("Alpha", "a@alpha.eu", alpha_smes),
            ("Beta", "b@beta.eu", beta_smes),
        ):
            org = accounts.create_organisation(
                db, name=f"{name} org", kind="cluster_organisation", actor=CLI_ACTOR
            )
            user = accounts.create_user(
                db, email=email, display_name=f"{name} manager", password=PASSWORD, actor=CLI_ACTOR
            )
            accounts.grant_role(
                db, user_id=user.id, organisation_id=org.id, role="cluster_manager", actor=CLI_ACTOR
            )
            cluster = clusters.create_cluster(
                db,
                clusters.CLI_VIEWER,
                clusters.ClusterProfileInput(
                    name=f"{name} cluster",
                    country="HU",
                    region_code="HU21",
                    founded_year=2015,
                    website=f"https://{name.lower()}.example",
                    management_fte="2",
                ),
                organisation_id=org.id,
            )
            for i in range(smes):
                clusters.add_member(
                    db,
                    clusters.CLI_VIEWER,
                    cluster.id,
                    name=f"{name} SME {i}",
                    member_type="sme",
                    country="HU",
                    joined_on=date(2019, 5, 1),
                )
            ids.append(cluster.id)
    return Finance(*ids)


@pytest.fixture(name="finance")
def finance_fixture(database_url: str, people: dict[str, str]) -> Finance:
    """Alpha with six SME members (a start-up cluster), Beta with one (no stage)."""
    return make_clusters(database_url)

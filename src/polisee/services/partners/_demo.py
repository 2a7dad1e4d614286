"""Demo content for partner matchmaking: cooperation profiles of fictional organisations in
the eleven South-East European countries (the twelve demo cluster organisations of cluster
financing and more), and fictional collaborations between them (``demo_partners.yaml``).

Every name carries "[demo]" and every record has ``demo`` set; each profile says which real
programme or body its kind is modelled on, with a link. Nothing here is a statistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import InputError, NotFound
from polisee.records.accounts import Organisation, User
from polisee.records.clusters import ClusterOrganisation
from polisee.records.partners import PartnerProfile
from polisee.records.permissions import Role
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR
from polisee.services.partners._model import CLI_PARTNER_VIEWER, ProfileInput
from polisee.services.partners._network import record_collaboration
from polisee.services.partners._profiles import create_profile
from polisee.services.semantic import Encoder

__all__ = ["DEMO_FILE", "DEMO_MANAGED", "PartnerDemoSummary", "load_demo_partners"]

DEMO_FILE = Path(__file__).resolve().parent / "demo_partners.yaml"
# The demo cluster organisation whose cluster manager the demo administrator becomes, so
# that match requests can be tried in the demo.
DEMO_MANAGED = "[demo] Central Transdanubian Automotive Suppliers"


@dataclass(frozen=True)
class PartnerDemoSummary:
    """What the demo loader did."""

    profiles: int
    collaborations: int
    countries: int
    already_loaded: bool = False


def _source(entry: dict[str, Any]) -> str:
    url = str(entry.get("source", ""))
    if not url.startswith(("https://", "http://")):
        raise InputError(f"expected an http(s) source, got {url!r}", path=DEMO_FILE, field="source")
    return url


def _organisation(session: Session, entry: dict[str, Any]) -> Organisation:
    if "cluster" in entry:
        cluster = session.scalar(
            select(ClusterOrganisation).where(ClusterOrganisation.name == entry["cluster"])
        )
        if cluster is None:
            raise NotFound(f"no demo cluster organisation {entry['cluster']!r}")
        org = session.get(Organisation, cluster.organisation_id)
        assert org is not None
        return org
    region = str(entry["region"])
    return accounts.create_organisation(
        session,
        name=str(entry["name"]),
        kind=str(entry["kind"]),
        actor=CLI_ACTOR,
        country=region[:2],
        region_code=region,
    )


def _input(entry: dict[str, Any]) -> ProfileInput:
    note = (
        f"Fictional demo organisation, modelled on the kind of body found through {_source(entry)}"
    )
    return ProfileInput(
        region_code=str(entry["region"]),
        summary=f"{entry['summary']}\n\n{note}",
        offers=str(entry["offers"]),
        needs=str(entry["needs"]),
        target_regions=[str(t) for t in entry.get("targets", [])],
        value_chain_roles=[str(r) for r in entry.get("roles", [])],
        nace_codes=[str(c) for c in entry.get("nace", [])],
        technologies=[str(t) for t in entry.get("technologies", [])],
        cooperation_types=[str(c) for c in entry.get("cooperation", [])],
        languages=[str(lang) for lang in entry.get("languages", [])],
        visibility=str(entry.get("visibility", "public")),
        region_pairing=bool(entry.get("pairing", False)),
    )


def load_demo_partners(
    session: Session,
    *,
    manager_email: str | None = None,
    encoder: Encoder | None = None,
    path: Path = DEMO_FILE,
) -> PartnerDemoSummary:
    """Load the demo profiles and collaborations once (nothing happens when demo profiles
    exist). The demo cluster organisations of financing must be loaded first. With
    ``manager_email``, that user becomes cluster manager of :data:`DEMO_MANAGED`."""
    if session.scalar(select(PartnerProfile.id).where(PartnerProfile.demo).limit(1)):
        return PartnerDemoSummary(0, 0, 0, already_loaded=True)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_name: dict[str, int] = {}
    countries: set[str] = set()
    for entry in data["profiles"]:
        org = _organisation(session, entry)
        profile = create_profile(
            session, CLI_PARTNER_VIEWER, org.id, _input(entry), demo=True, encoder=encoder
        )
        by_name[profile.name] = org.id
        countries.add(profile.country)
    collaborations = 0
    for entry in data["collaborations"]:
        try:
            members = [by_name[name] for name in entry["members"]]
        except KeyError as missing:
            raise InputError(
                f"no demo profile named {missing.args[0]!r}", path=DEMO_FILE, field="members"
            ) from None
        ended = entry.get("ended")
        record_collaboration(
            session,
            CLI_PARTNER_VIEWER,
            kind=str(entry["kind"]),
            title=str(entry["title"]),
            organisation_ids=members,
            started_on=date.fromisoformat(str(entry["started"])),
            ended_on=date.fromisoformat(str(ended)) if ended else None,
            source_url=_source(entry),
            demo=True,
        )
        collaborations += 1
    if manager_email:
        user = session.scalar(select(User).where(User.email == manager_email))
        if user is not None and DEMO_MANAGED in by_name:
            accounts.grant_role(
                session,
                user_id=user.id,
                organisation_id=by_name[DEMO_MANAGED],
                role=Role.CLUSTER_MANAGER,
                actor=CLI_ACTOR,
            )
    return PartnerDemoSummary(len(by_name), collaborations, len(countries))

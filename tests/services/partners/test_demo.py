"""The demo partner profiles: at least 30 across the eleven SEE countries, marked demo,
loaded once, with collaborations and the demo administrator able to try requests."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.records.accounts import Membership, User
from polisee.records.partners import Collaboration, PartnerProfile
from polisee.services import demo
from polisee.services import partners as pt
from polisee.services.financing import DEMO_CLUSTERS


def test_demo_file_reuses_every_demo_cluster_and_cites_sources() -> None:
    data = yaml.safe_load(Path(pt.DEMO_FILE).read_text(encoding="utf-8"))
    reused = {p["cluster"] for p in data["profiles"] if "cluster" in p}
    assert reused == {c.name for c in DEMO_CLUSTERS}
    for entry in data["profiles"] + data["collaborations"]:
        assert entry["source"].startswith("https://"), entry
    names = [p.get("name", p.get("cluster")) for p in data["profiles"]]
    assert all(name.startswith("[demo] ") for name in names)
    assert all(c["title"].startswith("[demo] ") for c in data["collaborations"])


def test_demo_records_load_partners_once(db: Session) -> None:
    records = demo.load_demo_records(db)
    profiles = db.scalars(select(PartnerProfile)).all()
    assert len(profiles) >= 30
    assert {p.country for p in profiles} == set(pt.SEE_COUNTRIES)
    assert all(p.demo and p.name.startswith("[demo] ") for p in profiles)
    assert any("demo partner profiles" in line for line in records.lines)
    collaborations = db.scalars(select(Collaboration)).all()
    assert len(collaborations) >= 15
    assert all(c.demo for c in collaborations)
    # Matching works on the demo with the text fallback and no statistics store.
    tirana = next(p for p in profiles if p.name == "[demo] Tirana Digital Innovation Hub")
    result = pt.match_profile(db, pt.CLI_PARTNER_VIEWER, tirana.id, limit=3)
    assert result.matches[0].profile.name == "[demo] Transylvanian Software Alliance"
    # The demo administrator speaks for one demo cluster organisation.
    admin = db.scalar(select(User).where(User.email == demo.DEMO_ADMIN_EMAIL))
    assert admin is not None
    managed = db.scalar(select(PartnerProfile).where(PartnerProfile.name == pt.DEMO_MANAGED))
    assert managed is not None
    assert db.scalar(
        select(Membership.id).where(
            Membership.user_id == admin.id, Membership.organisation_id == managed.organisation_id
        )
    )
    network = pt.collaboration_network(db, pt.CLI_PARTNER_VIEWER)
    assert {p.country for p in network.isolates} == {"AL", "EL"}
    again = pt.load_demo_partners(db)
    assert again.already_loaded
    assert len(db.scalars(select(PartnerProfile)).all()) == len(profiles)

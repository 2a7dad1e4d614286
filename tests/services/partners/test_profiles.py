"""Profiles: who publishes and changes them, who sees members-only ones, search, stored
vectors, saved searches that notify, and matching over the records."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services.partners._helpers import (
    anonymous,
    make_org,
    make_profile,
    profile_input,
    viewer,
)

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.audit import AuditEntry
from polisee.records.clusters import ClusterOrganisation
from polisee.records.notifications import Notification
from polisee.records.partners import PartnerProfile, PartnerVector
from polisee.services import clusters
from polisee.services import partners as pt


def test_cluster_manager_publishes_and_changes_only_its_own_profile(db: Session) -> None:
    alpha = make_org(db, "Alpha cluster org", roles=("cluster_manager", "member"))
    beta = make_org(db, "Beta cluster org", roles=("cluster_manager",))
    manager = viewer(db, alpha.users["cluster_manager"])
    assert [o.id for o in pt.publishable_organisations(db, manager)] == [alpha.id]
    with pytest.raises(PermissionDenied):
        pt.create_profile(db, manager, beta.id, profile_input())
    with pytest.raises(PermissionDenied):
        pt.create_profile(db, viewer(db, alpha.users["member"]), alpha.id, profile_input())
    profile = pt.create_profile(db, manager, alpha.id, profile_input(name=""))
    assert profile.name == "Alpha cluster org"
    assert (profile.country, profile.version) == ("HU", 1)
    with pytest.raises(Conflict):
        pt.create_profile(db, manager, alpha.id, profile_input())
    other = make_profile(db, beta)
    before = db.get(PartnerProfile, other)
    assert before is not None
    with pytest.raises(PermissionDenied):
        pt.update_profile(db, manager, other, profile_input(offers="Something else"))
    assert before.offers == "Precision machining of engine parts"
    changed = pt.update_profile(db, manager, profile.id, profile_input(offers="Robot cells"))
    assert (changed.offers, changed.version) == ("Robot cells", 2)
    # Saving the same values again changes nothing (and no version).
    assert (
        pt.update_profile(db, manager, profile.id, profile_input(offers="Robot cells")).version == 2
    )
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "partner_profile")
    ).all()
    assert actions.count("partner_profile.create") == 2
    assert actions.count("partner_profile.update") == 1


def test_a_registered_cluster_organisation_is_linked_and_names_the_profile(db: Session) -> None:
    org = make_org(db, "Gamma org", roles=("cluster_manager",))
    cluster = clusters.create_cluster(
        db,
        clusters.CLI_VIEWER,
        clusters.ClusterProfileInput(
            name="Gamma automotive cluster",
            country="HU",
            region_code="HU21",
            founded_year=2010,
        ),
        organisation_id=org.id,
    )
    profile = pt.create_profile(
        db, viewer(db, org.users["cluster_manager"]), org.id, profile_input()
    )
    assert profile.cluster_id == cluster.id
    assert profile.name == "Gamma automotive cluster"
    assert db.get(ClusterOrganisation, cluster.id) is not None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region_code": "Hungary"}, "region_code"),
        ({"nace_codes": ("C",)}, "nace_codes"),
        ({"languages": ("xx",)}, "languages"),
        ({"cooperation_types": ("lunch",)}, "cooperation_types"),
        ({"target_regions": ("Austria",)}, "target_regions"),
        ({"visibility": "secret"}, "visibility"),
        ({"offers": "", "needs": ""}, "offers"),
        ({"website": "ftp://x"}, "website"),
    ],
    ids=["region", "nace", "language", "cooperation", "targets", "visibility", "texts", "website"],
)
def test_profile_input_names_the_bad_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as raised:
        profile_input(**changes).clean()
    assert raised.value.field == field


def test_nace_codes_are_kept_as_divisions() -> None:
    values = profile_input(nace_codes=("c29.10", "C29", "J62")).clean()
    assert values["nace_codes"] == ["C29", "J62"]


def test_members_only_profiles_are_hidden_from_anonymous_viewers(db: Session) -> None:
    alpha = make_org(db, "Alpha org", roles=("member",))
    beta = make_org(db, "Beta org")
    public = make_profile(db, alpha)
    hidden = make_profile(db, beta, visibility="members", region_code="AT22")
    nobody = anonymous()
    assert [p.id for p in pt.search_profiles(db, nobody, pt.SearchFilters())] == [public]
    with pytest.raises(PermissionDenied):
        pt.visible_profile(db, nobody, hidden)
    member = viewer(db, alpha.users["member"])
    assert {p.id for p in pt.search_profiles(db, member, pt.SearchFilters())} == {public, hidden}
    assert pt.visible_profile(db, member, hidden).id == hidden
    # Matching for an anonymous viewer never ranks a members-only profile.
    result = pt.match_profile(db, nobody, public)
    assert hidden not in [m.profile.id for m in result.matches]
    assert hidden in [m.profile.id for m in pt.match_profile(db, member, public).matches]
    with pytest.raises(PermissionDenied):
        pt.match_profile(db, nobody, hidden)
    with pytest.raises(NotFound):
        pt.visible_profile(db, member, 999_999)


def test_search_filters(db: Session) -> None:
    a = make_org(db, "A org")
    b = make_org(db, "B org")
    c = make_org(db, "C org")
    auto = make_profile(db, a)
    wood = make_profile(
        db,
        b,
        region_code="SI03",
        nace_codes=("C16",),
        offers="Timber frames",
        cooperation_types=("market_entry",),
    )
    make_profile(db, c, region_code="AT22", nace_codes=("C29.1",), offers="Engines")
    nobody = anonymous()

    def ids(**filters: str) -> list[int]:
        return [p.id for p in pt.search_profiles(db, nobody, pt.SearchFilters(**filters))]

    assert ids(country="SI") == [wood]
    assert len(ids(industry="C29")) == 2
    assert ids(cooperation_type="market_entry") == [wood]
    assert ids(q="timber frames") == [wood]
    assert ids(q="machining", country="HU") == [auto]
    assert ids(q="nothing like this") == []


def test_saving_stores_vectors_and_a_new_version_replaces_them(db: Session) -> None:
    org = make_org(db, "Delta org", roles=("cluster_manager",))
    profile = pt.create_profile(
        db, viewer(db, org.users["cluster_manager"]), org.id, profile_input()
    )
    rows = db.scalars(select(PartnerVector).where(PartnerVector.profile_id == profile.id)).all()
    assert {(r.field, r.model, r.profile_version) for r in rows} == {
        ("needs", "tfidf-terms/1", 1),
        ("offers", "tfidf-terms/1", 1),
    }
    offers = next(r for r in rows if r.field == "offers")
    assert offers.terms == {"precision": 1, "machining": 1, "engine": 1, "part": 1}
    pt.update_profile(
        db, viewer(db, org.users["cluster_manager"]), profile.id, profile_input(offers="Robots")
    )
    db.refresh(offers)
    assert (offers.terms, offers.profile_version) == ({"robot": 1}, 2)


class AxisEncoder:
    """Hand-made embeddings: one axis per keyword, so cosines can be worked out."""

    name = "hand-made-axes"
    axes = ("casting", "machining", "tourism")

    def encode(self, texts: list[str]) -> np.ndarray:  # type: ignore[type-arg]
        return np.asarray(
            [[float(t.lower().count(a)) for a in self.axes] for t in texts], dtype=np.float32
        )


def test_matching_with_embeddings_when_an_encoder_is_given(db: Session) -> None:
    a = make_org(db, "A org")
    b = make_org(db, "B org")
    c = make_org(db, "C org")
    seeker = make_profile(db, a)  # needs casting, offers machining
    make_profile(db, b, offers="Die casting", needs="Machining")
    make_profile(db, c, offers="Island tourism", needs="Tourism")
    encoder = AxisEncoder()
    result = pt.match_profile(db, pt.CLI_PARTNER_VIEWER, seeker, encoder=encoder)
    assert result.model == "hand-made-axes"
    first, second = result.matches
    # B: its offers lie on the casting axis like our needs, its needs on machining like our
    # offers: both cosines 1. C is orthogonal on both: 0.
    assert first.profile.name == "B org"
    assert first.parts["complementarity"] == pytest.approx(1.0)
    assert second.parts["complementarity"] == pytest.approx(0.0)
    # The embeddings were computed in memory (reading never writes); saving stores them.
    stored = db.scalars(select(PartnerVector.model).distinct()).all()
    assert set(stored) == {"tfidf-terms/1"}
    profiles = list(db.scalars(select(PartnerProfile)))
    assert pt.store_vectors(db, profiles, encoder) == 6
    assert pt.store_vectors(db, profiles, encoder) == 0


def test_matching_explains_each_match_and_reuses_the_index(db: Session) -> None:
    a = make_org(db, "A org")
    b = make_org(db, "B org")
    seeker = make_profile(db, a, languages=("hu", "en"))
    partner = make_profile(
        db,
        b,
        region_code="AT22",
        offers="Aluminium die casting of battery housings",
        needs="Precision machining of engine parts",
        target_regions=("HU",),
        languages=("de", "en"),
    )
    result = pt.match_profile(db, pt.CLI_PARTNER_VIEWER, seeker)
    [match] = result.matches
    assert match.profile.id == partner
    assert match.shared_languages == ["en"]
    assert (match.in_our_targets, match.we_in_their_targets) == (True, True)
    assert match.industry_pairs == [("C29", "C29", 1.0)]
    assert match.parts["complementarity"] == pytest.approx(1.0)
    assert result.relatedness == "exact"
    assert result.model == "tfidf"
    first = pt.load_index(db)
    assert pt.load_index(db) is first
    pt.update_profile(db, pt.CLI_PARTNER_VIEWER, partner, profile_input(region_code="AT22"))
    assert pt.load_index(db) is not first


def test_saved_search_notifies_once_for_new_matching_profiles(db: Session) -> None:
    seeker = make_org(db, "Seeker org", roles=("member",))
    other = make_org(db, "Other org", roles=("cluster_manager",))
    member = viewer(db, seeker.users["member"])
    make_profile(db, other, region_code="SI03")  # exists before the search: not notified
    search = pt.save_search(
        db,
        member,
        name="Slovenian automotive",
        filters=pt.SearchFilters(country="SI", industry="C29"),
    )
    with pytest.raises(Conflict):
        pt.save_search(db, member, name="Slovenian automotive", filters=pt.SearchFilters(q="x"))
    with pytest.raises(InputError):
        pt.save_search(db, member, name="Empty", filters=pt.SearchFilters())
    with pytest.raises(PermissionDenied):
        pt.save_search(db, anonymous(), name="Mine", filters=pt.SearchFilters(q="x"))
    third = make_org(db, "Third org")
    fourth = make_org(db, "Fourth org")
    new = make_profile(db, third, region_code="SI04")
    make_profile(db, fourth, region_code="AT22")  # not in Slovenia
    notes = db.scalars(
        select(Notification).where(Notification.user_id == seeker.users["member"])
    ).all()
    assert [(n.kind, n.link) for n in notes] == [
        ("partners.search_match", f"/partners/profiles/{new}")
    ]
    assert notes[0].params == {"name": "Third org", "search": "Slovenian automotive"}
    # Changing the profile again does not notify twice.
    pt.update_profile(db, pt.CLI_PARTNER_VIEWER, new, profile_input(region_code="SI04", offers="x"))
    assert (
        len(
            db.scalars(
                select(Notification).where(Notification.user_id == seeker.users["member"])
            ).all()
        )
        == 1
    )
    stranger = make_org(db, "Stranger org", roles=("member",))
    with pytest.raises(PermissionDenied):
        pt.delete_search(db, viewer(db, stranger.users["member"]), search.id)
    pt.delete_search(db, member, search.id)
    assert pt.list_searches(db, member) == []

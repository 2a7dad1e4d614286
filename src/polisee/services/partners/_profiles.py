"""Cooperation profiles: publishing, changing, reading and browsing them.

An organisation has at most one profile; its publishers (a role with ``partner:edit`` in
it) and administrators change it. Saving stores the text vectors used by matching and tells
the owners of matching saved searches. Every change is audited; nothing here commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, NotFound, PermissionDenied
from polisee.records.accounts import Organisation
from polisee.records.base import utcnow
from polisee.records.clusters import ClusterOrganisation
from polisee.records.partners import PartnerProfile, PartnerVisibility
from polisee.records.permissions import Permission
from polisee.services.audit import record_change, snapshot
from polisee.services.partners._access import editable_profile
from polisee.services.partners._index import store_vectors
from polisee.services.partners._model import PartnerViewer, ProfileInput, SearchFilters
from polisee.services.partners._searches import notify_saved_searches
from polisee.services.semantic import Encoder

__all__ = [
    "create_profile",
    "own_profiles",
    "profile_for_organisation",
    "publishable_organisations",
    "search_profiles",
    "update_profile",
]

_FIELDS = (
    "name",
    "country",
    "region_code",
    "summary",
    "offers",
    "needs",
    "target_regions",
    "value_chain_roles",
    "nace_codes",
    "technologies",
    "cooperation_types",
    "languages",
    "visibility",
    "region_pairing",
    "website",
)


def _snap(profile: PartnerProfile) -> dict[str, object]:
    data = snapshot(profile, _FIELDS)
    data["version"] = profile.version
    return data


def _default_name(session: Session, organisation: Organisation) -> str:
    cluster = session.scalar(
        select(ClusterOrganisation).where(ClusterOrganisation.organisation_id == organisation.id)
    )
    return cluster.name if cluster is not None else organisation.name


def publishable_organisations(session: Session, viewer: PartnerViewer) -> list[Organisation]:
    """Organisations without a profile that the viewer may publish one for."""
    if Permission.PARTNER_EDIT not in viewer.permissions:
        return []
    taken = select(PartnerProfile.organisation_id)
    query = select(Organisation).where(Organisation.id.not_in(taken)).order_by(Organisation.name)
    return [o for o in session.scalars(query) if viewer.admin or o.id in viewer.publishers]


def profile_for_organisation(session: Session, organisation_id: int) -> PartnerProfile | None:
    """The organisation's profile, if it has one."""
    return session.scalar(
        select(PartnerProfile).where(PartnerProfile.organisation_id == organisation_id)
    )


def own_profiles(session: Session, viewer: PartnerViewer) -> list[PartnerProfile]:
    """The profiles of the organisations the viewer belongs to (they act for these)."""
    if not viewer.organisations or Permission.PARTNER_CONTACT not in viewer.permissions:
        return []
    return list(
        session.scalars(
            select(PartnerProfile)
            .where(PartnerProfile.organisation_id.in_(viewer.organisations))
            .order_by(PartnerProfile.name)
        )
    )


def create_profile(
    session: Session,
    viewer: PartnerViewer,
    organisation_id: int,
    values: ProfileInput,
    *,
    demo: bool = False,
    encoder: Encoder | None = None,
) -> PartnerProfile:
    """Publish the cooperation profile of an organisation the viewer publishes for.

    A registered cluster organisation of that organisation is linked; the name defaults to
    its name (else the organisation's).
    """
    if Permission.PARTNER_EDIT not in viewer.permissions:
        raise PermissionDenied("needs permission 'partner:edit'")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"no organisation with id {organisation_id}")
    if not viewer.admin and organisation_id not in viewer.publishers:
        raise PermissionDenied("profiles are published by the organisation's own people")
    if profile_for_organisation(session, organisation_id) is not None:
        raise Conflict(f"{organisation.name} has a partner profile already")
    clean = values.clean()
    if not clean["name"]:
        clean["name"] = _default_name(session, organisation)
    cluster_id = session.scalar(
        select(ClusterOrganisation.id).where(ClusterOrganisation.organisation_id == organisation_id)
    )
    profile = PartnerProfile(
        organisation_id=organisation_id,
        cluster_id=cluster_id,
        demo=demo,
        created_by_id=viewer.user_id,
        version=1,
        **clean,
    )
    session.add(profile)
    session.flush()
    store_vectors(session, [profile], encoder)
    record_change(
        session,
        viewer.actor,
        "partner_profile.create",
        "partner_profile",
        profile.id,
        after={**_snap(profile), "organisation_id": organisation_id, "demo": demo},
    )
    notify_saved_searches(session, profile)
    return profile


def update_profile(
    session: Session,
    viewer: PartnerViewer,
    profile_id: int,
    values: ProfileInput,
    *,
    encoder: Encoder | None = None,
) -> PartnerProfile:
    """Replace a profile's fields (its organisation's publishers and administrators)."""
    profile = editable_profile(session, viewer, profile_id)
    clean = values.clean()
    if not clean["name"]:
        organisation = session.get(Organisation, profile.organisation_id)
        assert organisation is not None
        clean["name"] = _default_name(session, organisation)
    before = _snap(profile)
    changed = {k: v for k, v in clean.items() if getattr(profile, k) != v}
    if not changed:
        return profile
    for key, value in changed.items():
        setattr(profile, key, value)
    profile.version += 1
    profile.updated_at = utcnow()
    session.flush()
    store_vectors(session, [profile], encoder)
    record_change(
        session,
        viewer.actor,
        "partner_profile.update",
        "partner_profile",
        profile.id,
        before=before,
        after=_snap(profile),
    )
    notify_saved_searches(session, profile)
    return profile


def search_profiles(
    session: Session, viewer: PartnerViewer, filters: SearchFilters
) -> list[PartnerProfile]:
    """The profiles the viewer may see that pass the filters, by name (members-only
    profiles only for signed-in users)."""
    if Permission.PARTNER_READ not in viewer.permissions:
        return []
    query = select(PartnerProfile).order_by(PartnerProfile.name, PartnerProfile.id)
    if not (viewer.signed_in or viewer.admin):
        query = query.where(PartnerProfile.visibility == PartnerVisibility.PUBLIC)
    if filters.country:
        query = query.where(PartnerProfile.country == filters.country)
    return [p for p in session.scalars(query) if filters.matches(p)]

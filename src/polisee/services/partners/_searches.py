"""Saved partner searches, and the notification when a new or changed profile matches one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Membership
from polisee.records.partners import PartnerProfile, SavedSearch, SavedSearchHit
from polisee.records.permissions import Permission
from polisee.services.audit import record_change
from polisee.services.notifications import notify
from polisee.services.partners._model import PartnerViewer, SearchFilters

__all__ = [
    "MAX_SAVED_SEARCHES",
    "SEARCH_MATCH_TEXT",
    "delete_search",
    "list_searches",
    "notify_saved_searches",
    "save_search",
]

MAX_SAVED_SEARCHES = 20
SEARCH_MATCH_TEXT = "The partner profile “%(name)s” matches your saved search “%(search)s”."


def _owner(viewer: PartnerViewer) -> int:
    if viewer.user_id is None or Permission.PARTNER_CONTACT not in viewer.permissions:
        raise PermissionDenied("sign in to keep saved searches")
    return viewer.user_id


def list_searches(session: Session, viewer: PartnerViewer) -> list[SavedSearch]:
    """The viewer's saved searches, by name."""
    if viewer.user_id is None:
        return []
    return list(
        session.scalars(
            select(SavedSearch)
            .where(SavedSearch.user_id == viewer.user_id)
            .order_by(SavedSearch.name, SavedSearch.id)
        )
    )


def save_search(
    session: Session,
    viewer: PartnerViewer,
    *,
    name: str,
    filters: SearchFilters,
    notify_new: bool = True,
) -> SavedSearch:
    """Keep a search under a name; with ``notify_new`` the owner hears of new matches.

    Profiles matching already are remembered as seen, so only later ones notify.
    """
    owner = _owner(viewer)
    clean = " ".join(name.split())
    if not clean or len(clean) > 120:
        raise InputError(f"expected a name of 1 to 120 characters, got {len(clean)}", field="name")
    if filters.empty:
        raise InputError("choose at least one filter to save", field="filters")
    mine = list_searches(session, viewer)
    if len(mine) >= MAX_SAVED_SEARCHES:
        raise Conflict(f"you keep {MAX_SAVED_SEARCHES} saved searches already; delete one first")
    if any(s.name == clean for s in mine):
        raise Conflict(f"you have a saved search named {clean!r} already")
    search = SavedSearch(user_id=owner, name=clean, filters=filters.to_dict(), notify=notify_new)
    session.add(search)
    session.flush()
    for profile in session.scalars(select(PartnerProfile)):
        if filters.matches(profile):
            session.add(SavedSearchHit(search_id=search.id, profile_id=profile.id))
    session.flush()
    record_change(
        session,
        viewer.actor,
        "partner_search.save",
        "partner_saved_search",
        search.id,
        after={"name": clean, "filters": search.filters, "notify": notify_new},
    )
    return search


def delete_search(session: Session, viewer: PartnerViewer, search_id: int) -> None:
    """Delete one of the viewer's own saved searches (PermissionDenied for anyone else's)."""
    owner = _owner(viewer)
    search = session.get(SavedSearch, search_id)
    if search is None:
        raise NotFound(f"no saved search with id {search_id}")
    if search.user_id != owner:
        raise PermissionDenied("this saved search belongs to another user")
    record_change(
        session,
        viewer.actor,
        "partner_search.delete",
        "partner_saved_search",
        search.id,
        before={"name": search.name, "filters": search.filters},
    )
    session.delete(search)
    session.flush()


def notify_saved_searches(session: Session, profile: PartnerProfile) -> int:
    """Tell the owners of matching saved searches about ``profile`` (once per search),
    except its own organisation's people; returns how many were told."""
    seen = set(
        session.scalars(
            select(SavedSearchHit.search_id).where(SavedSearchHit.profile_id == profile.id)
        )
    )
    own = set(
        session.scalars(
            select(Membership.user_id).where(Membership.organisation_id == profile.organisation_id)
        )
    )
    told = 0
    for search in session.scalars(select(SavedSearch).where(SavedSearch.notify.is_(True))):
        if search.id in seen or search.user_id in own:
            continue
        if not SearchFilters.from_mapping(search.filters).matches(profile):
            continue
        session.add(SavedSearchHit(search_id=search.id, profile_id=profile.id))
        notify(
            session,
            [search.user_id],
            kind="partners.search_match",
            text_key=SEARCH_MATCH_TEXT,
            params={"name": profile.name, "search": search.name},
            link=f"/partners/profiles/{profile.id}",
        )
        told += 1
    session.flush()
    return told

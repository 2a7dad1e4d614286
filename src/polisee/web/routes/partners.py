"""Partner matchmaking pages: search with filters and saved searches, cooperation profiles
(publish, change, read) and the ranked partners of a profile with the reasons."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from polisee.errors import InputError
from polisee.records.partners import PartnerProfile
from polisee.services import partners as pt
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._partners_common import (
    COLLABORATION_LABELS,
    COOPERATION_LABELS,
    PART_LABELS,
    ROLE_LABELS,
    VISIBILITY_LABELS,
    formatter,
    split_list,
    statistics,
    viewer,
)
from polisee.web.security import DbSession, get_semantic, require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter(prefix="/partners")
Reader = Annotated[Principal, require(Permission.PARTNER_READ)]
Contact = Annotated[Principal, require(Permission.PARTNER_CONTACT)]
Editor = Annotated[Principal, require(Permission.PARTNER_EDIT)]
Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=4000)]
Choices = Annotated[list[str], Form(max_length=40)]


def _filters(q: str, country: str, industry: str, cooperation_type: str) -> pt.SearchFilters:
    return pt.SearchFilters.from_mapping(
        {"q": q, "country": country, "industry": industry, "cooperation_type": cooperation_type}
    )


def _vocabulary() -> dict[str, Any]:
    return {
        "cooperation_labels": COOPERATION_LABELS,
        "role_labels": ROLE_LABELS,
        "visibility_labels": VISIBILITY_LABELS,
        "part_labels": PART_LABELS,
        "kind_labels": COLLABORATION_LABELS,
        "language_labels": pt.LANGUAGES,
    }


@router.get("", name="partners:search")
def search_partners(
    request: Request,
    db: DbSession,
    principal: Reader,
    q: Annotated[str, Query(max_length=80)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    industry: Annotated[str, Query(max_length=8)] = "",
    cooperation_type: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """Browse the profiles the visitor may see, filtered; htmx refreshes the results."""
    who = viewer(db, principal)
    filters = _filters(q, country, industry, cooperation_type)
    found = pt.search_profiles(db, who, filters)
    everything = pt.search_profiles(db, who, pt.SearchFilters())
    context = {
        "fmt": formatter(request),
        "profiles": found,
        "filters": filters,
        "countries": sorted({p.country for p in everything}),
        "industries": sorted({c for p in everything for c in p.nace_codes or []}),
        "own": pt.own_profiles(db, who),
        "publishable": pt.publishable_organisations(db, who),
        "searches": pt.list_searches(db, who),
        "signed_in": who.signed_in,
        **_vocabulary(),
    }
    block = "results" if request.headers.get("hx-request") == "true" else None
    return render(request, "partners/search.html", context, block=block)


@router.post("/searches", name="partners:save_search")
def save_search(
    request: Request,
    db: DbSession,
    principal: Contact,
    name: Annotated[str, Form(max_length=120)],
    q: Annotated[str, Form(max_length=80)] = "",
    country: Annotated[str, Form(max_length=2)] = "",
    industry: Annotated[str, Form(max_length=8)] = "",
    cooperation_type: Annotated[str, Form(max_length=16)] = "",
    notify: Annotated[bool, Form()] = False,
) -> Response:
    """Keep the current filters under a name; new matching profiles notify the owner."""
    filters = _filters(q, country, industry, cooperation_type)
    pt.save_search(db, viewer(db, principal), name=name, filters=filters, notify_new=notify)
    url = request.url_for("partners:search").include_query_params(**filters.to_dict())
    return RedirectResponse(str(url), status_code=303)


@router.post("/searches/{search_id}/delete", name="partners:delete_search")
def delete_search(request: Request, db: DbSession, principal: Contact, search_id: int) -> Response:
    """Delete one of the user's own saved searches."""
    pt.delete_search(db, viewer(db, principal), search_id)
    return RedirectResponse(str(request.url_for("partners:search")), status_code=303)


def profile_form(
    region_code: Annotated[str, Form(max_length=10)],
    offers: LongText = "",
    needs: LongText = "",
    name: Text = "",
    summary: Annotated[str, Form(max_length=2000)] = "",
    target_regions: Text = "",
    value_chain_roles: Choices = [],  # noqa: B006 (FastAPI copies defaults)
    nace_codes: Text = "",
    technologies: Text = "",
    cooperation_types: Choices = [],  # noqa: B006
    languages: Choices = [],  # noqa: B006
    visibility: Annotated[str, Form(max_length=16)] = "public",
    region_pairing: Annotated[bool, Form()] = False,
    website: Text = "",
) -> pt.ProfileInput:
    """The fields of the profile form, shared by publishing and editing."""
    return pt.ProfileInput(
        region_code=region_code,
        name=name,
        summary=summary,
        offers=offers,
        needs=needs,
        target_regions=split_list(target_regions),
        value_chain_roles=value_chain_roles,
        nace_codes=split_list(nace_codes),
        technologies=split_list(technologies),
        cooperation_types=cooperation_types,
        languages=languages,
        visibility=visibility,
        region_pairing=region_pairing,
        website=website,
    )


ProfileForm = Annotated[pt.ProfileInput, Depends(profile_form)]


def _form_context(request: Request, profile: PartnerProfile | None) -> dict[str, Any]:
    return {"fmt": formatter(request), "profile": profile, **_vocabulary()}


@router.get("/profiles/new", name="partners:new")
def new_profile(request: Request, db: DbSession, principal: Editor) -> Response:
    """The form to publish a profile for one of the user's organisations."""
    who = viewer(db, principal)
    context = _form_context(request, None)
    context["organisations"] = pt.publishable_organisations(db, who)
    return render(request, "partners/form.html", context)


@router.post("/profiles", name="partners:create")
def create_profile(
    request: Request,
    db: DbSession,
    principal: Editor,
    organisation_id: Annotated[int, Form()],
    profile: ProfileForm,
) -> Response:
    """Publish a profile; the browser goes to it."""
    created = pt.create_profile(
        db,
        viewer(db, principal),
        organisation_id,
        profile,
        encoder=get_semantic(request).encoder(),
    )
    url = request.url_for("partners:show", profile_id=created.id)
    return RedirectResponse(str(url), status_code=303)


@router.get("/profiles/{profile_id}", name="partners:show")
def show_profile(request: Request, db: DbSession, principal: Reader, profile_id: int) -> Response:
    """A profile: what it offers and needs, with whom it wants to work, and (signed in)
    the form to express interest and the organisation's recorded collaborations."""
    who = viewer(db, principal)
    profile = pt.visible_profile(db, who, profile_id)
    senders = [p for p in pt.own_profiles(db, who) if p.organisation_id != profile.organisation_id]
    collaborations = (
        pt.list_collaborations(db, who, organisation_id=profile.organisation_id)
        if Permission.NETWORK_READ in principal.permissions
        else []
    )
    context = {
        "fmt": formatter(request),
        "profile": profile,
        "editable": who.can_edit(profile),
        "senders": senders,
        "signed_in": who.signed_in,
        "collaborations": collaborations,
        **_vocabulary(),
    }
    return render(request, "partners/profile.html", context)


@router.get("/profiles/{profile_id}/edit", name="partners:edit")
def edit_profile(request: Request, db: DbSession, principal: Editor, profile_id: int) -> Response:
    """The form to change a profile of the user's own organisation."""
    profile = pt.editable_profile(db, viewer(db, principal), profile_id)
    return render(request, "partners/form.html", _form_context(request, profile))


@router.post("/profiles/{profile_id}", name="partners:update")
def update_profile(
    request: Request,
    db: DbSession,
    principal: Editor,
    profile_id: int,
    profile: ProfileForm,
) -> Response:
    """Change a profile (a new version: matching re-reads its texts)."""
    pt.update_profile(
        db,
        viewer(db, principal),
        profile_id,
        profile,
        encoder=get_semantic(request).encoder(),
    )
    url = request.url_for("partners:show", profile_id=profile_id)
    return RedirectResponse(str(url), status_code=303)


def match_result(
    request: Request, db: DbSession, principal: Principal, profile_id: int, limit: int = 20
) -> pt.MatchResult:
    """The ranked partners of a profile for the request's weights and filters (shared with
    the API): weights ``w_<part>``, ``country``, ``cooperation_type``."""
    params = dict(request.query_params)
    weights = pt.Weights.from_mapping(params)
    store, cache = statistics(request)
    return pt.match_profile(
        db,
        viewer(db, principal),
        profile_id,
        weights=weights,
        store=store,
        cache=cache,
        encoder=get_semantic(request).encoder(),
        limit=limit,
        country=params.get("country", "")[:2],
        cooperation_type=params.get("cooperation_type", "")[:16],
    )


@router.get("/profiles/{profile_id}/matches", name="partners:matches")
def list_matches(
    request: Request,
    db: DbSession,
    principal: Reader,
    profile_id: int,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """The best partners of a profile, each with its score and why (htmx re-ranks on a
    change of weights or filters)."""
    if len(request.query_params) > 20:
        raise InputError("too many parameters", field="query")
    who = viewer(db, principal)
    result = match_result(request, db, principal, profile_id, limit)
    acting = who.acts_for(result.profile)
    context = {
        "fmt": formatter(request),
        "result": result,
        "profile": result.profile,
        "acting": acting,
        "countries": pt.SEE_COUNTRIES,
        "filters": {
            "country": request.query_params.get("country", ""),
            "cooperation_type": request.query_params.get("cooperation_type", ""),
        },
        "parts": pt.PARTS,
        **_vocabulary(),
    }
    block = "ranking" if request.headers.get("hx-request") == "true" else None
    return render(request, "partners/matches.html", context, block=block)

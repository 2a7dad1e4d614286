"""The cluster organisation registry: list, profile with members (htmx), annual reports,
membership-change reports, stage cards with what is missing, stored evaluations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from polisee.errors import InputError
from polisee.services import clusters
from polisee.services import financing as fin
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._financing_common import formatter, viewer
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter()
Reader = Annotated[Principal, require(Permission.CLUSTER_READ)]
Editor = Annotated[Principal, require(Permission.CLUSTER_EDIT)]
Evaluator = Annotated[Principal, require(Permission.STAGE_EVALUATE)]
Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=4000)]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def _reporting_days(db: DbSession) -> int:
    rules = fin.membership_rules(db)
    return rules.report_within_days if rules else 10


@router.get("/cluster-organisations", name="cluster_organisations:list")
def list_cluster_organisations(
    request: Request,
    db: DbSession,
    principal: Reader,
    q: Annotated[str, Query(max_length=80)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    region: Annotated[str, Query(max_length=10)] = "",
    category: Annotated[str, Query(max_length=120)] = "",
) -> Response:
    """The registry, filtered by name, country, region and category; htmx refreshes the table."""
    who = viewer(db, principal)
    profiles = clusters.list_clusters(
        db,
        who,
        country=country[:2] or None,
        region=region[:10] or None,
        category=category[:120] or None,
        search=q[:80] or None,
    )
    everything = clusters.list_clusters(db, who)
    context = {
        "fmt": formatter(request),
        "profiles": profiles,
        "stages": fin.latest_stages(db, [p.cluster.id for p in profiles]),
        "ladders": {v.key: fin.ladder_of(v) for v in fin.latest_ladders(db)},
        "countries": sorted({p.cluster.country for p in everything}),
        "categories": sorted(
            {p.cluster.cluster_category for p in everything if p.cluster.cluster_category}
        ),
        "filters": {"q": q, "country": country, "region": region, "category": category},
        "organisations": clusters.registrable_organisations(db, who)
        if Permission.CLUSTER_EDIT in principal.permissions
        else [],
        "can_create": Permission.CLUSTER_EDIT in principal.permissions,
        "admin": who.admin,
    }
    block = "registry" if request.headers.get("hx-request") == "true" else None
    return render(request, "cluster_organisations/list.html", context, block=block)


def profile_form(
    name: Text,
    country: Annotated[str, Form(max_length=2)],
    region_code: Annotated[str, Form(max_length=10)],
    founded_year: Annotated[int, Form(ge=1900, le=2100)],
    legal_form: Annotated[str, Form(max_length=120)] = "",
    website: Text = "",
    management_fte: Annotated[Decimal, Form(ge=0, le=1000)] = Decimal(0),
    nace_codes: Text = "",
    cluster_category: Annotated[str, Form(max_length=120)] = "",
    technologies: Text = "",
    description: LongText = "",
) -> clusters.ClusterProfileInput:
    """The profile fields of the register and edit forms."""
    return clusters.ClusterProfileInput(
        name=name,
        country=country,
        region_code=region_code,
        founded_year=founded_year,
        legal_form=legal_form,
        website=website,
        management_fte=management_fte,
        nace_codes=_split(nace_codes),
        cluster_category=cluster_category,
        technologies=_split(technologies),
        description=description,
    )


Profile = Annotated[clusters.ClusterProfileInput, Depends(profile_form)]


@router.post("/cluster-organisations", name="cluster_organisations:create")
def create_cluster_organisation(
    request: Request,
    db: DbSession,
    principal: Editor,
    profile: Profile,
    organisation_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Register a cluster organisation for a platform organisation the user manages."""
    try:
        org_id = int(organisation_id) if organisation_id else None
    except ValueError:
        raise InputError(
            f"expected an organisation number, got {organisation_id!r}", field="organisation_id"
        ) from None
    cluster = clusters.create_cluster(
        db,
        viewer(db, principal),
        profile,
        organisation_id=org_id,
    )
    url = request.url_for("cluster_organisations:show", cluster_id=cluster.id)
    return RedirectResponse(str(url), status_code=303)


def _profile_context(
    request: Request, db: DbSession, principal: Principal, cluster_id: int
) -> dict[str, Any]:
    who = viewer(db, principal)
    cluster = clusters.get_cluster(db, who, cluster_id)
    days = _reporting_days(db)
    today = date.today()
    return {
        "fmt": formatter(request),
        "cluster": cluster,
        "editable": who.manages(cluster),
        "can_evaluate": Permission.STAGE_EVALUATE in principal.permissions,
        "members": clusters.members_of(db, cluster.id),
        "member_types": clusters.MEMBER_TYPES,
        "reports": clusters.reports_of(db, cluster.id),
        "cards": fin.stage_cards(db, who, cluster.id, as_of=today),
        "changes": clusters.list_changes(db, who, cluster.id, within_days=days, today=today),
        "reporting_days": days,
        "history": fin.list_evaluations(db, who, cluster.id),
        "flags": fin.membership_flags(db, who, [cluster], today=today),
        "today": today,
        "last_year": today.year - 1,
    }


@router.get("/cluster-organisations/{cluster_id}", name="cluster_organisations:show")
def show_cluster_organisation(
    request: Request, db: DbSession, principal: Reader, cluster_id: int
) -> Response:
    """A cluster organisation's profile: stage cards, members, reports, changes, history."""
    context = _profile_context(request, db, principal, cluster_id)
    return render(request, "cluster_organisations/show.html", context)


@router.post("/cluster-organisations/{cluster_id}", name="cluster_organisations:update")
def update_cluster_organisation(
    request: Request,
    db: DbSession,
    principal: Editor,
    cluster_id: int,
    profile: Profile,
) -> Response:
    """Change the profile of a cluster organisation the user manages."""
    clusters.update_cluster(
        db,
        viewer(db, principal),
        cluster_id,
        profile,
    )
    url = request.url_for("cluster_organisations:show", cluster_id=cluster_id)
    return RedirectResponse(str(url), status_code=303)


def _live(request: Request, db: DbSession, principal: Principal, cluster_id: int) -> Response:
    """After a member change: the live part (stage cards, members, changes) for htmx, or
    the whole page otherwise."""
    if request.headers.get("hx-request") == "true":
        context = _profile_context(request, db, principal, cluster_id)
        return render(request, "cluster_organisations/show.html", context, block="live")
    url = request.url_for("cluster_organisations:show", cluster_id=cluster_id)
    return RedirectResponse(str(url), status_code=303)


@router.post("/cluster-organisations/{cluster_id}/members", name="cluster_organisations:add_member")
def add_member(
    request: Request,
    db: DbSession,
    principal: Editor,
    cluster_id: int,
    name: Text,
    member_type: Annotated[str, Form(max_length=16)],
    country: Annotated[str, Form(max_length=2)],
    joined_on: Annotated[date, Form()],
    employees: Annotated[int | None, Form(ge=0, le=10_000_000)] = None,
) -> Response:
    """Add a member (a joining to report); htmx re-renders stage cards and members."""
    clusters.add_member(
        db,
        viewer(db, principal),
        cluster_id,
        name=name,
        member_type=member_type,
        country=country,
        joined_on=joined_on,
        employees=employees,
    )
    return _live(request, db, principal, cluster_id)


@router.post(
    "/cluster-organisations/{cluster_id}/members/{member_id}/leave",
    name="cluster_organisations:member_leaves",
)
def leave_member(
    request: Request,
    db: DbSession,
    principal: Editor,
    cluster_id: int,
    member_id: int,
    left_on: Annotated[date, Form()],
) -> Response:
    """Record that a member left (a leaving to report); htmx re-renders the live part."""
    clusters.member_leaves(db, viewer(db, principal), cluster_id, member_id, left_on=left_on)
    return _live(request, db, principal, cluster_id)


@router.post(
    "/cluster-organisations/{cluster_id}/reports", name="cluster_organisations:save_report"
)
def save_report(
    request: Request,
    db: DbSession,
    principal: Editor,
    cluster_id: int,
    year: Annotated[int, Form(ge=1900, le=2100)],
    members_turnover: Annotated[Decimal, Form(ge=0)],
    export_share_percent: Annotated[Decimal, Form(ge=0, le=100)],
    rd_spending: Annotated[Decimal, Form(ge=0)],
    joint_projects: Annotated[int, Form(ge=0)],
    patents: Annotated[int, Form(ge=0)],
    events: Annotated[int, Form(ge=0)],
    services: Annotated[int, Form(ge=0)],
    staff_fte: Annotated[Decimal, Form(ge=0)],
) -> Response:
    """Create or replace an annual report (the export share is entered in percent)."""
    clusters.save_report(
        db,
        viewer(db, principal),
        cluster_id,
        year=year,
        members_turnover=members_turnover,
        export_share=export_share_percent / 100,
        rd_spending=rd_spending,
        joint_projects=joint_projects,
        patents=patents,
        events=events,
        services=services,
        staff_fte=staff_fte,
    )
    url = request.url_for("cluster_organisations:show", cluster_id=cluster_id)
    return RedirectResponse(f"{url}#reports", status_code=303)


@router.post(
    "/cluster-organisations/{cluster_id}/membership-changes",
    name="cluster_organisations:report_changes",
)
def report_membership_changes(
    request: Request, db: DbSession, principal: Editor, cluster_id: int
) -> Response:
    """Report every pending membership change to the agency today."""
    clusters.report_changes(db, viewer(db, principal), cluster_id)
    return _live(request, db, principal, cluster_id)


@router.post(
    "/cluster-organisations/{cluster_id}/evaluations", name="cluster_organisations:evaluate"
)
def create_evaluation(
    request: Request,
    db: DbSession,
    principal: Evaluator,
    cluster_id: int,
    ladder: Annotated[str, Form(max_length=64)],
) -> Response:
    """Record an evaluation on the newest version of a ladder (kept with its inputs)."""
    stored = fin.evaluate_cluster(db, viewer(db, principal), cluster_id, ladder)
    assert stored.record is not None
    url = request.url_for(
        "cluster_organisations:evaluation", cluster_id=cluster_id, evaluation_id=stored.record.id
    )
    return RedirectResponse(str(url), status_code=303)


@router.get(
    "/cluster-organisations/{cluster_id}/evaluations/{evaluation_id}",
    name="cluster_organisations:evaluation",
)
def show_evaluation(
    request: Request, db: DbSession, principal: Reader, cluster_id: int, evaluation_id: int
) -> Response:
    """One stored evaluation: every rule with actual and required value, the rubric by
    section, what was missing, and a check that it recomputes from its stored inputs."""
    who = viewer(db, principal)
    stored = fin.get_evaluation(db, who, cluster_id, evaluation_id)
    assert stored.record is not None
    recomputed = fin.reproduce_evaluation(db, stored.record).to_json() == stored.record.result
    context = {
        "fmt": formatter(request),
        "cluster": clusters.get_cluster(db, who, cluster_id),
        "stored": stored,
        "ev": stored.evaluation,
        "ladder": fin.ladder_of(stored.ladder_version),
        "inputs": stored.record.inputs,
        "reproduced": recomputed,
    }
    return render(request, "cluster_organisations/evaluation.html", context)


@router.get("/membership-changes", name="cluster_organisations:changes")
def list_membership_changes(request: Request, db: DbSession, principal: Reader) -> Response:
    """Overdue membership-change reports and titles at risk of the membership-change rule."""
    who = viewer(db, principal)
    days = _reporting_days(db)
    visible = [p.cluster for p in clusters.list_clusters(db, who)]
    context = {
        "fmt": formatter(request),
        "overdue": clusters.overdue_changes(db, who, within_days=days),
        "flags": fin.membership_flags(db, who, visible),
        "rules": fin.membership_rules(db),
        "reporting_days": days,
    }
    return render(request, "cluster_organisations/changes.html", context)

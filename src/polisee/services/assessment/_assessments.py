"""Running an assessment: creation, invitations of respondents and reviewers, status,
publication and the chosen peer regions (the owner's changes, each audited)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, PermissionDenied
from polisee.records.accounts import User
from polisee.records.assessments import (
    Assessment,
    AssessmentStatus,
    Respondent,
    Reviewer,
    StakeholderGroup,
)
from polisee.records.base import utcnow
from polisee.records.permissions import Permission
from polisee.services.accounts import normalise_email
from polisee.services.assessment._access import managed, managing_organisations, normalise_region
from polisee.services.assessment._frameworks import DEFAULT_FRAMEWORK, ensure_framework
from polisee.services.audit import record_change, snapshot
from polisee.services.permissions import check_permission
from polisee.services.sessions import Principal

__all__ = [
    "MAX_PEERS",
    "create_assessment",
    "group_of",
    "invite_respondent",
    "invite_reviewer",
    "publish",
    "set_peers",
    "set_status",
]

MAX_PEERS = 8
_FIELDS = ("region_code", "round_year", "title", "status", "published", "peer_regions")


def _title(value: str, default: str) -> str:
    text = " ".join(value.split()) or default
    if len(text) > 300:
        raise InputError(f"expected at most 300 characters, got {len(text)}", field="title")
    return text


def create_assessment(
    session: Session,
    *,
    principal: Principal,
    region_code: str,
    round_year: int,
    title: str = "",
    organisation_id: int | None = None,
    framework_key: str = DEFAULT_FRAMEWORK,
    known_regions: Collection[str] | None = None,
    demo: bool = False,
) -> Assessment:
    """A new open assessment of ``region_code`` for ``round_year``, owned by ``principal``.

    It pins the newest version of the framework; ``known_regions`` (from the statistics
    store, when loaded) restricts the region codes. Conflict if the organisation already
    runs an assessment of the region in that round.
    """
    check_permission(principal.permissions, Permission.ASSESSMENT_EDIT)
    assert principal.user_id is not None
    region = normalise_region(region_code)
    if known_regions is not None and region not in known_regions:
        raise InputError(f"no region {region} in the statistics store", field="region_code")
    if not 1990 <= round_year <= 2100:
        raise InputError(
            f"expected a year between 1990 and 2100, got {round_year}", field="round_year"
        )
    organisations = managing_organisations(session, principal.user_id)
    if organisation_id is None:
        if len(organisations) > 1:
            raise InputError(
                "choose the organisation that runs the assessment", field="organisation_id"
            )
        organisation_id = organisations[0].id if organisations else None
    elif organisation_id not in {o.id for o in organisations}:
        raise PermissionDenied("you may run assessments only for your own organisation")
    clash = session.scalar(
        select(Assessment.id).where(
            Assessment.region_code == region,
            Assessment.round_year == round_year,
            Assessment.organisation_id == organisation_id
            if organisation_id is not None
            else Assessment.owner_id == principal.user_id,
        )
    )
    if clash is not None:
        raise Conflict(f"there is an assessment of {region} for {round_year} already (id {clash})")
    framework = ensure_framework(session, framework_key, actor=principal.actor)
    assessment = Assessment(
        framework_id=framework.id,
        region_code=region,
        round_year=round_year,
        title=_title(title, f"Self-assessment {region} {round_year}"),
        owner_id=principal.user_id,
        organisation_id=organisation_id,
        status=AssessmentStatus.OPEN,
        published=False,
        peer_regions=[],
        demo=demo,
    )
    session.add(assessment)
    session.flush()
    record_change(
        session,
        principal.actor,
        "assessment.create",
        "assessment",
        assessment.id,
        after={
            **snapshot(assessment, _FIELDS),
            "framework": f"{framework.key} v{framework.version}",
        },
    )
    return assessment


def group_of(value: StakeholderGroup | str) -> StakeholderGroup:
    """The stakeholder group ``value``; InputError names the groups."""
    try:
        return StakeholderGroup(value)
    except ValueError:
        choices = ", ".join(g.value for g in StakeholderGroup)
        raise InputError(
            f"expected one of {choices}, got {str(value)[:40]!r}", field="stakeholder_group"
        ) from None


def invite_respondent(
    session: Session,
    assessment_id: int,
    *,
    principal: Principal,
    email: str,
    stakeholder_group: StakeholderGroup | str,
) -> Respondent:
    """Invite someone by email to answer for a stakeholder group (owner only, while open).

    The invitation waits for an account with that email when there is none yet; an
    administrator invites people to the platform itself.
    """
    found = managed(session, assessment_id, principal)
    if found.assessment.status != AssessmentStatus.OPEN:
        raise Conflict("the assessment is closed; reopen it to invite respondents")
    address = normalise_email(email)
    group = group_of(stakeholder_group)
    if session.scalar(
        select(Respondent.id).where(
            Respondent.assessment_id == assessment_id, Respondent.email == address
        )
    ):
        raise Conflict(f"{address} is invited already")
    user_id = session.scalar(select(User.id).where(User.email == address))
    respondent = Respondent(
        assessment_id=assessment_id,
        email=address,
        user_id=user_id,
        stakeholder_group=group,
        invited_by_id=principal.user_id,
    )
    session.add(respondent)
    session.flush()
    record_change(
        session,
        principal.actor,
        "assessment.invite_respondent",
        "assessment",
        assessment_id,
        after={"respondent": respondent.id, "email": address, "stakeholder_group": group.value},
    )
    return respondent


def invite_reviewer(
    session: Session, assessment_id: int, *, principal: Principal, email: str, region_code: str
) -> Reviewer:
    """Invite a peer reviewer from another region (owner only); they need an account."""
    found = managed(session, assessment_id, principal)
    address = normalise_email(email)
    region = normalise_region(region_code)
    if region == found.assessment.region_code:
        raise InputError(
            f"peer reviewers come from other regions than {region}", field="region_code"
        )
    user = session.scalar(select(User).where(User.email == address))
    if user is None:
        raise InputError(
            f"no account for {address}; an administrator invites people to the platform first",
            field="email",
        )
    if user.id == found.assessment.owner_id or session.scalar(
        select(Respondent.id).where(
            Respondent.assessment_id == assessment_id,
            or_(Respondent.user_id == user.id, Respondent.email == address),
        )
    ):
        raise InputError(
            "a reviewer looks from outside: not the owner or a respondent", field="email"
        )
    if session.scalar(
        select(Reviewer.id).where(
            Reviewer.assessment_id == assessment_id, Reviewer.user_id == user.id
        )
    ):
        raise Conflict(f"{address} is a reviewer already")
    reviewer = Reviewer(
        assessment_id=assessment_id,
        user_id=user.id,
        region_code=region,
        invited_by_id=principal.user_id,
    )
    session.add(reviewer)
    session.flush()
    record_change(
        session,
        principal.actor,
        "assessment.invite_reviewer",
        "assessment",
        assessment_id,
        after={"reviewer": reviewer.id, "email": address, "region_code": region},
    )
    return reviewer


def set_status(
    session: Session, assessment_id: int, *, principal: Principal, status: AssessmentStatus | str
) -> Assessment:
    """Close (no more answers) or reopen the assessment (owner only)."""
    found = managed(session, assessment_id, principal)
    try:
        new = AssessmentStatus(status)
    except ValueError:
        raise InputError(
            f"expected open or closed, got {str(status)[:20]!r}", field="status"
        ) from None
    assessment = found.assessment
    before = snapshot(assessment, ("status",))
    if assessment.status == new:
        raise Conflict(f"the assessment is {new.value} already")
    assessment.status = new
    record_change(
        session,
        principal.actor,
        "assessment.status",
        "assessment",
        assessment.id,
        before=before,
        after=snapshot(assessment, ("status",)),
    )
    return assessment


def publish(
    session: Session, assessment_id: int, *, principal: Principal, published: bool
) -> Assessment:
    """Publish the results to every signed-in user and to peer benchmarks, or withdraw them."""
    found = managed(session, assessment_id, principal)
    assessment = found.assessment
    before = snapshot(assessment, ("published", "published_at"))
    if assessment.published == published:
        raise Conflict(
            "the results are published already" if published else "the results are not published"
        )
    assessment.published = published
    assessment.published_at = utcnow() if published else None
    record_change(
        session,
        principal.actor,
        "assessment.publish",
        "assessment",
        assessment.id,
        before=before,
        after=snapshot(assessment, ("published", "published_at")),
    )
    return assessment


def set_peers(
    session: Session, assessment_id: int, *, principal: Principal, regions: Sequence[str]
) -> Assessment:
    """Choose the peer regions to benchmark against (empty: use the suggested ones)."""
    found = managed(session, assessment_id, principal)
    assessment = found.assessment
    codes = list(dict.fromkeys(normalise_region(r, "peer_regions") for r in regions if r.strip()))
    if assessment.region_code in codes:
        raise InputError("a region is not its own peer", field="peer_regions")
    if len(codes) > MAX_PEERS:
        raise InputError(
            f"expected at most {MAX_PEERS} peer regions, got {len(codes)}", field="peer_regions"
        )
    before = {"peer_regions": list(assessment.peer_regions)}
    assessment.peer_regions = codes
    record_change(
        session,
        principal.actor,
        "assessment.peers",
        "assessment",
        assessment.id,
        before=before,
        after={"peer_regions": codes},
    )
    return assessment

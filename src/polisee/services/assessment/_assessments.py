"""Assessments: creation, who may see and do what (object-level rules), invitations of
respondents and reviewers, status, publication and the chosen peer regions."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import Membership, Organisation, User
from polisee.records.assessments import (
    Answer,
    AnswerStatus,
    Assessment,
    AssessmentStatus,
    Framework,
    Respondent,
    Reviewer,
    StakeholderGroup,
)
from polisee.records.base import utcnow
from polisee.records.permissions import ROLE_PERMISSIONS, Permission
from polisee.services.accounts import normalise_email
from polisee.services.assessment._definition import FrameworkDefinition
from polisee.services.assessment._frameworks import (
    DEFAULT_FRAMEWORK,
    definition_of,
    ensure_framework,
)
from polisee.services.audit import record_change, snapshot
from polisee.services.permissions import check_permission
from polisee.services.sessions import Principal

__all__ = [
    "MAX_PEERS",
    "Access",
    "AssessmentSummary",
    "RespondentProgress",
    "access",
    "create_assessment",
    "get_assessment",
    "invite_respondent",
    "invite_reviewer",
    "list_assessments",
    "managing_organisations",
    "normalise_region",
    "progress",
    "publish",
    "published_regions",
    "set_peers",
    "set_status",
]

MAX_PEERS = 8
_REGION = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
_FIELDS = ("region_code", "round_year", "title", "status", "published", "peer_regions")


def normalise_region(code: str, field: str = "region_code") -> str:
    """A NUTS code upper-cased; InputError unless it looks like one (``HU21``, ``DE1``, ``AT``).

    >>> normalise_region(" hu21 ")
    'HU21'
    """
    value = code.strip().upper()
    if not _REGION.match(value):
        raise InputError(f"expected a NUTS region code like HU21, got {code[:20]!r}", field=field)
    return value


def get_assessment(session: Session, assessment_id: int) -> Assessment:
    """The assessment with this id, else NotFound."""
    found = session.get(Assessment, assessment_id)
    if found is None:
        raise NotFound(f"no assessment with id {assessment_id}")
    return found


@dataclass(frozen=True)
class Access:
    """What one signed-in user may do with one assessment."""

    assessment: Assessment
    framework: Framework
    definition: FrameworkDefinition
    owner: bool
    colleague: bool
    can_edit: bool
    respondent: Respondent | None
    reviewer: Reviewer | None
    respondent_done: bool

    @property
    def can_manage(self) -> bool:
        """Invite, close, publish, choose peers, reply to reviewers: the owner only."""
        return self.owner and self.can_edit

    @property
    def can_view(self) -> bool:
        return (
            self.owner
            or self.colleague
            or self.respondent is not None
            or self.reviewer is not None
            or self.assessment.published
        )

    @property
    def can_view_results(self) -> bool:
        """Owner, the owner's organisation, reviewers, respondents once they have submitted
        every answer, and every signed-in user once the results are published."""
        return (
            self.owner
            or self.colleague
            or self.reviewer is not None
            or self.respondent_done
            or self.assessment.published
        )

    @property
    def can_answer(self) -> bool:
        return self.respondent is not None and self.assessment.status == AssessmentStatus.OPEN


def _respondent_of(session: Session, assessment_id: int, principal: Principal) -> Respondent | None:
    # An invitation by email counts as soon as an account with that email signs in.
    return session.scalar(
        select(Respondent).where(
            Respondent.assessment_id == assessment_id,
            or_(
                Respondent.user_id == principal.user_id,
                (Respondent.user_id.is_(None)) & (Respondent.email == principal.email),
            ),
        )
    )


def _submitted_count(session: Session, respondent_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Answer)
            .where(Answer.respondent_id == respondent_id, Answer.status == AnswerStatus.SUBMITTED)
        )
        or 0
    )


def access(session: Session, assessment_id: int, principal: Principal) -> Access:
    """What ``principal`` may do with the assessment (NotFound if it does not exist)."""
    if principal.user_id is None:
        raise PermissionDenied("sign in to see assessments")
    assessment = get_assessment(session, assessment_id)
    framework = session.get(Framework, assessment.framework_id)
    assert framework is not None
    definition = definition_of(framework)
    colleague = assessment.organisation_id is not None and (
        session.scalar(
            select(Membership.id).where(
                Membership.user_id == principal.user_id,
                Membership.organisation_id == assessment.organisation_id,
            )
        )
        is not None
    )
    respondent = _respondent_of(session, assessment.id, principal)
    reviewer = session.scalar(
        select(Reviewer).where(
            Reviewer.assessment_id == assessment.id, Reviewer.user_id == principal.user_id
        )
    )
    done = respondent is not None and _submitted_count(session, respondent.id) >= len(
        definition.criteria
    )
    return Access(
        assessment=assessment,
        framework=framework,
        definition=definition,
        owner=assessment.owner_id == principal.user_id,
        colleague=colleague,
        can_edit=Permission.ASSESSMENT_EDIT in principal.permissions,
        respondent=respondent,
        reviewer=reviewer,
        respondent_done=done,
    )


def _viewable(session: Session, assessment_id: int, principal: Principal) -> Access:
    found = access(session, assessment_id, principal)
    if not found.can_view:
        raise PermissionDenied("this assessment is not shared with you")
    return found


def _managed(session: Session, assessment_id: int, principal: Principal) -> Access:
    check_permission(principal.permissions, Permission.ASSESSMENT_EDIT)
    found = access(session, assessment_id, principal)
    if not found.can_manage:
        raise PermissionDenied("only the owner of the assessment may change it")
    return found


def managing_organisations(session: Session, user_id: int) -> list[Organisation]:
    """The organisations in which the user holds a role that may run assessments."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if Permission.ASSESSMENT_EDIT in perms]
    return list(
        session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id, Membership.role.in_(roles))
            .distinct()
            .order_by(Organisation.name)
        )
    )


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


def _group(value: StakeholderGroup | str) -> StakeholderGroup:
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
    found = _managed(session, assessment_id, principal)
    if found.assessment.status != AssessmentStatus.OPEN:
        raise Conflict("the assessment is closed; reopen it to invite respondents")
    address = normalise_email(email)
    group = _group(stakeholder_group)
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
    found = _managed(session, assessment_id, principal)
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
    found = _managed(session, assessment_id, principal)
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
    found = _managed(session, assessment_id, principal)
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
    found = _managed(session, assessment_id, principal)
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


@dataclass(frozen=True)
class AssessmentSummary:
    """An assessment as the list shows it, with the viewer's relation to it."""

    id: int
    title: str
    region_code: str
    round_year: int
    status: AssessmentStatus
    published: bool
    demo: bool
    framework: str
    created_at: datetime
    relation: str  # owner, organisation, respondent, reviewer or published


def list_assessments(session: Session, principal: Principal) -> list[AssessmentSummary]:
    """The assessments the principal may see, newest round first."""
    if principal.user_id is None:
        return []
    organisations = select(Membership.organisation_id).where(
        Membership.user_id == principal.user_id
    )
    as_respondent = select(Respondent.assessment_id).where(
        or_(
            Respondent.user_id == principal.user_id,
            (Respondent.user_id.is_(None)) & (Respondent.email == principal.email),
        )
    )
    as_reviewer = select(Reviewer.assessment_id).where(Reviewer.user_id == principal.user_id)
    rows = session.execute(
        select(Assessment, Framework.key, Framework.version)
        .join(Framework, Framework.id == Assessment.framework_id)
        .where(
            or_(
                Assessment.owner_id == principal.user_id,
                Assessment.organisation_id.in_(organisations),
                Assessment.id.in_(as_respondent),
                Assessment.id.in_(as_reviewer),
                Assessment.published.is_(True),
            )
        )
        .order_by(Assessment.round_year.desc(), Assessment.region_code, Assessment.id.desc())
    ).all()
    mine_orgs = set(session.scalars(organisations))
    responding = set(session.scalars(as_respondent))
    reviewing = set(session.scalars(as_reviewer))
    out = []
    for assessment, key, version in rows:
        if assessment.owner_id == principal.user_id:
            relation = "owner"
        elif assessment.organisation_id in mine_orgs:
            relation = "organisation"
        elif assessment.id in responding:
            relation = "respondent"
        elif assessment.id in reviewing:
            relation = "reviewer"
        else:
            relation = "published"
        out.append(
            AssessmentSummary(
                id=assessment.id,
                title=assessment.title,
                region_code=assessment.region_code,
                round_year=assessment.round_year,
                status=assessment.status,
                published=assessment.published,
                demo=assessment.demo,
                framework=f"{key} v{version}",
                created_at=assessment.created_at,
                relation=relation,
            )
        )
    return out


@dataclass(frozen=True)
class RespondentProgress:
    """One respondent's progress: answers saved as draft and submitted."""

    id: int
    email: str
    display_name: str | None
    stakeholder_group: StakeholderGroup
    drafts: int
    submitted: int
    criteria: int
    invited_at: datetime

    @property
    def done(self) -> bool:
        return self.submitted >= self.criteria


def progress(
    session: Session, assessment_id: int, principal: Principal
) -> list[RespondentProgress]:
    """Every respondent's progress, for the owner and the owner's organisation."""
    found = _viewable(session, assessment_id, principal)
    if not (found.owner or found.colleague):
        raise PermissionDenied("only the owner's organisation sees who has answered")
    counts: dict[tuple[int, AnswerStatus], int] = {
        (rid, status): int(n)
        for rid, status, n in session.execute(
            select(Answer.respondent_id, Answer.status, func.count())
            .join(Respondent, Respondent.id == Answer.respondent_id)
            .where(Respondent.assessment_id == assessment_id)
            .group_by(Answer.respondent_id, Answer.status)
        ).all()
    }
    criteria = len(found.definition.criteria)
    rows = session.execute(
        select(Respondent, User.display_name)
        .outerjoin(User, User.id == Respondent.user_id)
        .where(Respondent.assessment_id == assessment_id)
        .order_by(Respondent.stakeholder_group, Respondent.email)
    ).all()
    return [
        RespondentProgress(
            id=r.id,
            email=r.email,
            display_name=name,
            stakeholder_group=r.stakeholder_group,
            drafts=counts.get((r.id, AnswerStatus.DRAFT), 0),
            submitted=counts.get((r.id, AnswerStatus.SUBMITTED), 0),
            criteria=criteria,
            invited_at=r.invited_at,
        )
        for r, name in rows
    ]


def published_regions(session: Session, framework_key: str) -> list[str]:
    """Regions with published results on framework ``framework_key`` (any version)."""
    return list(
        session.scalars(
            select(Assessment.region_code)
            .join(Framework, Framework.id == Assessment.framework_id)
            .where(Assessment.published.is_(True), Framework.key == framework_key)
            .distinct()
            .order_by(Assessment.region_code)
        )
    )

"""Who may see and do what with an assessment (the object-level rules), and the lists of
assessments and respondents' progress."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from polisee.errors import InputError, NotFound, PermissionDenied
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
from polisee.records.permissions import Permission
from polisee.services.accounts import organisations_granting
from polisee.services.assessment._definition import FrameworkDefinition
from polisee.services.assessment._frameworks import definition_of
from polisee.services.permissions import check_permission
from polisee.services.sessions import Principal

__all__ = [
    "Access",
    "AssessmentSummary",
    "RespondentProgress",
    "access",
    "get_assessment",
    "list_assessments",
    "managed",
    "managing_organisations",
    "normalise_region",
    "progress",
    "published_regions",
]

_REGION = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")


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


def viewable(session: Session, assessment_id: int, principal: Principal) -> Access:
    found = access(session, assessment_id, principal)
    if not found.can_view:
        raise PermissionDenied("this assessment is not shared with you")
    return found


def managed(session: Session, assessment_id: int, principal: Principal) -> Access:
    check_permission(principal.permissions, Permission.ASSESSMENT_EDIT)
    found = access(session, assessment_id, principal)
    if not found.can_manage:
        raise PermissionDenied("only the owner of the assessment may change it")
    return found


def managing_organisations(session: Session, user_id: int) -> list[Organisation]:
    """The organisations in which the user holds a role that may run assessments."""
    return organisations_granting(session, user_id, Permission.ASSESSMENT_EDIT)


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
    found = viewable(session, assessment_id, principal)
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

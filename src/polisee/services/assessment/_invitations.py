"""Invitation links: respondents without an account answer through a link of their own.

The owner invites by email, name and stakeholder group and gets a link to copy (the
platform sends no mail). The link is ``selector.verifier``: the selector finds the
invitation, the verifier is compared with its stored SHA-256 in constant time, so neither
the database nor response times tell a guessed link apart from a wrong one. A link opens
one respondent's questionnaire of one assessment, until it expires or the owner revokes
it; drafts resume through the same link, submitted answers are locked and shown read-only.
Answers given through a link are the respondent's answers like any other: they count in
the results the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import User
from polisee.records.assessments import (
    AssessmentStatus,
    Framework,
    Respondent,
    RespondentInvitation,
)
from polisee.records.base import utcnow
from polisee.services.accounts import normalise_email
from polisee.services.assessment._access import Access, get_assessment, managed, viewable
from polisee.services.assessment._answers import (
    AnswerInput,
    AnswerView,
    Questionnaire,
    answers_of,
    write_answers,
)
from polisee.services.assessment._assessments import group_of
from polisee.services.assessment._frameworks import definition_of
from polisee.services.audit import Actor, record_change
from polisee.services.sessions import Principal

__all__ = [
    "LINK_DAYS",
    "MAX_LINK_DAYS",
    "InvitationLink",
    "InvitationView",
    "LinkExpired",
    "LinkQuestionnaire",
    "LinkRevoked",
    "create_invitation_link",
    "invitation_links",
    "link_questionnaire",
    "revoke_invitation_link",
    "save_link_answers",
]

LINK_DAYS = 30
"""How long a new link works unless the owner chooses otherwise."""
MAX_LINK_DAYS = 180

_TOKEN = re.compile(r"^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$")
# Compared against when the selector is unknown, so that a miss costs what a hit costs.
_DUMMY_HASH = hashlib.sha256(b"polisee: no such invitation").hexdigest()


class LinkRevoked(PermissionDenied):
    """The invitation link was revoked by the assessment's owner."""


class LinkExpired(PermissionDenied):
    """The invitation link has expired."""


def _digest(verifier: str) -> str:
    return hashlib.sha256(verifier.encode()).hexdigest()


@dataclass(frozen=True)
class InvitationLink:
    """A new invitation and its link token, shown once: only a hash of it is stored."""

    invitation: RespondentInvitation
    token: str


@dataclass(frozen=True)
class InvitationView:
    """An invitation link as the owner's list shows it (never the token)."""

    id: int
    respondent_id: int
    email: str
    name: str
    stakeholder_group: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime | None = None) -> str:
        """``revoked``, ``expired`` or ``active``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or utcnow()):
            return "expired"
        return "active"


def create_invitation_link(
    session: Session,
    assessment_id: int,
    *,
    principal: Principal,
    email: str,
    name: str,
    stakeholder_group: str,
    days: int = LINK_DAYS,
) -> InvitationLink:
    """Invite someone to answer through a link (owner only, while the assessment is open).

    An email already invited keeps its respondent (and answers): the new link is for that
    respondent, whose stakeholder group must then be the same, and who must have no other
    link still working.
    """
    found = managed(session, assessment_id, principal)
    if found.assessment.status != AssessmentStatus.OPEN:
        raise Conflict("the assessment is closed; reopen it to invite respondents")
    address = normalise_email(email)
    group = group_of(stakeholder_group)
    clean_name = " ".join(name.split())
    if not clean_name or len(clean_name) > 200:
        raise InputError(
            f"expected a name of 1 to 200 characters, got {len(clean_name)}", field="name"
        )
    if not 1 <= days <= MAX_LINK_DAYS:
        raise InputError(f"expected 1 to {MAX_LINK_DAYS} days, got {days}", field="days")
    now = utcnow()
    respondent = session.scalar(
        select(Respondent).where(
            Respondent.assessment_id == assessment_id, Respondent.email == address
        )
    )
    if respondent is None:
        respondent = Respondent(
            assessment_id=assessment_id,
            email=address,
            user_id=session.scalar(select(User.id).where(User.email == address)),
            stakeholder_group=group,
            invited_by_id=principal.user_id,
        )
        session.add(respondent)
        session.flush()
    else:
        if respondent.stakeholder_group != group:
            raise Conflict(
                f"{address} is invited already for {respondent.stakeholder_group.value}, "
                f"not {group.value}"
            )
        live = session.scalar(
            select(RespondentInvitation.id).where(
                RespondentInvitation.respondent_id == respondent.id,
                RespondentInvitation.revoked_at.is_(None),
                RespondentInvitation.expires_at > now,
            )
        )
        if live is not None:
            raise Conflict(f"{address} has a working link already; revoke it to make a new one")
    selector = secrets.token_urlsafe(12)
    verifier = secrets.token_urlsafe(32)
    invitation = RespondentInvitation(
        respondent_id=respondent.id,
        name=clean_name,
        selector=selector,
        verifier_hash=_digest(verifier),
        expires_at=now + timedelta(days=days),
        created_by_id=principal.user_id,
        created_at=now,
    )
    session.add(invitation)
    session.flush()
    record_change(
        session,
        principal.actor,
        "assessment.invitation_link_create",
        "assessment",
        assessment_id,
        after={
            "invitation": invitation.id,
            "respondent": respondent.id,
            "email": address,
            "name": clean_name,
            "stakeholder_group": group.value,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return InvitationLink(invitation, f"{selector}.{verifier}")


def invitation_links(
    session: Session, assessment_id: int, principal: Principal
) -> list[InvitationView]:
    """The assessment's invitation links, newest first (the owner's organisation only)."""
    found = viewable(session, assessment_id, principal)
    if not (found.owner or found.colleague):
        raise PermissionDenied("only the owner's organisation sees the invitation links")
    rows = session.execute(
        select(RespondentInvitation, Respondent)
        .join(Respondent, Respondent.id == RespondentInvitation.respondent_id)
        .where(Respondent.assessment_id == assessment_id)
        .order_by(RespondentInvitation.created_at.desc(), RespondentInvitation.id.desc())
    ).all()
    return [
        InvitationView(
            id=i.id,
            respondent_id=r.id,
            email=r.email,
            name=i.name,
            stakeholder_group=r.stakeholder_group.value,
            created_at=i.created_at,
            expires_at=i.expires_at,
            revoked_at=i.revoked_at,
            last_used_at=i.last_used_at,
        )
        for i, r in rows
    ]


def revoke_invitation_link(
    session: Session, assessment_id: int, invitation_id: int, *, principal: Principal
) -> RespondentInvitation:
    """Stop a link from working (owner only). Answers given through it stay."""
    managed(session, assessment_id, principal)
    invitation = session.get(RespondentInvitation, invitation_id)
    respondent = None if invitation is None else session.get(Respondent, invitation.respondent_id)
    if invitation is None or respondent is None or respondent.assessment_id != assessment_id:
        raise NotFound(f"no invitation link {invitation_id} in assessment {assessment_id}")
    if invitation.revoked_at is not None:
        raise Conflict("the link is revoked already")
    invitation.revoked_at = utcnow()
    invitation.revoked_by_id = principal.user_id
    session.flush()
    record_change(
        session,
        principal.actor,
        "assessment.invitation_link_revoke",
        "assessment",
        assessment_id,
        before={"invitation": invitation.id, "revoked_at": None},
        after={"invitation": invitation.id, "revoked_at": invitation.revoked_at.isoformat()},
    )
    return invitation


def _invitation(session: Session, assessment_id: int, token: str) -> RespondentInvitation:
    """The working invitation behind ``token`` for this assessment.

    NotFound for a malformed, unknown or wrong token and for another assessment's;
    PermissionDenied for a revoked or expired one.
    """
    match = _TOKEN.match(token)
    selector, verifier = match.groups() if match else ("", token)
    invitation = (
        session.scalar(
            select(RespondentInvitation).where(RespondentInvitation.selector == selector)
        )
        if match
        else None
    )
    expected = invitation.verifier_hash if invitation is not None else _DUMMY_HASH
    genuine = hmac.compare_digest(_digest(verifier), expected)
    if invitation is None or not genuine:
        raise NotFound("no such invitation link")
    respondent = session.get(Respondent, invitation.respondent_id)
    if respondent is None or respondent.assessment_id != assessment_id:
        raise NotFound("no such invitation link")
    if invitation.revoked_at is not None:
        raise LinkRevoked("this invitation link was revoked by the assessment's owner")
    if invitation.expires_at <= utcnow():
        raise LinkExpired("this invitation link has expired; ask the owner for a new one")
    return invitation


@dataclass(frozen=True)
class LinkQuestionnaire(Questionnaire):
    """A questionnaire opened through an invitation link."""

    invitation: RespondentInvitation | None = None


def _link_access(session: Session, assessment_id: int, token: str) -> LinkQuestionnaire:
    invitation = _invitation(session, assessment_id, token)
    respondent = session.get(Respondent, invitation.respondent_id)
    assert respondent is not None
    assessment = get_assessment(session, assessment_id)
    framework = session.get(Framework, assessment.framework_id)
    assert framework is not None
    definition = definition_of(framework)
    answers = answers_of(session, respondent.id)
    done = sum(1 for a in answers.values() if a.locked) >= len(definition.criteria)
    found = Access(
        assessment=assessment,
        framework=framework,
        definition=definition,
        owner=False,
        colleague=False,
        can_edit=False,
        respondent=respondent,
        reviewer=None,
        respondent_done=done,
    )
    return LinkQuestionnaire(found, definition, answers, invitation)


def link_questionnaire(session: Session, assessment_id: int, token: str) -> LinkQuestionnaire:
    """The questionnaire of the link's respondent with the answers saved so far."""
    return _link_access(session, assessment_id, token)


def save_link_answers(
    session: Session,
    assessment_id: int,
    token: str,
    *,
    answers: dict[str, AnswerInput],
    submit: bool = False,
    complete: bool = False,
) -> dict[str, AnswerView]:
    """Save or submit answers through a link: the rules of :func:`save_answers`, audited
    as the invitation (there is no user)."""
    found = _link_access(session, assessment_id, token)
    invitation = found.invitation
    respondent = found.access.respondent
    assert invitation is not None
    assert respondent is not None
    actor = Actor(None, f"invitation {invitation.id} ({respondent.email})")
    out = write_answers(
        session, found.access, respondent, actor, answers, submit=submit, complete=complete
    )
    invitation.last_used_at = utcnow()
    return out

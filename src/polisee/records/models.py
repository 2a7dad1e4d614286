"""Every record class, imported in one place so that the metadata is complete."""

from __future__ import annotations

from polisee.records.accounts import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    PasswordResetToken,
    User,
)
from polisee.records.assessments import (
    Answer,
    AnswerStatus,
    Assessment,
    AssessmentStatus,
    Framework,
    Respondent,
    Reviewer,
    ReviewKind,
    ReviewMessage,
    StakeholderGroup,
)
from polisee.records.audit import AuditEntry
from polisee.records.base import Base
from polisee.records.sessions import LoginFailure, WebSession

__all__ = [
    "Answer",
    "AnswerStatus",
    "Assessment",
    "AssessmentStatus",
    "AuditEntry",
    "Base",
    "Framework",
    "Invitation",
    "LoginFailure",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "PasswordResetToken",
    "Respondent",
    "ReviewKind",
    "ReviewMessage",
    "Reviewer",
    "StakeholderGroup",
    "User",
    "WebSession",
]
